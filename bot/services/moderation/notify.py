"""Members' notification preferences (DMs about their entries, e.g. a rejection)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import MemberPrefs


async def dm_allowed(s: AsyncSession, guild_id: int, user_id: int) -> bool:
    prefs = await s.get(MemberPrefs, (guild_id, user_id))
    return True if prefs is None else bool(prefs.dm_notifications)


async def set_dm_notifications(db: Database, guild_id: int, user_id: int, enabled: bool) -> bool:
    """Turn this member's DMs from Nexus in this server on or off; returns the new value."""
    async with db.sessions.begin() as s:
        prefs = await s.get(MemberPrefs, (guild_id, user_id))
        if prefs is None:
            s.add(MemberPrefs(guild_id=guild_id, user_id=user_id, dm_notifications=enabled))
        else:
            prefs.dm_notifications = enabled
    return enabled


async def get_dm_notifications(db: Database, guild_id: int, user_id: int) -> bool:
    async with db.reader() as s:
        return await dm_allowed(s, guild_id, user_id)
