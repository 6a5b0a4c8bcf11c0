"""Typo-tolerant matching over many short strings, only where a match is possible.

`fuzz.ratio` is 100 * (1 - indel distance / (len(a) + len(b))), and the distance is at
least the difference in length, so a string can only reach a cutoff c (as a fraction) if
its length is within [len(q) * c / (2 - c), len(q) * (2 - c) / c]. Autocomplete over
14,000 names and aliases scored every one of them per keystroke (about 2 ms, most of the
bot's time in that benchmark); scoring only that band of lengths gives the same matches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process


class RatioMatcher:
    """`strings` by length, for `matches` with fuzz.ratio."""

    def __init__(self, strings: list[str]) -> None:
        order = sorted(range(len(strings)), key=lambda k: len(strings[k]))
        self._strings = [strings[k] for k in order]
        self._index = order
        self._lengths = [len(s) for s in self._strings]

    def scored(self, q: str, cutoff: float, limit: int) -> list[tuple[int, float]]:
        """(index into the original `strings`, score) at least `cutoff`, best first."""
        a, b = self._band(q, cutoff)
        found = process.extract(
            q,
            self._strings[a:b],
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=cutoff,
        )
        ranked = sorted((-score, self._index[a + j]) for _, score, j in found)
        return [(k, -neg) for neg, k in ranked[:limit]]

    def _band(self, q: str, cutoff: float) -> tuple[int, int]:
        a, b = 0, len(self._strings)
        if cutoff > 0:  # floor, and +1 above: a generous band is still exact
            c = cutoff / 100
            a = bisect_left(self._lengths, int(len(q) * c / (2 - c)))
            b = bisect_right(self._lengths, int(len(q) * (2 - c) / c) + 1)
        return a, b

    def matches(self, q: str, cutoff: float, limit: int) -> list[int]:
        """Indexes into the original `strings` scoring at least `cutoff` (0-100), best
        first, ties in original order: what process.extract over all of them returns."""
        a, b = 0, len(self._strings)
        if cutoff > 0:  # floor, and +1 above: a generous band is still exact
            c = cutoff / 100
            a = bisect_left(self._lengths, int(len(q) * c / (2 - c)))
            b = bisect_right(self._lengths, int(len(q) * (2 - c) / c) + 1)
        found = process.extract(
            q,
            self._strings[a:b],
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=cutoff,
        )
        ranked = sorted((-score, self._index[a + j]) for _, score, j in found)
        return [k for _, k in ranked[:limit]]


# -- WRatio ---------------------------------------------------------------------------------
#
# fuzz.WRatio(q, s) is the best of:
# - when neither is 1.5x longer than the other: ratio, and 0.95 x token_sort_ratio or
#   token_set_ratio. Each is 2 * LCS / (len(a) + len(b)) of the two strings (words sorted,
#   or repeated words dropped), except token_set_ratio of strings sharing a word. With c
#   the characters they have in common (as multisets), that is at most 2c / (len(q) +
#   len(s)), lengths without repeated words: counted for every string in one numpy pass
#   over a table of character counts. Exact: no such string is left out.
# - when one is 1.5x to 8x longer: 0.9 x partial_ratio (the shorter against a piece of the
#   longer) or 0.9 x 0.95 x a partial token ratio, which is 100 when they share a word
#   (a word index finds those: exact). Partial scores let short strings match anywhere
#   inside long ones, so no count of characters bounds them usefully. A piece close
#   enough to score 75 keeps some of the shorter string's three-letter sequences within
#   words (a typo breaks at most three; letters sorted in each, so a swapped pair breaks
#   two): a trigram index keeps the strings with a third of the query's, or, for a string
#   shorter than the query, all but three per six letters; strings of five letters or
#   fewer inside a longer query, and words under three letters, go by the character
#   count. Not exact in theory (typos can break more), but the same suggestions as the
#   full scan for every learner's misspelling in tests/unit/test_suggest_prefilter.py.
# - above 8x, partial scores are scaled by 0.6: below any cutoff over 60.
# Only the candidates are scored with WRatio.

_BUCKETS = 64  # characters counted per string: a-z, 0-9, space, the rest folded into 27
_TRIGRAM_HASH = 1 << 22
_FAR_MAX = 90.0  # the best WRatio of strings 1.5x longer or shorter than each other
_SLICE = 128  # far candidates scored at a time


def _codes(text: str) -> npt.NDArray[np.int64]:
    raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return raw.astype(np.int64)


def _buckets(c: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    table = 37 + np.arange(128, dtype=np.int64) % 27
    table[32] = 36
    table[48:58] = np.arange(26, 36)  # digits
    table[97:123] = np.arange(26)  # a-z
    return np.where(c < 128, table[c & 127], 37 + c % 27)


def _trigrams(c: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Hashes of the three-character sequences within words (no space or NUL in them)
    of a code array, each with its letters sorted, and their start positions."""
    if len(c) < 3:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.intp)
    gap = (c == 32) | (c == 0)
    at = np.flatnonzero(~(gap[:-2] | gap[1:-1] | gap[2:]))
    a, b, d = c[at], c[at + 1], c[at + 2]
    lo, hi = np.minimum(np.minimum(a, b), d), np.maximum(np.maximum(a, b), d)
    mid = a + b + d - lo - hi  # letters in order: a swapped pair keeps two of them
    return (lo * 1_000_003 + mid * 8_191 + hi) % _TRIGRAM_HASH, at


def _words_once_len(text: str) -> int:
    """The length of `text` with repeated words dropped (what token_set compares)."""
    return len(" ".join(dict.fromkeys(text.split())))


_HASH_MOD = (1 << 31) - 1


def _word_hashes(c: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """A hash of each word (a run of characters other than space and NUL) of a code array,
    and its start position: equal words, equal hashes."""
    word = (c != 32) & (c != 0)
    if not word.any():
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.intp)
    before = np.concatenate(([False], word[:-1]))
    starts = np.flatnonzero(word & ~before)
    at = np.flatnonzero(word)
    number = np.cumsum(word & ~before)[at] - 1  # the word each character is in
    offset = at - starts[number]
    powers = np.ones(int(offset.max()) + 1, dtype=np.int64)
    for k in range(1, len(powers)):
        powers[k] = powers[k - 1] * 131 % _HASH_MOD
    terms = c[at] % _HASH_MOD * powers[offset] % _HASH_MOD
    sums = np.add.reduceat(terms, np.flatnonzero(offset == 0)) % _HASH_MOD
    lengths = np.diff(np.append(np.flatnonzero(offset == 0), len(at)))
    return sums * 256 + np.minimum(lengths, 255), starts


_Index = tuple[npt.NDArray[np.signedinteger[Any]], npt.NDArray[np.int32]]


def _postings(keys: npt.NDArray[np.int64], rows: npt.NDArray[np.int64]) -> _Index:
    """(keys sorted, their rows in the same order): a compact inverted index."""
    order = np.argsort(keys, kind="stable")
    small = len(keys) == 0 or int(keys.max()) < 1 << 31
    return keys[order].astype(np.int32 if small else np.int64), rows[order].astype(np.int32)


def _lookup(index: _Index, keys: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    """The rows of every occurrence of `keys` in an index from _postings."""
    sorted_keys, rows = index
    a = np.searchsorted(sorted_keys, keys)
    b = np.searchsorted(sorted_keys, keys, side="right")
    if not len(keys) or not (b > a).any():
        return np.empty(0, dtype=np.int32)
    return np.concatenate([rows[i:j] for i, j in zip(a, b, strict=True) if j > i])


class WRatioMatcher:
    """`strings` arranged so that `extract` scores with fuzz.WRatio only the strings that
    can match (see above), not all of them. Building it for 14,000 names and aliases
    takes ~25 ms (numpy, no Python loop per string); it holds ~180 bytes per string."""

    def __init__(self, strings: list[str]) -> None:
        self._strings = strings
        n = len(strings)
        self._lengths = np.fromiter(map(len, strings), dtype=np.int64, count=n)
        codes = _codes("\0".join(strings))
        row_of = np.repeat(np.arange(n, dtype=np.int64), self._lengths + 1)[: len(codes)]
        chars = codes != 0
        counts = np.bincount(
            row_of[chars] * _BUCKETS + _buckets(codes[chars]), minlength=n * _BUCKETS
        )
        # column-major: the query's few characters are a few contiguous columns
        self._bags = np.asfortranarray(
            np.minimum(counts.reshape(n, _BUCKETS), 255).astype(np.uint8)
        )
        h, at = _trigrams(codes)
        self._trigram_index = _postings(h, row_of[at])
        self._trigram_count = np.bincount(row_of[at], minlength=n).astype(np.int32)
        words, starts = _word_hashes(codes)
        word_rows = row_of[starts]
        self._word_index = _postings(words, word_rows)
        # lengths with repeated words dropped: each repeat takes its word and a space
        pairs = word_rows * (1 << 40) + words
        order = np.argsort(pairs, kind="stable")
        repeat = np.diff(pairs[order], prepend=-1) == 0
        dropped = np.bincount(
            word_rows[order][repeat], weights=(words[order][repeat] % 256) + 1, minlength=n
        )
        self._short = self._lengths - dropped.astype(np.int64)

    def candidates(self, q: str, cutoff: float) -> npt.NDArray[np.intp]:
        """Indexes (ascending) of the strings that may score `cutoff` (0-100) or more."""
        if not q or not self._strings:
            return np.empty(0, dtype=np.intp)
        qc = _codes(q)
        bag = np.bincount(_buckets(qc), minlength=_BUCKETS)
        if bag.max() > 255:  # more of one character than a string's count can say
            return np.flatnonzero(self._lengths > 0)
        cols = np.flatnonzero(bag)
        common = np.minimum(self._bags[:, cols], bag[cols].astype(np.uint8)).sum(
            axis=1, dtype=np.int64
        )
        t = cutoff / 100
        lq, lq_once = len(q), _words_once_len(q)
        near = (self._lengths * 2 < lq * 3) & (lq * 2 < self._lengths * 3)
        ok = near & (common * 2 >= t * (self._short + lq_once) - 1e-9)
        ok |= self._partial(qc, common, t, lq_once)
        ok[_lookup(self._word_index, _word_hashes(qc)[0])] = True
        if t > 0.6:
            ok &= (self._lengths * 8 >= lq) & (self._lengths <= lq * 8)
        ok &= self._lengths > 0
        return np.flatnonzero(ok)

    def _partial(
        self, qc: npt.NDArray[np.int64], common: npt.NDArray[np.int64], t: float, lq_once: int
    ) -> npt.NDArray[np.bool_]:
        h = np.unique(_trigrams(qc)[0])
        shared = np.bincount(_lookup(self._trigram_index, h), minlength=len(self._strings))
        fewer = np.minimum(self._trigram_count, len(h))
        # Without a trigram to go by (words under three letters), or for a string of up to
        # five letters inside a longer query (its few trigrams all broken by one typo
        # nearby: "pods" in "postgress"), the character bound.
        by_chars = common * 2 >= t * (np.minimum(self._short, lq_once) + common) - 1e-9
        tiny = (fewer == 0) | (self._lengths <= min(5, len(qc) - 1))
        # A string shorter than the query, inside it: a typo in the query breaks up to three
        # of the string's trigrams, and a piece scoring 75 has about one per six letters.
        inside = self._lengths < len(qc)
        typos = np.maximum(1, self._lengths // 6)
        enough = (shared > 0) & ((shared * 3 >= fewer) | (inside & (shared >= fewer - 3 * typos)))
        return np.where(tiny, by_chars, enough)

    def extract(self, q: str, cutoff: float, limit: int) -> list[int]:
        """Indexes into `strings` scoring at least `cutoff` with fuzz.WRatio, best first,
        ties in original order, among the candidates. A string 1.5x longer or shorter than
        the query scores at most 90 (0.9 x a partial 100): once `limit` strings before the
        next one to score have 90, the rest cannot enter; they are scored in slices."""
        found = self.candidates(q, cutoff)
        lengths = self._lengths[found]
        near = (lengths * 2 < len(q) * 3) & (len(q) * 2 < lengths * 3)
        scored = self._scores(q, found[near], cutoff)
        far = found[~near]
        for start in range(0, len(far), _SLICE):
            scored += self._scores(q, far[start : start + _SLICE], cutoff)
            after = int(far[start + _SLICE]) if start + _SLICE < len(far) else -1
            if after < 0:
                break
            sure = sum(
                1
                for score, k in scored
                if score > _FAR_MAX + 1e-6 or (score >= _FAR_MAX - 1e-6 and k < after)
            )
            if sure >= limit:
                break
        scored.sort(key=lambda hit: (-hit[0], hit[1]))
        return [k for _, k in scored[:limit]]

    def _scores(self, q: str, rows: npt.NDArray[np.intp], cutoff: float) -> list[tuple[float, int]]:
        hits = process.extract(
            q,
            [self._strings[k] for k in rows],
            scorer=fuzz.WRatio,
            processor=None,
            limit=None,
            score_cutoff=cutoff,
        )
        return [(score, int(rows[j])) for _, score, j in hits]
