"""Open data: the analysis of a consultation's "statements" questions, as a route of the one
API (`engagement/api.py`, under /api/v1/). The same figures as the results page: nothing
until 7 people have voted, no group under 3 people, every count of people through
`coproduce.disclosure` (1 to 4 are published as "[c]"). Documented in docs/api.md."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from engagement.consultations.models import ConsultationPage
from engagement.consultations.results import results_are_public
from engagement.open_data import LICENCE, MAX_ID, Licence, Problem, ProblemError

from . import selectors

router = Router(tags=["Consultations"])

PeopleCount = int | str
COUNT_NOTE = 'People; "[c]" where 1 to 4 (hidden so that nobody can be picked out)'


class GroupVotes(Schema):
    group: str = Field(description="The group's letter")
    agree: PeopleCount = Field(description=COUNT_NOTE)
    disagree: PeopleCount = Field(description=COUNT_NOTE)


class StatementFigures(Schema):
    id: int
    text: str
    agree: PeopleCount = Field(description=COUNT_NOTE)
    disagree: PeopleCount = Field(description=COUNT_NOTE)
    passed: PeopleCount = Field(description=COUNT_NOTE)
    verdict: str = Field(description="Most agree, Most disagree, or Divided or unsure")
    groups: list[GroupVotes]


class RepresentativeStatement(Schema):
    id: int
    direction: Literal["agree", "disagree"] = Field(
        description="The group is more likely than others to agree, or to disagree"
    )


class OpinionGroup(Schema):
    group: str = Field(description="The group's letter")
    size: PeopleCount = Field(description=COUNT_NOTE)
    representative: list[RepresentativeStatement] = Field(
        description="The statements that most distinguish the group, most first"
    )


class StatementsQuestion(Schema):
    id: int = Field(description="The question's id")
    section: str
    text: str
    ready: bool = Field(description="False until at least 7 people have voted")
    voters: PeopleCount = Field(description=COUNT_NOTE)
    groups_hidden: int = Field(description="Opinion groups of fewer than 3 people, not shown")
    groups: list[OpinionGroup]
    consensus: list[int] = Field(
        description="Statement ids by group-informed consensus (every group agrees), best first"
    )
    divisive: list[int] = Field(
        description="Statement ids where one group mostly agrees and another mostly disagrees"
    )
    statements: list[StatementFigures] = Field(
        description="Every statement open for votes (none moderated out)"
    )


class ConsultationStatementResults(Schema):
    licence: Licence
    questions: list[StatementsQuestion]


def _question(question, results) -> dict:
    body = {
        "id": question.pk,
        "section": question.section.title,
        "text": question.text,
        "ready": bool(results and results.ready),
        "voters": results.voters if results else 0,
        "groups_hidden": results.hidden_groups if results else 0,
        "groups": [],
        "consensus": [],
        "divisive": [],
        "statements": [],
    }
    if not (results and results.ready):
        return body
    body["groups"] = [
        {
            "group": g.letter,
            "size": g.size,
            "representative": [
                {"id": r.statement, "direction": r.direction} for r in g.representative
            ],
        }
        for g in results.groups
    ]
    body["consensus"] = [r.statement for r in results.consensus]
    body["divisive"] = [r.statement for r in results.divisive]
    body["statements"] = [
        {
            "id": r.statement,
            "text": r.text,
            "agree": r.agree,
            "disagree": r.disagree,
            "passed": r.passed,
            "verdict": r.verdict,
            "groups": [
                {"group": letter, "agree": agree, "disagree": disagree}
                for letter, _verdict, agree, disagree in r.groups
            ],
        }
        for r in results.table
    ]
    return body


@router.get(
    "/consultations/{int:consultation_id}/statements",
    response={200: ConsultationStatementResults, 400: Problem, 403: Problem, 404: Problem},
    url_name="consultation_statements",
    operation_id="consultation_statements",
    summary="One consultation's statements questions: where people agree and differ",
    exclude_unset=True,
)
def consultation_statements(
    request: HttpRequest, consultation_id: int = Path(..., ge=1, le=MAX_ID)
):
    """The analysis of each "statements" question (people added statements and voted agree,
    disagree or pass): group-informed consensus, opinion groups with their distinguishing
    statements, divisive statements, and every statement's votes. Public when the
    consultation's results are; otherwise 403. Nothing about any one person."""
    consultation = ConsultationPage.objects.live().filter(pk=consultation_id).first()
    if consultation is None:
        raise ProblemError(status=404, detail=_("There is no published consultation with that id."))
    if not results_are_public(consultation=consultation):
        raise ProblemError(
            status=403,
            kind="results-not-public",
            title=_("Results not public"),
            detail=_("The results of this consultation are not public yet."),
        )
    found = selectors.consultation_statement_results(consultation=consultation)
    return {
        "licence": LICENCE,
        "questions": [_question(question, results) for question, _a, results in found],
    }
