"""What /me shows first: counts of everything and the newest entries of each kind
(lists.py), read in one transaction, scoped to the server."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Challenge, Pair, Solution, SolutionHelped, Takeaway
from bot.services.members.lists import (
    list_challenges,
    list_pairings,
    list_solutions,
    list_takeaways,
    mine,
    my_pairs,
)
from bot.services.members.types import RECENT, Contributions


async def _counts(s: AsyncSession, g: int, u: int) -> dict[str, int]:
    challenges, solved = (
        await s.execute(
            select(
                func.count(Challenge.id), func.count(Challenge.id).filter(Challenge.solved)
            ).where(*mine(Challenge, g, u))
        )
    ).one()
    solutions, accepted, helped = (
        await s.execute(
            select(
                func.count(Solution.id),
                func.count(Solution.id).filter(Solution.accepted),
                func.coalesce(func.sum(Solution.helped_count), 0),
            ).where(*mine(Solution, g, u))
        )
    ).one()
    takeaways, votes = (
        await s.execute(
            select(func.count(Takeaway.id), func.coalesce(func.sum(Takeaway.votes), 0)).where(
                *mine(Takeaway, g, u)
            )
        )
    ).one()
    helped_others = await s.scalar(
        select(func.count())
        .select_from(SolutionHelped)
        .join(Solution, Solution.id == SolutionHelped.solution_id)
        .where(SolutionHelped.user_id == u, Solution.guild_id == g)
    )
    rounds = await s.scalar(
        select(func.count(func.distinct(Pair.round_id))).where(
            Pair.id.in_(my_pairs(g, u)), Pair.guild_id == g
        )
    )
    found = {
        "challenges": challenges,
        "solved": solved,
        "solutions": solutions,
        "accepted": accepted,
        "helped": helped,
        "helped_others": helped_others,
        "takeaways": takeaways,
        "votes": votes,
        "rounds": rounds,
    }
    return {k: int(v or 0) for k, v in found.items()}


async def contributions(db: Database, guild_id: int, user_id: int) -> Contributions:
    """The member's contributions in this server (nothing from other servers)."""
    g, u = guild_id, user_id
    async with db.reader() as s:
        counts = await _counts(s, g, u)
        return Contributions(
            **counts,
            recent_challenges=tuple(await list_challenges(s, g, u, 0, RECENT)),
            recent_solutions=tuple(await list_solutions(s, g, u, 0, RECENT)),
            recent_takeaways=tuple(await list_takeaways(s, g, u, 0, RECENT)),
            recent_pairings=tuple(await list_pairings(s, g, u, 0, RECENT)),
        )
