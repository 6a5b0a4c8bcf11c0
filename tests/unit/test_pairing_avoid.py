"""The matcher never groups two learners when one avoids the other (a hard constraint)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.pairing.availability import HOURS_PER_WEEK
from bot.services.pairing.matcher import BACKEND, FRONTEND, FULLSTACK, match
from bot.services.pairing.reasons import LEFT_OVER
from bot.services.pairing.scoring import Candidate
from bot.services.pairing.synthetic import synthetic_candidates


def cand(uid: int, track: str, hours: list[int]) -> Candidate:
    mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
    mask[hours] = True
    return Candidate(uid, track, mask, frozenset())


def grouped_together(
    result_groups: tuple[Any, ...], avoid: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    bad: list[tuple[int, int]] = []
    for g in result_groups:
        ids = set(g.user_ids)
        bad.extend((a, b) for a, b in avoid if a != b and a in ids and b in ids)
    return bad


people = st.lists(
    st.tuples(
        st.sampled_from([FRONTEND, BACKEND, FULLSTACK]),
        st.lists(st.integers(0, HOURS_PER_WEEK - 1), max_size=6),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(people, st.data())
def test_no_group_ever_holds_an_avoided_pair(
    spec: list[tuple[str, list[int]]], data: st.DataObject
) -> None:
    cands = [cand(i + 1, track, hours) for i, (track, hours) in enumerate(spec)]
    ids = [c.user_id for c in cands]
    avoid = data.draw(
        st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=2 * len(ids))
    )
    history = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=4))
    result = match(cands, history, avoid)
    assert grouped_together(result.groups, avoid) == []
    placed = [u for g in result.groups for u in g.user_ids] + [u.user_id for u in result.unmatched]
    assert sorted(placed) == ids


def test_the_best_pair_is_avoided_so_both_pair_with_someone_else() -> None:
    # 1 and 2 share the most hours, but 1 avoids 2: both still get a pair.
    cands = [
        cand(1, FRONTEND, list(range(10))),
        cand(2, BACKEND, list(range(10))),
        cand(3, FRONTEND, [0]),
        cand(4, BACKEND, [1]),
    ]
    assert {frozenset(g.user_ids) for g in match(cands).groups} == {
        frozenset({1, 2}),
        frozenset({3, 4}),
    }
    result = match(cands, avoid=[(1, 2)])
    assert {frozenset(g.user_ids) for g in result.groups} == {
        frozenset({1, 4}),
        frozenset({2, 3}),
    }


def test_a_trio_extra_avoids_neither_member() -> None:
    cands = [cand(1, FRONTEND, [1]), cand(2, BACKEND, [1]), cand(3, FRONTEND, [1])]
    result = match(cands, avoid=[(2, 3)])
    assert [sorted(g.user_ids) for g in result.groups] == [[1, 2]]
    [left] = result.unmatched
    assert left.user_id == 3 and left.reason == LEFT_OVER


def test_the_only_two_learners_avoiding_each_other_are_told_nothing_about_it() -> None:
    result = match([cand(1, FRONTEND, [1]), cand(2, BACKEND, [1])], avoid=[(2, 1)])
    assert result.groups == ()
    assert [u.reason for u in result.unmatched] == [LEFT_OVER, LEFT_OVER]


def test_large_population_respects_every_avoid() -> None:
    cands = synthetic_candidates(1500, seed=11)
    rng = np.random.default_rng(5)
    avoid = [(int(a), int(b)) for a, b in rng.integers(1, 1501, size=(3000, 2))]
    unconstrained = match(cands)
    result = match(cands, avoid=avoid)
    assert grouped_together(result.groups, avoid) == []
    # The constraint costs few pairs, never the whole round.
    assert len(result.groups) >= len(unconstrained.groups) - 10
