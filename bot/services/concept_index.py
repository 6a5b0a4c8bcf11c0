"""In-memory per-server index of concept names and aliases (autocomplete, name matching).

Autocomplete runs on every keystroke, so it must not query the database when warm. A
`ConceptIndex` is attached to each database engine (no module-level state): it holds
one `GuildIndex` per server, built lazily from the visible concepts (base + server),
dropped on every write to that server, and all dropped on a write to the base.

Invalidation is automatic for ORM writes: Session events note which servers' Concept
rows were flushed and invalidate them after the commit, so other features (curation,
seeding) need not remember to. Bulk UPDATE statements bypass the ORM: call
`invalidate_concepts` after those. A time-to-live heals writes by another process.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept
from bot.services.concept_types import AutocompleteChoice, visible_clause

INDEX_TTL_SECONDS = 300.0
MAX_CACHED_GUILDS = 2000
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
FUZZY_CUTOFF = 60.0  # "did you mean": generous
COMPLETE_CUTOFF = 72.0  # autocomplete: only convincing typos and substrings
# WRatio is the better scorer (partial and token matches) but ~15x slower than ratio;
# above this many names+aliases autocomplete uses ratio to stay within a few ms.
WRATIO_MAX_STRINGS = 5000
_ATTR = "_nexus_concept_index"
_TOUCHED = "nexus_concept_guilds"


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def _label(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= CHOICE_NAME_MAX:
        return text or "?"
    return text[: CHOICE_NAME_MAX - 1] + "…"


@dataclass(frozen=True)
class IndexedConcept:
    id: int
    guild_id: int
    slug: str
    name: str
    aliases: tuple[str, ...]


class GuildIndex:
    """The visible concepts of one server, arranged for prefix, exact and fuzzy matching."""

    def __init__(self, entries: list[IndexedConcept], built_at: float) -> None:
        self.entries = entries
        self.built_at = built_at
        self.by_id = {e.id: e for e in entries}
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

    def __len__(self) -> int:
        return len(self.entries)

    def find_exact(self, text: str) -> IndexedConcept | None:
        """Case-insensitive match on name, slug or alias."""
        i = self._exact.get(normalise(text))
        return self.entries[i] if i is not None else None

    def _fuzzy(
        self, q: str, limit: int, scorer: Callable[..., float], cutoff: float = FUZZY_CUTOFF
    ) -> list[int]:
        found = process.extract(
            q, self._fuzzy_strings, scorer=scorer, processor=None,
            limit=limit, score_cutoff=cutoff,
        )
        owners: list[int] = []
        for _, _, k in found:
            owner = self._fuzzy_owner[k]
            if owner not in owners:
                owners.append(owner)
        return owners

    def suggest(self, text: str, limit: int = 3) -> list[IndexedConcept]:
        """Closest concepts to a query that matched nothing ("did you mean")."""
        q = normalise(text)[:100]
        if not q:
            return []
        return [self.entries[i] for i in self._fuzzy(q, limit * 4, fuzz.WRatio)[:limit]]

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
        self._pending: dict[int, tuple[tuple[int, int], asyncio.Future[GuildIndex]]] = {}

    def invalidate(self, guild_id: int) -> None:
        if guild_id == BASE_GUILD_ID:
            self._base_version += 1
            self._guilds.clear()
        else:
            self._versions[guild_id] = self._versions.get(guild_id, 0) + 1
            self._guilds.pop(guild_id, None)

    def _stamp(self, guild_id: int) -> tuple[int, int]:
        return (self._base_version, self._versions.get(guild_id, 0))

    async def get(self, db: Database, guild_id: int) -> GuildIndex:
        cached = self._guilds.get(guild_id)
        if cached is not None and self.clock() - cached.built_at < self.ttl:
            self._guilds.move_to_end(guild_id)
            return cached
        # Coalesce: keystrokes arriving while the index loads share one database read.
        stamp = self._stamp(guild_id)
        pending = self._pending.get(guild_id)
        if pending is None or pending[0] != stamp:
            task = asyncio.ensure_future(self._build(db, guild_id, stamp))
            pending = (stamp, task)
            self._pending[guild_id] = pending
            task.add_done_callback(partial(self._forget, guild_id))
        return await asyncio.shield(pending[1])

    def _forget(self, guild_id: int, task: asyncio.Future[GuildIndex]) -> None:
        current = self._pending.get(guild_id)
        if current is not None and current[1] is task:
            del self._pending[guild_id]
        if not task.cancelled():
            task.exception()  # retrieved: a failed build is reported to its awaiters only

    async def _build(self, db: Database, guild_id: int, stamp: tuple[int, int]) -> GuildIndex:
        now = self.clock()
        async with db.reader() as session:
            rows = (
                await session.execute(
                    select(
                        Concept.id, Concept.guild_id, Concept.slug, Concept.name, Concept.aliases
                    ).where(visible_clause(guild_id))
                )
            ).all()
        entries = [
            IndexedConcept(
                id=r.id, guild_id=r.guild_id, slug=r.slug, name=r.name,
                aliases=tuple(str(a) for a in (r.aliases or []) if str(a).strip()),
            )
            for r in rows
        ]
        built = GuildIndex(entries, now)
        self.builds += 1
        if stamp == self._stamp(guild_id):  # no write happened while we were loading
            self._guilds[guild_id] = built
            while len(self._guilds) > MAX_CACHED_GUILDS:
                self._guilds.popitem(last=False)
        return built


def index_for(db: Database) -> ConceptIndex:
    """The ConceptIndex of this database's engine (created on first use)."""
    engine = db.engine.sync_engine
    index = getattr(engine, _ATTR, None)
    if not isinstance(index, ConceptIndex):
        index = ConceptIndex()
        setattr(engine, _ATTR, index)
    return index


def invalidate_concepts(db: Database, guild_id: int) -> None:
    """Drop the cached index of `guild_id` (BASE_GUILD_ID: every server's)."""
    index_for(db).invalidate(guild_id)


async def autocomplete(db: Database, guild_id: int, text: str) -> list[AutocompleteChoice]:
    """Up to 25 choices for the member's partial input; no database access when warm."""
    index = await index_for(db).get(db, guild_id)
    return index.complete(text)


# -- automatic invalidation on ORM writes ----------------------------------------------


def _after_flush(session: Session, _context: Any) -> None:
    touched: set[int] | None = None
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Concept):
            if touched is None:
                touched = session.info.setdefault(_TOUCHED, set())
            touched.add(BASE_GUILD_ID if obj.guild_id is None else int(obj.guild_id))


def _after_commit(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    index = getattr(session.bind, _ATTR, None)
    if isinstance(index, ConceptIndex):
        for guild_id in touched:
            index.invalidate(guild_id)


def _after_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_rollback", _after_rollback)
