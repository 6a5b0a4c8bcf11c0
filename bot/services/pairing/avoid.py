"""Private avoids: "never pair me with this member".

Only the member who set an avoid ever sees it (their own ephemeral list); the avoided
member is not told, moderators' previews do not show it and an unmatched learner's
reason never mentions it. The matcher takes every avoid as a hard constraint, in both
directions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import PairAvoid
from bot.errors import Invalid, NotFound

AVOID_MAX = 25
NAME_MAX = 100


@dataclass(frozen=True)
class Avoided:
    user_id: int
    name: str


@dataclass(frozen=True)
class AvoidChange:
    member: Avoided
    changed: bool  # False: it was already so
    avoided: tuple[Avoided, ...]  # the member's whole list afterwards


async def _list(s: AsyncSession, guild_id: int, user_id: int) -> tuple[Avoided, ...]:
    rows = await s.scalars(
        select(PairAvoid)
        .where(PairAvoid.guild_id == guild_id, PairAvoid.user_id == user_id)
        .order_by(PairAvoid.created_at, PairAvoid.avoided_id)
    )
    return tuple(Avoided(r.avoided_id, r.avoided_name) for r in rows)


async def avoided_members(db: Database, guild_id: int, user_id: int) -> tuple[Avoided, ...]:
    """Who this member asked never to be paired with (only ever shown to them)."""
    async with db.reader() as s:
        return await _list(s, guild_id, user_id)


async def avoid_member(
    db: Database,
    guild_id: int,
    user_id: int,
    other_id: int,
    other_name: str,
    *,
    other_is_bot: bool = False,
) -> AvoidChange:
    """Never pair `user_id` with `other_id` (either way round). Idempotent."""
    if other_id == user_id:
        raise Invalid("You can't avoid yourself: pick another member.")
    if other_is_bot:
        raise Invalid("Bots never take part in pairing, so there's nothing to avoid.")
    name = " ".join((other_name or "").split())[:NAME_MAX] or "member"
    async with db.sessions.begin() as s:
        row = await s.get(PairAvoid, (guild_id, user_id, other_id))
        changed = row is None
        if row is None:
            count = await s.scalar(
                select(func.count())
                .select_from(PairAvoid)
                .where(PairAvoid.guild_id == guild_id, PairAvoid.user_id == user_id)
            )
            if int(count or 0) >= AVOID_MAX:
                raise Invalid(
                    f"You can avoid at most {AVOID_MAX} members: remove one with "
                    "`/pair unavoid` first."
                )
            s.add(PairAvoid(guild_id=guild_id, user_id=user_id, avoided_id=other_id))
        row = row or await s.get(PairAvoid, (guild_id, user_id, other_id))
        assert row is not None
        row.avoided_name = name
        await s.flush()
        return AvoidChange(Avoided(other_id, name), changed, await _list(s, guild_id, user_id))


async def unavoid_member(db: Database, guild_id: int, user_id: int, other_id: int) -> AvoidChange:
    """Undo an avoid: the two may be paired again."""
    async with db.sessions.begin() as s:
        row = await s.get(PairAvoid, (guild_id, user_id, other_id))
        if row is None:
            raise NotFound(
                "You weren't avoiding that member. `/pair avoid` (without a member) shows "
                "your list."
            )
        gone = Avoided(other_id, row.avoided_name)
        await s.execute(
            delete(PairAvoid).where(
                PairAvoid.guild_id == guild_id,
                PairAvoid.user_id == user_id,
                PairAvoid.avoided_id == other_id,
            )
        )
        return AvoidChange(gone, True, await _list(s, guild_id, user_id))


async def avoid_pairs(s: AsyncSession, guild_id: int) -> list[tuple[int, int]]:
    """Every (member, avoided member) of the server, for the matcher."""
    rows = await s.execute(
        select(PairAvoid.user_id, PairAvoid.avoided_id).where(PairAvoid.guild_id == guild_id)
    )
    return [(int(a), int(b)) for a, b in rows.all()]
