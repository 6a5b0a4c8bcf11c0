"""In-memory per-server index of concept names and aliases (autocomplete, name matching).

Autocomplete runs on every keystroke, so it must not query the database when warm. A
`ConceptIndex` is attached to each database engine (no module-level state): it holds
one `GuildIndex` per server, built lazily from the visible concepts (base + server),
dropped on every write to that server, and all dropped on a write to the base.

Invalidation is automatic for ORM writes: Session events (`bot.db.write_events`) note
which servers' Concept rows were flushed, or that a bulk UPDATE/DELETE ran on concepts
(every server), and invalidate after the commit, so other features (curation, seeding)
need not remember to. Core statements on the table outside an ORM Session bypass this:
call `invalidate_concepts` after those. A time-to-live heals writes by another process.

A keystroke never waits for a large build: when a server's index is cold and it has more
than `sync_build_max` visible concepts, the build starts in the background (one per
server) and this keystroke is answered by a bounded SQL prefix query (`cold_complete`).
Small servers build synchronously (a few ms), so their first answer is already ranked.
`warm_indexes` builds the large servers' indexes after start.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import logging
import time
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein
from sqlalchemy import Text, cast, func, select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept
from bot.db.types import Status
from bot.services.concepts.merged import MergedName, MergedNames, MergedRow, merged_rows
from bot.services.concepts.types import (
    AutocompleteChoice,
    ConceptDetail,
    ConceptPage,
    visible_clause,
)
from bot.services.search import (
    CacheSlice,
    Lru,
    RatioMatcher,
    alternatives,
    meaningful,
    singular,
    words,
)

log = logging.getLogger("nexus.concepts")

INDEX_TTL_SECONDS = 300.0
MAX_CACHED_GUILDS = 2000
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
# Up to this many visible concepts a cold keystroke builds the index itself (~2 ms per
# 1,000 on SQLite); above it the keystroke is answered by SQL while the index builds.
SYNC_BUILD_MAX = 1000
WARM_CONCURRENCY = 2
# Answers computed from the rows a warm index was built from: keyed by that index's token,
# so a write (which replaces the index) orphans them. Bounded in total, across servers.
DETAILS_MAX = 20_000  # (token, concept id) -> ConceptDetail (lookups, related buttons)
SEARCHES_MAX = 5_000  # (token, search key) -> ConceptPage (/concept search)
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


class ConceptIndex:
    """Per-Database cache of GuildIndex objects with write invalidation."""

    def __init__(
        self, *, ttl: float = INDEX_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._guilds: OrderedDict[int, GuildIndex] = OrderedDict()
        self._versions: dict[int, int] = {}
        self._base_version = 0
        self.builds = 0  # how many times an index was loaded from the database
        self.fts_available: bool | None = None  # SQLite search: detected once per process
        self.corpus: Any = None  # corpus.CorpusStats: word statistics for search
        self.corpus_pending: asyncio.Future[Any] | None = None  # its build, shared
        self.corpus_version = 0  # bumped when a write drops it (a build then is stale)
        self.sync_build_max = SYNC_BUILD_MAX
        self._pending: dict[int, tuple[tuple[int, int], asyncio.Future[GuildIndex]]] = {}
        self._sizes: dict[int, int] = {}  # visible concepts per server (upper bound)
        self._rebuild: dict[int, Database] = {}  # a stale build is running: build again after
        self._stale: dict[int, GuildIndex] = {}  # large servers' pre-write indexes
        self._details: Lru[tuple[int, int], ConceptDetail] = Lru(DETAILS_MAX)
        self._searches: Lru[tuple[int, tuple[Any, ...]], ConceptPage] = Lru(SEARCHES_MAX)

    def invalidate(self, guild_id: int) -> None:
        """Drop the index of `guild_id` (BASE_GUILD_ID: all). A large server's dropped index
        is kept as `stale` so autocomplete can answer from it while the new one builds."""
        if guild_id == BASE_GUILD_ID or getattr(self.corpus, "complete", False):
            self.corpus = None  # a sample of a large database stays good until its TTL
            self.corpus_version += 1
        if guild_id == BASE_GUILD_ID:
            self._base_version += 1
            dropped = list(self._guilds.items())
            self._guilds.clear()
        else:
            self._versions[guild_id] = self._versions.get(guild_id, 0) + 1
            old = self._guilds.pop(guild_id, None)
            dropped = [(guild_id, old)] if old is not None else []
        for gid, old in dropped:
            if len(old) > self.sync_build_max:
                self._stale[gid] = old
        while len(self._stale) > MAX_CACHED_GUILDS:
            self._stale.pop(next(iter(self._stale)))

    def forget(self, guild_id: int) -> None:
        """Drop everything held for `guild_id`, as after a restart (the next keystroke is
        cold). Benchmarks and tests use it; writes call `invalidate`."""
        self.invalidate(guild_id)
        self._stale.pop(guild_id, None)

    def stale(self, guild_id: int) -> GuildIndex | None:
        """The index `guild_id` had before its last write (large servers, within the TTL):
        good enough for autocomplete suggestions while the current one builds."""
        old = self._stale.get(guild_id)
        if old is not None and self.clock() - old.built_at < self.ttl:
            return old
        return None

    def _stamp(self, guild_id: int) -> tuple[int, int]:
        return (self._base_version, self._versions.get(guild_id, 0))

    def cached(self, guild_id: int) -> GuildIndex | None:
        """The warm index of `guild_id`, or None (never built, invalidated or expired)."""
        cached = self._guilds.get(guild_id)
        if cached is not None and self.clock() - cached.built_at < self.ttl:
            self._guilds.move_to_end(guild_id)
            return cached
        return None

    def _start(self, db: Database, guild_id: int) -> asyncio.Future[GuildIndex]:
        # Coalesce: keystrokes arriving while the index loads share one database read.
        stamp = self._stamp(guild_id)
        pending = self._pending.get(guild_id)
        if pending is None or pending[0] != stamp:
            task = db.spawn(self._build(db, guild_id, stamp), name=f"concept-index-{guild_id}")
            pending = (stamp, task)
            self._pending[guild_id] = pending
            task.add_done_callback(partial(self._forget, guild_id))
        return pending[1]

    async def get(self, db: Database, guild_id: int) -> GuildIndex:
        cached = self.cached(guild_id)
        if cached is not None:
            return cached
        return await asyncio.shield(self._start(db, guild_id))

    def build_in_background(self, db: Database, guild_id: int) -> None:
        """Start building `guild_id`'s index unless a build of it is already running."""
        pending = self._pending.get(guild_id)
        if pending is None:
            self._start(db, guild_id).add_done_callback(partial(_log_failure, guild_id))
        elif pending[0] != self._stamp(guild_id):
            self._rebuild[guild_id] = db  # one build at a time: the next starts after it

    async def is_small(self, db: Database, guild_id: int) -> bool:
        """Whether a cold build of `guild_id` is cheap enough to wait for (<= sync_build_max)."""
        size = self._sizes.get(guild_id)
        if size is None:
            async with db.reader() as session:
                size = int(await session.scalar(_count_query(guild_id)) or 0)
            self._sizes[guild_id] = size
        return size <= self.sync_build_max

    def _forget(self, guild_id: int, task: asyncio.Future[GuildIndex]) -> None:
        current = self._pending.get(guild_id)
        if current is not None and current[1] is task:
            del self._pending[guild_id]
            db = self._rebuild.pop(guild_id, None)
            if db is not None and self.cached(guild_id) is None:
                self.build_in_background(db, guild_id)
        if not task.cancelled():
            task.exception()  # retrieved: a failed build is reported to its awaiters only

    async def _build(self, db: Database, guild_id: int, stamp: tuple[int, int]) -> GuildIndex:
        now = self.clock()
        # Core rows of plain columns (no ORM entities); aliases come back as JSON text and
        # are decoded in one json.loads below instead of one per row.
        query = select(
            Concept.id,
            Concept.guild_id,
            Concept.slug,
            Concept.name,
            cast(Concept.aliases, Text),
            Concept.tracks,
        ).where(visible_clause(guild_id))
        async with db.reader() as session:
            conn = await session.connection()
            rows = (await conn.execute(query)).all()
            merged = await merged_rows(conn, guild_id, {r[0] for r in rows})
        # Decoding and sorting take tens of ms at 10,000 concepts: off the event loop, so
        # keystrokes answered meanwhile (cold_complete) are not held up behind it.
        built = await asyncio.to_thread(
            _make_index, list(rows), now, self._details, self._searches, merged
        )
        self.builds += 1
        self._sizes[guild_id] = len(built)
        if stamp == self._stamp(guild_id):  # no write happened while we were loading
            self._guilds[guild_id] = built
            self._stale.pop(guild_id, None)
            while len(self._guilds) > MAX_CACHED_GUILDS:
                self._guilds.popitem(last=False)
        return built


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


def _count_query(guild_id: int) -> Any:
    # Index-only count on (guild_id, status); shadowed base rows are counted (upper bound).
    return (
        select(func.count())
        .select_from(Concept)
        .where(
            Concept.guild_id.in_((BASE_GUILD_ID, guild_id)),
            Concept.status == Status.PUBLISHED.value,
        )
    )


def _log_failure(guild_id: int, task: asyncio.Future[GuildIndex]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("concept index build for server %s failed", guild_id, exc_info=task.exception())


def index_for(db: Database) -> ConceptIndex:
    """This database's ConceptIndex (wired, with its invalidation, by `bot.wiring`)."""
    return db.part(ConceptIndex)


def invalidate_concepts(db: Database, guild_id: int) -> None:
    """Drop the cached index of `guild_id` (BASE_GUILD_ID: every server's)."""
    index_for(db).invalidate(guild_id)
