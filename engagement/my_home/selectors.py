"""What a signed-in person's home shows, read through each feature's selectors."""

from __future__ import annotations

from dataclasses import dataclass, field

from deliberation.models import Session
from deliberation.selectors import groups_of, sessions_for
from engagement.consultations.models import ConsultationPage, Response, ResponseStatus
from engagement.consultations.selectors import open_consultations, responses_of
from engagement.decisions.selectors import sign_off_task_states_for
from engagement.profiles.models import Invitation, Opportunity, PaymentClaim
from engagement.profiles.selectors import (
    claims_for,
    claims_to_review,
    invitations_for,
    opportunities_for_listing,
)

# A home is a starting point, not an archive: each list shows this many, with a link to all.
LIST_LENGTH = 5


@dataclass
class Home:
    """Everything the home page lists for one person."""

    # What needs them
    sessions: list[Session] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    sign_offs: list = field(default_factory=list)
    queried_claims: list[PaymentClaim] = field(default_factory=list)
    claims_waiting_review: int = 0
    unfinished_responses: list[Response] = field(default_factory=list)
    # What is open to them
    consultations: list[ConsultationPage] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    # What they did
    sent_responses: list[Response] = field(default_factory=list)
    claims: list[PaymentClaim] = field(default_factory=list)
    groups: list = field(default_factory=list)

    @property
    def needs_nothing(self) -> bool:
        return not (
            self.sessions
            or self.invitations
            or self.sign_offs
            or self.queried_claims
            or self.claims_waiting_review
            or self.unfinished_responses
        )


def home_for(*, user, may_review_claims: bool = False, may_see_opportunities: bool = False) -> Home:
    """The person's home. `may_review_claims` (commissioners) adds how many claims wait for a
    decision; `may_see_opportunities` (experts by experience) lists open opportunities. A fixed
    number of queries, whatever the person has done."""
    responses = list(responses_of(user=user))
    open_now = list(open_consultations())
    open_ids = {consultation.pk for consultation in open_now}
    answered = {response.consultation_id for response in responses}
    claims = list(claims_for(user=user))
    home = Home(
        sessions=sessions_for(user=user),
        invitations=list(
            invitations_for(user=user).filter(status=Invitation.Status.PENDING)[:LIST_LENGTH]
        ),
        sign_offs=list(sign_off_task_states_for(user=user).order_by("started_at")[:LIST_LENGTH]),
        queried_claims=[c for c in claims if c.status == PaymentClaim.Status.QUERIED],
        unfinished_responses=[
            r
            for r in responses
            if r.status == ResponseStatus.IN_PROGRESS and r.consultation_id in open_ids
        ],
        consultations=[c for c in open_now if c.pk not in answered][:LIST_LENGTH],
        sent_responses=[r for r in responses if r.status == ResponseStatus.SUBMITTED][:LIST_LENGTH],
        claims=claims[:LIST_LENGTH],
        groups=list(groups_of(user=user)),
    )
    if may_review_claims:
        home.claims_waiting_review = claims_to_review().count()
    if may_see_opportunities:
        home.opportunities = list(
            opportunities_for_listing(viewer=user).filter(status=Opportunity.Status.OPEN)[
                :LIST_LENGTH
            ]
        )
    return home
