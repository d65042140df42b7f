"""The opinion-group analysis on planted structure: what a facilitator would see."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from deliberation.opinions.analysis import (
    MIN_VOTERS,
    VoteMatrix,
    analyse,
)

DIVIDING = range(0, 10)  # camp A agrees, camp B disagrees
SHARED = range(10, 14)  # everyone agrees
NOISE = range(14, 20)  # a coin toss


def two_camps(size_a=15, size_b=15, *, flip=0.05, seed=1, seen=1.0):
    """Two camps that disagree on half the statements and agree on a few."""
    rng = np.random.default_rng(seed)
    votes, camp = [], {}
    for person in range(size_a + size_b):
        side = "A" if person < size_a else "B"
        camp[person] = side
        for statement in range(20):
            if rng.random() > seen:
                continue
            if statement in DIVIDING:
                vote = 1 if side == "A" else -1
            elif statement in SHARED:
                vote = 1
            else:
                vote = int(rng.choice([1, -1, 0]))
            if statement not in NOISE and rng.random() < flip:
                vote = -vote
            votes.append((person, statement, vote))
    return votes, camp


def test_two_camps_are_recovered_with_what_divides_and_unites_them():
    votes, camp = two_camps()
    result = analyse(VoteMatrix.from_votes(votes))

    assert result.ready
    assert result.k == 2
    people = sorted(result.assignment)
    assert len(people) == 30
    assert (
        adjusted_rand_score([camp[p] for p in people], [result.assignment[p] for p in people])
        == 1.0
    )

    by_camp = {}
    for group in result.groups:
        sides = {camp[p] for p in group.members}
        assert len(sides) == 1
        by_camp[sides.pop()] = group
    for side, direction in (("A", "agree"), ("B", "disagree")):
        reps = by_camp[side].representative
        assert reps, f"camp {side} has no representative statements"
        assert all(r.significant for r in reps)
        assert {r.statement for r in reps} <= set(DIVIDING)
        assert {r.direction for r in reps} == {direction}

    top = [statement for statement, _score in result.consensus[: len(SHARED)]]
    assert set(top) == set(SHARED)
    divisive = {statement for statement, _score in result.divisive}
    assert set(DIVIDING) <= divisive
    assert not divisive & set(SHARED)


def test_sparse_voting_still_finds_the_camps_because_unseen_is_imputed():
    # Each person sees about 60% of the statements, as in a real conversation.
    votes, camp = two_camps(40, 40, seen=0.6, seed=3)
    result = analyse(VoteMatrix.from_votes(votes))
    people = sorted(result.assignment)
    assert (
        adjusted_rand_score([camp[p] for p in people], [result.assignment[p] for p in people]) > 0.9
    )


def test_nothing_is_shown_until_seven_people_have_voted():
    votes, _camp = two_camps(3, 3)
    result = analyse(VoteMatrix.from_votes(votes))
    assert result.voters == MIN_VOTERS - 1
    assert not result.ready
    assert result.groups == () and result.consensus == () and result.projection == {}

    votes, _camp = two_camps(4, 3)
    assert analyse(VoteMatrix.from_votes(votes)).ready


def test_a_group_of_two_is_found_but_never_shown():
    votes, _camp = two_camps(10, 10)
    # Two people who disagree with everyone on everything.
    for person in (100, 101):
        for statement in range(20):
            votes.append((person, statement, -1 if statement in SHARED else 0))
    result = analyse(VoteMatrix.from_votes(votes))
    small = [g for g in result.groups if g.size < 3]
    assert small, "the planted pair should form its own group"
    assert all(g.size >= 3 for g in result.shown_groups)
    assert {100, 101}.isdisjoint({p for g in result.shown_groups for p in g.members})


def test_small_groups_get_tables_not_a_map():
    votes, _camp = two_camps(6, 6)
    assert not analyse(VoteMatrix.from_votes(votes)).show_map
    votes, _camp = two_camps(10, 10)
    assert analyse(VoteMatrix.from_votes(votes)).show_map


def test_people_with_few_votes_are_placed_but_not_clustered():
    votes, _camp = two_camps()
    votes += [(200, s, 1) for s in range(6)]  # six votes: under min(7, 20)
    result = analyse(VoteMatrix.from_votes(votes))
    assert 200 in result.projection
    assert 200 not in result.assignment
    assert result.participants_clustered == 30


def test_statements_moderated_out_are_left_out():
    votes, _camp = two_camps()
    result = analyse(VoteMatrix.from_votes(votes, moderated_out={10, 11}))
    assert 10 not in result.statements and 11 not in result.statements
    assert {s for s, _ in result.consensus} == set(range(20)) - {10, 11}


def test_a_changed_vote_replaces_the_earlier_one():
    matrix = VoteMatrix.from_votes([(1, 5, 1), (1, 5, -1), (2, 5, 0)])
    assert matrix.values[matrix.participants.index(1), 0] == -1
    with pytest.raises(ValueError):
        VoteMatrix.from_votes([(1, 5, 2)])


def test_group_labels_stay_put_as_votes_arrive():
    votes, camp = two_camps()
    first = analyse(VoteMatrix.from_votes(votes))
    # Swap the labels the previous computation used, then add people and votes.
    swapped = {p: 1 - label for p, label in first.assignment.items()}
    more, more_camp = two_camps(5, 5, seed=9)
    votes += [(p + 1000, s, v) for p, s, v in more]
    second = analyse(VoteMatrix.from_votes(votes), previous=swapped)
    for person, label in swapped.items():
        assert second.assignment[person] == label
    # Newcomers join the label of their camp.
    label_of_a = swapped[0]
    assert all(second.assignment[p + 1000] == label_of_a for p in more_camp if more_camp[p] == "A")


def test_the_analysis_imports_no_django():
    code = (
        "import sys, deliberation.opinions.analysis, deliberation.opinions.polis;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
