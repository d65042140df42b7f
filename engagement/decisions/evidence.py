"""The ladder of involvement checked against the record (issue 14): what the record of a
decision supports, level by level, and what is missing for the level it declares.

One module answers this for every caller: the decision page and the involvement report (what
the evidence is), the admin form (may this draft go to sign-off?), the sign-off task (may the
quorum's last confirmation publish it?) and the open data. It sits just above the models and
below the workflow, because the sign-off task needs it.

The rules (`models.EVIDENCE_RULES`):
- informed: published;
- consulted: at least one linked consultation that has closed, with sent responses;
- involved: consulted, or at least one linked session that ended with experts by experience
  present (took part in the room);
- co-produced: a linked co-production group, at least one ended session of that group linked
  here, and confirmation by at least the group's quorum of its members with lived experience
  (experts by experience who hold no staff role), of the revision being published;
- co-decided: co-produced, and the decision agreed in a session: a closed poll with votes in a
  linked session, or a linked ended session whose recorded agreement (agreed actions) is set.

The counts of people shown beside the evidence go through `people_count`, which hides 1 to 4.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.accounts import roles
from coproduce.disclosure import protect_count
from deliberation.models import CoproductionGroup, Poll, RoomEvent, Session, SessionParticipant
from engagement.consultations.models import ConsultationPage, Response, ResponseStatus
from engagement.decisions.models import (
    EVIDENCE_RULES,
    LEVEL_ORDER,
    InvolvementLevel,
    SignOffResponse,
    SignOffVerdict,
)

User = get_user_model()

STAFF_ROLES = (roles.COMMISSIONER, roles.EDITOR, roles.FACILITATOR)
SIGN_OFF_MISSING = "sign_off"


def people_count(n: int | None) -> int | None:
    """A count of people as it may be published: None (shown as "[c]") for 1 to 4
    (`coproduce.disclosure.protect_count`)."""
    return protect_count(n)


# --- Who took part, who has lived experience ---------------------------------------------------


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


def experts_by_experience() -> QuerySet:
    """People in the Expert by experience role who hold no staff role."""
    return User.objects.filter(groups__name=roles.EXPERT, is_active=True).exclude(
        groups__name__in=STAFF_ROLES
    )


def lived_experience_members(*, group_id: int | None) -> QuerySet:
    """The members of a co-production group who may sign its decisions off: experts by
    experience, not staff, and not the group's own facilitators."""
    if group_id is None:
        return User.objects.none()
    return (
        experts_by_experience()
        .filter(coproduction_groups=group_id)
        .exclude(facilitated_groups=group_id)
        .distinct()
    )


def is_lived_experience_member(*, user, group_id: int | None) -> bool:
    if group_id is None or not user.is_authenticated:
        return False
    return lived_experience_members(group_id=group_id).filter(pk=user.pk).exists()


def lived_experience_group_ids(*, user) -> list[int]:
    """The groups in which this person may sign decisions off."""
    if not user.is_authenticated:
        return []
    if not experts_by_experience().filter(pk=user.pk).exists():
        return []
    return list(
        CoproductionGroup.objects.filter(members=user)
        .exclude(facilitators=user)
        .values_list("pk", flat=True)
    )


def took_part_in_decision(*, user, decision) -> bool:
    """Whether this person answered (and sent) a linked consultation, or took part in a linked
    session: who may contest the decision and whose rating counts as "took part"."""
    if not user.is_authenticated or decision is None or decision.pk is None:
        return False
    if ConsultationPage.objects.filter(
        decisions=decision.pk,
        responses__respondent=user,
        responses__status=ResponseStatus.SUBMITTED,
    ).exists():
        return True
    session_ids = list(Session.objects.filter(decisions=decision.pk).values_list("pk", flat=True))
    return any(user_id == user.pk for _s, user_id in session_participation(session_ids=session_ids))


# --- The evidence -----------------------------------------------------------------------------


@dataclass
class LevelCheck:
    level: str
    label: str
    rule: str
    met: bool
    missing: list[tuple[str, str]] = field(default_factory=list)  # (code, sentence)


@dataclass
class Evidence:
    declared: str
    checks: list[LevelCheck]
    consultations: list  # ConsultationPage with response_count, closed
    sessions: list  # Session with people (published count), experts_present, ended
    group: CoproductionGroup | None
    quorum: int | None
    sign_offs: list  # SignOffResponse approvals that count, in order
    agreement: str = ""

    @property
    def supported_level(self) -> str:
        """The highest level the record supports."""
        supported = InvolvementLevel.INFORMED.value
        for check in self.checks:
            if check.met:
                supported = check.level
        return supported

    @property
    def supported_label(self) -> str:
        return str(InvolvementLevel(self.supported_level).label)

    @property
    def declared_check(self) -> LevelCheck:
        return next(c for c in self.checks if c.level == self.declared)

    @property
    def supports_declared(self) -> bool:
        return self.declared_check.met

    @property
    def missing(self) -> list[str]:
        return [sentence for _code, sentence in self.declared_check.missing]

    @property
    def missing_before_sign_off(self) -> list[str]:
        """What is missing apart from the sign-off itself (which comes after submission)."""
        return [s for code, s in self.declared_check.missing if code != SIGN_OFF_MISSING]


def _consultations(consultation_ids, now) -> list[ConsultationPage]:
    # A subquery per consultation, counted on the (consultation, status) index: a join counted
    # DISTINCT over the page's own tables took three times as long at 100,000 responses.
    submitted = (
        Response.objects.filter(consultation=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
        .order_by()
        .values("consultation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    consultations = list(
        ConsultationPage.objects.filter(pk__in=consultation_ids)
        .annotate(response_count=Coalesce(Subquery(submitted), 0))
        .order_by("closes_at", "pk")
    )
    for consultation in consultations:
        consultation.closed = consultation.closes_at <= now
    return consultations


def _sessions(session_ids) -> list[Session]:
    sessions = list(
        Session.objects.filter(pk__in=session_ids)
        .select_related("group")
        .order_by("scheduled_at", "pk")
    )
    pairs = session_participation(session_ids=[s.pk for s in sessions])
    experts = set(
        experts_by_experience()
        .filter(pk__in={user_id for _s, user_id in pairs})
        .values_list("pk", flat=True)
    )
    per_session = defaultdict(set)
    for session_id, user_id in pairs:
        per_session[session_id].add(user_id)
    for session in sessions:
        people = per_session[session.pk]
        session.ended = session.status == Session.Status.ENDED
        session.people = people_count(len(people))
        session.experts_present = bool(people & experts)
    return sessions


def record_evidence(
    *,
    level: str,
    consultation_ids,
    session_ids,
    group_id: int | None,
    poll_id: int | None = None,
    agreement_session_id: int | None = None,
    revision_id: int | None = None,
    now=None,
) -> Evidence:
    """What the record supports, from the ids a decision (or a draft of one) links to. The
    sign-off counted is the confirmations of `revision_id` (the revision being published, or
    the live one); without a revision nobody has signed yet."""
    now = now or timezone.now()
    consultations = _consultations(list(consultation_ids), now)
    sessions = _sessions(list(session_ids))
    group = CoproductionGroup.objects.filter(pk=group_id).first() if group_id else None

    sign_offs = []
    if group is not None and revision_id is not None:
        sign_offs = list(
            SignOffResponse.objects.filter(
                task_state__revision_id=revision_id,
                verdict=SignOffVerdict.APPROVE,
                user__in=lived_experience_members(group_id=group.pk),
            )
            .select_related("user")
            .order_by("created_at", "pk")
        )

    consulted_missing = []
    if not any(c.closed and c.response_count for c in consultations):
        consulted_missing.append(
            ("consultation", _("No linked consultation has closed with responses."))
        )
    involved_by_session = any(s.ended and s.experts_present for s in sessions)
    involved_missing = []
    if consulted_missing and not involved_by_session:
        involved_missing = [
            (
                "involvement",
                _(
                    "No linked consultation has closed with responses, and no linked session "
                    "has taken place with experts by experience present."
                ),
            )
        ]

    co_produced_missing = []
    if group is None:
        co_produced_missing.append(("group", _("No co-production group is linked.")))
    elif not any(s.ended and s.group_id == group.pk for s in sessions):
        co_produced_missing.append(
            (
                "group_met",
                _("No ended session of the group “%(group)s” is linked.") % {"group": group.name},
            )
        )
    quorum = group.sign_off_quorum if group is not None else None
    if group is None or len(sign_offs) < quorum:
        co_produced_missing.append(
            (
                SIGN_OFF_MISSING,
                _(
                    "Sign-off by the group's members with lived experience: %(have)d of "
                    "%(need)d confirmations."
                )
                % {"have": len(sign_offs), "need": quorum or 0},
            )
        )

    agreement = ""
    agreement_missing = []
    linked = {s.pk: s for s in sessions}
    if poll_id:
        poll = Poll.objects.filter(pk=poll_id).annotate(n=Count("votes")).first()
        if poll is None or poll.session_id not in linked:
            agreement_missing.append(("agreement", _("The cited poll is not in a linked session.")))
        elif poll.is_open or not poll.n:
            agreement_missing.append(("agreement", _("The cited poll is open or has no votes.")))
        else:
            agreement = _("Agreed in the poll “%(question)s” in “%(session)s”.") % {
                "question": poll.question,
                "session": linked[poll.session_id].title,
            }
    elif agreement_session_id:
        session = linked.get(agreement_session_id)
        if session is None or not session.ended or not session.agreed_actions.strip():
            agreement_missing.append(
                (
                    "agreement",
                    _("The cited session is not a linked, ended session with an agreement."),
                )
            )
        else:
            agreement = _("Agreed in the session “%(session)s”: %(actions)s") % {
                "session": session.title,
                "actions": session.agreed_actions,
            }
    else:
        agreement_missing.append(
            ("agreement", _("No poll or session agreement is cited for the decision itself."))
        )

    missing_by_level = {
        InvolvementLevel.INFORMED: [],
        InvolvementLevel.CONSULTED: consulted_missing,
        InvolvementLevel.INVOLVED: involved_missing,
        InvolvementLevel.CO_PRODUCED: co_produced_missing,
        InvolvementLevel.CO_DECIDED: co_produced_missing + agreement_missing,
    }
    checks = [
        LevelCheck(
            level=level_value,
            label=str(InvolvementLevel(level_value).label),
            rule=str(EVIDENCE_RULES[InvolvementLevel(level_value)]),
            met=not missing_by_level[InvolvementLevel(level_value)],
            missing=list(missing_by_level[InvolvementLevel(level_value)]),
        )
        for level_value in LEVEL_ORDER
    ]
    return Evidence(
        declared=level if level in LEVEL_ORDER else InvolvementLevel.INFORMED.value,
        checks=checks,
        consultations=consultations,
        sessions=sessions,
        group=group,
        quorum=quorum,
        sign_offs=sign_offs,
        agreement=agreement,
    )


def decision_evidence(*, decision, revision_id: int | None = None) -> Evidence:
    """The evidence for a decision page object: the live page (pass no revision: its live
    revision's sign-off counts) or a draft made from a revision (`revision.as_object()`, with
    that revision's id), whose links are read from the draft, not the database."""
    if revision_id is None:
        revision_id = decision.live_revision_id
    return record_evidence(
        level=decision.involvement_level,
        consultation_ids=[c.pk for c in decision.consultations.all()],
        session_ids=[s.pk for s in decision.sessions.all()],
        group_id=decision.co_production_group_id,
        poll_id=decision.agreed_in_poll_id,
        agreement_session_id=decision.agreed_in_session_id,
        revision_id=revision_id,
    )


def open_change_requests(*, decision_id: int | None) -> QuerySet[SignOffResponse]:
    """Changes the group asked for that the commissioner has not yet answered."""
    if decision_id is None:
        return SignOffResponse.objects.none()
    return SignOffResponse.objects.filter(
        decision_id=decision_id, verdict=SignOffVerdict.REQUEST_CHANGES, answered_at__isnull=True
    ).order_by("created_at", "pk")


def last_changes_answer(*, decision_id: int | None) -> str:
    """The answer given with the last submission, so a resubmission must say something new."""
    if decision_id is None:
        return ""
    last = (
        SignOffResponse.objects.filter(decision_id=decision_id, answered_at__isnull=False)
        .order_by("-answered_at", "-pk")
        .first()
    )
    return last.answer if last else ""


def decision_submission_problems(*, page, cleaned_data: dict) -> list[tuple[str | None, str]]:
    """Why a draft, as the admin form holds it, may not go to sign-off yet: (field, message)
    pairs. The record must support the declared level in everything but the sign-off itself,
    and changes the group asked for must be answered first."""
    problems: list[tuple[str | None, str]] = []
    level = cleaned_data.get("involvement_level")
    if level:
        group = cleaned_data.get("co_production_group")
        poll = cleaned_data.get("agreed_in_poll")
        agreement_session = cleaned_data.get("agreed_in_session")
        evidence = record_evidence(
            level=level,
            consultation_ids=[c.pk for c in cleaned_data.get("consultations") or []],
            session_ids=[s.pk for s in cleaned_data.get("sessions") or []],
            group_id=group.pk if group else None,
            poll_id=poll.pk if poll else None,
            agreement_session_id=agreement_session.pk if agreement_session else None,
        )
        for sentence in evidence.missing_before_sign_off:
            problems.append(
                (
                    "involvement_level",
                    _("The record does not support “%(level)s” yet: %(missing)s")
                    % {"level": InvolvementLevel(level).label, "missing": sentence},
                )
            )
    if page.pk and open_change_requests(decision_id=page.pk).exists():
        answer = (cleaned_data.get("changes_answer") or "").strip()
        if not answer or answer == last_changes_answer(decision_id=page.pk).strip():
            problems.append(
                (
                    "changes_answer",
                    _("The group asked for changes. Answer them here before you submit again."),
                )
            )
    return problems
