"""import_polis and export_polis on a public Pol.is conversation: ids kept, the export reads
back as the same conversation, and the stored activity analyses like the folder does."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from sklearn.metrics import adjusted_rand_score

from deliberation.opinions import selectors, services
from deliberation.opinions.analysis import VoteMatrix, analyse
from deliberation.opinions.models import Statement, StatementActivity, StatementVote
from deliberation.opinions.polis import read_export
from tests.opinions.conftest import add_statements

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
CONVERSATION = DATA / "london.youth.policing"


def test_import_keeps_polis_ids_and_moderation(capsys):
    call_command("import_polis", str(CONVERSATION), title="Young people and policing")
    export = read_export(CONVERSATION)
    activity = StatementActivity.objects.get()
    assert activity.title == "Young people and policing"
    assert activity.source == "london.youth.policing"
    stored = {s.polis_comment_id: s for s in Statement.objects.filter(activity=activity)}
    assert set(stored) == {c.id for c in export.comments}
    for comment in export.comments:
        assert stored[comment.id].polis_author_id == comment.author
        assert (stored[comment.id].status == "rejected") == (comment.moderated == -1)
    votes = set(
        StatementVote.objects.values_list(
            "voter__polis_participant_id", "statement__polis_comment_id", "vote"
        )
    )
    assert votes == set(export.triples())
    assert "as activity" in capsys.readouterr().out


def test_export_reads_back_as_the_same_conversation(tmp_path):
    call_command("import_polis", str(CONVERSATION))
    activity = StatementActivity.objects.get()
    call_command("export_polis", str(activity.pk), str(tmp_path))
    original, again = read_export(CONVERSATION), read_export(tmp_path)
    assert set(again.triples()) == set(original.triples())
    assert again.moderated_out == original.moderated_out
    assert {c.id: c.text for c in again.comments} == {c.id: c.text for c in original.comments}
    header = (tmp_path / "comments.csv").read_text().splitlines()[0]
    assert (
        header == "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
    )


def test_the_stored_activity_analyses_as_the_folder_does():
    call_command("import_polis", str(CONVERSATION))
    activity = StatementActivity.objects.get()
    stored = selectors.activity_analysis(activity=activity)
    export = read_export(CONVERSATION)
    folder = analyse(VoteMatrix.from_votes(export.triples(), moderated_out=export.moderated_out))
    # Stored rows are numbered by the site; map them back to Pol.is's participant ids.
    polis_id = dict(activity.voters.values_list("pk", "polis_participant_id"))
    stored_groups = {polis_id[v]: g for v, g in stored.assignment.items()}
    people = sorted(folder.assignment)
    assert sorted(stored_groups) == people
    assert adjusted_rand_score(
        [folder.assignment[p] for p in people], [stored_groups[p] for p in people]
    ) == pytest.approx(1.0)


def test_import_refuses_a_folder_without_votes(tmp_path):
    (tmp_path / "comments.csv").write_text((CONVERSATION / "comments.csv").read_text())
    with pytest.raises(CommandError, match="votes.csv is missing"):
        call_command("import_polis", str(tmp_path))
    assert not StatementActivity.objects.exists()


def test_a_mixed_activity_exports_without_clashing_ids(tmp_path, room, live_item, add_members):
    """An imported conversation that then gets statements and voters made here: the new ones
    are numbered after Pol.is's highest ids, and the export reads back as the same votes."""
    export = read_export(CONVERSATION)
    activity = services.polis_import(export=export, title="Mixed", agenda_item=live_item)
    (member,) = add_members(1)
    # Enough statements made here to reach the imported ids' range if numbered by pk.
    added = add_statements(room.session, member, [f"Something new number {n}" for n in range(60)])
    for statement in added[:3]:
        services.statement_vote(
            session=room.session, voter=member, statement_id=statement, vote=1, client_id=None
        )
    imported_statement = Statement.objects.filter(
        activity=activity, polis_comment_id__isnull=False, status="approved"
    ).first()
    services.statement_vote(
        session=room.session,
        voter=member,
        statement_id=imported_statement.pk,
        vote=-1,
        client_id=None,
    )

    call_command("export_polis", str(activity.pk), str(tmp_path / "out"))
    written = read_export(tmp_path / "out")
    comment_ids = [c.id for c in written.comments]
    assert len(comment_ids) == len(set(comment_ids)) == len(export.comments) + 60
    highest_comment = max(c.id for c in export.comments)
    new_ids = sorted(set(comment_ids) - {c.id for c in export.comments})
    assert new_ids == list(range(highest_comment + 1, highest_comment + 61))
    participants = {v.voter for v in export.votes}
    member_ids = {v.voter for v in written.votes} - participants
    assert member_ids == {max(participants) + 1}
    # The member's four votes are theirs alone, under one new id, and Pol.is's are unchanged.
    assert {t for t in written.triples() if t[0] in member_ids} == {
        (max(participants) + 1, new_ids[0], 1),
        (max(participants) + 1, new_ids[1], 1),
        (max(participants) + 1, new_ids[2], 1),
        (max(participants) + 1, imported_statement.polis_comment_id, -1),
    }
    assert {t for t in written.triples() if t[0] in participants} == set(export.triples())

    # Round trip: import what was written, export it again, the same conversation comes out.
    call_command("import_polis", str(tmp_path / "out"))
    again = StatementActivity.objects.exclude(pk=activity.pk).get()
    call_command("export_polis", str(again.pk), str(tmp_path / "again"))
    reread = read_export(tmp_path / "again")
    assert set(reread.triples()) == set(written.triples())
    assert {c.id: c.text for c in reread.comments} == {c.id: c.text for c in written.comments}
    assert reread.moderated_out == written.moderated_out
