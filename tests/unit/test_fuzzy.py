"""The length band of RatioMatcher never changes what fuzz.ratio matches."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from bot.services.search.fuzzy import RatioMatcher

words = st.text(alphabet="abcdefghij k", min_size=0, max_size=24)


@settings(max_examples=300, deadline=None)
@given(
    strings=st.lists(words, min_size=0, max_size=60),
    q=words,
    cutoff=st.sampled_from([0.0, 50.0, 60.0, 72.0, 90.0, 100.0]),
    limit=st.integers(min_value=1, max_value=80),
)
def test_same_matches_as_scoring_every_string(
    strings: list[str], q: str, cutoff: float, limit: int
) -> None:
    every = process.extract(
        q, strings, scorer=fuzz.ratio, processor=None, limit=None, score_cutoff=cutoff
    )
    expected = [k for _, _, k in sorted(every, key=lambda m: (-m[1], m[2]))][:limit]
    assert RatioMatcher(strings).matches(q, cutoff, limit) == expected


def test_only_the_possible_lengths_are_scored() -> None:
    strings = ["react", "recat", "reactive extensions", "r", "re", "reac"]
    matcher = RatioMatcher(strings)
    assert matcher.matches("recat", 72.0, 25) == [1, 0]  # itself, then the transposition
    assert matcher.matches("recat", 60.0, 25) == [1, 0, 5]  # a looser cutoff: "reac" too
    assert matcher.matches("", 72.0, 25) == []
