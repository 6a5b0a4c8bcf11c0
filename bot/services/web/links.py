"""Links from Discord answers to the hub: only to what the hub really shows."""

from __future__ import annotations

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Challenge, Concept
from bot.services.web.hubs import hub_for_guild
from bot.services.web.rules import challenge_rule, concept_rule
from bot.services.web.urls import absolute, challenge_path, concept_path


async def concept_web_url(
    db: Database, base_url: str | None, guild_id: int, concept_id: int
) -> str | None:
    """The concept's page on the hub, or None (no public address configured, the
    server's hub is off, or the concept is not published there)."""
    if not base_url:
        return None
    hub = await hub_for_guild(db, guild_id)
    if hub is None:
        return None
    async with db.reader() as s:
        slug = await s.scalar(
            select(Concept.slug).where(concept_rule(hub), Concept.id == concept_id)
        )
    return absolute(base_url, concept_path(hub.slug, slug)) if slug else None


async def challenge_web_url(
    db: Database, base_url: str | None, guild_id: int, challenge_id: int
) -> str | None:
    """The challenge's page on the hub, or None (as for concepts)."""
    if not base_url:
        return None
    hub = await hub_for_guild(db, guild_id)
    if hub is None:
        return None
    async with db.reader() as s:
        found = await s.scalar(
            select(Challenge.id).where(
                challenge_rule(hub, by_id=True), Challenge.id == challenge_id
            )
        )
    return absolute(base_url, challenge_path(hub.slug, int(found))) if found else None
