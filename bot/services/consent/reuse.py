"""A member's say over reuse of their words outside the conversation (/privacy).

Opted out (MemberPrefs.reuse_opt_out), in that server:
- nobody else can save their messages with "Save as challenge" or "Save as solution"
  (the one trying is told why, and how the author can share it themselves);
- nothing they wrote is in the weekly digest (no entry of theirs, no solution of theirs,
  no challenge they asked, no helper credit) nor in `nexus export`'s hub.
What they share themselves (/challenge share, /solution add, /takeaway share, saving
their own message) stays theirs to use in Discord: views, lists and search. Entries
saved from their messages before they opted out are left out of the digest and the
export too; they can remove them with /challenge remove and /solution remove.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import MemberPrefs
from bot.errors import NotAllowed


def opted_out_ids(guild_id: Any) -> Any:
    """SELECT of the members of `guild_id` (a value or a bind parameter) who opted out."""
    return select(MemberPrefs.user_id).where(
        MemberPrefs.guild_id == guild_id, MemberPrefs.reuse_opt_out.is_(True)
    )


def reuse_allowed(author_id: Any, guild_id: Any) -> ColumnElement[bool]:
    """SQL: the row's author lets their words be reused (for the digest and exports)."""
    return author_id.not_in(opted_out_ids(guild_id))


async def _opted_out(s: AsyncSession, guild_id: int, user_id: int) -> bool:
    prefs = await s.get(MemberPrefs, (guild_id, user_id))
    return prefs is not None and bool(prefs.reuse_opt_out)


async def check_reuse(
    db: Database, guild_id: int, *, author_id: int, author_name: str, saver_id: int | None
) -> None:
    """NotAllowed when `saver_id` may not save a message of `author_id` (who opted out).
    A member saving their own message is always allowed."""
    if saver_id is None or saver_id == author_id:
        return
    async with db.reader() as s:
        refused = await _opted_out(s, guild_id, author_id)
    if refused:
        who = " ".join(author_name.split())[:80] or "Its author"
        raise NotAllowed(
            f"{who} asked that others don't save their messages in Nexus, so this one "
            "can't be saved. They can share it themselves (/challenge share or "
            "/solution add), or you can write it up in your own words."
        )


async def set_reuse_allowed(db: Database, guild_id: int, user_id: int, allowed: bool) -> bool:
    """Record the member's choice in this server; returns it."""
    async with db.sessions.begin() as s:
        prefs = await s.get(MemberPrefs, (guild_id, user_id))
        if prefs is None:
            s.add(MemberPrefs(guild_id=guild_id, user_id=user_id, reuse_opt_out=not allowed))
        else:
            prefs.reuse_opt_out = not allowed
    return allowed


async def get_reuse_allowed(db: Database, guild_id: int, user_id: int) -> bool:
    async with db.reader() as s:
        return not await _opted_out(s, guild_id, user_id)
