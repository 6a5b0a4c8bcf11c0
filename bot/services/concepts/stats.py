"""Concept activity in a period, for the digest and moderators: the most looked-up
concepts, the most frequent lookups that matched nothing, and the server's new concepts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept, ConceptLookup, MissedLookup
from bot.db.types import Status
from bot.services.concepts import lookup_log
from bot.services.concepts.types import ConceptBrief, LookupCount, MissCount, to_brief


async def top_lookups(
    db: Database, guild_id: int, since: datetime, until: datetime, limit: int = 5
) -> list[LookupCount]:
    """Most looked-up concepts in [since, until), still published, most first."""
    await lookup_log.flush(db)
    count = func.count(ConceptLookup.id).label("n")
    async with db.reader() as session:
        rows = (
            await session.execute(
                select(Concept.id, Concept.name, count)
                .join(Concept, Concept.id == ConceptLookup.concept_id)
                .where(
                    ConceptLookup.guild_id == guild_id,
                    ConceptLookup.created_at >= since,
                    ConceptLookup.created_at < until,
                    Concept.guild_id.in_((guild_id, BASE_GUILD_ID)),
                    Concept.status == Status.PUBLISHED,
                )
                .group_by(Concept.id, Concept.name)
                .order_by(count.desc(), func.lower(Concept.name))
                .limit(limit)
            )
        ).all()
    return [LookupCount(r.id, r.name, int(r.n)) for r in rows]


async def top_misses(
    db: Database, guild_id: int, since: datetime, until: datetime, limit: int = 5
) -> list[MissCount]:
    """Most frequent unmatched lookups in [since, until) (case-insensitive), most first."""
    await lookup_log.flush(db)
    key = func.lower(MissedLookup.query).label("q")
    count = func.count(MissedLookup.id).label("n")
    async with db.reader() as session:
        rows = (
            await session.execute(
                select(key, count)
                .where(
                    MissedLookup.guild_id == guild_id,
                    MissedLookup.created_at >= since,
                    MissedLookup.created_at < until,
                )
                .group_by(key)
                .order_by(count.desc(), key)
                .limit(limit)
            )
        ).all()
    return [MissCount(str(r.q), int(r.n)) for r in rows]


async def new_concepts(
    db: Database, guild_id: int, since: datetime, until: datetime, limit: int = 10
) -> list[ConceptBrief]:
    """The server's own concepts created in [since, until) and published (not overrides)."""
    async with db.reader() as session:
        rows = await session.scalars(
            select(Concept)
            .where(
                Concept.guild_id == guild_id,
                Concept.status == Status.PUBLISHED,
                Concept.overrides_id.is_(None),
                Concept.created_at >= since,
                Concept.created_at < until,
            )
            .order_by(Concept.created_at, Concept.id)
            .limit(limit)
        )
        return [to_brief(r) for r in rows]
