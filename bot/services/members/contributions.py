"""What /me shows: counts and the most recent entries of each kind, every status the
member may see of their own (pending, hidden, ...) except what they removed, and their
pairing rounds with partners' names. Read in one transaction, scoped to the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import (
    Challenge,
    Pair,
    PairMember,
    PairProfile,
    PairRound,
    Solution,
    SolutionHelped,
    Takeaway,
)
from bot.db.types import Status

RECENT = 5  # entries of each kind shown; the counts cover everything


@dataclass(frozen=True)
class MyChallenge:
    id: int
    title: str
    status: str
    solved: bool
    solutions: int  # published solutions
    created_at: datetime


@dataclass(frozen=True)
class MySolution:
    id: int
    challenge_id: int
    challenge_title: str
    status: str
    accepted: bool
    helped: int
    created_at: datetime


@dataclass(frozen=True)
class MyTakeaway:
    id: int
    body: str
    kind: str
    status: str
    votes: int
    created_at: datetime


@dataclass(frozen=True)
class MyPairing:
    round_id: int
    started_at: datetime
    partners: tuple[str, ...]
    outcome: str | None  # met | not_yet | skip | None (not answered)


@dataclass(frozen=True)
class Contributions:
    challenges: int
    solved: int  # of their challenges
    solutions: int
    accepted: int  # of their solutions
    helped: int  # "this helped me" their solutions received
    helped_others: int  # solutions of others they said helped them
    takeaways: int
    votes: int  # upvotes their takeaways received
    rounds: int  # pairing rounds they were paired in
    recent_challenges: tuple[MyChallenge, ...]
    recent_solutions: tuple[MySolution, ...]
    recent_takeaways: tuple[MyTakeaway, ...]
    recent_pairings: tuple[MyPairing, ...]

    @property
    def empty(self) -> bool:
        return not (self.challenges or self.solutions or self.takeaways or self.rounds)


def _mine(model: Any, guild_id: int, user_id: int) -> tuple[Any, ...]:
    return (
        model.guild_id == guild_id,
        model.author_id == user_id,
        model.status != Status.WITHDRAWN.value,
    )


async def _challenges(s: AsyncSession, g: int, u: int) -> tuple[int, int, list[MyChallenge]]:
    where = _mine(Challenge, g, u)
    total, solved = (
        await s.execute(
            select(func.count(Challenge.id), func.count(Challenge.id).filter(Challenge.solved))
            .where(*where)
            .where(Challenge.merged_into_id.is_(None))
        )
    ).one()
    answers = (
        select(func.count(Solution.id))
        .where(Solution.challenge_id == Challenge.id, Solution.status == Status.PUBLISHED.value)
        .scalar_subquery()
    )
    rows = await s.execute(
        select(Challenge, answers)
        .where(*where)
        .where(Challenge.merged_into_id.is_(None))
        .order_by(Challenge.id.desc())
        .limit(RECENT)
    )
    recent = [
        MyChallenge(c.id, c.title, c.status, bool(c.solved), int(n or 0), c.created_at)
        for c, n in rows
    ]
    return int(total or 0), int(solved or 0), recent


async def _solutions(s: AsyncSession, g: int, u: int) -> tuple[int, int, int, list[MySolution]]:
    where = _mine(Solution, g, u)
    total, accepted, helped = (
        await s.execute(
            select(
                func.count(Solution.id),
                func.count(Solution.id).filter(Solution.accepted),
                func.coalesce(func.sum(Solution.helped_count), 0),
            ).where(*where)
        )
    ).one()
    rows = await s.execute(
        select(Solution, Challenge.title)
        .join(Challenge, Challenge.id == Solution.challenge_id)
        .where(*where)
        .order_by(Solution.id.desc())
        .limit(RECENT)
    )
    recent = [
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
    return int(total or 0), int(accepted or 0), int(helped or 0), recent


async def _takeaways(s: AsyncSession, g: int, u: int) -> tuple[int, int, list[MyTakeaway]]:
    where = _mine(Takeaway, g, u)
    total, votes = (
        await s.execute(
            select(func.count(Takeaway.id), func.coalesce(func.sum(Takeaway.votes), 0)).where(
                *where
            )
        )
    ).one()
    rows = await s.scalars(
        select(Takeaway).where(*where).order_by(Takeaway.id.desc()).limit(RECENT)
    )
    recent = [
        MyTakeaway(t.id, t.body, t.kind, t.status, int(t.votes or 0), t.created_at) for t in rows
    ]
    return int(total or 0), int(votes or 0), recent


async def _helped_others(s: AsyncSession, g: int, u: int) -> int:
    n = await s.scalar(
        select(func.count())
        .select_from(SolutionHelped)
        .join(Solution, Solution.id == SolutionHelped.solution_id)
        .where(SolutionHelped.user_id == u, Solution.guild_id == g)
    )
    return int(n or 0)


async def _pairings(s: AsyncSession, g: int, u: int) -> tuple[int, list[MyPairing]]:
    mine = select(PairMember.pair_id).where(PairMember.guild_id == g, PairMember.user_id == u)
    total = await s.scalar(
        select(func.count(func.distinct(Pair.round_id))).where(
            Pair.id.in_(mine), Pair.guild_id == g
        )
    )
    pairs = (
        await s.execute(
            select(Pair.id, Pair.round_id, PairRound.started_at, Pair.outcome)
            .join(PairRound, PairRound.id == Pair.round_id)
            .where(Pair.id.in_(mine), Pair.guild_id == g)
            .order_by(PairRound.started_at.desc(), Pair.id.desc())
            .limit(RECENT)
        )
    ).all()
    ids = [p[0] for p in pairs]
    partners: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = await s.execute(
            select(PairMember.pair_id, PairMember.user_id, PairProfile.display_name)
            .outerjoin(
                PairProfile,
                (PairProfile.guild_id == PairMember.guild_id)
                & (PairProfile.user_id == PairMember.user_id),
            )
            .where(PairMember.pair_id.in_(ids), PairMember.user_id != u)
            .order_by(PairMember.user_id)
        )
        for pair_id, _, name in rows:
            partners[pair_id].append(str(name) if name else "a former member")
    recent = [
        MyPairing(round_id, started, tuple(partners[pid]), outcome)
        for pid, round_id, started, outcome in pairs
    ]
    return int(total or 0), recent


async def contributions(db: Database, guild_id: int, user_id: int) -> Contributions:
    """The member's contributions in this server (nothing from other servers)."""
    async with db.reader() as s:
        challenges, solved, recent_c = await _challenges(s, guild_id, user_id)
        solutions, accepted, helped, recent_s = await _solutions(s, guild_id, user_id)
        takeaways, votes, recent_t = await _takeaways(s, guild_id, user_id)
        helped_others = await _helped_others(s, guild_id, user_id)
        rounds, recent_p = await _pairings(s, guild_id, user_id)
    return Contributions(
        challenges,
        solved,
        solutions,
        accepted,
        helped,
        helped_others,
        takeaways,
        votes,
        rounds,
        tuple(recent_c),
        tuple(recent_s),
        tuple(recent_t),
        tuple(recent_p),
    )
