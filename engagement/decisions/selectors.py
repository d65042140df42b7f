"""Read paths for decisions: the public log, one decision with its participation figures, the
involvement report, the people to tell on publication, and the open-data shapes.

Every count is computed in the database (annotate/aggregate); no page loops over responses."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import TaskState

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE, is_hidden, protect_row, protect_table
from coproduce.disclosure import Table as DisclosureTable
from coproduce.equality import NOT_ANSWERS
from coproduce.notifications.models import NotificationPreference
from deliberation.models import RoomEvent, Session
from deliberation.opinions import selectors as opinion_selectors
from deliberation.opinions.analysis import MIN_VOTERS
from engagement.consultations.models import (
    Answer,
    ConsultationPage,
    EqualityMonitoring,
    QuestionKind,
    Response,
    ResponseStatus,
)
from engagement.consultations.representativeness import responses_representativeness
from engagement.consultations.results import QuestionResult, consultation_results
from engagement.consultations.waves import series_comparison
from engagement.decisions.evidence import (  # noqa: F401  (public reads)
    Evidence,
    decision_evidence,
    people_count,
    session_participation,
    took_part_in_decision,
)
from engagement.decisions.models import (
    EVIDENCE_RULES,
    Contest,
    DecisionIndexPage,
    DecisionPage,
    DecisionRating,
    InvolvementLevel,
    Notification,
    RatingCommentReport,
    ResponseOutcome,
    SignOffResponse,
    SignOffVerdict,
    Theme,
    ThemeCode,
    YouSaidItem,
    approved_sign_off,
)
from engagement.decisions.workflow import (  # noqa: F401  (public reads)
    group_member_task_states,
    sign_off_task_states_for,
)
from engagement.group_representativeness.selectors import (
    SessionsPeople,
    sessions_representativeness,
)

User = get_user_model()

# The decision log's order, shared by its page, feed and API: proposals not yet decided first
# (NULLS FIRST said outright: PostgreSQL puts nulls first when descending, SQLite last), then
# the latest decided, the latest published, and the newest page, so no two decisions tie and
# pages never repeat or skip one.
LOG_ORDER = (F("decided_on").desc(nulls_first=True), "-first_published_at", "-pk")


# --- The public log -------------------------------------------------------------------------


def decision_list(
    *,
    index: DecisionIndexPage | None = None,
    topic=None,
    status: str = "",
    decided_from: dt.date | None = None,
    decided_to: dt.date | None = None,
) -> QuerySet[DecisionPage]:
    """Live decisions, newest decision first, optionally filtered by topic, status and the
    date decided, each annotated with its rating average and count."""
    decisions = DecisionPage.objects.live()
    if index is not None:
        decisions = decisions.child_of(index)
    if topic:
        decisions = decisions.filter(topics=topic)
    if status:
        decisions = decisions.filter(status=status)
    if decided_from:
        decisions = decisions.filter(decided_on__gte=decided_from)
    if decided_to:
        decisions = decisions.filter(decided_on__lte=decided_to)
    return (
        decisions.annotate(
            rating_average=Avg("ratings__score"), rating_count=Count("ratings", distinct=True)
        )
        .prefetch_related("topics")
        .order_by(*LOG_ORDER)
    )


# --- One decision ---------------------------------------------------------------------------


def consultations_with_figures(*, decision: DecisionPage) -> list[ConsultationPage]:
    """The consultations that informed a decision, each with `response_count` (sent
    responses) counted in SQL."""
    return list(
        ConsultationPage.objects.filter(decisions=decision)
        .annotate(
            response_count=Count(
                "responses",
                filter=Q(responses__status=ResponseStatus.SUBMITTED),
                distinct=True,
            )
        )
        .order_by("closes_at", "pk")
    )


def session_figures(*, decision: DecisionPage) -> dict:
    """The linked co-production sessions, each with how many people took part, and how many
    different people took part in any of them."""
    sessions = list(
        Session.objects.filter(decisions=decision)
        .select_related("group")
        .order_by("scheduled_at", "pk")
    )
    pairs = session_participation(session_ids=[s.pk for s in sessions])
    per_session = defaultdict(int)
    for session_id, _user_id in pairs:
        per_session[session_id] += 1
    # Counts of people are published through `people_count`: 1 to 4 show as "[c]".
    for session in sessions:
        session.participant_count = people_count(per_session[session.pk])
    return {
        "sessions": sessions,
        "session_count": len(sessions),
        "member_count": people_count(len({user_id for _session_id, user_id in pairs})),
    }


def _question_figure(result: QuestionResult, choice_id: int | None) -> str:
    """The figure a "you said" point reports for a cited question, from the results (never
    typed): the cited choice, or the leading one."""
    question = result.question.text
    answered = result.answered
    kind = result.kind
    chosen = next((c for c in result.choices if c.choice_id == choice_id), None)
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) and result.choices:
        choice = chosen or max(result.choices, key=lambda c: c.count)
        return _("%(percent).0f%% of the %(n)d people who answered “%(q)s” chose “%(label)s”.") % {
            "percent": choice.percent,
            "n": answered,
            "q": question,
            "label": choice.label,
        }
    if kind == QuestionKind.RANKING and result.choices:
        ranked = [c for c in result.choices if c.mean_rank is not None]
        if ranked:
            choice = chosen or min(ranked, key=lambda c: c.mean_rank)
            return _(
                "The %(n)d people who answered “%(q)s” put “%(label)s” at %(rank).1f on "
                "average (1 is first)."
            ) % {"n": answered, "q": question, "label": choice.label, "rank": choice.mean_rank}
    if kind == QuestionKind.POINTS and result.choices:
        choice = chosen or max(result.choices, key=lambda c: c.points or 0)
        return _(
            "“%(label)s” got %(percent).0f%% of the points the %(n)d people who answered "
            "“%(q)s” gave."
        ) % {
            "label": choice.label,
            "percent": choice.points_percent or 0,
            "n": answered,
            "q": question,
        }
    if kind == QuestionKind.AGREEMENT_SCALE and result.scale:
        agree = sum(p.percent for p in result.scale if p.value >= 4)
        return _(
            "%(percent).0f%% of the %(n)d people who answered “%(q)s” agreed or strongly agreed."
        ) % {"percent": agree, "n": answered, "q": question}
    if kind == QuestionKind.FREE_TEXT:
        return _("%(n)d people answered “%(q)s”.") % {"n": result.text_count, "q": question}
    return _("Nobody has answered “%(q)s” yet.") % {"q": question}


def you_said_items(*, decision: DecisionPage) -> list[YouSaidItem]:
    """The "you said, we did" points with what each cites, ready to show without names: each
    gets `sources` (sentences saying where its words came from) and, for a cited question,
    `figure` (from the consultation's results). Queries do not grow with the citations."""
    items = list(
        decision.you_said_items.select_related(
            "cited_question__section__page", "cited_statement__activity"
        )
        .prefetch_related(
            Prefetch(
                "cited_themes",
                queryset=Theme.objects.annotate(code_count=Count("codes")).order_by("name"),
            ),
            Prefetch(
                "cited_answers",
                queryset=Answer.objects.select_related("question__section__page").order_by("pk"),
            ),
            Prefetch(
                "cited_contributions",
                queryset=RoomEvent.objects.select_related("session").order_by("pk"),
            ),
            "contests",
        )
        .order_by("sort_order", "pk")
    )
    results_by_consultation: dict[int, dict] = {}
    for item in items:
        item.sources = citation_sources(item)
        item.figure = ""
        question = item.cited_question
        if question is not None:
            page = question.section.page
            if page.pk not in results_by_consultation:
                results = consultation_results(consultation=page)
                results_by_consultation[page.pk] = {r.question.pk: r for r in results.questions}
            result = results_by_consultation[page.pk].get(question.pk)
            if result is not None:
                item.figure = _question_figure(result, item.cited_choice_id)
    statement_figures(items)
    return items


def statement_figures(items: list[YouSaidItem]) -> None:
    """Give each point citing a statement its `statement_figure`: how many of the people who
    voted on it agreed, from its activity's analysis (one per activity), never typed."""
    analyses = {}
    for item in items:
        item.statement_figure = ""
        statement = item.cited_statement
        if statement is None:
            continue
        if statement.activity_id not in analyses:
            analyses[statement.activity_id] = opinion_selectors.activity_analysis(
                activity=statement.activity
            )
        item.statement_figure = _statement_figure(analyses[statement.activity_id], statement)


def _statement_figure(analysis, statement) -> str:
    """The sentence for one cited statement. Counts of people go through disclosure control; a
    percentage is given only when neither count is hidden (it would give a hidden one away)."""
    text = statement.text
    if statement.status != "approved":
        return _("“%(text)s” is no longer open for votes, so no figure is shown.") % {"text": text}
    if analysis.ready and statement.pk not in analysis.totals:
        return _("Nobody has voted on “%(text)s” yet.") % {"text": text}
    if not analysis.ready:
        return _(
            "Fewer than %(n)d people have voted on the statements, so no figure is shown for "
            "“%(text)s”."
        ) % {"n": MIN_VOTERS, "text": text}
    total = analysis.totals[statement.pk]
    agree = opinion_selectors.people_count(total.agree)
    seen = opinion_selectors.people_count(total.seen)
    sentence = _("%(agree)s of the %(seen)s people who voted on “%(text)s” agreed") % {
        "agree": agree,
        "seen": seen,
        "text": text,
    }
    if isinstance(agree, int) and isinstance(seen, int) and seen:
        sentence += _(" (%(percent).0f%%)") % {"percent": 100 * agree / seen}
    sentence += "."
    shown = analysis.shown_groups
    if len(shown) >= 2:
        votes = [analysis.by_group[statement.pk][group.label] for group in shown]
        if all(v.seen and v.agree / v.seen > 0.5 for v in votes):
            sentence += " " + _("Most of every opinion group agreed.")
        elif any(v.seen and v.agree / v.seen > 0.5 for v in votes):
            sentence += " " + _("The opinion groups differed on it.")
    return sentence


def citation_sources(item: YouSaidItem) -> list[str]:
    """Where a cited point came from, never who made it."""
    sources = []
    for theme in item.cited_themes.all():
        count = getattr(theme, "code_count", None)
        sources.append(
            _("The theme “%(theme)s” (%(n)s answers and contributions coded into it)")
            % {"theme": theme.name, "n": count if count is not None else theme.codes.count()}
        )
    by_question: dict[tuple[str, str], int] = defaultdict(int)
    for answer in item.cited_answers.all():
        by_question[(answer.question.text, answer.question.section.page.title)] += 1
    for (question, consultation), n in by_question.items():
        sources.append(
            ngettext(
                "An answer to “%(question)s” in the consultation “%(consultation)s”",
                "%(n)d answers to “%(question)s” in the consultation “%(consultation)s”",
                n,
            )
            % {"n": n, "question": question, "consultation": consultation}
        )
    by_session: dict[tuple[str, dt.date], int] = defaultdict(int)
    for event in item.cited_contributions.all():
        by_session[(event.session.title, event.session.scheduled_at.date())] += 1
    for (title, day), n in by_session.items():
        sources.append(
            ngettext(
                "Said in the co-production session “%(session)s” on %(date)s",
                "%(n)d contributions in the co-production session “%(session)s” on %(date)s",
                n,
            )
            % {"n": n, "session": title, "date": date_format(day, "j F Y")}
        )
    return sources


def rating_summary(*, decision: DecisionPage) -> dict:
    """Average (1 decimal place) and number of ratings, as published: a number of 1 to 4
    ratings is hidden (`count` None, `hidden` True), and so is its average."""
    figures = DecisionRating.objects.filter(decision=decision).aggregate(
        average=Avg("score"), count=Count("pk")
    )
    return published_rating(average=figures["average"], count=figures["count"], places=1)


def published_rating(*, average: float | None, count: int, places: int) -> dict:
    """A rating's average and count as they may be published (`people_count`): where the
    count of people who rated is hidden, so is the average, which would give their scores
    away."""
    shown = people_count(count)
    return {
        "average": round(average, places) if average is not None and shown is not None else None,
        "count": shown,
        "hidden": count > 0 and shown is None,
    }


def participant_ids(*, decision: DecisionPage) -> set[int]:
    """Accounts that took part: sent a response to a linked consultation, or took part in a
    linked session. Two queries."""
    respondents = set(
        Response.objects.filter(
            consultation__decisions=decision,
            status=ResponseStatus.SUBMITTED,
            respondent__isnull=False,
        ).values_list("respondent_id", flat=True)
    )
    session_ids = [s.pk for s in decision.sessions.all()]
    return respondents | {u for _s, u in session_participation(session_ids=session_ids)}


def split_ratings(*, decision: DecisionPage) -> dict:
    """Ratings in two groups, people who took part and everyone else, each with its average
    and count (the count through `people_count`: a group of 1 to 4 shows neither), and the
    rating comments not hidden by moderation, newest first, marked with their group."""
    took_part = participant_ids(decision=decision)
    ratings = list(
        DecisionRating.objects.filter(decision=decision)
        .only("pk", "user_id", "score", "comment", "comment_hidden", "updated_at")
        .order_by("-updated_at", "-pk")
    )
    groups = {}
    members = {
        "took_part": [r for r in ratings if r.user_id in took_part],
        "others": [r for r in ratings if r.user_id not in took_part],
    }
    # The two groups are a table whose total (the number of ratings) is published beside it:
    # protected together, so a small group is not the total less the other group.
    published = protect_row(
        labels=list(members), counts=[len(m) for m in members.values()], total_known=True
    )
    for (key, group), shown in zip(members.items(), published.cells[0], strict=True):
        count = len(group)
        average = sum(r.score for r in group) / count if count else None
        groups[key] = {
            "count": shown,
            "suppressed": shown is None,
            "average": round(average, 1) if average is not None and shown is not None else None,
        }
    comments = []
    for rating in ratings:
        if rating.comment and not rating.comment_hidden:
            rating.took_part = rating.user_id in took_part
            comments.append(rating)
    return {**groups, "comments": comments}


def rating_comment_reports(*, rating_ids: list[int], user, with_reasons: bool) -> dict:
    """For the comments shown: which this person has reported (`mine`), and, for a moderator
    (`with_reasons`), each comment's reports as their reasons' labels (`by_rating`). One
    query each."""
    mine: set[int] = set()
    by_rating: dict[int, list[str]] = defaultdict(list)
    if user.is_authenticated and rating_ids:
        mine = set(
            RatingCommentReport.objects.filter(rating_id__in=rating_ids, reporter=user).values_list(
                "rating_id", flat=True
            )
        )
    if with_reasons and rating_ids:
        for report in RatingCommentReport.objects.filter(rating_id__in=rating_ids).order_by(
            "created_at", "pk"
        ):
            by_rating[report.rating_id].append(str(report.get_reason_display()))
    return {"mine": mine, "by_rating": dict(by_rating)}


def sign_off_record(*, decision: DecisionPage, revision_id: int | None = None) -> dict:
    """Who signed off the live version, by role unless they chose to be named; the changes
    asked for on the way and the commissioner's answers; dissents recorded at sign-off."""
    revision_id = revision_id or decision.live_revision_id
    responses = list(
        SignOffResponse.objects.filter(decision=decision)
        .select_related("user", "task_state")
        .order_by("created_at", "pk")
    )
    group_name = decision.co_production_group.name if decision.co_production_group_id else ""

    def who(response: SignOffResponse) -> str:
        if response.named:
            return response.user.get_full_name() or response.user.display_name
        return _("A member with lived experience of %(group)s") % {"group": group_name}

    confirmed = [
        {"who": who(r), "named": r.named, "at": r.created_at, "comment": r.comment}
        for r in responses
        if r.verdict == SignOffVerdict.APPROVE and r.task_state.revision_id == revision_id
    ]
    changes = [
        {
            "who": who(r),
            "at": r.created_at,
            "comment": r.comment,
            "answer": r.answer,
            "answered_at": r.answered_at,
        }
        for r in responses
        if r.verdict == SignOffVerdict.REQUEST_CHANGES
    ]
    return {"confirmed": confirmed, "changes": changes}


def contests_for(*, decision: DecisionPage) -> dict:
    """The contests of a decision, with how many and how many are answered."""
    contests = list(
        Contest.objects.filter(decision=decision)
        .select_related("item")
        .order_by("created_at", "pk")
    )
    return {
        "list": contests,
        "count": len(contests),
        "answered": sum(1 for c in contests if c.answered_at),
        "about_level": sum(1 for c in contests if c.about == Contest.About.LEVEL),
    }


def decision_detail(*, decision: DecisionPage, user) -> dict:
    """Everything the decision page shows, in a fixed number of queries."""
    my_rating = my_contest = None
    if user is not None and user.is_authenticated:
        my_rating = DecisionRating.objects.filter(decision=decision, user=user).first()
        my_contest = Contest.objects.filter(decision=decision, user=user).first()
    evidence = decision_evidence(decision=decision)
    return {
        "evidence": evidence,
        "evidence_rules": [(level.label, EVIDENCE_RULES[level]) for level in InvolvementLevel],
        "linked_consultations": evidence.consultations,
        "session_figures": session_figures(decision=decision),
        "items": you_said_items(decision=decision),
        "minority_views": list(decision.minority_views.order_by("sort_order", "pk")),
        "decision_topics": list(decision.topics.all()),
        "rating": rating_summary(decision=decision),
        "ratings": split_ratings(decision=decision),
        "my_rating": my_rating,
        "sign_off_record": sign_off_record(decision=decision),
        "contests": contests_for(decision=decision),
        "my_contest": my_contest,
    }


def citation_label(item: YouSaidItem) -> str:
    """Where a cited point came from, never who made it (one line)."""
    return "; ".join(str(source) for source in citation_sources(item))


# --- Coding themes -------------------------------------------------------------------------


CODING_PAGE_SIZE = 25


def coding_items(*, decision: DecisionPage, q: str = "", uncoded: bool = False) -> dict:
    """What the coding screen lists: the free-text answers to the decision's linked
    consultations (sent responses) and the contributions in its linked sessions, each with the
    themes it is coded into, optionally searched and limited to those not yet coded."""
    answers = (
        Answer.objects.filter(
            response__consultation__decisions=decision,
            response__status=ResponseStatus.SUBMITTED,
            question__kind=QuestionKind.FREE_TEXT,
        )
        .exclude(text="")
        .select_related("question__section__page")
        .prefetch_related(
            Prefetch("codes", queryset=ThemeCode.objects.select_related("theme").order_by("pk"))
        )
        .order_by("pk")
    )
    contributions = (
        RoomEvent.objects.filter(session__decisions=decision, type="contribution.created")
        .exclude(
            Exists(
                RoomEvent.objects.annotate(target=KT("payload__target")).filter(
                    session=OuterRef("session"),
                    type="contribution.removed",
                    target=Cast(OuterRef("seq"), CharField()),
                )
            )
        )
        .select_related("session")
        .prefetch_related(
            Prefetch("codes", queryset=ThemeCode.objects.select_related("theme").order_by("pk"))
        )
        .order_by("session__scheduled_at", "seq")
    )
    if q:
        answers = answers.filter(text__icontains=q)
        contributions = contributions.filter(payload__text__icontains=q)
    if uncoded:
        answers = answers.filter(codes__isnull=True)
        contributions = contributions.filter(codes__isnull=True)
    answers = list(answers[:CODING_PAGE_SIZE])
    contributions = list(contributions[:CODING_PAGE_SIZE])
    for answer in answers:
        answer.themes = [
            code.theme for code in answer.codes.all() if code.theme.decision_id == decision.pk
        ]
    for event in contributions:
        event.text = (event.payload or {}).get("text", "")
        event.themes = [
            code.theme for code in event.codes.all() if code.theme.decision_id == decision.pk
        ]
    return {
        "answers": answers,
        "contributions": contributions,
        "themes": theme_counts(decision=decision),
        "page_size": CODING_PAGE_SIZE,
    }


def decisions_to_code(*, user) -> list[DecisionPage]:
    """Decisions this person may code themes for (the coding screen's way in)."""
    return [
        d
        for d in DecisionPage.objects.select_related("co_production_group").order_by("title")
        if user.has_perm("engagement.code_themes", d)
    ]


# --- Sign-off -------------------------------------------------------------------------------


def decision_sign_off_record(*, decision: DecisionPage) -> TaskState | None:
    """The sign-off that let the live version go out (for the involvement report)."""
    return approved_sign_off(revision_id=decision.live_revision_id)


# --- Who to tell ----------------------------------------------------------------------------


@dataclass
class Recipient:
    """One person to tell: by account (in-site notice, and email to the account's address) or
    by email only (an anonymous respondent who left an address)."""

    user_id: int | None
    email: str
    personal_lines: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"user:{self.user_id}" if self.user_id else f"email:{self.email.lower()}"


OUTCOME_SENTENCES = {
    ResponseOutcome.DONE: "Your point about “{point}” was taken up: {response}",
    ResponseOutcome.PARTLY: "Your point about “{point}” changed the decision in part: {response}",
    ResponseOutcome.NOT_DONE: "Your point about “{point}” was not taken up because: {response}",
}


def personal_line(item: YouSaidItem) -> str:
    point = item.you_said if len(item.you_said) <= 120 else item.you_said[:117] + "…"
    return _(OUTCOME_SENTENCES[ResponseOutcome(item.outcome)]).format(
        point=point, response=item.we_did
    )


def cited_words(*, decision: DecisionPage) -> tuple[dict, dict]:
    """Whose words each "you said" point cites: {response id: [items]} and {person id:
    [items]}, through the answers and contributions it cites directly and those coded into the
    themes it cites. Each item appears once per response or person. Four queries."""
    items = {item.pk: item for item in decision.you_said_items.all()}
    through = YouSaidItem.cited_answers.through
    answer_items = list(
        through.objects.filter(yousaiditem_id__in=items).values_list(
            "yousaiditem_id", "answer__response_id"
        )
    )
    through = YouSaidItem.cited_contributions.through
    contribution_items = list(
        through.objects.filter(
            yousaiditem_id__in=items, roomevent__actor__isnull=False
        ).values_list("yousaiditem_id", "roomevent__actor_id")
    )
    through = YouSaidItem.cited_themes.through
    for item_id, response_id, actor_id in ThemeCode.objects.filter(
        theme__in=through.objects.filter(yousaiditem_id__in=items).values("theme_id")
    ).values_list("theme__citations", "answer__response_id", "contribution__actor_id"):
        if item_id not in items:
            continue
        if response_id is not None:
            answer_items.append((item_id, response_id))
        elif actor_id is not None:
            contribution_items.append((item_id, actor_id))
    by_response: dict[int, list] = defaultdict(list)
    by_person: dict[int, list] = defaultdict(list)
    for item_id, response_id in sorted(set(answer_items)):
        by_response[response_id].append(items[item_id])
    for item_id, actor_id in sorted(set(contribution_items)):
        by_person[actor_id].append(items[item_id])
    return by_response, by_person


def decision_recipients(*, decision: DecisionPage) -> list[Recipient]:
    """Everyone to tell about a decision, once each, with a personal line for every point of
    theirs the decision cites:
    - people who sent a response to a linked consultation and asked to hear what was decided
      (by account, and by the email they gave; anonymous respondents by email only);
    - people who took part in a linked co-production session (they agree to hear back under
      the group's terms of reference), in-site, and by email unless they turned emails off.
    A person is one recipient however many linked consultations or sessions they took part in;
    an anonymous respondent is one recipient per email address."""
    responses = (
        Response.objects.filter(
            consultation__decisions=decision,
            status=ResponseStatus.SUBMITTED,
            wants_updates=True,
        )
        .filter(Q(respondent__isnull=False) | ~Q(email=""))
        .select_related("respondent")
        .only("pk", "email", "respondent_id", "respondent__email")
        .order_by("pk")
    )
    cited_answers, cited_contributions = cited_words(decision=decision)
    people: dict[str, Recipient] = {}
    for response in responses:
        email = response.email or (response.respondent.email if response.respondent_id else "")
        recipient = Recipient(user_id=response.respondent_id, email=email)
        recipient = people.setdefault(recipient.key, recipient)
        if not recipient.email and email:
            recipient.email = email
        for item in cited_answers.get(response.pk, []):
            line = personal_line(item)
            if line not in recipient.personal_lines:
                recipient.personal_lines.append(line)

    session_ids = list(Session.objects.filter(decisions=decision).values_list("pk", flat=True))
    user_ids = {user_id for _s, user_id in session_participation(session_ids=session_ids)}
    members = User.objects.filter(pk__in=user_ids, is_active=True).only("pk", "email")
    for member in members.order_by("pk"):
        recipient = people.setdefault(
            f"user:{member.pk}", Recipient(user_id=member.pk, email=member.email)
        )
        for item in cited_contributions.get(member.pk, []):
            line = personal_line(item)
            if line not in recipient.personal_lines:
                recipient.personal_lines.append(line)

    # A signed-in person who turned decision emails off still gets the in-site notice.
    emails_off = set(
        NotificationPreference.objects.filter(
            user_id__in=[r.user_id for r in people.values() if r.user_id],
            decision_emails=False,
        ).values_list("user_id", flat=True)
    )
    for recipient in people.values():
        if recipient.user_id in emails_off:
            recipient.email = ""
    return list(people.values())


# --- Involvement report ---------------------------------------------------------------------


def equality_summary(*, decision: DecisionPage) -> list[dict]:
    """Equality monitoring across the linked consultations' sent responses, one table per
    question: a row per answer and one for people who did not give one, so every table adds up
    to the number of responses the report publishes. Each goes through the one disclosure
    control (coproduce/disclosure.py): counts of 1 to 4 hidden, and whatever else would let a
    reader work one out from the total. One count and one grouped query per question."""
    responses = Response.objects.filter(
        consultation__decisions=decision, status=ResponseStatus.SUBMITTED
    )
    total = responses.count()
    base = EqualityMonitoring.objects.filter(response__in=responses)
    tables = []
    for name in EqualityMonitoring.BREAKDOWN_FIELDS:
        model_field = EqualityMonitoring._meta.get_field(name)
        labels = [str(label) for _value, label in model_field.choices]
        counts = {
            row[name]: row["n"]
            for row in base.exclude(**{name: ""}).values(name).annotate(n=Count("pk")).order_by()
        }
        cells = [counts.get(value, 0) for value, _label in model_field.choices]
        cells.append(total - sum(cells))
        # "Prefer not to say" and "Not given" are not answers: no other row may be seen to hold
        # everyone who gave one.
        not_answers = [
            i for i, (value, _label) in enumerate(model_field.choices) if value in NOT_ANSWERS
        ] + [len(cells) - 1]
        published = protect_table(
            DisclosureTable.of(
                row_labels=[*labels, _("Not given")],
                column_labels=[_("People")],
                cells=[[count] for count in cells],
                column_totals_known=True,
                grand_total_known=True,
                groups_in="rows",
                not_answers=not_answers,
            )
        )
        tables.append(
            {
                "name": name,
                "question": str(model_field.verbose_name).capitalize(),
                "rows": [
                    {"label": label, "count": row[0], "hidden": row[0] is None}
                    for label, row in zip(published.row_labels, published.cells, strict=True)
                ],
                "total": published.grand_total,
                "table": published,
            }
        )
    return tables


def equality_summary_as_dict(*, decision: DecisionPage) -> dict:
    """The involvement report's tables of people as published, for its JSON twin: hidden
    figures are null (docs/statistics.md)."""
    consultations = consultations_with_figures(decision=decision)
    return {
        "decision": {"id": decision.pk, "title": decision.title},
        "responses": [
            {"consultation": c.title, "responses": c.response_count} for c in consultations
        ],
        "hidden_mark": HIDDEN_MARK,
        "hidden_note": HIDDEN_NOTE,
        "tables": [
            {"id": table["name"], "question": table["question"], **table["table"].as_dict()}
            for table in equality_summary(decision=decision)
        ],
    }


def theme_counts(*, decision: DecisionPage) -> list[Theme]:
    """The decision's themes, each with how many answers and contributions were coded into it
    (`answer_count`, `contribution_count`, `code_count`), most coded first. One query."""
    return list(
        Theme.objects.filter(decision=decision)
        .annotate(
            answer_count=Count("codes", filter=Q(codes__answer__isnull=False)),
            contribution_count=Count("codes", filter=Q(codes__contribution__isnull=False)),
            code_count=Count("codes"),
        )
        .order_by("-code_count", "name")
    )


def linked_sessions_representativeness(*, decision: DecisionPage) -> SessionsPeople:
    """The people who came into the room of the decision's linked sessions that took place
    (not cancelled), each once, not their facilitators, against the population through their
    passport's "about you" answers: the same rules and disclosure control as a co-production
    group's year (`engagement.group_representativeness`). The report is public, so, as in that
    page's open data, nothing is shown unless 5 or more people took part (`publishable`).
    Seven queries whatever the numbers."""
    return sessions_representativeness(
        sessions=Session.objects.filter(decisions=decision, cancelled=False)
    )


def linked_sessions_representativeness_as_dict(took_part: SessionsPeople) -> dict:
    """The section as published in the evidence pack: the comparison only with 5 or more
    people; hidden figures are null."""
    if not took_part.publishable:
        return {
            "people": None,
            "figures_shown": False,
            "why_not_shown": _(
                "Fewer than 5 people took part in the linked sessions: no figures are shown, "
                "so that nobody can be picked out."
            ),
        }
    return {
        "people": took_part.people_published,
        "figures_shown": True,
    } | took_part.comparison_as_dict()


def decision_report(*, decision: DecisionPage) -> dict:
    """What the involvement report (the evidence pack) shows."""
    evidence = decision_evidence(decision=decision)
    consultations = evidence.consultations
    return {
        "evidence": evidence,
        "linked_consultations": consultations,
        "response_total": sum(c.response_count for c in consultations),
        "session_figures": session_figures(decision=decision),
        "items": you_said_items(decision=decision),
        "themes": theme_counts(decision=decision),
        "minority_views": list(decision.minority_views.order_by("sort_order", "pk")),
        "equality": equality_summary(decision=decision),
        "representativeness": responses_representativeness(
            responses=Response.objects.filter(
                consultation__decisions=decision, status=ResponseStatus.SUBMITTED
            )
        ),
        "session_representativeness": linked_sessions_representativeness(decision=decision),
        "series_change": series_change_since(decision=decision),
        "sign_off": decision_sign_off_record(decision=decision),
        "sign_off_record": sign_off_record(decision=decision),
        "contests": contests_for(decision=decision),
        "rating": rating_summary(decision=decision),
        "ratings": split_ratings(decision=decision),
    }


def evidence_as_data(evidence: Evidence) -> dict:
    """The evidence for the level, as open data (no names, counts of people through
    `people_count`)."""
    return {
        "declared_level": evidence.declared,
        "supported_level": evidence.supported_level,
        "declared_level_supported": evidence.supports_declared,
        "missing": [str(m) for m in evidence.missing],
        "rules": {check.level: check.rule for check in evidence.checks},
        "consultations": [
            {"id": c.pk, "title": c.title, "closed": c.closed, "responses": c.response_count}
            for c in evidence.consultations
        ],
        "sessions": [
            {
                "id": s.pk,
                "title": s.title,
                "ended": s.ended,
                "people_took_part": s.people,
                "experts_by_experience_present": s.experts_present,
            }
            for s in evidence.sessions
        ],
        "co_production_group": evidence.group.name if evidence.group else None,
        "sign_off": {"quorum": evidence.quorum, "confirmations": len(evidence.sign_offs)},
        "agreement": str(evidence.agreement) or None,
    }


def contests_as_data(contests: dict) -> dict:
    return {
        "count": contests["count"],
        "answered": contests["answered"],
        "contests": [
            {
                "about": c.about,
                "point": c.item_text or None,
                "reason": c.reason,
                "answer": c.answer or None,
                "answered_at": _iso(c.answered_at),
            }
            for c in contests["list"]
        ],
    }


def decision_pack(*, decision: DecisionPage) -> dict:
    """The involvement report as JSON (the evidence pack's download). The same figures the
    printable report shows; no personal data; hidden counts are null."""
    report = decision_report(decision=decision)
    figures = report["session_figures"]
    ratings = report["ratings"]
    return {
        "id": decision.pk,
        "title": decision.title,
        "url": decision.full_url,
        "summary": decision.summary,
        "why": decision.why,
        "involvement": {
            "level": decision.involvement_level,
            "justification": decision.involvement_justification,
            "evidence": evidence_as_data(report["evidence"]),
        },
        "who_took_part": {
            "consultations": [
                {"title": c.title, "responses": c.response_count}
                for c in report["linked_consultations"]
            ],
            "responses": report["response_total"],
            "sessions": [
                {
                    "title": s.title,
                    "date": _iso(s.scheduled_at.date()),
                    "people_took_part": s.participant_count,
                }
                for s in figures["sessions"]
            ],
            "people_in_sessions": figures["member_count"],
            "equality": [
                {
                    "field": table["name"],
                    "question": table["question"],
                    "rows": [
                        {"answer": str(r["label"]), "people": r["count"]} for r in table["rows"]
                    ],
                }
                for table in report["equality"]
            ],
            "representativeness": report["representativeness"].as_dict(),
            "session_representativeness": linked_sessions_representativeness_as_dict(
                report["session_representativeness"]
            ),
        },
        "series_change": series_change_as_data(report["series_change"]),
        "themes": [
            {
                "theme": t.name,
                "answers": t.answer_count,
                "contributions": t.contribution_count,
            }
            for t in report["themes"]
        ],
        "you_said_we_did": [
            {
                "you_said": item.you_said,
                "sources": [str(x) for x in item.sources],
                "figure": str(item.figure) or None,
                "outcome": item.outcome,
                "we_did": item.we_did,
            }
            for item in report["items"]
        ],
        "minority_views": [
            {
                "view": v.view,
                "held_by": v.held_by,
                "response": v.response,
                "recorded_at_sign_off": v.from_sign_off,
            }
            for v in report["minority_views"]
        ],
        "sign_off": {
            "confirmed": [
                {"by": str(c["who"]), "at": _iso(c["at"])}
                for c in report["sign_off_record"]["confirmed"]
            ],
            "changes_asked": [
                {"comment": c["comment"], "answer": c["answer"] or None}
                for c in report["sign_off_record"]["changes"]
            ],
        },
        "contests": contests_as_data(report["contests"]),
        "ratings": {
            "took_part": {k: ratings["took_part"][k] for k in ("count", "average")},
            "everyone_else": {k: ratings["others"][k] for k in ("count", "average")},
        },
    }


# --- Notifications --------------------------------------------------------------------------


def notifications_for(*, user, limit: int = 50) -> list[Notification]:
    """A person's own notices, newest first."""
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def decision_emails_wanted(*, user) -> bool:
    """Whether a person wants emails about decisions (yes unless they turned them off)."""
    return not NotificationPreference.objects.filter(user=user, decision_emails=False).exists()


def notification_choices(*, user) -> dict[str, bool]:
    """A person's email choices, kind by kind (the defaults if they never chose)."""
    preference = NotificationPreference.objects.filter(user=user).first() or (
        NotificationPreference()
    )
    return {
        name: getattr(preference, name)
        for name in (
            "decision_emails",
            "invitation_emails",
            "reminder_emails",
            "session_emails",
            "claim_emails",
            "receipt_emails",
            "weekly_digest",
        )
    }


# --- Open data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionsForApi:
    """One page of decisions as open data, and how many match in all."""

    count: int
    results: list[dict]


def decisions_for_api(
    *,
    decision_id: int | None = None,
    topic: str = "",
    status: str = "",
    decided_from: dt.date | None = None,
    decided_to: dt.date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> DecisionsForApi:
    """Live decisions as open data, in the decision log's order: links, figures, points, and
    the linked consultations (their results are the consultation results API's, counted
    once there). Filtered by topic slug, status and date decided; `offset`/`limit` page in
    SQL, so a page costs the same queries whatever the number of decisions. No personal data."""
    decisions = DecisionPage.objects.live()
    if decision_id is not None:
        decisions = decisions.filter(pk=decision_id)
    if topic:
        decisions = decisions.filter(topics__slug=topic)
    if status:
        decisions = decisions.filter(status=status)
    if decided_from:
        decisions = decisions.filter(decided_on__gte=decided_from)
    if decided_to:
        decisions = decisions.filter(decided_on__lte=decided_to)
    count = decisions.count()
    decisions = (
        decisions.annotate(
            rating_average=Avg("ratings__score"), rating_count=Count("ratings", distinct=True)
        )
        .select_related("co_production_group")
        .prefetch_related(
            "topics",
            Prefetch(
                "you_said_items",
                queryset=YouSaidItem.objects.prefetch_related(
                    "cited_themes",
                    "cited_answers__question__section__page",
                    "cited_contributions__session",
                ).order_by("sort_order", "pk"),
            ),
            Prefetch("sessions", queryset=Session.objects.order_by("scheduled_at", "pk")),
            "minority_views",
            Prefetch(
                "consultations",
                queryset=ConsultationPage.objects.annotate(
                    response_count=Count(
                        "responses",
                        filter=Q(responses__status=ResponseStatus.SUBMITTED),
                        distinct=True,
                    )
                ).order_by("pk"),
            ),
        )
        .order_by(*LOG_ORDER)
    )
    end = None if limit is None else offset + limit
    decisions = list(decisions[offset:end])
    pairs = session_participation(
        session_ids=sorted({s.pk for d in decisions for s in d.sessions.all()})
    )
    contests = defaultdict(list)
    for contest in Contest.objects.filter(decision__in=decisions).order_by("created_at", "pk"):
        contests[contest.decision_id].append(contest)
    return DecisionsForApi(
        count=count,
        results=[_decision_as_data(d, pairs, contests.get(d.pk, [])) for d in decisions],
    )


def _decision_as_data(decision: DecisionPage, pairs: set, contests) -> dict:
    session_ids = {s.pk for s in decision.sessions.all()}
    evidence = decision_evidence(decision=decision)
    return {
        "id": decision.pk,
        "title": decision.title,
        "url": decision.full_url,
        "summary": decision.summary,
        "why": decision.why,
        "status": decision.status,
        "dates": {
            "proposed": _iso(decision.proposed_on),
            "decided": _iso(decision.decided_on),
            "implementation_started": _iso(decision.implementation_started_on),
            "reviewed": _iso(decision.reviewed_on),
        },
        "commissions": {
            "service": decision.service_name,
            "budget": str(decision.budget) if decision.budget is not None else None,
            "budget_period": decision.budget_period,
            "starts_on": _iso(decision.service_starts_on),
        },
        "involvement": {
            "level": decision.involvement_level,
            "justification": decision.involvement_justification,
            # Issue 14: what the record supports, and the contests of the level or a point.
            "evidence": evidence_as_data(evidence),
        },
        "contests": contests_as_data(
            {
                "list": contests,
                "count": len(contests),
                "answered": sum(1 for c in contests if c.answered_at),
            }
        ),
        "topics": [t.slug for t in decision.topics.all()],
        "you_said_we_did": [
            {
                "you_said": item.you_said,
                "outcome": item.outcome,
                "we_did": item.we_did,
                "source": citation_label(item) or None,
            }
            for item in decision.you_said_items.all()
        ],
        "minority_views": [
            {"view": v.view, "held_by": v.held_by, "response": v.response}
            for v in decision.minority_views.all()
        ],
        "consultations": [
            {
                "id": c.pk,
                "title": c.title,
                "url": c.full_url,
                "responses": c.response_count,
            }
            for c in decision.consultations.all()
        ],
        "co_production_group": decision.co_production_group.name
        if decision.co_production_group
        else None,
        "sessions": [
            {
                "id": session.pk,
                "title": session.title,
                "date": _iso(session.scheduled_at.date()),
                # Counts of people as the decision page publishes them: 1 to 4 hidden.
                "people_took_part": people_count(sum(1 for sid, _u in pairs if sid == session.pk)),
            }
            for session in decision.sessions.all()
        ],
        "people_in_sessions": people_count(len({u for sid, u in pairs if sid in session_ids})),
        "rating": {
            k: v
            for k, v in published_rating(
                average=decision.rating_average, count=decision.rating_count, places=2
            ).items()
            if k != "hidden"
        },
        "first_published_at": _iso(decision.first_published_at),
        "last_published_at": _iso(decision.last_published_at),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- A decision cites a survey series -----------------------------------------------------------


def series_change_since(*, decision: DecisionPage) -> dict | None:
    """How the agreement-scale answers of the series the decision cites changed since it was
    decided: the share who agree or strongly agree in the last wave (with public results) that
    closed on or before the decision date, against the latest wave that closed after it. Worked
    out from the answers (`consultations.waves`), never typed. A share whose count or total is
    1 to 4 people is not shown. None when the decision cites no series."""
    if not decision.cited_series:
        return None
    decided = decision.decided_on or (
        decision.first_published_at.date() if decision.first_published_at else None
    )
    comparison = series_comparison(series_key=decision.cited_series, public_only=True)
    result = {"series": decision.cited_series, "lines": [], "before": None, "after": None}
    if comparison is None or decided is None:
        return result
    waves = comparison.consultations
    before = [p for p in waves if p.closes_at.date() <= decided]
    after = [p for p in waves if p.closes_at.date() > decided]
    if not before or not after:
        return result
    first, last = before[-1], after[-1]
    result["before"], result["after"] = first, last
    for question in comparison.questions:
        if question.kind != QuestionKind.AGREEMENT_SCALE:
            continue
        if first.wave not in question.waves or last.wave not in question.waves:
            continue
        counts = []
        for wave in (first.wave, last.wave):
            i = question.waves.index(wave)
            agree = sum(row.cells[i].count for row in question.rows[3:])
            counts.append((agree, question.totals[i]))
        if not all(total for _agree, total in counts):
            continue  # not asked of anyone in one of the two waves
        shares = [
            None if is_hidden(agree) or is_hidden(total) else 100 * agree / total
            for agree, total in counts
        ]
        if None in shares:
            result["lines"].append({"text": question.text, "before": None, "after": None})
            continue
        result["lines"].append(
            {
                "text": question.text,
                "before": round(shares[0]),
                "after": round(shares[1]),
                "direction": (
                    "rose"
                    if round(shares[1]) > round(shares[0])
                    else "fell"
                    if round(shares[1]) < round(shares[0])
                    else "same"
                ),
            }
        )
    return result


def series_change_as_data(change: dict | None) -> dict | None:
    """`series_change_since` as plain data (the evidence pack and the open data): shares who
    agree in percent, null where too few answered to show."""
    if change is None:
        return None

    def wave(page):
        return None if page is None else {"wave": page.wave, "consultation": page.title}

    return {
        "series": change["series"],
        "before": wave(change["before"]),
        "after": wave(change["after"]),
        "measure": "percent who agree or strongly agree",
        "questions": [
            {
                "question": line["text"],
                "before_percent": line["before"],
                "after_percent": line["after"],
                "direction": line.get("direction"),
            }
            for line in change["lines"]
        ],
    }
