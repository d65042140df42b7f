"""Migration 0006 turns the single citation of a "you said" point into many (answers,
contributions), in the table and in stored revisions, and back again: tested both ways on a
real database."""

import pytest

from deliberation import services as room_services
from deliberation.models import RoomEvent
from tests import factories
from tests.migrations import back_to_latest_after, latest, migrate

# PostgreSQL only: on SQLite, unapplying deliberation 0007 copies the attendance table without
# the columns of a parallel branch that stays applied (tests/migrations.py says how).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres"),
]

BEFORE = [("engagement", "0103_profile_search_index")]


def test_citations_go_to_many_and_back(facilitator):
    consultation = factories.make_consultation()
    first, second = (factories.make_response(consultation, text=t) for t in ("One", "Two"))
    session = factories.SessionFactory(
        group=factories.CoproductionGroupFactory(facilitators=[facilitator])
    )
    room_services.contribution_create(session=session, author=facilitator, text="Hi", client_id="c")
    contribution = RoomEvent.objects.get(type="contribution.created")
    decision = factories.make_decision(
        consultations=[consultation],
        items=[
            {
                "you_said": "Two answers",
                "cited_answers": [first.answers.get(), second.answers.get()],
                "outcome": "done",
                "we_did": "Done.",
            },
            {
                "you_said": "A contribution",
                "cited_contributions": [contribution],
                "outcome": "done",
                "we_did": "Done.",
            },
            {"you_said": "Nothing cited", "outcome": "not_done", "we_did": "No."},
        ],
    )
    low_answer = min(first.answers.get().pk, second.answers.get().pk)
    with back_to_latest_after():
        old = migrate(BEFORE)
        items = {
            i.you_said: (i.cited_answer_id, i.cited_contribution_id)
            for i in old.get_model("engagement", "YouSaidItem").objects.all()
        }
        # The old shape holds one source: the first answer is kept.
        assert items == {
            "Two answers": (low_answer, None),
            "A contribution": (None, contribution.pk),
            "Nothing cited": (None, None),
        }
        revision = old.get_model("wagtailcore", "Revision").objects.get(
            pk=decision.latest_revision_id
        )
        stored = {i["you_said"]: i for i in revision.content["you_said_items"]}
        assert stored["Two answers"]["cited_answer"] == low_answer
        assert "cited_answers" not in stored["Two answers"]

        new = migrate(latest())
        Item = new.get_model("engagement", "YouSaidItem")
        answers = Item._meta.get_field("cited_answers").remote_field.through
        contributions = Item._meta.get_field("cited_contributions").remote_field.through
        by_text = {i.you_said: i.pk for i in Item.objects.all()}
        assert list(
            answers.objects.filter(yousaiditem_id=by_text["Two answers"]).values_list(
                "answer_id", flat=True
            )
        ) == [low_answer]
        assert list(
            contributions.objects.filter(yousaiditem_id=by_text["A contribution"]).values_list(
                "roomevent_id", flat=True
            )
        ) == [contribution.pk]
        assert not answers.objects.filter(yousaiditem_id=by_text["Nothing cited"]).exists()
        revision = new.get_model("wagtailcore", "Revision").objects.get(
            pk=decision.latest_revision_id
        )
        stored = {i["you_said"]: i for i in revision.content["you_said_items"]}
        assert stored["Two answers"]["cited_answers"] == [low_answer]
        assert stored["A contribution"]["cited_contributions"] == [contribution.pk]
        assert "cited_answer" not in stored["Two answers"]
