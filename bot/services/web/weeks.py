"""The server home and the digest archive: a week of the hub's published knowledge.

The archive lists the weeks whose digest was posted in Discord; each week's page is
built from what the hub publishes (the same rules as every page), never from the posted
messages: an entry hidden or an author who opted out since is left out there too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Concept, DigestPost
from bot.errors import NotFound
from bot.services.web.entries import recent_solved, top_takeaways
from bot.services.web.rules import concept_rule, scrub
from bot.services.web.types import DigestWeek, Hub, HubHome, WebConceptBrief

NO_WEEK = "There is no digest for that week on this hub."
ARCHIVE_MAX = 520  # ten years of weeks


def _start(period: str) -> datetime | None:
    try:
        day = date.fromisoformat(period)
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def digest_periods(db: Database, hub: Hub) -> tuple[str, ...]:
    """The weeks whose digest was posted, newest first."""
    async with db.reader() as s:
        rows = await s.scalars(
            select(DigestPost.period)
            .where(DigestPost.guild_id == hub.guild_id, DigestPost.status == "posted")
            .order_by(DigestPost.period.desc())
            .limit(ARCHIVE_MAX)
        )
        return tuple(p for p in rows.all() if _start(p) is not None)


async def digest_week(db: Database, hub: Hub, period: str) -> DigestWeek:
    start = _start(period) if len(period) <= 10 else None
    if start is None or period not in await digest_periods(db, hub):
        raise NotFound(NO_WEEK)
    end = start + timedelta(days=7)
    async with db.reader() as s:
        rows = (
            await s.execute(
                select(
                    Concept.slug, Concept.name, Concept.summary, Concept.category, Concept.tracks
                )
                .where(
                    concept_rule(hub),
                    Concept.guild_id == hub.guild_id,
                    Concept.created_at >= start,
                    Concept.created_at < end,
                )
                .order_by(Concept.created_at.desc())
                .limit(10)
            )
        ).all()
    return DigestWeek(
        period=period,
        start=start,
        end=end,
        solved=await recent_solved(db, hub, limit=20, since=start, until=end),
        takeaways=await top_takeaways(db, hub, limit=10, since=start, until=end),
        concepts=tuple(WebConceptBrief(r[0], r[1], scrub(r[2]), r[3], r[4]) for r in rows),
    )


async def hub_home(db: Database, hub: Hub) -> HubHome:
    periods = await digest_periods(db, hub)
    return HubHome(
        hub=hub,
        solved=await recent_solved(db, hub, limit=10),
        takeaways=await top_takeaways(db, hub, limit=5),
        digest=await digest_week(db, hub, periods[0]) if periods else None,
    )
