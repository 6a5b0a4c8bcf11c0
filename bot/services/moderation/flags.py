"""Member flags on entries: once per member per entry, scoped to the server it was raised in.

A base concept (guild 0) can be flagged from any server; the flag belongs to that server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Flag
from bot.db.types import Status
from bot.errors import Conflict, Invalid, NotFound
from bot.services.entries import AUTHORS_ONLY
from bot.services.moderation.entries import FLAGGABLE_KINDS, MODELS, visible_guilds

# value -> label shown in the reason select
FLAG_REASONS: Mapping[str, str] = MappingProxyType(
    {
        "outdated": "Outdated",
        "wrong": "Wrong or misleading",
        "duplicate": "Duplicate",
        "inappropriate": "Inappropriate",
    }
)

ALREADY_FLAGGED = "You already flagged this entry: a moderator will look at it."
UNKNOWN_ENTRY = "I can't find that entry in this server (it may have been removed)."


@dataclass(frozen=True)
class FlagResult:
    kind: str
    entry_id: int
    reason: str
    open_flags: int  # open flags on this entry in this server, including this one


async def flag_entry(
    db: Database, guild_id: int, kind: str, entry_id: int, user_id: int, reason: str
) -> FlagResult:
    """Record one member's flag. Raises Conflict on a second flag by the same member."""
    if kind not in FLAGGABLE_KINDS:
        raise Invalid("Only concepts, challenges, solutions and takeaways can be flagged.")
    if reason not in FLAG_REASONS:
        raise Invalid("Pick one of the reasons in the list.")
    try:
        async with db.sessions.begin() as s:
            await _check(s, guild_id, kind, entry_id, user_id)
            s.add(
                Flag(
                    guild_id=guild_id,
                    entry_kind=kind,
                    entry_id=entry_id,
                    user_id=user_id,
                    reason=reason,
                )
            )
            await s.flush()
            count = await s.scalar(
                select(func.count(Flag.id)).where(
                    Flag.guild_id == guild_id,
                    Flag.entry_kind == kind,
                    Flag.entry_id == entry_id,
                    Flag.resolved.is_(False),
                )
            )
    except IntegrityError:
        # A concurrent double press raced past the check; the unique row decides.
        raise Conflict(ALREADY_FLAGGED) from None
    return FlagResult(kind=kind, entry_id=entry_id, reason=reason, open_flags=int(count or 0))


async def check_flaggable(
    db: Database, guild_id: int, kind: str, entry_id: int, user_id: int
) -> None:
    """Raise NotFound/Conflict before showing the reason picker (the write re-checks)."""
    if kind not in FLAGGABLE_KINDS:
        raise NotFound(UNKNOWN_ENTRY)
    async with db.reader() as s:
        await _check(s, guild_id, kind, entry_id, user_id)


async def _check(s: AsyncSession, guild_id: int, kind: str, entry_id: int, user_id: int) -> None:
    """The entry exists, this server sees it, it is not hidden/rejected, and `user_id` has
    not flagged it here yet. Else NotFound / Conflict."""
    row = await s.get(MODELS[kind], entry_id)
    if (
        row is None
        or row.guild_id not in visible_guilds(kind, guild_id)
        or row.status in (Status.HIDDEN, Status.REJECTED)
        or row.status in AUTHORS_ONLY
    ):
        raise NotFound(UNKNOWN_ENTRY)
    existing = await s.scalar(
        select(Flag.id).where(
            Flag.guild_id == guild_id,
            Flag.entry_kind == kind,
            Flag.entry_id == entry_id,
            Flag.user_id == user_id,
        )
    )
    if existing is not None:
        raise Conflict(ALREADY_FLAGGED)
