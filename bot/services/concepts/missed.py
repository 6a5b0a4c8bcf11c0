"""Missed lookups feed the knowledge base: what members looked up and found nothing,
most asked first, and one step to turn a miss into an alias of an existing concept."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db import Database
from bot.db.models import AuditLog, Concept
from bot.errors import Conflict, Invalid, NotFound
from bot.services.concepts.guild_index import normalise
from bot.services.concepts.index import index_for
from bot.services.concepts.service import clean_query, find_concept, guild_concept
from bot.services.concepts.stats import top_misses
from bot.services.concepts.types import ConceptDetail, MissCount

ALIAS_MAX = 100
MISSED_DAYS = 30
MISSED_SHOWN = 15


async def open_misses(
    db: Database, guild_id: int, now: datetime, *, days: int = MISSED_DAYS
) -> list[MissCount]:
    """The most asked lookups of the last `days` that still find nothing (a miss that an
    alias or a new concept has since answered is left out), most asked first."""
    found = await top_misses(db, guild_id, now - timedelta(days=days), now, MISSED_SHOWN * 3)
    index = await index_for(db).get(db, guild_id)
    still = [
        m
        for m in found
        if index.find_exact(m.query) is None and index.find_loosely(m.query) is None
    ]
    return still[:MISSED_SHOWN]


async def add_alias(
    db: Database, guild_id: int, concept: str, alias: str, *, actor_id: int, actor_name: str
) -> ConceptDetail:
    """Make `alias` (e.g. a missed lookup) another name of `concept` in this server; a
    base concept gets this server's override. Logged in the moderation audit log."""
    alias = clean_query(alias, ALIAS_MAX)
    if not alias:
        raise Invalid("The alias is empty: type the words members look up.")
    target = await find_concept(db, guild_id, concept)
    index = await index_for(db).get(db, guild_id)
    taken = index.find_exact(alias)
    if taken is not None:
        if taken.id == target.id:
            raise Conflict(f"`{alias}` already finds **{target.name}**.")
        raise Conflict(f"`{alias}` already finds **{taken.name}**: it can't name two concepts.")
    async with db.sessions.begin() as s:
        row = await s.get(Concept, target.id)
        if row is None:
            raise NotFound("That concept was removed meanwhile.")
        mine = await guild_concept(s, guild_id, row)
        before = list(mine.aliases or [])
        if normalise(alias) not in {normalise(str(a)) for a in before}:
            mine.aliases = [*before, alias]
        s.add(
            AuditLog(
                guild_id=guild_id,
                actor_id=actor_id,
                actor_name=actor_name[:100],
                action="alias",
                entry_kind="concept",
                entry_id=mine.id,
                before={"aliases": before},
                after={"aliases": list(mine.aliases)},
            )
        )
        concept_id = mine.id
    return await find_concept(db, guild_id, str(concept_id))
