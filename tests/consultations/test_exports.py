"""Exports for Commissioners: responses (pseudonymous, no equality monitoring) and aggregates,
as CSV and JSON. Everyone else gets 403; people not logged in are sent to log in."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coproduce.spreadsheets import csv_rows
from engagement.consultations import exports
from engagement.consultations.exports import BATCH_SIZE, respondent_pseudonym
from engagement.consultations.models import QuestionKind
from tests import factories

from .conftest import EVERY_ROLE, MULTIPLE, POINTS, RANKING, SCALE, SINGLE, TEXT

pytestmark = pytest.mark.django_db

EXPORTS = [
    ("consultation_responses_export", "csv"),
    ("consultation_responses_export", "json"),
    ("consultation_results_export", "csv"),
    ("consultation_results_export", "json"),
]


def url(name, consultation, fmt):
    return reverse(f"engagement:{name}", args=[consultation.pk, fmt])


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("person", EVERY_ROLE, indirect=True)
@pytest.mark.parametrize(("name", "fmt"), EXPORTS)
def test_exports_are_for_commissioners_only(client, answered, person, request, name, fmt):
    role = request.node.callspec.params["person"]
    response = client.get(url(name, answered, fmt))
    if role in {"commissioner", "superuser"}:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        body(response)
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


@pytest.fixture
def identifiable(closed_consultation, participant):
    """A response from a signed-in participant, with an email for updates, entered by a named
    support worker, with equality monitoring."""
    supporter = factories.UserFactory(email="supporter.named@example.org", display_name="Zebedee")
    factories.make_response(
        closed_consultation,
        respondent=participant,
        email="updates.wanted@example.org",
        entered_by=supporter,
        assistance="phone",
        consent_recorded=True,
        answers={SINGLE: "Weekly", TEXT: "Quite happy"},
        equality={"age_band": "80_plus", "ethnicity": "mixed", "disability": "yes"},
    )
    return closed_consultation


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_responses_export_is_pseudonymous(client, identifiable, commissioner, participant, fmt):
    client.force_login(commissioner)
    text = body(client.get(url("consultation_responses_export", identifiable, fmt)))
    response = identifiable.responses.get()
    for identifying in [
        participant.email,
        participant.display_name,
        "updates.wanted@example.org",
        "supporter.named@example.org",
        "Zebedee",
        response.reference,
    ]:
        assert identifying not in text
    assert respondent_pseudonym(response.pk) in text
    assert "Quite happy" in text
    # Equality monitoring is never joined to answers.
    for equality in ["80_plus", "80 or over", "mixed", "Mixed or multiple", "age_band"]:
        assert equality not in text


def test_pseudonyms_are_stable_distinct_and_not_the_id():
    assert respondent_pseudonym(1) == respondent_pseudonym(1)
    assert respondent_pseudonym(1) != respondent_pseudonym(2)
    assert len(respondent_pseudonym(1)) == 20
    assert respondent_pseudonym(1) != "1"


def test_pseudonyms_depend_on_the_secret_key(settings):
    before = respondent_pseudonym(7)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdefgh"
    assert respondent_pseudonym(7) != before


def test_responses_csv_has_one_row_per_submitted_response(client, answered, commissioner):
    client.force_login(commissioner)
    response = client.get(url("consultation_responses_export", answered, "csv"))
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 4  # the response in progress is left out
    by_id = {row["respondent"]: row for row in rows}
    first = by_id[respondent_pseudonym(answered.known_responses[0].pk)]
    columns = {key.split(". ", 1)[1].split(" (")[0]: key for key in first if ". " in key}
    assert first[columns[SINGLE]] == "Weekly"
    assert first[columns[MULTIPLE]] == "Day care; Overnight"
    assert first[columns[SCALE]] == "5"
    assert first[columns[RANKING]] == "Cost > Distance > Staff"
    assert first[columns[POINTS]] == "Evenings: 50; Weekends: 30; Emergencies: 20"
    assert first[columns[TEXT]] == "More evening sitters, please."
    last = by_id[respondent_pseudonym(answered.known_responses[3].pk)]
    assert last[columns[SINGLE]] == "Monthly"
    assert last[columns[TEXT]] == ""


def test_responses_json(client, answered, commissioner):
    client.force_login(commissioner)
    data = json.loads(body(client.get(url("consultation_responses_export", answered, "json"))))
    assert len(data["responses"]) == 4
    questions = {q["text"]: str(q["id"]) for q in data["questions"]}
    first = next(
        r
        for r in data["responses"]
        if r["respondent"] == respondent_pseudonym(answered.known_responses[0].pk)
    )
    assert first["answers"][questions[RANKING]] == ["Cost", "Distance", "Staff"]
    assert first["answers"][questions[POINTS]] == {
        "Evenings": 50,
        "Weekends": 30,
        "Emergencies": 20,
    }
    assert first["answers"][questions[SCALE]] == 5


def test_export_streams_in_batches_across_many_responses(
    client, closed_consultation, commissioner, settings, monkeypatch
):
    monkeypatch.setattr("engagement.consultations.exports.BATCH_SIZE", 3)
    for n in range(8):
        factories.make_response(closed_consultation, answers={TEXT: f"Answer number {n}"})
    client.force_login(commissioner)
    response = client.get(url("consultation_responses_export", closed_consultation, "csv"))
    chunks = list(response.streaming_content)
    assert len(chunks) == 1 + 3  # header, then batches of 3, 3 and 2
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert sorted(row[next(k for k in row if TEXT in k)] for row in rows) == [
        f"Answer number {n}" for n in range(8)
    ]
    json_response = client.get(url("consultation_responses_export", closed_consultation, "json"))
    assert len(json.loads(body(json_response))["responses"]) == 8
    assert BATCH_SIZE >= 1000  # the real batch size, restored


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_responses_stream_under_asgi(async_client, answered, commissioner):
    from asgiref.sync import sync_to_async

    await sync_to_async(async_client.force_login)(commissioner)
    response = await async_client.get(url("consultation_responses_export", answered, "csv"))
    assert response.status_code == 200
    assert response.is_async
    content = b"".join([chunk async for chunk in response.streaming_content]).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(content)))) == 4


def test_spreadsheet_formulas_in_free_text_are_neutralised(
    client, closed_consultation, commissioner
):
    factories.make_response(closed_consultation, answers={TEXT: '=HYPERLINK("http://x","y")'})
    client.force_login(commissioner)
    text = body(client.get(url("consultation_responses_export", closed_consultation, "csv")))
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert row[next(k for k in row if TEXT in k)] == '\'=HYPERLINK("http://x","y")'


def test_results_csv_holds_the_aggregates(client, answered, commissioner):
    client.force_login(commissioner)
    rows = list(
        csv.DictReader(
            io.StringIO(body(client.get(url("consultation_results_export", answered, "csv"))))
        )
    )
    weekly = next(r for r in rows if r["question"] == SINGLE and r["item"] == "Weekly")
    assert (weekly["count"], weekly["percent"], weekly["answered"]) == ("2", "50.0", "4")
    cost = next(r for r in rows if r["question"] == RANKING and r["item"] == "Cost")
    assert (cost["borda_score"], cost["mean_position"]) == ("5", "1.33")
    agree = next(r for r in rows if r["question"] == SCALE and r["item"] == "5 Strongly agree")
    assert (agree["count"], agree["mean"]) == ("1", "3.67")


def test_results_json_matches_the_api_shape(client, answered, commissioner):
    client.force_login(commissioner)
    data = json.loads(body(client.get(url("consultation_results_export", answered, "json"))))
    assert data["respondents"] == 4
    assert {q["kind"] for q in data["questions"]} == {
        "single_choice",
        "multiple_choice",
        "agreement_scale",
        "ranking",
        "points",
        "free_text",
    }


def test_an_unknown_format_is_404(client, answered, commissioner):
    client.force_login(commissioner)
    assert client.get(url("consultation_responses_export", answered, "xlsx")).status_code == 404
    assert client.get(url("consultation_results_export", answered, "xml")).status_code == 404


def test_every_csv_starts_with_the_byte_order_mark_so_excel_shows_names(
    client, answered, commissioner
):
    client.force_login(commissioner)
    for name in ("consultation_results_export", "consultation_responses_export"):
        response = client.get(url(name, answered, "csv"))
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        assert raw.startswith("\ufeff".encode())


@given(response_id=st.integers(min_value=1, max_value=2**63 - 1))
@hypothesis_settings(max_examples=200)
def test_the_export_pseudonym_is_the_published_one(response_id):
    """The export derives the HMAC key once per file; every pseudonym is still the one
    `respondent_pseudonym` gives (and other features, like "my data", show)."""
    assert exports._pseudonymiser()(response_id) == respondent_pseudonym(response_id)


def _reference_value(question, value):
    """A cell as the export wrote it before its inner loop was made faster."""
    if value is None:
        return ""
    if question.kind == QuestionKind.RANKING:
        return " > ".join(value)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return "; ".join(value)
    if question.kind == QuestionKind.POINTS:
        return "; ".join(f"{label}: {points}" for label, points in value.items())
    return value


def _reference_csv(consultation) -> str:
    """The responses CSV as it was built before the export was made faster: row by row with
    `respondent_pseudonym`, the choices' order read for each row, the answers read with two
    queries a batch and each value built before its cell."""
    questions = consultation.ordered_questions
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}
    header = ["respondent", "submitted_on", "assisted"]
    header += [exports._column_title(i, q) for i, q in enumerate(questions, start=1)]
    rows = [header]
    for batch in exports._batches_two_queries(consultation):
        for response, answers in batch:
            values = exports._answer_values(questions, labels, answers)
            rows.append(
                [
                    respondent_pseudonym(response["pk"]),
                    response["submitted_at"].date().isoformat(),
                    response["assistance"] or "",
                ]
                + [_reference_value(q, values.get(q.pk)) for q in questions]
            )
    return csv_rows(rows)


def test_the_responses_csv_streams_before_the_whole_file_is_built(
    client, answered, commissioner, monkeypatch
):
    """The first rows leave before the later ones are read from the database (memory stays
    flat whatever the number of responses), and the file is the same as it was."""
    monkeypatch.setattr("engagement.consultations.exports.BATCH_SIZE", 2)
    client.force_login(commissioner)
    response = client.get(url("consultation_responses_export", answered, "csv"))
    assert response.streaming
    chunks = iter(response.streaming_content)
    header, first_rows = next(chunks), next(chunks)
    with CaptureQueriesContext(connection) as rest:
        remaining = list(chunks)
    # The second batch (one query on PostgreSQL, two elsewhere) was read only after the first rows
    # had gone: the file is never built whole.
    assert len(rest.captured_queries) >= 1
    assert len(remaining) >= 1
    assert len(list(csv.reader(io.StringIO(first_rows.decode())))) == 2
    content = b"".join([header, first_rows, *remaining]).decode("utf-8-sig")
    assert content == _reference_csv(answered)


# Text that exercises every rule of a CSV cell: quotes, commas, line breaks, the characters a
# spreadsheet reads as a formula, and anything else Unicode allows in PostgreSQL text.
AWKWARD_TEXT = st.one_of(
    st.text(
        alphabet=st.sampled_from(['"', ",", "\r", "\n", "'", " ", "x", "é", "\u2028", "\t"]),
        max_size=12,
    ),
    st.builds(
        str.__add__,
        st.sampled_from(["=", "+", "-", "@", "\t", "\r", "|", "%", "'", ""]),
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
    ),
)


@pytest.mark.usefixtures("postgres")
@given(value=AWKWARD_TEXT)
@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=["function_scoped_fixture"]
)
def test_a_cell_made_by_postgresql_is_the_cell_the_csv_module_writes(value):
    """The responses CSV on PostgreSQL makes each cell in SQL (the formula guard and the csv
    module's quoting): whatever the text, the cell is the one `csv_rows` writes in Python."""
    with connection.cursor() as cursor:
        sql = f"SELECT {exports._safe_cell_sql('v')} FROM (SELECT %s::text AS v) t"  # noqa: S608
        cursor.execute(sql, [value])
        (made,) = cursor.fetchone()
    assert made + ",end\r\n" == csv_rows([[value, "end"]])


@pytest.mark.usefixtures("postgres")
def test_awkward_labels_and_answers_give_the_same_file_on_postgresql(client, commissioner):
    """End to end, labels and answers with quotes, commas, line breaks and formula starts: the
    file made in PostgreSQL is the one built row by row in Python."""
    consultation = factories.make_consultation(
        sections=[
            (
                "About",
                [
                    ("single_choice", "One", ['=cmd|"/c calc"!A1', "Plain, with a comma"]),
                    ("multiple_choice", "Many", ['Say "yes"', "-minus", "Two\nlines"]),
                    ("ranking", "Order", ["@first", "+second", "%third"]),
                    ("points", "Share", ["|pipe", "a,b"]),
                    ("agreement_scale", "Agree", []),
                    ("free_text", "Say", []),
                ],
            )
        ]
    )
    factories.make_response(
        consultation,
        answers={
            "One": '=cmd|"/c calc"!A1',
            "Many": ['Say "yes"', "-minus", "Two\nlines"],
            "Order": ["%third", "@first", "+second"],
            "Share": {"|pipe": 60, "a,b": 40},
            "Agree": 3,
            "Say": '\r=1+1, "quoted"\nand more',
        },
        assistance="phone",
        entered_by=commissioner,
    )
    factories.make_response(consultation, answers={"Say": "\tTab first"})
    factories.make_response(consultation, answers={"Many": ["Two\nlines"]})
    client.force_login(commissioner)
    text = body(client.get(url("consultation_responses_export", consultation, "csv")))
    assert text == _reference_csv(consultation)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4
    assert rows[1][3] == '\'=cmd|"/c calc"!A1'
