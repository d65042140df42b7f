"""What the decision pages show beyond their own fields: the filtered decision log, and on one
decision its figures, "you said, we did", ratings and the rating form. Registered as
`page_context` hooks in `wagtail_hooks.py` (see `coproduce.page_context`)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator

from engagement.consultations.selectors import consultation_topics
from engagement.decisions.evidence import people_count
from engagement.decisions.forms import ContestForm, DecisionFilterForm, DecisionRatingForm
from engagement.decisions.models import DecisionIndexPage, DecisionPage, RatingCommentReport
from engagement.decisions.selectors import (
    decision_detail,
    decision_list,
    rating_comment_reports,
    series_change_since,
)

DECISIONS_PER_PAGE = 20


def decision_index_context(*, page: DecisionIndexPage, request) -> dict:
    form = DecisionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # A page at a time: the log's cost does not grow with the number of decisions.
    decisions = Paginator(decision_list(index=page, **filters), DECISIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for decision in decisions:
        # A number of 1 to 4 ratings is hidden, and its average with it (`people_count`).
        decision.rating_hidden = people_count(decision.rating_count) is None and bool(
            decision.rating_count
        )
    # The filters as the reader typed them, for the links to the other pages.
    typed = {name: request.GET[name] for name in form.fields if request.GET.get(name)}
    return {
        "filter_form": form,
        "decisions": decisions,
        "query_without_page": urlencode(typed if form.is_valid() else {}),
        "topics": consultation_topics(),
    }


def decision_context(*, page: DecisionPage, request) -> dict:
    context = decision_detail(decision=page, user=request.user)
    existing = context.get("my_rating")
    context["rating_form"] = DecisionRatingForm(
        initial={"score": existing.score, "comment": existing.comment} if existing else None
    )
    user = request.user
    context["may_contest"] = user.has_perm("engagement.contest_decision", page)
    context["may_answer_contests"] = user.has_perm("engagement.answer_contest", page)
    context["may_moderate"] = user.has_perm("engagement.moderate_rating", page)
    context["contest_form"] = ContestForm(items=context["items"])
    context["may_report"] = user.has_perm("engagement.report_rating_comment", page)
    context["report_reasons"] = RatingCommentReport.Reason.choices
    comments = context["ratings"]["comments"]
    reports = rating_comment_reports(
        rating_ids=[c.pk for c in comments], user=user, with_reasons=context["may_moderate"]
    )
    for comment in comments:
        comment.mine = user.is_authenticated and comment.user_id == user.pk
        comment.reported_by_me = comment.pk in reports["mine"]
        comment.reported_as = reports["by_rating"].get(comment.pk, [])
    context["series_change"] = series_change_since(decision=page)
    return context
