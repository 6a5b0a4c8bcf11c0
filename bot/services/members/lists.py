"""The member's own entries of one kind, newest first, a page at a time (/me's sections).
Every status they may see of their own (pending, hidden, ...) except what they removed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Challenge, Pair, PairMember, PairProfile, PairRound, Solution, Takeaway
from bot.db.types import Status
from bot.errors import Invalid
from bot.services.entries import Paged
from bot.services.members.types import (
    SECTIONS,
    MyChallenge,
    MyPairing,
    MySolution,
    MyTakeaway,
)

PER_PAGE = 10


def mine(model: Any, guild_id: int, user_id: int) -> tuple[Any, ...]:
    """The member's entries of `model` in this server, removed ones left out (and merged
    duplicates of challenges, which live on in their survivor)."""
    where = (
        model.guild_id == guild_id,
        model.author_id == user_id,
        model.status != Status.WITHDRAWN.value,
    )
    if model is Challenge:
        return (*where, Challenge.merged_into_id.is_(None))
    return where


def my_pairs(guild_id: int, user_id: int) -> Select[Any]:
    return select(PairMember.pair_id).where(
        PairMember.guild_id == guild_id, PairMember.user_id == user_id
    )


async def list_challenges(
    s: AsyncSession, g: int, u: int, offset: int, limit: int
) -> list[MyChallenge]:
    answers = (
        select(func.count(Solution.id))
        .where(Solution.challenge_id == Challenge.id, Solution.status == Status.PUBLISHED.value)
        .scalar_subquery()
    )
    rows = await s.execute(
        select(Challenge, answers)
        .where(*mine(Challenge, g, u))
        .order_by(Challenge.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        MyChallenge(c.id, c.title, c.status, bool(c.solved), int(n or 0), c.created_at)
        for c, n in rows
    ]


async def list_solutions(
    s: AsyncSession, g: int, u: int, offset: int, limit: int
) -> list[MySolution]:
    rows = await s.execute(
        select(Solution, Challenge.title)
        .join(Challenge, Challenge.id == Solution.challenge_id)
        .where(*mine(Solution, g, u))
        .order_by(Solution.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        MySolution(
            sol.id,
            sol.challenge_id,
            str(title),
            sol.status,
            bool(sol.accepted),
            int(sol.helped_count or 0),
            sol.created_at,
        )
        for sol, title in rows
    ]


async def list_takeaways(
    s: AsyncSession, g: int, u: int, offset: int, limit: int
) -> list[MyTakeaway]:
    rows = await s.scalars(
        select(Takeaway)
        .where(*mine(Takeaway, g, u))
        .order_by(Takeaway.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        MyTakeaway(t.id, t.body, t.kind, t.status, int(t.votes or 0), t.created_at) for t in rows
    ]


async def list_pairings(
    s: AsyncSession, g: int, u: int, offset: int, limit: int
) -> list[MyPairing]:
    pairs = (
        await s.execute(
            select(Pair.id, Pair.round_id, PairRound.started_at, Pair.outcome)
            .join(PairRound, PairRound.id == Pair.round_id)
            .where(Pair.id.in_(my_pairs(g, u)), Pair.guild_id == g)
            .order_by(PairRound.started_at.desc(), Pair.id.desc())
            .offset(offset)
            .limit(limit)
        )
    ).all()
    partners: dict[int, list[str]] = {p[0]: [] for p in pairs}
    if partners:
        rows = await s.execute(
            select(PairMember.pair_id, PairProfile.display_name)
            .outerjoin(
                PairProfile,
                (PairProfile.guild_id == PairMember.guild_id)
                & (PairProfile.user_id == PairMember.user_id),
            )
            .where(PairMember.pair_id.in_(list(partners)), PairMember.user_id != u)
            .order_by(PairMember.user_id)
        )
        for pair_id, name in rows:
            partners[pair_id].append(str(name) if name else "a former member")
    return [
        MyPairing(round_id, started, tuple(partners[pid]), outcome)
        for pid, round_id, started, outcome in pairs
    ]


_LISTS: Mapping[str, Callable[..., Awaitable[list[Any]]]] = MappingProxyType(
    {
        "challenges": list_challenges,
        "solutions": list_solutions,
        "takeaways": list_takeaways,
        "pairings": list_pairings,
    }
)


async def my_entries(
    db: Database, guild_id: int, user_id: int, section: str, page: int = 0
) -> Paged[Any]:
    """One page of the member's challenges, solutions, takeaways or pairings here."""
    if section not in SECTIONS:
        raise Invalid(f"Pick one of: {', '.join(SECTIONS)}.")
    page = max(page, 0)
    fetch = _LISTS[section]
    async with db.reader() as s:
        rows = await fetch(s, guild_id, user_id, page * PER_PAGE, PER_PAGE + 1)
    return Paged(tuple(rows[:PER_PAGE]), page, PER_PAGE, len(rows) > PER_PAGE)
