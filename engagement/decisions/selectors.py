"""Read paths for decisions: the public log, one decision with its participation figures, the
involvement report, the people to tell on publication, and the open-data shapes.

Every count is computed in the database (annotate/aggregate); no page loops over responses."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from wagtail.models import TaskState

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE, protect_table
from coproduce.disclosure import Table as DisclosureTable
from deliberation.models import RoomEvent, Session, SessionParticipant
from engagement.consultations.models import (
    ConsultationPage,
    EqualityMonitoring,
    Response,
    ResponseStatus,
)
from engagement.decisions.models import (
    DecisionIndexPage,
    DecisionPage,
    DecisionRating,
    Notification,
    NotificationPreference,
    ResponseOutcome,
    YouSaidItem,
    approved_sign_off,
)
from engagement.decisions.workflow import sign_off_task_states_for  # noqa: F401  (public read)

User = get_user_model()


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
        .order_by("-decided_on", "-first_published_at", "-pk")
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


def session_participation(*, session_ids) -> set[tuple[int, int]]:
    """(session, person) pairs for everyone who took part in these sessions: joined the room or
    left anything in its log (a contribution, a vote). Facilitators, who run the sessions, are
    left out. One SQL UNION, which also removes duplicates."""
    facilitators = User.objects.filter(facilitated_groups__sessions__in=session_ids).values("pk")
    joined = (
        SessionParticipant.objects.filter(session_id__in=session_ids)
        .exclude(user__in=facilitators)
        .values_list("session_id", "user_id")
        .order_by()
    )
    acted = (
        RoomEvent.objects.filter(session_id__in=session_ids, actor__isnull=False)
        .exclude(actor__in=facilitators)
        .values_list("session_id", "actor_id")
        .order_by()
    )
    return set(joined.union(acted))


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
    for session in sessions:
        session.participant_count = per_session[session.pk]
    return {
        "sessions": sessions,
        "session_count": len(sessions),
        "member_count": len({user_id for _session_id, user_id in pairs}),
    }


def you_said_items(*, decision: DecisionPage) -> list[YouSaidItem]:
    """The "you said, we did" points with what each cites, ready to show without names."""
    return list(
        decision.you_said_items.select_related(
            "cited_answer__question__section__page", "cited_contribution__session"
        ).order_by("sort_order", "pk")
    )


def rating_summary(*, decision: DecisionPage) -> dict:
    """Average (1 decimal place) and number of ratings."""
    figures = DecisionRating.objects.filter(decision=decision).aggregate(
        average=Avg("score"), count=Count("pk")
    )
    average = figures["average"]
    return {
        "average": round(average, 1) if average is not None else None,
        "count": figures["count"],
    }


def decision_detail(*, decision: DecisionPage, user) -> dict:
    """Everything the decision page shows, in a fixed number of queries."""
    my_rating = None
    if user is not None and user.is_authenticated:
        my_rating = DecisionRating.objects.filter(decision=decision, user=user).first()
    return {
        "linked_consultations": consultations_with_figures(decision=decision),
        "session_figures": session_figures(decision=decision),
        "items": you_said_items(decision=decision),
        "minority_views": list(decision.minority_views.order_by("sort_order", "pk")),
        "decision_topics": list(decision.topics.all()),
        "rating": rating_summary(decision=decision),
        "my_rating": my_rating,
    }


def citation_label(item: YouSaidItem) -> str:
    """Where a cited point came from, never who made it."""
    return str(item.citation)


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
    cited_answers = defaultdict(list)
    cited_contributions = defaultdict(list)
    for item in decision.you_said_items.filter(
        Q(cited_answer__isnull=False) | Q(cited_contribution__isnull=False)
    ).select_related("cited_answer", "cited_contribution"):
        if item.cited_answer_id:
            cited_answers[item.cited_answer.response_id].append(item)
        else:
            cited_contributions[item.cited_contribution.actor_id].append(item)

    people: dict[str, Recipient] = {}
    for response in responses:
        email = response.email or (response.respondent.email if response.respondent_id else "")
        recipient = Recipient(user_id=response.respondent_id, email=email)
        recipient = people.setdefault(recipient.key, recipient)
        if not recipient.email and email:
            recipient.email = email
        for item in cited_answers.get(response.pk, []):
            recipient.personal_lines.append(personal_line(item))

    session_ids = list(Session.objects.filter(decisions=decision).values_list("pk", flat=True))
    user_ids = {user_id for _s, user_id in session_participation(session_ids=session_ids)}
    members = User.objects.filter(pk__in=user_ids, is_active=True).only("pk", "email")
    for member in members.order_by("pk"):
        recipient = people.setdefault(
            f"user:{member.pk}", Recipient(user_id=member.pk, email=member.email)
        )
        for item in cited_contributions.get(member.pk, []):
            recipient.personal_lines.append(personal_line(item))

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
        published = protect_table(
            DisclosureTable.of(
                row_labels=[*labels, _("Not given")],
                column_labels=[_("People")],
                cells=[[count] for count in cells],
                column_totals_known=True,
                grand_total_known=True,
                groups_in="rows",
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


def decision_report(*, decision: DecisionPage) -> dict:
    """What the printable involvement report shows."""
    consultations = consultations_with_figures(decision=decision)
    return {
        "linked_consultations": consultations,
        "response_total": sum(c.response_count for c in consultations),
        "session_figures": session_figures(decision=decision),
        "items": you_said_items(decision=decision),
        "minority_views": list(decision.minority_views.order_by("sort_order", "pk")),
        "equality": equality_summary(decision=decision),
        "sign_off": decision_sign_off_record(decision=decision),
        "rating": rating_summary(decision=decision),
    }


# --- Notifications --------------------------------------------------------------------------


def notifications_for(*, user, limit: int = 50) -> list[Notification]:
    """A person's own notices, newest first."""
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def decision_emails_wanted(*, user) -> bool:
    """Whether a person wants emails about decisions (yes unless they turned them off)."""
    return not NotificationPreference.objects.filter(user=user, decision_emails=False).exists()


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
                queryset=YouSaidItem.objects.select_related(
                    "cited_answer__question__section__page", "cited_contribution__session"
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
        .order_by("-decided_on", "-first_published_at", "-pk")  # as the decision log
    )
    end = None if limit is None else offset + limit
    decisions = list(decisions[offset:end])
    pairs = session_participation(
        session_ids=sorted({s.pk for d in decisions for s in d.sessions.all()})
    )
    return DecisionsForApi(count=count, results=[_decision_as_data(d, pairs) for d in decisions])


def _decision_as_data(decision: DecisionPage, pairs: set) -> dict:
    session_ids = {s.pk for s in decision.sessions.all()}
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
        },
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
                "people_took_part": sum(1 for sid, _u in pairs if sid == session.pk),
            }
            for session in decision.sessions.all()
        ],
        "people_in_sessions": len({u for sid, u in pairs if sid in session_ids}),
        "rating": {
            "average": round(decision.rating_average, 2)
            if decision.rating_average is not None
            else None,
            "count": decision.rating_count,
        },
        "first_published_at": _iso(decision.first_published_at),
        "last_published_at": _iso(decision.last_published_at),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None
