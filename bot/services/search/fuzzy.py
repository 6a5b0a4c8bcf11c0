"""Typo-tolerant matching over many short strings, only where a match is possible.

`fuzz.ratio` is 100 * (1 - indel distance / (len(a) + len(b))), and the distance is at
least the difference in length, so a string can only reach a cutoff c (as a fraction) if
its length is within [len(q) * c / (2 - c), len(q) * (2 - c) / c]. Autocomplete over
14,000 names and aliases scored every one of them per keystroke (about 2 ms, most of the
bot's time in that benchmark); scoring only that band of lengths gives the same matches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

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
