"""Helpers for the challenges/solutions/takeaways/export unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db import Database
from bot.db.models import Concept
from bot.services.challenges.record import share_challenge
from bot.services.entries.types import ChallengeInfo
from bot.services.guilds import settings as guilds

G = 111_111_111_111_111_111
OTHER = 222_222_222_222_222_222
ALICE, BOB, CAROL, MOD = 1001, 1002, 1003, 1009
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def add_concept(
    db: Database,
    name: str,
    *,
    guild_id: int = 0,
    category: str = "technology",
    tracks: str = "backend",
    status: str = "published",
    overrides_id: int | None = None,
    summary: str = "",
) -> int:
    slug = name.lower().replace(" ", "-")
    async with db.sessions.begin() as s:
        row = Concept(
            guild_id=guild_id,
            slug=f"{slug}-{guild_id}" if overrides_id else slug,
            name=name,
            aliases=[],
            category=category,
            tracks=tracks,
            related=[],
            summary=summary or f"About {name}.",
            body="",
            links=[],
            search_text=name,
            status=status,
            featured=False,
            overrides_id=overrides_id,
        )
        s.add(row)
        await s.flush()
        return row.id


async def challenge(
    db: Database,
    title: str,
    problem: str = "It fails.",
    *,
    guild_id: int = G,
    author: int = ALICE,
    name: str = "Alice",
    minutes: int = 0,
    concepts: tuple[str, ...] = (),
    tried: str = "",
) -> ChallengeInfo:
    rec = await share_challenge(
        db,
        guild_id,
        author_id=author,
        author_name=name,
        title=title,
        tried=tried,
        problem=problem,
        concepts=concepts,
        now=at(minutes),
    )
    return rec.challenge


async def review(db: Database, guild_id: int = G, **flags: bool) -> None:
    await guilds.update_settings(db, guild_id, **flags)
