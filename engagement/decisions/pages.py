"""What the decision pages show beyond their own fields: the filtered decision log, and on one
decision its figures, "you said, we did", ratings and the rating form. Registered as
`page_context` hooks in `wagtail_hooks.py` (see `coproduce.page_context`)."""

from engagement.consultations.selectors import consultation_topics
from engagement.decisions.forms import ContestForm, DecisionFilterForm, DecisionRatingForm
from engagement.decisions.models import DecisionIndexPage, DecisionPage
from engagement.decisions.selectors import decision_detail, decision_list, series_change_since


def decision_index_context(*, page: DecisionIndexPage, request) -> dict:
    form = DecisionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return {
        "filter_form": form,
        "decisions": decision_list(index=page, **filters),
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
    context["series_change"] = series_change_since(decision=page)
    return context
