"""How well two learners fit, for the matcher (matcher.py): a `Candidate`, the words of
its interests, and the pair score (shared hours, shared interests, repeat penalty) and
avoids, computed for a whole population at once with numpy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from bot.services.pairing.availability import HOURS_PER_WEEK

OVERLAP_CAP = 12
INTEREST_WEIGHT = 4.0
REPEAT_PENALTY = 100.0
MAX_PAIR_SCORE = OVERLAP_CAP + INTEREST_WEIGHT

_STOP = frozenset(
    "a an and the to of in on for with i im i'm want wanna learn learning build building "
    "make some more better my me at is are be it this that as or by from how about using "
    "use get into like would also just".split()
)
_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9+#.]*")


def interest_tokens(*texts: str) -> frozenset[str]:
    out: set[str] = set()
    for text in texts:
        for tok in _TOKEN_RE.findall((text or "").lower()):
            tok = tok.rstrip(".")
            if len(tok) >= 2 and tok not in _STOP:
                out.add(tok)
    return frozenset(out)


@dataclass(frozen=True)
class Candidate:
    user_id: int
    track: str  # frontend | backend | fullstack
    mask: np.ndarray  # bool[168]: free hours of the round's UTC week
    tokens: frozenset[str] = frozenset()


class _Scorer:
    """Vectorised scores between index sets of one candidate population."""

    def __init__(
        self,
        cands: Sequence[Candidate],
        history: Iterable[tuple[int, int]],
        avoid: Iterable[tuple[int, int]] = (),
    ) -> None:
        self.cands = cands
        n = len(cands)
        self.masks = np.zeros((n, HOURS_PER_WEEK), dtype=np.float32)
        for i, c in enumerate(cands):
            self.masks[i] = c.mask
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for i, c in enumerate(cands):
            for t in c.tokens:
                rows.append(i)
                cols.append(vocab.setdefault(t, len(vocab)))
        self.tokens = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(1, len(vocab)))
        )
        self.token_counts = np.asarray(self.tokens.sum(axis=1)).ravel()
        index = {c.user_id: i for i, c in enumerate(cands)}
        self.history = _links(index, history)
        self.avoid = _links(index, avoid)

    def forbidden(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """(len(left), len(right)) booleans: True where one avoids the other."""
        out = np.zeros((len(left), len(right)), dtype=bool)
        if self.avoid:
            col = {int(j): k for k, j in enumerate(right)}
            for r, i in enumerate(left):
                for j in self.avoid.get(int(i), ()):
                    k = col.get(j)
                    if k is not None:
                        out[r, k] = True
        return out

    def matrices(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score, repeat) matrices of shape (len(left), len(right))."""
        overlap = self.masks[left] @ self.masks[right].T
        inter = (self.tokens[left] @ self.tokens[right].T).toarray()
        union = self.token_counts[left][:, None] + self.token_counts[right][None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            jac = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        repeat = np.zeros(overlap.shape, dtype=bool)
        if self.history:
            col = {int(j): k for k, j in enumerate(right)}
            for r, i in enumerate(left):
                for j in self.history.get(int(i), ()):
                    k = col.get(j)
                    if k is not None:
                        repeat[r, k] = True
        score = np.minimum(overlap, OVERLAP_CAP) + INTEREST_WEIGHT * jac - REPEAT_PENALTY * repeat
        return score.astype(np.float64), repeat

    def pairwise(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score, repeat) of the pairs (a[k], b[k]), vectorised."""
        if len(a) == 0:
            return np.zeros(0), np.zeros(0, dtype=bool)
        overlap = (self.masks[a] * self.masks[b]).sum(axis=1)
        inter = np.asarray(self.tokens[a].multiply(self.tokens[b]).sum(axis=1)).ravel()
        union = self.token_counts[a] + self.token_counts[b] - inter
        jac = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        repeat = np.array(
            [int(j) in self.history.get(int(i), ()) for i, j in zip(a, b, strict=True)],
            dtype=bool,
        )
        score = np.minimum(overlap, OVERLAP_CAP) + INTEREST_WEIGHT * jac - REPEAT_PENALTY * repeat
        return score.astype(np.float64), repeat


def _links(index: dict[int, int], links: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Symmetric index adjacency of user-id pairs (those not taking part are ignored)."""
    out: dict[int, set[int]] = {}
    for a, b in links:
        ia, ib = index.get(a), index.get(b)
        if ia is not None and ib is not None and ia != ib:
            out.setdefault(ia, set()).add(ib)
            out.setdefault(ib, set()).add(ia)
    return out
