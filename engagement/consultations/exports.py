"""Exports of a consultation for commissioners (responses and aggregates, CSV and JSON), and
the aggregate form the open-data API shares.

Responses are pseudonymous: each respondent is named by an HMAC of the response's id keyed
with SECRET_KEY, so a row cannot be traced to a person, yet the same response keeps the same
pseudonym in every export. No names, emails, user ids, reference numbers or who entered an
assisted response appear, and equality monitoring is never joined to answers (that would let
a reader single people out); it is reported only in aggregate, through the one disclosure
control (coproduce/disclosure.py, docs/statistics.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE
from coproduce.spreadsheets import FORMULA_STARTS, UTF8_BOM, csv_rows
from engagement.consultations.models import (
    Answer,
    ConsultationPage,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
)
from engagement.consultations.results import Breakdown, BreakdownRow, ConsultationResults

BATCH_SIZE = 2000
# A batch of responses, each with its answers: (question id, choice id, number, text).
Batch = list[tuple[dict, list[tuple]]]


PSEUDONYM_SALT = "engagement.consultations.exports.respondent"


def respondent_pseudonym(response_id: int) -> str:
    """A stable, non-reversible id for a response: HMAC-SHA256 keyed with SECRET_KEY."""
    digest = salted_hmac(PSEUDONYM_SALT, str(response_id), algorithm="sha256")
    return digest.hexdigest()[:20]


def _pseudonymiser() -> Callable[[int], str]:
    """`respondent_pseudonym`, with the key derived once for a whole export rather than once a
    row (the same HMAC: Django's salted_hmac keys it with sha256(salt + SECRET_KEY))."""
    key = hashlib.sha256((PSEUDONYM_SALT + settings.SECRET_KEY).encode()).digest()

    def pseudonym(response_id: int) -> str:
        # hmac.digest: OpenSSL's one-shot HMAC, the fastest way to the same digest.
        return hmac.digest(key, str(response_id).encode(), "sha256").hex()[:20]

    return pseudonym


# --- Aggregates --------------------------------------------------------------------------------


def aggregates_as_dict(results: ConsultationResults) -> dict:
    """The results as plain data: the API's body and the aggregate JSON export."""
    consultation = results.consultation
    questions = []
    for result in results.questions:
        question = result.question
        item: dict[str, Any] = {
            "id": question.pk,
            "section": question.section.title,
            "text": question.text,
            "kind": question.kind,
            "answered": result.answered,
        }
        if question.kind == QuestionKind.AGREEMENT_SCALE:
            item["mean"] = result.mean
            item["distribution"] = [
                {"value": p.value, "label": p.label, "count": p.count, "percent": p.percent}
                for p in result.scale
            ]
        elif question.kind == QuestionKind.FREE_TEXT:
            item["answers_shown"] = result.text_count
        else:
            if question.kind == QuestionKind.POINTS:
                item["points_to_share"] = question.points_total
            item["choices"] = []
            for choice in result.choices:
                entry: dict[str, Any] = {
                    "id": choice.choice_id,
                    "label": choice.label,
                    "count": choice.count,
                    "percent": choice.percent,
                }
                if question.kind == QuestionKind.RANKING:
                    entry |= {"borda_score": choice.borda, "mean_position": choice.mean_rank}
                if question.kind == QuestionKind.POINTS:
                    entry |= {
                        "points": choice.points,
                        "mean_points": choice.mean_points,
                        "points_percent": choice.points_percent,
                    }
                item["choices"].append(entry)
        questions.append(item)
    return {
        "consultation": {
            "id": consultation.pk,
            "title": consultation.title,
            "opens_at": consultation.opens_at.isoformat(),
            "closes_at": consultation.closes_at.isoformat(),
            "status": str(consultation.status),
        },
        "respondents": results.respondents,
        "questions": questions,
    }


AGGREGATE_HEADER = [
    "question_id",
    "section",
    "question",
    "kind",
    "answered",
    "item",
    "count",
    "percent",
    "mean",
    "borda_score",
    "mean_position",
    "points",
    "mean_points",
]


def aggregate_csv(results: ConsultationResults) -> str:
    """The results as CSV, one row per choice or scale point (free text: one row, its count)."""
    rows: list[list] = [AGGREGATE_HEADER]
    for result in results.questions:
        question = result.question
        base = [question.pk, question.section.title, question.text, question.kind]
        if question.kind == QuestionKind.AGREEMENT_SCALE:
            for point in result.scale:
                label = f"{point.value} {point.label}"
                rows.append(
                    [*base, result.answered, label, point.count, point.percent, result.mean]
                    + [""] * 4
                )
        elif question.kind == QuestionKind.FREE_TEXT:
            rows.append([*base, result.answered, "answers shown", result.text_count] + [""] * 6)
        else:
            for c in result.choices:
                rows.append(
                    [*base, result.answered, c.label, c.count, c.percent, ""]
                    + [c.borda, c.mean_rank, c.points, c.mean_points]
                )
    return UTF8_BOM + csv_rows([[("" if v is None else v) for v in row] for row in rows])


# --- Equality breakdown ------------------------------------------------------------------------


def _breakdown_line(table: str, question_id, row: BreakdownRow, *, prefix: str = "") -> list:
    def shown(cell) -> Any:
        if cell is None:
            return ""
        return HIDDEN_MARK if cell.hidden else ("" if cell.value is None else cell.value)

    return [
        table,
        question_id,
        prefix + row.label,
        *(shown(c) for c in row.cells),
        shown(row.total),
    ]


def breakdown_csv(breakdown: Breakdown) -> str:
    """The breakdown as CSV, figure for figure what the page publishes: one line per row of
    each table (choices, "Did not answer", then the group sizes), a column per group and the
    total. A hidden figure is "[c]", explained on the last line."""
    header = ["table", "question_id", "row", *(label for _v, label in breakdown.groups), "Total"]
    rows: list[list] = [header]
    rows.append(_breakdown_line("Who responded", "", breakdown.group_sizes))
    for item in breakdown.questions:
        for row in [*item.rows, item.respondents]:
            rows.append(_breakdown_line(item.question.text, item.question.pk, row))
        for row in item.means:
            rows.append(
                _breakdown_line(item.question.text, item.question.pk, row, prefix="Mean points: ")
            )
    rows.append([HIDDEN_MARK, "", HIDDEN_NOTE])
    return UTF8_BOM + csv_rows(rows)


# --- Responses ---------------------------------------------------------------------------------


def _submitted(consultation: ConsultationPage) -> QuerySet[Response]:
    return Response.objects.filter(consultation=consultation, status=ResponseStatus.SUBMITTED)


def _batches(consultation: ConsultationPage) -> Iterator[Batch]:
    """Submitted responses in id order, a batch at a time (keyset pagination, so memory stays
    flat for any size), each with its answers. On PostgreSQL one query per batch brings each
    response with its answers gathered into arrays (`_batches_postgresql`); elsewhere two."""
    if connections[Response.objects.db].vendor == "postgresql":
        yield from _batches_postgresql(consultation)
    else:
        yield from _batches_two_queries(consultation)


def _batches_two_queries(consultation: ConsultationPage) -> Iterator[Batch]:
    """`_batches` on any database: the batch's responses, then their answers grouped in Python."""
    last_id = 0
    while True:
        responses = list(
            _submitted(consultation)
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values("pk", "submitted_at", "assistance")[:BATCH_SIZE]
        )
        if not responses:
            return
        answers: dict[int, list[tuple]] = {r["pk"]: [] for r in responses}
        for row in (
            Answer.objects.filter(response_id__in=answers.keys())
            .order_by()
            .values_list("response_id", "question_id", "choice_id", "number", "text")
        ):
            answers[row[0]].append(row[1:])
        yield [(r, answers[r["pk"]]) for r in responses]
        last_id = responses[-1]["pk"]


def _batches_postgresql(consultation: ConsultationPage) -> Iterator[Batch]:
    """`_batches` in one query per batch: the next BATCH_SIZE submitted responses by id, and
    for each (a lateral subquery on the answers' response index) its answers' columns as
    arrays. The aggregates of one query see the rows in the same order, so the arrays line up;
    no order within a response is asked for (sorting each took a third of the query's time),
    as the values are put in order by question below, as with two queries."""
    response, answer = Response._meta.db_table, Answer._meta.db_table
    sql = f"""
        SELECT r.id, r.submitted_at, r.assistance, a.question_ids, a.choice_ids, a.numbers, a.texts
        FROM {response} r
        LEFT JOIN LATERAL (
            SELECT array_agg(question_id) AS question_ids, array_agg(choice_id) AS choice_ids,
                   array_agg(number) AS numbers, array_agg(text) AS texts
            FROM {answer} WHERE response_id = r.id
        ) a ON true
        WHERE r.consultation_id = %s AND r.status = %s AND r.id > %s
        ORDER BY r.id
        LIMIT %s
    """  # noqa: S608 - table names from the models' own metadata; values are parameters
    last_id = 0
    while True:
        # A cursor per batch: none is held open while the rows before it are being sent.
        with connections[Response.objects.db].cursor() as cursor:
            cursor.execute(sql, [consultation.pk, ResponseStatus.SUBMITTED, last_id, BATCH_SIZE])
            rows = cursor.fetchall()
        if not rows:
            return
        yield [
            (
                {"pk": pk, "submitted_at": submitted_at, "assistance": assistance},
                list(zip(questions, choices, numbers, texts, strict=True)) if questions else [],
            )
            for pk, submitted_at, assistance, questions, choices, numbers, texts in rows
        ]
        last_id = rows[-1][0]


def _choice_orders(questions: list[Question]) -> dict[int, dict[int, int]]:
    """Each question's choices' sort order, read once per export (not once per row)."""
    return {q.pk: {c.pk: c.sort_order for c in q.choices.all()} for q in questions}


def _answer_values(
    questions: list[Question],
    labels: dict[int, str],
    answers: list[tuple],
    orders: dict[int, dict[int, int]] | None = None,
) -> dict[int, Any]:
    """One value per answered question, in a form a person reading a spreadsheet expects."""
    if orders is None:
        orders = _choice_orders(questions)
    by_question: dict[int, list[tuple]] = {}
    for question_id, choice_id, number, text in answers:
        by_question.setdefault(question_id, []).append((choice_id, number, text))
    values: dict[int, Any] = {}
    for question in questions:
        items = by_question.get(question.pk)
        if not items:
            continue
        if question.kind == QuestionKind.SINGLE_CHOICE:
            values[question.pk] = labels.get(items[0][0], "")
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            order = orders[question.pk]
            chosen = sorted((i[0] for i in items), key=lambda pk: order.get(pk, 0))
            values[question.pk] = [labels.get(pk, "") for pk in chosen]
        elif question.kind == QuestionKind.AGREEMENT_SCALE:
            values[question.pk] = items[0][1]
        elif question.kind == QuestionKind.RANKING:
            values[question.pk] = [labels.get(pk, "") for pk, _n, _t in sorted(items, key=_num)]
        elif question.kind == QuestionKind.POINTS:
            order = orders[question.pk]
            values[question.pk] = {
                labels.get(pk, ""): n or 0
                for pk, n, _t in sorted(items, key=lambda i: order.get(i[0], 0))
            }
        else:
            values[question.pk] = items[0][2]
    return values


def _num(item: tuple) -> int:
    return item[1] or 0


def _column_title(position: int, question: Question) -> str:
    title = f"Q{position}. {question.text}"
    if question.kind == QuestionKind.AGREEMENT_SCALE:
        title += " (1 = strongly disagree, 5 = strongly agree)"
    if question.kind == QuestionKind.RANKING:
        title += " (first > last)"
    return title


def _csv_cells(
    plan: list[tuple[int, str, dict[int, int]]], labels: dict[int, str], answers: list[tuple]
) -> list:
    """One response's cells, a question a column, as a spreadsheet shows them: the values
    `_answer_values` gives, written out (choices in the question's order joined with "; ",
    rankings first to last joined with " > ", points as "label: points"), without building
    the values in between (the export's inner loop)."""
    by_question: dict[int, list[tuple]] = {}
    for question_id, choice_id, number, text in answers:
        items = by_question.get(question_id)
        if items is None:
            by_question[question_id] = [(choice_id, number, text)]
        else:
            items.append((choice_id, number, text))
    cells: list = []
    for question_id, kind, order in plan:
        items = by_question.get(question_id)
        if not items:
            cells.append("")
        elif kind == QuestionKind.SINGLE_CHOICE:
            cells.append(labels.get(items[0][0], ""))
        elif kind == QuestionKind.AGREEMENT_SCALE:
            number = items[0][1]
            cells.append("" if number is None else number)
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            chosen = sorted((i[0] for i in items), key=lambda pk: order.get(pk, 0))
            cells.append("; ".join([labels.get(pk, "") for pk in chosen]))
        elif kind == QuestionKind.RANKING:
            cells.append(" > ".join([labels.get(i[0], "") for i in sorted(items, key=_num)]))
        elif kind == QuestionKind.POINTS:
            points = {
                labels.get(pk, ""): n or 0
                for pk, n, _t in sorted(items, key=lambda i: order.get(i[0], 0))
            }
            cells.append("; ".join(f"{label}: {n}" for label, n in points.items()))
        else:
            cells.append(items[0][2])
    return cells


# Each question's cell as PostgreSQL makes it (`_lines_postgresql`): the same text
# `_csv_cells` makes in Python. %s is the question's id.
_CELL_SQL = {
    QuestionKind.SINGLE_CHOICE: "max(ch.label) FILTER (WHERE a.question_id = %s)",
    QuestionKind.AGREEMENT_SCALE: "max(a.number) FILTER (WHERE a.question_id = %s)",
    QuestionKind.MULTIPLE_CHOICE: (
        "string_agg(coalesce(ch.label, ''), '; ' ORDER BY coalesce(ch.sort_order, 0), a.id)"
        " FILTER (WHERE a.question_id = %s)"
    ),
    QuestionKind.RANKING: (
        "string_agg(coalesce(ch.label, ''), ' > ' ORDER BY coalesce(a.number, 0), a.id)"
        " FILTER (WHERE a.question_id = %s)"
    ),
    QuestionKind.POINTS: (
        "string_agg(coalesce(ch.label, '') || ': ' || coalesce(a.number, 0)::text, '; '"
        " ORDER BY coalesce(ch.sort_order, 0), a.id) FILTER (WHERE a.question_id = %s)"
    ),
}
_TEXT_CELL_SQL = "max(a.text) FILTER (WHERE a.question_id = %s)"


# A text cell made safe and quoted in SQL exactly as `csv_rows` does it in Python: the formula
# guard first (coproduce/spreadsheets.py, FORMULA_STARTS), then the csv module's minimal
# quoting (a cell holding a comma, a double quote, a carriage return or a line feed is put in
# quotes, its quotes doubled). chr() names the control characters; %% is a literal % in a
# query with parameters.
_FORMULA_STARTS_SQL = ", ".join(
    f"chr({ord(c)})" if not c.isprintable() else "'" + c.replace("%", "%%") + "'"
    for c in FORMULA_STARTS
)


def _safe_cell_sql(expression: str) -> str:
    # The guard's apostrophe is no character the quoting looks for, so both tests read the
    # value itself (no subquery a row).
    value = f"coalesce({expression}, '')"
    guard = f"CASE WHEN left({value}, 1) IN ({_FORMULA_STARTS_SQL}) THEN '''' ELSE '' END"
    return (
        f"CASE WHEN {value} ~ '[\",\\r\\n]'"
        f" THEN '\"' || {guard} || replace({value}, '\"', '\"\"') || '\"'"
        f" ELSE {guard} || {value} END"
    )


def _lines_postgresql(consultation: ConsultationPage, questions: list[Question]) -> Iterator:
    """The responses in id order, a batch at a time, each as (id, the rest of its CSV line):
    PostgreSQL groups the answers, puts the choices in order and joins them, makes each cell
    safe for a spreadsheet and quotes it as the csv module would, so Python only puts the
    pseudonym in front (the export's speed at 100,000 responses, docs/benchmarks.md). The
    pseudonym is made in Python so that its key never leaves the process (a query's
    parameters can reach the database's logs)."""
    response, answer = Response._meta.db_table, Answer._meta.db_table
    choice = Answer._meta.get_field("choice").related_model._meta.db_table
    cells = ", ".join(
        f"{_CELL_SQL.get(q.kind, _TEXT_CELL_SQL)} AS c{n}" for n, q in enumerate(questions)
    )
    line = [
        "to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        _safe_cell_sql("r.assistance"),
    ]
    for n, question in enumerate(questions):
        if question.kind == QuestionKind.AGREEMENT_SCALE:
            line.append(f"coalesce(c.c{n}::text, '')")  # a number, written as one
        else:
            line.append(_safe_cell_sql(f"c.c{n}"))
    # A lateral subquery per response, so its answers are found through their response's index
    # whatever the planner knows of the tables (a freshly loaded table has no statistics yet).
    # (A consultation without questions still lists its responses.)
    lateral = f"""
        LEFT JOIN LATERAL (
            SELECT {cells}
            FROM {answer} a LEFT JOIN {choice} ch ON ch.id = a.choice_id
            WHERE a.response_id = r.id
        ) c ON true"""  # noqa: S608 - as below
    sql = f"""
        SELECT r.id, {" || ',' || ".join(line)} || chr(13) || chr(10)
        FROM (
            SELECT id, submitted_at, assistance FROM {response}
            WHERE consultation_id = %s AND status = %s AND id > %s ORDER BY id LIMIT %s
        ) r {lateral if questions else ""}
        ORDER BY r.id
    """  # noqa: S608 - table names from the models' own metadata; values are parameters
    question_ids = [q.pk for q in questions]
    last_id = 0
    while True:
        with connections[Response.objects.db].cursor() as cursor:
            cursor.execute(
                sql,
                [consultation.pk, ResponseStatus.SUBMITTED, last_id, BATCH_SIZE, *question_ids],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def responses_csv(
    consultation: ConsultationPage, *, cells_in_database: bool | None = None
) -> Iterator[str]:
    """Every submitted response as CSV, one row each, yielded a batch at a time. The cells are
    made by PostgreSQL where it is the database (`cells_in_database`, which the benchmark sets
    to compare the two ways)."""
    questions = consultation.ordered_questions
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}
    header = ["respondent", "submitted_on", "assisted"]
    header += [_column_title(i, q) for i, q in enumerate(questions, start=1)]
    orders = _choice_orders(questions)
    plan = [(q.pk, q.kind, orders[q.pk]) for q in questions]
    pseudonym = _pseudonymiser()
    yield UTF8_BOM + csv_rows([header])
    if cells_in_database is None:
        cells_in_database = connections[Response.objects.db].vendor == "postgresql"
    if cells_in_database:
        for rows in _lines_postgresql(consultation, questions):
            yield "".join([pseudonym(pk) + "," + line for pk, line in rows])
        return
    for batch in _batches(consultation):
        yield csv_rows(
            [
                pseudonym(response["pk"]),
                response["submitted_at"].date().isoformat(),
                response["assistance"] or "",
                *_csv_cells(plan, labels, answers),
            ]
            for response, answers in batch
        )


def responses_json(consultation: ConsultationPage) -> Iterator[str]:
    """Every submitted response as one JSON document, yielded a batch at a time."""
    questions = consultation.ordered_questions
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}
    head = {
        "consultation": {"id": consultation.pk, "title": consultation.title},
        "questions": [
            {
                "id": q.pk,
                "section": q.section.title,
                "text": q.text,
                "kind": q.kind,
                "choices": [c.label for c in q.choices.all()],
            }
            for q in questions
        ],
    }
    yield json.dumps(head)[:-1] + ', "responses": ['
    orders = _choice_orders(questions)
    pseudonym = _pseudonymiser()
    first = True
    for batch in _batches(consultation):
        parts = []
        for response, answers in batch:
            values = _answer_values(questions, labels, answers, orders)
            record = {
                "respondent": pseudonym(response["pk"]),
                "submitted_on": response["submitted_at"].date().isoformat(),
                "assisted": response["assistance"] or None,
                "answers": {str(q): v for q, v in values.items()},
            }
            parts.append(json.dumps(record))
        yield ("" if first else ",") + ",".join(parts)
        first = False
    yield "]}"


def streaming_content(
    chunks: Iterator[str], *, asynchronous: bool
) -> Iterator[str] | AsyncIterator:
    """What a StreamingHttpResponse should stream. Under ASGI (daphne, in production) Django
    would read a plain iterator into memory before sending it; an async iterator that takes
    each chunk from the database in Django's sync thread streams for real. Under WSGI (and the
    test client) the plain iterator streams as it is."""
    if not asynchronous:
        return chunks
    return _async_chunks(chunks)


async def _async_chunks(chunks: Iterator[str]) -> AsyncIterator[str]:
    next_chunk = sync_to_async(next, thread_sensitive=True)
    while (chunk := await next_chunk(chunks, None)) is not None:
        yield chunk
