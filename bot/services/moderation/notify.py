"""Members' notification preferences (DMs about their entries, e.g. a rejection), and what
Nexus learnt about their DMs: a DM refused as closed (403/50007) is remembered so that none
is tried again for DM_RETRY_AFTER, instead of one refused request per action."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import MemberPrefs
from bot.db.types import utcnow

DM_RETRY_AFTER = timedelta(days=30)


async def dm_allowed(
    s: AsyncSession, guild_id: int, user_id: int, now: datetime | None = None
) -> bool:
    """The member wants DMs about this server and they were not found closed lately."""
    prefs = await s.get(MemberPrefs, (guild_id, user_id))
    if prefs is None:
        return True
    if not prefs.dm_notifications:
        return False
    closed = prefs.dm_closed_at
    return closed is None or (now or utcnow()) - closed >= DM_RETRY_AFTER


async def dm_wanted(db: Database, guild_id: int, user_id: int, now: datetime) -> bool:
    async with db.reader() as s:
        return await dm_allowed(s, guild_id, user_id, now)


async def record_dm_closed(db: Database, guild_id: int, user_id: int, now: datetime) -> None:
    """Discord refused a DM to this member (DMs closed): do not try again for a while."""
    async with db.sessions.begin() as s:
        prefs = await s.get(MemberPrefs, (guild_id, user_id))
        if prefs is None:
            s.add(MemberPrefs(guild_id=guild_id, user_id=user_id, dm_closed_at=now))
        else:
            prefs.dm_closed_at = now


async def record_dm_delivered(db: Database, guild_id: int, user_id: int) -> None:
    """A DM went through: forget an old refusal (written only when there is one)."""
    async with db.reader() as s:
        prefs = await s.get(MemberPrefs, (guild_id, user_id))
        if prefs is None or prefs.dm_closed_at is None:
            return
    async with db.sessions.begin() as s:
        prefs = await s.get(MemberPrefs, (guild_id, user_id))
        if prefs is not None:
            prefs.dm_closed_at = None


async def set_dm_notifications(db: Database, guild_id: int, user_id: int, enabled: bool) -> bool:
    """Turn this member's DMs from Nexus in this server on or off; returns the new value.
    Turning them on also forgets that their DMs were found closed (they say they opened)."""
    async with db.sessions.begin() as s:
        prefs = await s.get(MemberPrefs, (guild_id, user_id))
        if prefs is None:
            s.add(MemberPrefs(guild_id=guild_id, user_id=user_id, dm_notifications=enabled))
        else:
            prefs.dm_notifications = enabled
            if enabled:
                prefs.dm_closed_at = None
    return enabled


async def get_dm_notifications(db: Database, guild_id: int, user_id: int) -> bool:
    """The member's preference (whether or not their DMs were found closed)."""
    async with db.reader() as s:
        prefs = await s.get(MemberPrefs, (guild_id, user_id))
        return True if prefs is None else bool(prefs.dm_notifications)
