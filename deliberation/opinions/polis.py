"""Pol.is's export layout, both ways (the public compdemocracy/openData exports).

Pure (the standard library's csv): no Django, so `analyse_opinions` and the tests read an
export without a database. docs/opinions.md lists the columns.

- comments.csv: timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated,
  comment-body. `moderated` is 1 (accepted), 0 (not yet moderated) or -1 (moderated out).
- votes.csv: timestamp, datetime, comment-id, voter-id, vote (1 agree, -1 disagree, 0 pass).
  A person who changed their vote has several rows; the latest counts.
- participants-votes.csv: participant, [xid,] group-id, n-comments, n-votes, n-agree,
  n-disagree, then one column per comment id. `group-id` is Pol.is's own opinion group
  (empty for people it did not cluster); we read only that.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coproduce.spreadsheets import spreadsheet_cell

COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
MODERATED_OUT = -1


class PolisFormatError(ValueError):
    """The folder is not a Pol.is export we can read; the message says which file and row."""


@dataclass(frozen=True)
class PolisComment:
    id: int
    author: int
    text: str
    moderated: int
    timestamp: int


@dataclass(frozen=True)
class PolisVote:
    comment: int
    voter: int
    vote: int
    timestamp: int


@dataclass(frozen=True)
class PolisExport:
    comments: tuple[PolisComment, ...]
    # The latest vote of each voter on each comment, in time order.
    votes: tuple[PolisVote, ...]
    # Pol.is's own group per participant, where participants-votes.csv gives one.
    groups: dict[int, int]

    @property
    def moderated_out(self) -> set[int]:
        return {c.id for c in self.comments if c.moderated == MODERATED_OUT}

    def triples(self) -> list[tuple[int, int, int]]:
        return [(v.voter, v.comment, v.vote) for v in self.votes]


def _int(value: str, where: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PolisFormatError(f"{where}: {value!r} is not a whole number.") from None


def _rows(path: Path, required: Iterable[str]) -> list[dict]:
    if not path.is_file():
        raise PolisFormatError(f"{path.name} is missing from {path.parent}.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise PolisFormatError(f"{path.name} has no column {', '.join(missing)}.")
        return list(reader)


def read_export(directory: str | Path) -> PolisExport:
    """Read comments.csv, votes.csv and (if present) participants-votes.csv."""
    directory = Path(directory)
    comments = []
    for number, row in enumerate(
        _rows(directory / "comments.csv", ("comment-id", "author-id", "moderated")), start=2
    ):
        where = f"comments.csv row {number}"
        comments.append(
            PolisComment(
                id=_int(row["comment-id"], where),
                author=_int(row["author-id"], where),
                text=row.get("comment-body") or "",
                moderated=_int(row["moderated"], where),
                timestamp=_int(row.get("timestamp") or "0", where),
            )
        )
    latest: dict[tuple[int, int], PolisVote] = {}
    for number, row in enumerate(
        _rows(directory / "votes.csv", ("comment-id", "voter-id", "vote")), start=2
    ):
        where = f"votes.csv row {number}"
        vote = PolisVote(
            comment=_int(row["comment-id"], where),
            voter=_int(row["voter-id"], where),
            vote=_int(row["vote"], where),
            timestamp=_int(row.get("timestamp") or "0", where),
        )
        if vote.vote not in (1, -1, 0):
            raise PolisFormatError(f"{where}: a vote is 1, -1 or 0, not {vote.vote}.")
        key = (vote.voter, vote.comment)
        held = latest.get(key)
        if held is None or vote.timestamp >= held.timestamp:
            latest[key] = vote
    groups = {}
    participants = directory / "participants-votes.csv"
    if participants.is_file():
        for number, row in enumerate(_rows(participants, ("participant", "group-id")), start=2):
            if row["group-id"] not in ("", None):
                where = f"participants-votes.csv row {number}"
                groups[_int(row["participant"], where)] = _int(row["group-id"], where)
    return PolisExport(
        comments=tuple(sorted(comments, key=lambda c: c.id)),
        votes=tuple(sorted(latest.values(), key=lambda v: (v.timestamp, v.voter, v.comment))),
        groups=groups,
    )


def _datetime(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def write_comments(handle, comments: Iterable[PolisComment], tallies: dict[int, tuple[int, int]]):
    """Write comments.csv in Pol.is's layout; `tallies` maps comment id -> (agrees, disagrees)."""
    writer = csv.writer(handle)
    writer.writerow(COMMENT_COLUMNS)
    for c in comments:
        agrees, disagrees = tallies.get(c.id, (0, 0))
        writer.writerow(
            [c.timestamp, _datetime(c.timestamp), c.id, c.author, agrees, disagrees, c.moderated]
            + [spreadsheet_cell(c.text)]
        )


def write_votes(handle, votes: Iterable[PolisVote]):
    """Write votes.csv in Pol.is's layout."""
    writer = csv.writer(handle)
    writer.writerow(VOTE_COLUMNS)
    for v in votes:
        writer.writerow([v.timestamp, _datetime(v.timestamp), v.comment, v.voter, v.vote])
