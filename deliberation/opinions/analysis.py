"""Opinion groups from agree/disagree/pass votes: the Pol.is method, with scikit-learn.

Pure: numpy, scipy and scikit-learn only, no Django, so the site, `manage.py analyse_opinions`
and `bench/opinions.py` run exactly this code. docs/opinions.md describes the method and the
thresholds; the steps follow Pol.is (compdemocracy/polis, math/) as its published
reimplementation red-dwarf reads it:

1. A participant × statement matrix: agree +1, disagree −1, pass 0. Statements moderated out
   are left out. A statement someone has not seen is imputed with that statement's mean vote.
2. PCA to two dimensions over everyone who voted; each projection is scaled by
   sqrt(statements / that person's votes), so people who saw few statements are not all
   bunched in the middle.
3. People with fewer than min(7, statements) votes are placed on the map but not clustered.
   Above 100 people, k-means first makes 100 "base clusters" of similar people (Pol.is does);
   then k-means for k from 2 to 5 over them, keeping the k with the best silhouette.
4. Group labels are matched to the previous computation's by overlap, so "group A" stays A.
5. Per group and statement: representativeness with a significance test (a z-test for
   proportions); group-informed consensus, the product over groups of (agree + 1) / (seen + 2);
   divisive statements, where one group mostly agrees and another mostly disagrees.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

AGREE = 1
DISAGREE = -1
PASS = 0
VOTE_VALUES = (AGREE, DISAGREE, PASS)

# Nothing is shown until this many people have voted: fewer, and a group is a person.
MIN_VOTERS = 7
# No opinion group smaller than this is shown, so nobody can be picked out.
MIN_GROUP_SIZE = 3
# Below this many voters a two-dimensional map means little: show agreement tables and
# group-informed consensus instead.
MIN_VOTERS_FOR_MAP = 20
# A person needs min(this, statements) votes to be clustered (Pol.is's threshold).
MIN_VOTES_TO_CLUSTER = 7
K_RANGE = range(2, 6)
# One-sided confidence of the representativeness tests (Pol.is uses 90%).
CONFIDENCE = 0.90
REPRESENTATIVE_PER_GROUP = 5
# Above this many people, cluster "base clusters" of similar people first (Pol.is: 100).
BASE_CLUSTERS = 100
# Silhouette is O(n²); above this many points it is estimated on a fixed sample.
SILHOUETTE_SAMPLE = 2000


@dataclass(frozen=True)
class StatementStats:
    """How one group (or everyone) voted on one statement."""

    agree: int
    disagree: int
    passed: int

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class Representative:
    """A statement that distinguishes a group: it agrees (or disagrees) more than the rest."""

    statement: Hashable
    direction: str  # "agree" or "disagree"
    # The group's probability of this vote, (n + 1) / (seen + 2), and the rest's.
    probability: float
    rest_probability: float
    # z of the group's probability against one half, and against the rest.
    z_group: float
    z_rest: float
    significant: bool
    score: float


@dataclass(frozen=True)
class OpinionGroup:
    label: int
    members: tuple  # participant ids
    centroid: tuple[float, float]
    representative: tuple[Representative, ...]

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Analysis:
    """What one computation found. `ready` is False until MIN_VOTERS people have voted; then
    the groups, map and lists are empty and nothing should be shown."""

    voters: int
    statements: tuple
    ready: bool
    k: int = 0
    groups: tuple[OpinionGroup, ...] = ()
    # participant id -> group label, for everyone clustered.
    assignment: Mapping = field(default_factory=dict)
    # participant id -> (x, y) for everyone who voted (clustered or not).
    projection: Mapping = field(default_factory=dict)
    # statement id -> everyone's votes; statement id -> {group label: votes}.
    totals: Mapping = field(default_factory=dict)
    by_group: Mapping = field(default_factory=dict)
    # statement ids, best first, with their group-informed consensus score.
    consensus: tuple[tuple[Hashable, float], ...] = ()
    consensus_disagree: tuple[tuple[Hashable, float], ...] = ()
    divisive: tuple[tuple[Hashable, float], ...] = ()
    silhouette: float | None = None

    @property
    def participants_clustered(self) -> int:
        return len(self.assignment)

    @property
    def show_map(self) -> bool:
        return self.ready and self.voters >= MIN_VOTERS_FOR_MAP

    def as_json(self) -> dict:
        """The summary `manage.py analyse_opinions --json` writes (docs/opinions.md): every
        group, however small (it is for analysts, not the public page)."""
        return {
            "groups": {str(p): label for p, label in self.assignment.items()},
            "consensus": [statement for statement, _score in self.consensus],
            "repness": {str(g.label): [r.statement for r in g.representative] for g in self.groups},
            "k": self.k,
            "participants_clustered": self.participants_clustered,
        }

    @property
    def shown_groups(self) -> tuple[OpinionGroup, ...]:
        return tuple(g for g in self.groups if g.size >= MIN_GROUP_SIZE)


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as a dense matrix: rows are participants, columns statements, NaN where unseen.

    Statements moderated out are not columns; Pol.is still counts them in two places, and so do
    we (see `_project` and `_clusterable`): `moderated_count` of them, and each row's votes on
    them in `moderated_votes`."""

    participants: tuple
    statements: tuple
    values: np.ndarray
    moderated_count: int = 0
    moderated_votes: np.ndarray | None = None

    @classmethod
    def from_votes(
        cls,
        votes: Iterable[tuple[Hashable, Hashable, int]],
        *,
        statements: Sequence | None = None,
        moderated_out: Iterable = (),
    ) -> "VoteMatrix":
        """Build from (participant, statement, vote) triples; a later triple for the same
        participant and statement replaces an earlier one (changing a vote replaces it)."""
        latest = {}
        for participant, statement, vote in votes:
            if vote not in VOTE_VALUES:
                raise ValueError(f"A vote is 1, -1 or 0, not {vote!r}.")
            latest[(participant, statement)] = vote
        if not latest:
            columns = tuple(sorted(set(statements or ()) - set(moderated_out)))
            return cls(participants=(), statements=columns, values=np.empty((0, len(columns))))
        triples = [(p, s, v) for (p, s), v in latest.items()]
        participants, statement_ids, values = zip(*triples, strict=True)
        # Statements nobody has voted on add nothing to the analysis: no column for them.
        return cls.from_arrays(participants, statement_ids, values, moderated_out=moderated_out)

    @classmethod
    def from_arrays(
        cls,
        participants: Sequence,
        statements: Sequence,
        votes: Sequence,
        *,
        moderated_out: Iterable = (),
    ) -> "VoteMatrix":
        """Build from three parallel arrays (one vote per participant and statement; where a
        pair repeats, the last one counts)."""
        rows_all, r = np.unique(np.asarray(participants), return_inverse=True)
        columns_all, c = np.unique(np.asarray(statements), return_inverse=True)
        values_all = np.full((len(rows_all), len(columns_all)), np.nan, dtype=np.float64)
        values_all[r, c] = np.asarray(votes, dtype=np.float64)
        excluded = set(moderated_out)
        moderated = np.array([s in excluded for s in columns_all.tolist()], dtype=bool)
        kept = values_all[:, ~moderated]
        has_kept_vote = (~np.isnan(kept)).any(axis=1)
        return cls(
            participants=tuple(rows_all[has_kept_vote].tolist()),
            statements=tuple(columns_all[~moderated].tolist()),
            values=kept[has_kept_vote],
            moderated_count=int(moderated.sum()),
            moderated_votes=(~np.isnan(values_all[has_kept_vote][:, moderated])).sum(axis=1),
        )


def analyse(
    matrix: VoteMatrix,
    *,
    previous: Mapping | None = None,
    random_state: int = 0,
) -> Analysis:
    """Find opinion groups, what distinguishes them and what they agree on.

    `previous` maps participant id -> group label from the last computation; new groups take
    the label of the old group they share most people with, so labels stay put as votes arrive.
    The result is deterministic for a given matrix, `previous` and `random_state`.
    """
    # One thread: the matrices are small, the machine is shared with the web server, and
    # BLAS/OpenMP thread pools on a busy machine made a 300 × 50 analysis take a second.
    with threadpool_limits(limits=1):
        return _analyse(matrix, previous=previous, random_state=random_state)


def _analyse(matrix: VoteMatrix, *, previous: Mapping | None, random_state: int) -> Analysis:
    values = matrix.values
    seen = ~np.isnan(values)
    votes_each = seen.sum(axis=1)
    has_voted = votes_each > 0
    voters = int(has_voted.sum())
    n_statements = len(matrix.statements)
    if voters < MIN_VOTERS or n_statements == 0:
        return Analysis(voters=voters, statements=matrix.statements, ready=False)

    values = values[has_voted]
    seen = seen[has_voted]
    votes_each = votes_each[has_voted]
    participants = [p for p, voted in zip(matrix.participants, has_voted, strict=True) if voted]

    moderated_votes = matrix.moderated_votes[has_voted] if matrix.moderated_votes is not None else 0
    projection = _project(values, seen, votes_each, matrix.moderated_count)
    clusterable = votes_each + moderated_votes >= min(
        MIN_VOTES_TO_CLUSTER, n_statements + matrix.moderated_count
    )
    points = projection[clusterable]
    labels, silhouette = _cluster(points, random_state=random_state)
    clustered_ids = [p for p, c in zip(participants, clusterable, strict=True) if c]
    labels = _stable_labels(labels, points, clustered_ids, previous or {})

    counts = _counts(values[clusterable], labels)
    totals_all = _counts(values, np.zeros(len(values), dtype=np.int64))[0]
    group_labels = sorted(counts)
    k = len(group_labels)

    groups = []
    for label in group_labels:
        members = tuple(p for p, lab in zip(clustered_ids, labels, strict=True) if lab == label)
        centre = points[labels == label].mean(axis=0)
        rest = _sum_counts([counts[other] for other in group_labels if other != label])
        groups.append(
            OpinionGroup(
                label=label,
                members=members,
                centroid=(float(centre[0]), float(centre[1])),
                representative=_representative(counts[label], rest, matrix.statements),
            )
        )

    consensus_agree = _group_informed(counts, group_labels, "agree")
    consensus_disagree = _group_informed(counts, group_labels, "disagree")
    statements = matrix.statements
    order = np.argsort(-consensus_agree, kind="stable")
    order_d = np.argsort(-consensus_disagree, kind="stable")

    return Analysis(
        voters=voters,
        statements=statements,
        ready=True,
        k=k,
        groups=tuple(groups),
        assignment=dict(zip(clustered_ids, (int(x) for x in labels), strict=True)),
        projection={
            p: (float(x), float(y)) for p, (x, y) in zip(participants, projection, strict=True)
        },
        totals={s: _stats(totals_all, j) for j, s in enumerate(statements)},
        by_group={
            s: {label: _stats(counts[label], j) for label in group_labels}
            for j, s in enumerate(statements)
        },
        consensus=tuple((statements[j], float(consensus_agree[j])) for j in order),
        consensus_disagree=tuple((statements[j], float(consensus_disagree[j])) for j in order_d),
        divisive=_divisive(counts, group_labels, statements),
        silhouette=silhouette,
    )


def _project(
    values: np.ndarray, seen: np.ndarray, votes_each: np.ndarray, moderated: int
) -> np.ndarray:
    """PCA to two dimensions of the mean-imputed matrix, scaled for sparsity as Pol.is does:
    by sqrt(statements / votes), where Pol.is counts the `moderated` statements in both (it
    zeroes their columns rather than dropping them, so everyone has a "vote" on each). A
    moderated column adds nothing to the PCA itself. Counting them as Pol.is does raised our
    agreement with its groups from 0.58 to 0.94 on 15-per-hour-seattle (docs/opinions.md)."""
    n_statements = values.shape[1]
    seen_count = seen.sum(axis=0)
    column_sum = np.where(seen, values, 0.0).sum(axis=0)
    column_mean = np.divide(
        column_sum, seen_count, out=np.zeros(n_statements), where=seen_count > 0
    )
    imputed = np.where(seen, values, column_mean)
    components = min(2, n_statements, len(values))
    if not np.ptp(imputed, axis=0).any():
        # Everyone voted alike (or one person): every point is the centre; PCA would only
        # divide by a zero variance on the way.
        return np.zeros((len(values), 2))
    projected = PCA(n_components=components, svd_solver="full").fit_transform(imputed)
    if components < 2:
        projected = np.column_stack([projected, np.zeros((len(values), 2 - components))])
    scale = np.sqrt((n_statements + moderated) / np.maximum(votes_each + moderated, 1))
    return projected * scale[:, np.newaxis]


def _cluster(points: np.ndarray, *, random_state: int) -> tuple[np.ndarray, float | None]:
    """Opinion groups as Pol.is makes them: above BASE_CLUSTERS people, first k-means into
    BASE_CLUSTERS small "base clusters", then group those (weighted by their size); either
    way k-means for each k in K_RANGE, keeping the best silhouette."""
    if len(points) > BASE_CLUSTERS:
        base = KMeans(n_clusters=BASE_CLUSTERS, n_init=3, random_state=random_state).fit(points)
        centres = base.cluster_centers_
        weights = np.bincount(base.labels_, minlength=BASE_CLUSTERS).astype(np.float64)
        labels, score = _group(centres, weights, random_state=random_state)
        return labels[base.labels_], score
    return _group(points, np.ones(len(points)), random_state=random_state)


def _group(
    points: np.ndarray, weights: np.ndarray, *, random_state: int
) -> tuple[np.ndarray, float | None]:
    """k-means for each k in K_RANGE, keeping the best silhouette. Fewer distinct points than
    two clusters need means one group."""
    distinct = len(np.unique(points.round(9), axis=0))
    best = (np.zeros(len(points), dtype=np.int64), None)
    best_score = -np.inf
    for k in K_RANGE:
        if k > distinct or k >= len(points):
            break
        model = KMeans(n_clusters=k, n_init=4, random_state=random_state)
        labels = model.fit(points, sample_weight=weights).labels_
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(
            points,
            labels,
            sample_size=min(len(points), SILHOUETTE_SAMPLE),
            random_state=random_state,
        )
        if score > best_score + 1e-9:
            best_score = score
            best = (labels.astype(np.int64), float(score))
    return best


def _stable_labels(
    labels: np.ndarray, points: np.ndarray, ids: Sequence, previous: Mapping
) -> np.ndarray:
    """Relabel clusters: each takes the previous label it shares most members with (an optimal
    one-to-one matching); the rest take the smallest free labels, largest cluster first. With
    no history, labels run by size, largest first."""
    clusters = sorted(
        np.unique(labels), key=lambda c: (-(labels == c).sum(), points[labels == c, 0].mean())
    )
    old_labels = sorted(set(previous.values()))
    mapping = {}
    if old_labels:
        overlap = np.zeros((len(clusters), len(old_labels)))
        old_index = {label: i for i, label in enumerate(old_labels)}
        for person, cluster in zip(ids, labels, strict=True):
            old = previous.get(person)
            if old is not None:
                overlap[clusters.index(cluster), old_index[old]] += 1
        rows, cols = linear_sum_assignment(-overlap)
        for r, c in zip(rows, cols, strict=True):
            if overlap[r, c] > 0:
                mapping[clusters[r]] = old_labels[c]
    free = (
        label
        for label in range(len(clusters) + len(old_labels) + 1)
        if label not in mapping.values()
    )
    for cluster in clusters:
        if cluster not in mapping:
            mapping[cluster] = next(free)
    return np.array([mapping[c] for c in labels], dtype=np.int64)


def _counts(values: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Per label: a 3 × statements array of agree, disagree and pass counts."""
    result = {}
    for label in np.unique(labels):
        rows = values[labels == label]
        result[int(label)] = np.stack(
            [
                (rows == AGREE).sum(axis=0),
                (rows == DISAGREE).sum(axis=0),
                (rows == PASS).sum(axis=0),
            ]
        )
    return result


def _sum_counts(arrays: list[np.ndarray]) -> np.ndarray:
    return np.sum(arrays, axis=0) if arrays else None


def _stats(counts: np.ndarray, j: int) -> StatementStats:
    return StatementStats(
        agree=int(counts[0, j]), disagree=int(counts[1, j]), passed=int(counts[2, j])
    )


def _proportion_z(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """z of a (Laplace-smoothed) proportion against one half, as Pol.is's prop-test."""
    succ = successes + 1.0
    n = trials + 1.0
    return 2.0 * np.sqrt(n) * (succ / n - 0.5)


def _two_proportion_z(s1, n1, s2, n2) -> np.ndarray:
    """z of the difference between two (smoothed) proportions: the pooled two-proportion
    z-test."""
    s1, n1, s2, n2 = (np.asarray(x, dtype=np.float64) + 1.0 for x in (s1, n1, s2, n2))
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return np.divide(p1 - p2, spread, out=np.zeros_like(p1), where=spread > 0)


def _representative(group: np.ndarray, rest: np.ndarray | None, statements) -> tuple:
    """The statements that most distinguish a group, significant ones first (Pol.is repness:
    the group's vote probability against one half and against everyone else, both one-sided
    z-tests at CONFIDENCE, scored ra × rat × pa × pat)."""
    if rest is None:
        return ()
    threshold = stats.norm.ppf(CONFIDENCE)
    seen_g = group.sum(axis=0)
    seen_r = rest.sum(axis=0)
    candidates = []
    for direction, row in (("agree", 0), ("disagree", 1)):
        n_g, n_r = group[row], rest[row]
        p_g = (n_g + 1) / (seen_g + 2)
        p_r = (n_r + 1) / (seen_r + 2)
        z_group = _proportion_z(n_g, seen_g)
        z_rest = _two_proportion_z(n_g, seen_g, n_r, seen_r)
        score = (p_g / p_r) * z_rest * p_g * z_group
        significant = (z_group > threshold) & (z_rest > threshold)
        for j in np.flatnonzero(seen_g > 0):
            candidates.append(
                Representative(
                    statement=statements[j],
                    direction=direction,
                    probability=float(p_g[j]),
                    rest_probability=float(p_r[j]),
                    z_group=float(z_group[j]),
                    z_rest=float(z_rest[j]),
                    significant=bool(significant[j]),
                    score=float(score[j]),
                )
            )
    # One direction per statement: the stronger.
    strongest = {}
    for rep in candidates:
        held = strongest.get(rep.statement)
        if held is None or (rep.significant, rep.score) > (held.significant, held.score):
            strongest[rep.statement] = rep
    ranked = sorted(strongest.values(), key=lambda r: (not r.significant, -r.score))
    chosen = [r for r in ranked if r.significant][:REPRESENTATIVE_PER_GROUP]
    if not chosen and ranked:
        # Pol.is shows a group's best statement even when nothing passes the test.
        chosen = ranked[:1]
    return tuple(chosen)


def _group_informed(counts: Mapping, labels: Sequence[int], direction: str) -> np.ndarray:
    """Product over groups of (agree + 1) / (seen + 2): high only where every group agrees."""
    row = 0 if direction == "agree" else 1
    result = None
    for label in labels:
        c = counts[label]
        p = (c[row] + 1.0) / (c.sum(axis=0) + 2.0)
        result = p if result is None else result * p
    return result


def _divisive(counts: Mapping, labels: Sequence[int], statements) -> tuple:
    """Statements where one group mostly agrees and another mostly disagrees, most divided
    first, scored by the agreeing group's agree share plus the other's disagree share."""
    if len(labels) < 2:
        return ()
    stacked = np.stack([counts[label] for label in labels])  # groups × 3 × statements
    seen = stacked.sum(axis=1)
    agree = np.divide(stacked[:, 0], seen, out=np.zeros(seen.shape), where=seen > 0)
    disagree = np.divide(stacked[:, 1], seen, out=np.zeros(seen.shape), where=seen > 0)
    found = []
    for j, statement in enumerate(statements):
        best = 0.0
        for g in range(len(labels)):
            for h in range(len(labels)):
                if g != h and agree[g, j] > 0.5 and disagree[h, j] > 0.5:
                    best = max(best, agree[g, j] + disagree[h, j])
        if best:
            found.append((statement, float(best)))
    found.sort(key=lambda item: -item[1])
    return tuple(found)
