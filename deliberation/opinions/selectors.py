"""Reads for statements activities: the vote matrix, the analysis, what to vote on next, and
what the results page and the room's `opinions.updated` event show."""

import hashlib
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.disclosure import count_or_mark
from deliberation.models import Session

from .analysis import MIN_GROUP_SIZE, MIN_VOTERS, MIN_VOTERS_FOR_MAP, Analysis, VoteMatrix, analyse
from .models import Statement, StatementActivity, StatementVote, StatementVoter
from .polis import PolisComment, PolisVote
from .svg import group_letter, opinion_map_svg

# The mark a hidden count carries (docs/opinions.md, "Counts of people").
SUPPRESSED = "[c]"
SMALLEST_COUNT_SHOWN = 5
SHOWN_PER_LIST = 5


def people_count(n: int) -> int | str:
    """A count of people as it may be shown: 1 to 4 become "[c]" (the project's one
    disclosure-control module, `coproduce.disclosure.count_or_mark`)."""
    return count_or_mark(n)


def activity_get(*, pk: int) -> StatementActivity | None:
    return (
        StatementActivity.objects.select_related("agenda_item__session__group")
        .filter(pk=pk)
        .first()
    )


def activity_session(*, activity: StatementActivity) -> Session | None:
    """The session whose agenda holds this activity (None for an imported conversation)."""
    return activity.agenda_item.session if activity.agenda_item_id else None


def activity_vote_matrix(*, activity: StatementActivity) -> VoteMatrix:
    """Every vote on the activity's approved statements: rows are voters (by number only)."""
    statements = list(
        Statement.objects.filter(activity=activity, status=Statement.Status.APPROVED).values_list(
            "pk", flat=True
        )
    )
    votes = StatementVote.objects.filter(statement_id__in=statements).values_list(
        "voter_id", "statement_id", "vote"
    )
    rows = list(votes)
    if not rows:
        return VoteMatrix.from_votes([], statements=statements)
    voters, statement_ids, values = zip(*rows, strict=True)
    matrix = VoteMatrix.from_arrays(voters, statement_ids, values)
    return matrix


def previous_groups(*, activity: StatementActivity) -> dict[int, int]:
    """The group labels the last analysis gave (voter id -> label), so labels stay put."""
    return {int(person): label for person, label in (activity.last_groups or {}).items()}


def activity_analysis(*, activity: StatementActivity) -> Analysis:
    """The analysis, with the previous run's group labels so they stay put (in this process:
    pages show small activities; the room's recompute uses services.opinions_analyse)."""
    return analyse(
        activity_vote_matrix(activity=activity), previous=previous_groups(activity=activity)
    )


def _order_key(seed: str, statement_id: int) -> str:
    return hashlib.blake2b(f"{seed}:{statement_id}".encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class NextStatement:
    statement: Statement | None
    remaining: int
    voted: int


def next_statement(*, activity: StatementActivity, user=None, respondent_key: str = ""):
    """The next statement for this person (a user, or a respondent known by a key): one they
    have not voted on, in an order of their own (fixed per person and activity, different
    between people)."""
    if user is not None:
        mine = Q(voter__user=user)
        seed = f"{user.pk}:{activity.pk}"
    else:
        mine = Q(voter__respondent_key=respondent_key) if respondent_key else Q(pk__in=[])
        seed = f"key:{respondent_key}:{activity.pk}"
    voted = set(
        StatementVote.objects.filter(mine, statement__activity=activity).values_list(
            "statement_id", flat=True
        )
    )
    open_ids = Statement.objects.filter(
        activity=activity, status=Statement.Status.APPROVED
    ).values_list("pk", flat=True)
    unseen = sorted(
        (pk for pk in open_ids if pk not in voted),
        key=lambda pk: _order_key(seed, pk),
    )
    statement = Statement.objects.filter(pk=unseen[0]).first() if unseen else None
    return NextStatement(statement=statement, remaining=len(unseen), voted=len(voted))


def pending_statements(*, activity: StatementActivity) -> list[Statement]:
    return list(
        Statement.objects.filter(activity=activity, status=Statement.Status.PENDING).order_by("pk")
    )


def _texts(activity: StatementActivity) -> dict[int, str]:
    return dict(Statement.objects.filter(activity=activity).values_list("pk", "text"))


def _verdict(agree: int, disagree: int, passed: int) -> str:
    seen = agree + disagree + passed
    if not seen:
        return _("No votes yet")
    if agree / seen > 0.6:
        return _("Most agree")
    if disagree / seen > 0.6:
        return _("Most disagree")
    return _("Divided or unsure")


@dataclass(frozen=True)
class StatementRow:
    statement: int
    text: str
    agree: int | str
    disagree: int | str
    passed: int | str
    verdict: str
    # One cell per group shown: (letter, verdict, agree, disagree).
    groups: tuple = ()
    direction: str = ""


@dataclass(frozen=True)
class GroupSummary:
    label: int
    letter: str
    size: int | str
    representative: tuple[StatementRow, ...]


@dataclass(frozen=True)
class OpinionResults:
    activity: StatementActivity
    ready: bool
    voters: int | str
    min_voters: int
    show_map: bool
    min_voters_for_map: int
    min_group_size: int
    groups: tuple[GroupSummary, ...]
    hidden_groups: int
    consensus: tuple[StatementRow, ...]
    divisive: tuple[StatementRow, ...]
    table: tuple[StatementRow, ...]
    map_svg: SafeString
    summary: str


def _row(analysis: Analysis, texts: dict, statement: int, shown, direction="") -> StatementRow:
    total = analysis.totals[statement]
    cells = []
    for group in shown:
        stats = analysis.by_group[statement][group.label]
        cells.append(
            (
                group_letter(group.label),
                _verdict(stats.agree, stats.disagree, stats.passed),
                people_count(stats.agree),
                people_count(stats.disagree),
            )
        )
    return StatementRow(
        statement=statement,
        text=texts.get(statement, ""),
        agree=people_count(total.agree),
        disagree=people_count(total.disagree),
        passed=people_count(total.passed),
        verdict=_verdict(total.agree, total.disagree, total.passed),
        groups=tuple(cells),
        direction=direction,
    )


def opinion_results(*, activity: StatementActivity, analysis: Analysis | None = None):
    """What the results page shows: nothing but a count until MIN_VOTERS people have voted;
    then the groups of at least MIN_GROUP_SIZE people with what distinguishes them, the
    statements every group agrees on (group-informed consensus), the divisive ones, a table of
    every statement, and the map only from MIN_VOTERS_FOR_MAP voters."""
    if analysis is None:
        analysis = activity_analysis(activity=activity)
    texts = _texts(activity)
    base = {
        "activity": activity,
        "ready": analysis.ready,
        "voters": people_count(analysis.voters),
        "min_voters": MIN_VOTERS,
        "show_map": analysis.show_map,
        "min_voters_for_map": MIN_VOTERS_FOR_MAP,
        "min_group_size": MIN_GROUP_SIZE,
    }
    if not analysis.ready:
        return OpinionResults(
            **base,
            groups=(),
            hidden_groups=0,
            consensus=(),
            divisive=(),
            table=(),
            map_svg=mark_safe(""),  # noqa: S308 - empty
            summary="",
        )
    shown = analysis.shown_groups
    groups = tuple(
        GroupSummary(
            label=g.label,
            letter=group_letter(g.label),
            size=people_count(g.size),
            representative=tuple(
                _row(analysis, texts, r.statement, shown, r.direction) for r in g.representative
            ),
        )
        for g in shown
    )
    consensus = tuple(
        _row(analysis, texts, s, shown) for s, _score in analysis.consensus[:SHOWN_PER_LIST]
    )
    divisive = tuple(
        _row(analysis, texts, s, shown) for s, _score in analysis.divisive[:SHOWN_PER_LIST]
    )
    table = tuple(_row(analysis, texts, s, shown) for s in analysis.statements)
    summary = _summary_text(analysis, groups)
    map_svg = ""
    if analysis.show_map:
        map_svg = opinion_map_svg(
            projection=analysis.projection,
            groups=[(g.label, list(g.members)) for g in shown],
            title=_("Opinion map of %(title)s") % {"title": activity.title},
            description=summary,
            element_id=f"opinion-map-{activity.pk}",
        )
    return OpinionResults(
        **base,
        groups=groups,
        hidden_groups=len(analysis.groups) - len(shown),
        consensus=consensus,
        divisive=divisive,
        table=table,
        map_svg=mark_safe(map_svg),  # noqa: S308 - built from escaped text and numbers
        summary=summary,
    )


def _summary_text(analysis: Analysis, groups: tuple[GroupSummary, ...]) -> str:
    parts = [
        ngettext("%(count)s person has voted.", "%(count)s people have voted.", analysis.voters)
        % {"count": people_count(analysis.voters)}
    ]
    if groups:
        sizes = ", ".join(
            _("group %(letter)s: %(size)s people") % {"letter": g.letter, "size": g.size}
            for g in groups
        )
        parts.append(
            ngettext(
                "There is %(n)d opinion group (%(sizes)s).",
                "There are %(n)d opinion groups (%(sizes)s).",
                len(groups),
            )
            % {"n": len(groups), "sizes": sizes}
        )
    return " ".join(parts)


def opinions_summary(*, activity: StatementActivity, analysis: Analysis) -> dict:
    """The `opinions.updated` room event's payload: the same facts as the results page's
    summary, by statement id (the room has the texts), with counts of people disclosed."""
    if not analysis.ready:
        return {
            "activity": activity.pk,
            "ready": False,
            "voters": people_count(analysis.voters),
            "needed": MIN_VOTERS,
        }
    shown = analysis.shown_groups
    return {
        "activity": activity.pk,
        "ready": True,
        "voters": people_count(analysis.voters),
        "map": analysis.show_map,
        "groups": [
            {
                "group": group_letter(g.label),
                "size": people_count(g.size),
                "statements": [
                    {"statement": r.statement, "direction": r.direction} for r in g.representative
                ],
            }
            for g in shown
        ],
        "consensus": [s for s, _score in analysis.consensus[:SHOWN_PER_LIST]],
        "divisive": [s for s, _score in analysis.divisive[:SHOWN_PER_LIST]],
    }


def _export_ids(rows: list[tuple[int, int | None]]) -> dict[int, int]:
    """Pol.is ids for an export, by our pk: imported rows keep their Pol.is id; rows made here
    take their own pk when nothing was imported, else numbers after the highest imported id
    (in pk order), so a new statement or voter never takes an imported one's id."""
    imported = [polis for _pk, polis in rows if polis is not None]
    if not imported:
        return {pk: pk for pk, _polis in rows}
    next_id = max(imported) + 1
    ids = {}
    for pk, polis in sorted(rows):
        if polis is not None:
            ids[pk] = polis
        else:
            ids[pk] = next_id
            next_id += 1
    return ids


def activity_polis_export(*, activity: StatementActivity):
    """The activity in Pol.is's layout: (comments, votes, tallies). Statements made here get
    their own ids as comment ids; voters their number as voter id, so nobody is named."""
    statements = list(
        Statement.objects.filter(activity=activity)
        .annotate(
            agrees=Count("votes", filter=Q(votes__vote=1)),
            disagrees=Count("votes", filter=Q(votes__vote=-1)),
        )
        .order_by("pk")
    )
    comment_id = _export_ids([(s.pk, s.polis_comment_id) for s in statements])
    voters = list(
        StatementVoter.objects.filter(activity=activity)
        .order_by("pk")
        .values_list("pk", "polis_participant_id", "user_id")
    )
    voter_id = _export_ids([(pk, polis) for pk, polis, _user in voters])
    voter_of_user = {user: voter_id[pk] for pk, _polis, user in voters if user is not None}
    moderated = {
        Statement.Status.APPROVED: 1,
        Statement.Status.PENDING: 0,
        Statement.Status.REJECTED: -1,
    }
    comments = [
        PolisComment(
            id=comment_id[s.pk],
            author=(
                s.polis_author_id
                if s.polis_author_id is not None
                else voter_of_user.get(s.author_id, -1)
            ),
            text=s.text,
            moderated=moderated[s.status],
            timestamp=int(s.created_at.timestamp() * 1000),
        )
        for s in statements
    ]
    tallies = {comment_id[s.pk]: (s.agrees, s.disagrees) for s in statements}
    votes = [
        PolisVote(
            comment=comment_id[statement],
            voter=voter_id[voter],
            vote=vote,
            timestamp=int(at.timestamp() * 1000),
        )
        for statement, voter, vote, at in StatementVote.objects.filter(statement__activity=activity)
        .order_by("voted_at", "pk")
        .values_list("statement_id", "voter_id", "vote", "voted_at")
    ]
    return comments, votes, tallies


def activity_statements(*, activity: StatementActivity) -> list[Statement]:
    """Every statement of the activity, waiting ones first, for its moderators."""
    waiting_first = {
        Statement.Status.PENDING: 0,
        Statement.Status.APPROVED: 1,
        Statement.Status.REJECTED: 2,
    }
    found = list(Statement.objects.filter(activity=activity).order_by("pk"))
    return sorted(found, key=lambda s: waiting_first[s.status])
