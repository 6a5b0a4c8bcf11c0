"""One server's concept index: its names and aliases arranged for matching.

`GuildIndex` answers exact, loose (plurals, hyphens, synonyms, word order), typo (fuzzy)
and prefix (autocomplete) matches over the visible concepts of one server, plus its merged
duplicates. `_make_index` builds one from database rows. The per-database cache that builds,
keeps and invalidates these indexes is `ConceptIndex` (index.py).
"""

from __future__ import annotations

import functools
import itertools
import json
from bisect import bisect_left
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.services.concepts.merged import MergedName, MergedNames, MergedRow
from bot.services.concepts.types import AutocompleteChoice, ConceptDetail, ConceptPage
from bot.services.search import (
    CacheSlice,
    Lru,
    RatioMatcher,
    WRatioMatcher,
    alternatives,
    meaningful,
    singular,
    words,
)

CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
FUZZY_CUTOFF = 60.0
SUGGEST_CUTOFF = 75.0  # "did you mean": below this the suggestions were unrelated words
# A lookup answers with a close match at once when it scores this (fuzz.ratio: about one
# typo in ten letters) and no other concept is within the margin of it.
CLOSE_CUTOFF = 80.0
CLOSE_MARGIN = 6.0
CANDIDATE_CUTOFF = 60.0
COMPLETE_CUTOFF = 72.0  # autocomplete: only convincing typos and substrings
# WRatio is the better scorer (partial and token matches) but ~15x slower than ratio;
# above this many names+aliases autocomplete uses ratio to stay within a few ms.
WRATIO_MAX_STRINGS = 5000
# "Did you mean" scores up to this many names+aliases all with WRatio (under 1 ms); above
# it, only the candidates WRatioMatcher picks (bot/services/search/fuzzy.py): p50 10 ->
# 1.5 ms at 14,000. Autocomplete keeps its own full scan: its lower cutoff (72) lets
# edge-of-word matches in that the candidates' rules (tuned at 75) would drop.
WRATIO_SCAN_MAX = 1000
_TOKENS = itertools.count(1)


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def _label(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= CHOICE_NAME_MAX:
        return text or "?"
    return text[: CHOICE_NAME_MAX - 1] + "…"


class IndexedConcept(NamedTuple):  # a NamedTuple: ~5x cheaper to build than a dataclass
    id: int
    guild_id: int
    slug: str
    name: str
    aliases: tuple[str, ...]
    tracks: str = "both"


class GuildIndex:
    """The visible concepts of one server, arranged for prefix, exact and fuzzy matching,
    plus the server's merged duplicates: their ids and names redirect to the survivor
    (after every live name, slug and alias: a new concept may take a merged one's name)."""

    wratio_scan_max = WRATIO_SCAN_MAX

    def __init__(
        self,
        entries: list[IndexedConcept],
        built_at: float,
        details: Lru[tuple[int, int], ConceptDetail],
        searches: Lru[tuple[int, tuple[Any, ...]], ConceptPage],
        merged: list[MergedName] | None = None,
    ) -> None:
        self.entries = entries
        self.merged = MergedNames(merged or [])
        self.built_at = built_at
        # Read caches valid exactly as long as this index (see DETAILS_MAX): a write to
        # the server's concepts replaces the index, and its token with it.
        token = next(_TOKENS)
        self.details = CacheSlice(details, token)
        self.searches = CacheSlice(searches, token)
        self.by_id = {e.id: e for e in entries}
        # Derived data search ranking computes on demand (ranking.py), valid exactly as
        # long as this index: the words of a concept's titles, the tracks' tool words.
        self.ranking_memo: dict[Any, Any] = {}
        names = sorted((normalise(e.name), i) for i, e in enumerate(entries))
        self._name_keys = [n for n, _ in names]
        self._name_owner = [i for _, i in names]
        aliases = sorted(
            (normalise(a), i, a) for i, e in enumerate(entries) for a in e.aliases if a.strip()
        )
        self._alias_keys = [a for a, _, _ in aliases]
        self._alias_owner = [(i, a) for _, i, a in aliases]
        self._exact: dict[str, int] = {}
        for key, i, _ in aliases:  # names and slugs win over aliases
            self._exact.setdefault(key, i)
        for i, e in enumerate(entries):
            self._exact[e.slug.casefold()] = i
        for key, i in names:
            self._exact[key] = i
        self._fuzzy_strings = self._name_keys + self._alias_keys
        self._fuzzy_owner = self._name_owner + [i for i, _ in self._alias_owner]
        self._ratio = RatioMatcher(self._fuzzy_strings)
        # Built here, with the index (on a worker thread): ~25 ms for 14,000 strings.
        self._wratio = (
            WRatioMatcher(self._fuzzy_strings)
            if len(self._fuzzy_strings) > self.wratio_scan_max
            else None
        )
        # The words of every name and alias: what a misspelled search word is corrected to.
        self.vocabulary = frozenset(
            w for e in entries for text in (e.name, *e.aliases) for w in words(text)
        )

    def __len__(self) -> int:
        return len(self.entries)

    def find_exact(self, text: str) -> IndexedConcept | None:
        """Case-insensitive match on name, slug or alias."""
        i = self._exact.get(normalise(text))
        return self.entries[i] if i is not None else None

    def find_merged(self, text: str) -> tuple[IndexedConcept, MergedName] | None:
        """A merged duplicate's name, slug or alias (case-insensitive): its survivor."""
        m = self.merged.find(normalise(text))
        return (self.entries[m.survivor], m) if m is not None else None

    def redirect(self, concept_id: int) -> tuple[IndexedConcept, MergedName] | None:
        """A merged duplicate's id (or the base id it overrode): its survivor."""
        m = self.merged.by_id(concept_id)
        return (self.entries[m.survivor], m) if m is not None else None

    def merged_matching(self, tokens: list[str]) -> list[IndexedConcept]:
        """Survivors of merged duplicates matching every token (see MergedNames.matching)."""
        return [self.entries[i] for i in self.merged.matching(tokens)]

    def _fuzzy(
        self, q: str, limit: int, scorer: Callable[..., float], cutoff: float = FUZZY_CUTOFF
    ) -> list[int]:
        if scorer is fuzz.ratio:  # only the lengths that can reach the cutoff are scored
            hits = self._ratio.matches(q, cutoff, limit)
        else:
            hits = [
                k
                for _, _, k in process.extract(
                    q,
                    self._fuzzy_strings,
                    scorer=scorer,
                    processor=None,
                    limit=limit,
                    score_cutoff=cutoff,
                )
            ]
        return self._owners(hits)

    def _owners(self, hits: list[int]) -> list[int]:
        """The concepts of matched names and aliases, each once, in order."""
        owners: list[int] = []
        for k in hits:
            owner = self._fuzzy_owner[k]
            if owner not in owners:
                owners.append(owner)
        return owners

    def find_loosely(self, text: str) -> IndexedConcept | None:
        """A name or alias written differently: plurals, hyphens or dots for spaces, an
        abbreviation from the synonym table (data/synonyms.yaml)."""
        q = normalise(text)
        tokens = words(q)
        variants = [
            " ".join(q.replace("-", " ").replace("_", " ").replace(".", " ").split()),
            q.replace(" ", "").replace("-", ""),
            " ".join(singular(t) for t in tokens),
            *alternatives(q),
            *alternatives(" ".join(singular(t) for t in tokens)),
            " ".join(meaningful(tokens)),
        ]
        for variant in variants:
            if variant and variant != q:
                found = self.find_exact(variant)
                if found is not None:
                    return found
        # The same words in another order ("javascript await async"), if only one
        # concept's name or alias has them.
        owner = self._word_sets.get(_word_set(tokens))
        return self.entries[owner] if owner is not None and owner >= 0 else None

    @functools.cached_property
    def _word_sets(self) -> Mapping[frozenset[str], int]:
        """Each name's and alias's set of (singular) words -> its concept, or -1 when
        several concepts share it. Built on the first lookup that needs it."""
        out: dict[frozenset[str], int] = {}
        for i, e in enumerate(self.entries):
            for text in (e.name, *e.aliases):
                key = _word_set(words(normalise(text)))
                if len(key) > 1:
                    out[key] = i if out.get(key, i) == i else -1
        return MappingProxyType(out)

    def close_match(self, text: str) -> IndexedConcept | None:
        """The one concept whose name or alias is a convincing typo of `text` (no other
        concept nearly as close), or None."""
        q = normalise(text)[:100]
        if len(q) < 4:
            return None
        best: dict[int, float] = {}
        # Candidates by ratio (cheap, length-banded), scored by Damerau-Levenshtein so
        # that a swapped pair of letters ("dokcer") counts as one typo, not two.
        for k, _ in self._ratio.scored(q, CANDIDATE_CUTOFF, 30):
            owner = self._fuzzy_owner[k]
            score = 100.0 * DamerauLevenshtein.normalized_similarity(q, self._fuzzy_strings[k])
            best[owner] = max(best.get(owner, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < CLOSE_CUTOFF:
            return None
        if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - CLOSE_MARGIN:
            return None
        return self.entries[ranked[0][0]]

    def suggest(self, text: str, limit: int = 3) -> list[IndexedConcept]:
        """Closest concepts to a query that matched nothing ("did you mean")."""
        q = normalise(text)[:100]
        if not q:
            return []
        if self._wratio is not None:  # a large server: only the likely candidates
            hits = self._owners(self._wratio.extract(q, SUGGEST_CUTOFF, limit * 4))
        else:
            hits = self._fuzzy(q, limit * 4, fuzz.WRatio, SUGGEST_CUTOFF)
        return [self.entries[i] for i in hits[:limit]]

    def complete(self, text: str, limit: int = CHOICES_MAX) -> list[AutocompleteChoice]:
        """Ranked choices: name prefix, then alias prefix, then fuzzy (typos, substrings)."""
        q = normalise(text)[:100]
        out: list[AutocompleteChoice] = []
        seen: set[int] = set()

        def add(i: int, label: str) -> bool:
            if i not in seen:
                seen.add(i)
                out.append(AutocompleteChoice(_label(label), str(self.entries[i].id)))
            return len(out) >= limit

        if not q:
            for i in self._name_owner[:limit]:
                add(i, self.entries[i].name)
            return out
        k = bisect_left(self._name_keys, q)
        while k < len(self._name_keys) and self._name_keys[k].startswith(q):
            i = self._name_owner[k]
            if add(i, self.entries[i].name):
                return out
            k += 1
        k = bisect_left(self._alias_keys, q)
        while k < len(self._alias_keys) and self._alias_keys[k].startswith(q):
            i, alias = self._alias_owner[k]
            if add(i, f"{self.entries[i].name} ({alias})"):
                return out
            k += 1
        for m in self.merged.starting_with(q):
            if add(m.survivor, f"{self.entries[m.survivor].name} (merged: {m.name})"):
                return out
        scorer = fuzz.WRatio if len(self._fuzzy_strings) <= WRATIO_MAX_STRINGS else fuzz.ratio
        for i in self._fuzzy(q, limit * 3, scorer, COMPLETE_CUTOFF):
            if add(i, self.entries[i].name):
                break
        return out


_NO_ALIASES: tuple[str, ...] = ()


def _word_set(tokens: list[str]) -> frozenset[str]:
    return frozenset(singular(t) for t in tokens)


def _make_index(
    rows: list[Any],
    now: float,
    details: Lru[tuple[int, int], ConceptDetail],
    searches: Lru[tuple[int, tuple[Any, ...]], ConceptPage],
    merged_found: list[MergedRow] | None = None,
) -> GuildIndex:
    aliases = _decode_aliases([r[4] for r in rows])
    entries = [
        IndexedConcept(r[0], r[1], r[2], r[3], a, r[5]) for r, a in zip(rows, aliases, strict=True)
    ]
    merged: list[MergedName] = []
    if merged_found:
        position = {e.id: i for i, e in enumerate(entries)}
        decoded = _decode_aliases([r[4] for r in merged_found])
        for (mid, base_id, slug, name, _, survivor), extra in zip(
            merged_found, decoded, strict=True
        ):
            merged.append(MergedName(mid, base_id, name, (name, slug, *extra), position[survivor]))
    return GuildIndex(entries, now, details, searches, merged)


def _clean_aliases(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        return _NO_ALIASES
    try:
        return tuple(filter(str.strip, value))
    except TypeError:  # not all strings
        return tuple(str(a) for a in value if str(a).strip())


def _decode_aliases(texts: list[str | None]) -> list[tuple[str, ...]]:
    """The alias tuples of JSON texts, decoded with one json.loads for all of them."""
    out = [_NO_ALIASES] * len(texts)
    todo = [i for i, t in enumerate(texts) if t and t not in ("[]", "null")]
    if not todo:
        return out
    try:
        decoded = json.loads("[" + ",".join(texts[i] or "" for i in todo) + "]")
        if len(decoded) != len(todo):
            raise ValueError("alias texts are not one JSON value each")
    except ValueError:  # a malformed row: decode one by one, skipping the bad ones
        decoded = []
        for i in todo:
            try:
                decoded.append(json.loads(texts[i] or "[]"))
            except ValueError:
                decoded.append(None)
    for i, value in zip(todo, decoded, strict=True):
        out[i] = _clean_aliases(value)
    return out
