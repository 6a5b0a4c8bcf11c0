"""Frontend x backend matching. Pure: numpy/scipy only, no database, no discord.

The score of a possible pair (a, b), computed in scoring.py, is

    score(a, b) = min(overlap_hours(a, b), 12)          # shared weekly hours, capped
                + 4 * jaccard(interests(a), interests(b))
                - 100 * paired_before(a, b)

* overlap_hours: hours of the round's actual UTC week (168 hours) in which both are free,
  each learner's local availability mapped through their own time zone (so DST is right);
  computed for all candidates at once as a boolean-matrix product.
* interests: lower-cased tokens of "stack" and "what I want to build or learn" minus
  stop words; jaccard = |A & B| / |A | B| (0 when both are empty).
* paired_before: the two have been in the same pair or trio in any earlier round.

Avoids are a hard constraint: two learners of whom one asked never to be paired with the
other are never in the same pair or trio. Inside the assignment such a pair costs more
than everything else can gain (so the fewest possible are chosen: the most pairs without
one), and any that remain are dropped, their members left over.

A pair is valid when it has a frontend side and a backend side: frontend x backend,
and full-stack learners fill either side (full-stack x anyone is valid). The matcher
maximises, in this order: (1) the number of pairs, (2) the number of pairs that are NOT
repeats (inside the assignment the repeat penalty grows with the group size, so a repeat
is never taken while a repeat-free assignment of the same size exists), (3) the total
score. Ties break deterministically.

Algorithm: full-stack learners are split between the two sides so the sides are as equal
as possible; when the number of possible splits is small every split is tried (exact),
otherwise full-stack learners whose availability fits the backend side better go to the
frontend side. The sides are then matched with scipy's linear_sum_assignment (a
rectangular assignment on the complete bipartite graph, which gives the maximum number of
pairs at maximum weight). Large groups are partitioned: both sides are sorted by the mean
hour-of-day (UTC) of their availability and cut into aligned blocks of at most
BLOCK_SIZE, each block assigned on its own (near-linear overall, well under a second for
10,000 learners). Leftovers of the larger side then join the pair they score best with
(a trio, at most one extra per pair); anyone still left over is reported with a reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import comb
from types import MappingProxyType

import numpy as np
from scipy.optimize import linear_sum_assignment

from bot.services.pairing.availability import HOURS_PER_WEEK
from bot.services.pairing.reasons import unmatched_reason
from bot.services.pairing.scoring import MAX_PAIR_SCORE, REPEAT_PENALTY, Candidate, _Scorer

BLOCK_SIZE = 600
EXACT_SPLITS = 256
EXACT_WORK = 2_000_000  # splits x assignment size tried exhaustively

FRONTEND, BACKEND, FULLSTACK = "frontend", "backend", "fullstack"
TRACK_LABEL = MappingProxyType({FRONTEND: "frontend", BACKEND: "backend", FULLSTACK: "full-stack"})


@dataclass(frozen=True)
class Group:
    """A pair (or trio). members: (user_id, side) with side frontend|backend."""

    members: tuple[tuple[int, str], ...]
    score: float  # score of the core pair (plus the extra member's score for a trio)
    pair_score: float  # score of the core pair only
    overlap_hours: int  # hours in which ALL members are free
    is_repeat: bool

    @property
    def user_ids(self) -> tuple[int, ...]:
        return tuple(u for u, _ in self.members)


@dataclass(frozen=True)
class Unmatched:
    user_id: int
    reason: str


@dataclass(frozen=True)
class MatchResult:
    groups: tuple[Group, ...]
    unmatched: tuple[Unmatched, ...]

    @property
    def pairs_score(self) -> float:
        return float(sum(g.pair_score for g in self.groups))


def _assign(
    score: np.ndarray, repeat: np.ndarray, forbid: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Max allowed pairs, then fewest repeats, then max score (rectangular assignment).

    Forbidden cells are never returned: each costs more than any assignment can gain, so
    the assignment uses as few as possible, and those it must use are dropped.
    """
    if score.size == 0:
        return np.array([], dtype=int), np.array([], dtype=int)
    big = MAX_PAIR_SCORE * 2 * min(score.shape) + REPEAT_PENALTY + 1
    weight = score - (big - REPEAT_PENALTY) * repeat
    if forbid is not None and forbid.any():
        weight = weight - (big + MAX_PAIR_SCORE + REPEAT_PENALTY) * (min(score.shape) + 1) * forbid
    rows, cols = linear_sum_assignment(weight, maximize=True)
    if forbid is not None and forbid.any():
        keep = ~forbid[rows, cols]
        rows, cols = rows[keep], cols[keep]
    return rows, cols


def _objective(
    score: np.ndarray, repeat: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> tuple[int, int, float]:
    return (len(rows), -int(repeat[rows, cols].sum()), float(score[rows, cols].sum()))


# -- sides --------------------------------------------------------------------------------


def _split_counts(f: int, b: int, s: int) -> list[int]:
    """Numbers k of full-stack learners on the frontend side that balance the sides best."""
    best = min(abs((f + k) - (b + s - k)) for k in range(s + 1))
    return [k for k in range(s + 1) if abs((f + k) - (b + s - k)) == best]


def _centre_hour(masks: np.ndarray) -> np.ndarray:
    """Circular mean hour-of-day (UTC) of each learner's free hours, in radians."""
    angles = 2 * np.pi * (np.arange(HOURS_PER_WEEK) % 24) / 24
    x = masks @ np.cos(angles)
    y = masks @ np.sin(angles)
    return np.arctan2(y, x)


def _blocks(
    left: np.ndarray, right: np.ndarray, centre: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    n_blocks = max(1, -(-max(len(left), len(right)) // BLOCK_SIZE))
    if n_blocks == 1:
        return [(left, right)]
    lo = left[np.argsort(centre[left], kind="stable")]
    ro = right[np.argsort(centre[right], kind="stable")]
    return list(zip(np.array_split(lo, n_blocks), np.array_split(ro, n_blocks), strict=True))


def assign_pairs(
    candidates: Sequence[Candidate],
    history: Iterable[tuple[int, int]] = (),
    avoid: Iterable[tuple[int, int]] = (),
) -> tuple[list[tuple[int, int]], list[int], set[int], _Scorer]:
    """Core pairing phase.

    Returns (pairs as (frontend-side index, backend-side index), leftover indices,
    indices on the frontend side, scorer).
    """
    scorer = _Scorer(candidates, history, avoid)
    tracks = np.array([c.track for c in candidates])
    fe = np.flatnonzero(tracks == FRONTEND)
    be = np.flatnonzero(tracks == BACKEND)
    fs = np.flatnonzero(tracks == FULLSTACK)
    ks = _split_counts(len(fe), len(be), len(fs))
    total_splits = sum(comb(len(fs), k) for k in ks)
    work = total_splits * (len(candidates) // 2 + 1) ** 2
    if total_splits <= EXACT_SPLITS and work <= EXACT_WORK:
        best: tuple[tuple[int, int, float], list[tuple[int, int]], np.ndarray] | None = None
        for k in ks:
            for chosen in itertools.combinations(range(len(fs)), k):
                on_front = np.zeros(len(fs), dtype=bool)
                on_front[list(chosen)] = True
                left = np.concatenate([fe, fs[on_front]])
                right = np.concatenate([be, fs[~on_front]])
                score, repeat = scorer.matrices(left, right)
                rows, cols = _assign(score, repeat, scorer.forbidden(left, right))
                key = _objective(score, repeat, rows, cols)
                if best is None or key > best[0]:
                    found = [(int(left[r]), int(right[c])) for r, c in zip(rows, cols, strict=True)]
                    best = (key, found, left)
        assert best is not None
        _, pairs, left = best
    else:
        k = ks[0]
        # Full-stack learners who share more hours with backend learners than with
        # frontend learners go to the frontend side (and vice versa).
        masks = scorer.masks
        be_hours = masks[be].sum(axis=0) / max(1, len(be))
        fe_hours = masks[fe].sum(axis=0) / max(1, len(fe))
        affinity = masks[fs] @ (be_hours - fe_hours) if len(fs) else np.zeros(0)
        order = np.argsort(-affinity, kind="stable")
        on_front = np.zeros(len(fs), dtype=bool)
        on_front[order[:k]] = True
        left = np.concatenate([fe, fs[on_front]])
        right = np.concatenate([be, fs[~on_front]])
        centre = _centre_hour(masks)
        pairs = []
        for bl, br in _blocks(left, right, centre):
            score, repeat = scorer.matrices(bl, br)
            rows, cols = _assign(score, repeat, scorer.forbidden(bl, br))
            pairs.extend((int(bl[r]), int(br[c])) for r, c in zip(rows, cols, strict=True))
    used = {i for p in pairs for i in p}
    leftovers = [i for i in range(len(candidates)) if i not in used]
    return pairs, leftovers, {int(i) for i in left}, scorer


# -- trios and reasons -------------------------------------------------------------------


def _side_of(track: str, in_left: bool) -> str:
    if track == FULLSTACK:
        return FRONTEND if in_left else BACKEND
    return track


def match(
    candidates: Sequence[Candidate],
    history: Iterable[tuple[int, int]] = (),
    avoid: Iterable[tuple[int, int]] = (),
) -> MatchResult:
    """Pairs (and trios) for one round; every candidate is in a group or unmatched.

    `avoid`: user-id pairs never to be grouped together (either order).
    """
    if not candidates:
        return MatchResult((), ())
    pairs, leftovers, left_side, scorer = assign_pairs(candidates, history, avoid)
    tracks = [c.track for c in candidates]
    a = np.array([p[0] for p in pairs], dtype=int)
    b = np.array([p[1] for p in pairs], dtype=int)
    # Leftovers all sit on the larger side: a leftover on the frontend side joins the pair
    # whose backend member it scores best with, and vice versa. One extra per pair.
    extra = np.full(len(pairs), -1, dtype=int)
    if leftovers and pairs:
        lo = np.array(leftovers, dtype=int)
        on_front = bool(lo[0] in left_side)
        gain, rep = scorer.matrices(lo, b if on_front else a)
        # The extra member must avoid neither member of the pair it joins.
        forbid = scorer.forbidden(lo, a) | scorer.forbidden(lo, b)
        rows, cols = _assign_chunked(gain, rep, forbid)
        extra[cols] = lo[rows]
    pair_score, pair_rep = scorer.pairwise(a, b)
    has_extra = extra >= 0
    x_score = np.zeros(len(pairs))
    x_rep = np.zeros(len(pairs), dtype=bool)
    common = scorer.masks[a] * scorer.masks[b] if len(pairs) else np.zeros((0, 1))
    if has_extra.any():
        xi = extra[has_extra]
        x_front = bool(xi[0] in left_side)
        partner = b[has_extra] if x_front else a[has_extra]
        s, r = scorer.pairwise(xi, partner)
        x_score[has_extra] = s
        x_rep[has_extra] = r
        common[has_extra] *= scorer.masks[xi]
    hours = common.sum(axis=1).astype(int) if len(pairs) else np.zeros(0, dtype=int)
    groups: list[Group] = []
    for k in range(len(pairs)):
        ia, ib = int(a[k]), int(b[k])
        members = [(ia, _side_of(tracks[ia], True)), (ib, _side_of(tracks[ib], False))]
        if extra[k] >= 0:
            x = int(extra[k])
            members.append((x, FRONTEND if x in left_side else BACKEND))
        groups.append(
            Group(
                members=tuple((candidates[i].user_id, side) for i, side in members),
                score=round(float(pair_score[k] + x_score[k]), 3),
                pair_score=round(float(pair_score[k]), 3),
                overlap_hours=int(hours[k]),
                is_repeat=bool(pair_rep[k] or x_rep[k]),
            )
        )
    placed = set(extra[has_extra].tolist())
    unmatched = [
        Unmatched(
            candidates[i].user_id,
            unmatched_reason(tracks, i, bool(pairs), pairs_full=bool(has_extra.all())),
        )
        for i in leftovers
        if i not in placed
    ]
    return MatchResult(tuple(groups), tuple(unmatched))


def _assign_chunked(
    gain: np.ndarray, rep: np.ndarray, forbid: np.ndarray
) -> tuple[list[int], list[int]]:
    rows_out: list[int] = []
    cols_out: list[int] = []
    n_rows, n_cols = gain.shape
    n_blocks = max(1, -(-max(n_rows, n_cols) // BLOCK_SIZE))
    row_parts = np.array_split(np.arange(n_rows), n_blocks)
    col_parts = np.array_split(np.arange(n_cols), n_blocks)
    for rp, cp in zip(row_parts, col_parts, strict=True):
        if len(rp) == 0 or len(cp) == 0:
            continue
        r, c = _assign(gain[np.ix_(rp, cp)], rep[np.ix_(rp, cp)], forbid[np.ix_(rp, cp)])
        rows_out.extend(int(rp[i]) for i in r)
        cols_out.extend(int(cp[j]) for j in c)
    return rows_out, cols_out
