"""The matcher: optimal on small cases (vs brute force), no needless repeats, nobody lost."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.pairing.availability import HOURS_PER_WEEK
from bot.services.pairing.matcher import BACKEND, FRONTEND, FULLSTACK, match
from bot.services.pairing.scoring import (
    INTEREST_WEIGHT,
    OVERLAP_CAP,
    REPEAT_PENALTY,
    Candidate,
    interest_tokens,
)
from bot.services.pairing.synthetic import synthetic_candidates

WORDS = ["react", "django", "redis", "css", "api", "sql"]


def cand(uid: int, track: str, hours: list[int], words: Iterable[str] = ()) -> Candidate:
    mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
    mask[hours] = True
    return Candidate(uid, track, mask, frozenset(words))


def score(a: Candidate, b: Candidate, history: set[frozenset[int]]) -> tuple[float, bool]:
    hours = int((a.mask & b.mask).sum())
    union = a.tokens | b.tokens
    jac = len(a.tokens & b.tokens) / len(union) if union else 0.0
    rep = frozenset((a.user_id, b.user_id)) in history
    return min(hours, OVERLAP_CAP) + INTEREST_WEIGHT * jac - REPEAT_PENALTY * rep, rep


def valid(a: Candidate, b: Candidate) -> bool:
    return {a.track, b.track} not in ({FRONTEND}, {BACKEND})


def matchings(people: list[Candidate]) -> Iterator[list[tuple[Candidate, Candidate]]]:
    """Every set of disjoint valid pairs (brute force)."""
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    yield from matchings(rest)  # first stays unpaired
    for i, other in enumerate(rest):
        if valid(first, other):
            for m in matchings(rest[:i] + rest[i + 1 :]):
                yield [(first, other), *m]


def best_key(people: list[Candidate], history: set[frozenset[int]]) -> tuple[int, int, float]:
    best = (0, 0, 0.0)
    for m in matchings(people):
        scored = [score(a, b, history) for a, b in m]
        key = (len(m), -sum(r for _, r in scored), round(sum(s for s, _ in scored), 6))
        best = max(best, key)
    return best


candidate_st = st.builds(
    lambda track, hours, words: (track, hours, words),
    st.sampled_from([FRONTEND, BACKEND, FULLSTACK]),
    st.lists(st.integers(0, 11), max_size=6, unique=True),
    st.lists(st.sampled_from(WORDS), max_size=3, unique=True),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(candidate_st, min_size=1, max_size=8),
    history_bits=st.lists(st.booleans(), min_size=28, max_size=28),
)
def test_matcher_is_optimal_against_brute_force(
    people: list[tuple[str, list[int], list[str]]], history_bits: list[bool]
) -> None:
    cands = [cand(i + 1, t, h, w) for i, (t, h, w) in enumerate(people)]
    pairs_all = [(a.user_id, b.user_id) for i, a in enumerate(cands) for b in cands[i + 1 :]]
    history = [p for p, bit in zip(pairs_all, history_bits, strict=False) if bit]
    hist_set = {frozenset(p) for p in history}
    result = match(cands, history)

    by_id = {c.user_id: c for c in cands}
    got = []
    for g in result.groups:
        a, b = by_id[g.members[0][0]], by_id[g.members[1][0]]
        assert valid(a, b)
        assert {g.members[0][1], g.members[1][1]} == {FRONTEND, BACKEND}
        got.append(score(a, b, hist_set))
    key = (len(got), -sum(r for _, r in got), round(sum(s for s, _ in got), 6))
    expected = best_key(cands, hist_set)
    assert key[:2] == expected[:2]
    assert abs(key[2] - expected[2]) < 1e-6
    # Nobody is left out silently.
    placed = [u for g in result.groups for u in g.user_ids] + [u.user_id for u in result.unmatched]
    assert sorted(placed) == sorted(by_id)
    assert all(u.reason for u in result.unmatched)


def test_no_repeat_while_an_unrepeated_assignment_exists() -> None:
    # Alice and Bob fit perfectly but met before; Carol and Dave are a weaker fit.
    hours = list(range(10))
    cands = [
        cand(1, FRONTEND, hours, ["react"]),
        cand(2, BACKEND, hours, ["react"]),
        cand(3, FRONTEND, [0]),
        cand(4, BACKEND, [1]),
    ]
    result = match(cands, [(1, 2)])
    pairs = {frozenset(g.user_ids) for g in result.groups}
    assert pairs == {frozenset({1, 4}), frozenset({3, 2})}
    assert not any(g.is_repeat for g in result.groups)
    # Only option left is a repeat: it is taken (and flagged), not dropped.
    again = match(cands[:2], [(1, 2)])
    assert [g.is_repeat for g in again.groups] == [True]


def test_odd_count_makes_a_trio() -> None:
    cands = [
        cand(1, FRONTEND, [1, 2]),
        cand(2, BACKEND, [1, 2]),
        cand(3, FRONTEND, [2, 3]),
        cand(4, BACKEND, [5]),
        cand(5, FRONTEND, [5, 6]),
    ]
    result = match(cands)
    assert not result.unmatched
    sizes = sorted(len(g.members) for g in result.groups)
    assert sizes == [2, 3]
    trio = next(g for g in result.groups if len(g.members) == 3)
    assert [s for _, s in trio.members].count(BACKEND) == 1


def test_surplus_beyond_trios_is_unmatched_with_a_reason() -> None:
    cands = [cand(i, FRONTEND, [1]) for i in range(1, 6)] + [cand(9, BACKEND, [1])]
    result = match(cands)
    assert len(result.groups) == 1 and len(result.groups[0].members) == 3
    assert len(result.unmatched) == 3
    assert all("more frontend learners than backend" in u.reason for u in result.unmatched)


def test_single_side_and_single_learner() -> None:
    only_fe = match([cand(1, FRONTEND, [1]), cand(2, FRONTEND, [1])])
    assert not only_fe.groups
    assert all("No backend" in u.reason for u in only_fe.unmatched)
    alone = match([cand(1, BACKEND, [1])])
    assert "only learner" in alone.unmatched[0].reason
    assert match([]).groups == ()


def test_fullstack_fill_either_side() -> None:
    cands = [
        cand(1, FRONTEND, [1]),
        cand(2, FRONTEND, [2]),
        cand(3, FULLSTACK, [1, 2]),
        cand(4, FULLSTACK, [2]),
    ]
    result = match(cands)
    assert len(result.groups) == 2 and not result.unmatched
    for g in result.groups:
        assert sorted(s for _, s in g.members) == [BACKEND, FRONTEND]
    two_fullstack = match([cand(1, FULLSTACK, [1]), cand(2, FULLSTACK, [1])])
    assert len(two_fullstack.groups) == 1


def test_large_population_everyone_accounted_for() -> None:
    cands = synthetic_candidates(3001, seed=7)
    history = [(i, i + 1) for i in range(1, 3000, 2)]
    result = match(cands, history)
    placed = [u for g in result.groups for u in g.user_ids] + [u.user_id for u in result.unmatched]
    assert sorted(placed) == [c.user_id for c in cands]
    for g in result.groups:
        assert sorted({s for _, s in g.members}) == [BACKEND, FRONTEND]
    # Partitioned matching still finds real overlap for most pairs.
    assert np.mean([g.overlap_hours > 0 for g in result.groups]) > 0.5


def test_interest_tokens() -> None:
    assert interest_tokens("React, Node.js and C++", "I want to learn caching") == {
        "react",
        "node.js",
        "c++",
        "caching",
    }
