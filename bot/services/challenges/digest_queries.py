"""Read-only helpers for the weekly digest and curation (published entries only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db import Database
from bot.db.models import Challenge, Solution, SolutionHelped
from bot.db.types import Status
from bot.services.challenges.load import load_challenges
from bot.services.entries import ChallengeInfo, HelpfulMember

PUBLISHED = Status.PUBLISHED.value


async def _published(
    s: AsyncSession,
    guild_id: int,
    *,
    where: Sequence[ColumnElement[bool]],
    order: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    limit: int,
) -> list[ChallengeInfo]:
    """This server's published challenges matching `where`, in `order`, at most `limit`."""
    ids = list(
        (
            await s.scalars(
                select(Challenge.id)
                .where(Challenge.guild_id == guild_id, Challenge.status == PUBLISHED, *where)
                .order_by(*order)
                .limit(limit)
            )
        ).all()
    )
    loaded = await load_challenges(s, ids)
    return [loaded[i] for i in ids]


async def solved_between(
    db: Database, guild_id: int, since: datetime, until: datetime, limit: int = 10
) -> list[ChallengeInfo]:
    """Published challenges first solved in [since, until), oldest solve first."""
    async with db.reader() as s:
        return await _published(
            s,
            guild_id,
            where=[
                Challenge.solved.is_(True),
                Challenge.solved_at >= since,
                Challenge.solved_at < until,
            ],
            order=[Challenge.solved_at, Challenge.id],
            limit=limit,
        )


async def new_challenges_between(
    db: Database, guild_id: int, since: datetime, until: datetime, limit: int = 10
) -> list[ChallengeInfo]:
    """Published challenges created in [since, until), oldest first."""
    async with db.reader() as s:
        return await _published(
            s,
            guild_id,
            where=[Challenge.created_at >= since, Challenge.created_at < until],
            order=[Challenge.created_at, Challenge.id],
            limit=limit,
        )


async def open_challenges_by_track(
    db: Database, guild_id: int, *, per_track: int = 3
) -> dict[str | None, list[ChallengeInfo]]:
    """Open published challenges grouped by the track that can help (None: untagged),
    newest first, at most `per_track` each. Keys appear only when there is something."""
    async with db.reader() as s:
        out: dict[str | None, list[ChallengeInfo]] = {}
        for track in ("frontend", "backend", "fullstack", None):
            cond = Challenge.track.is_(None) if track is None else Challenge.track == track
            found = await _published(
                s,
                guild_id,
                where=[Challenge.solved.is_(False), cond],
                order=[Challenge.created_at.desc(), Challenge.id.desc()],
                limit=per_track,
            )
            if found:
                out[track] = found
    return out


async def helpful_members(
    db: Database, guild_id: int, since: datetime, until: datetime, limit: int = 5
) -> list[HelpfulMember]:
    """Members whose published solutions were accepted or marked helpful in the window,
    most accepted first, then most helped."""
    accepted: dict[int, int] = defaultdict(int)
    helped: dict[int, int] = defaultdict(int)
    names: dict[int, tuple[int, str]] = {}
    async with db.reader() as s:
        rows = await s.execute(
            select(Solution.author_id, func.count(), func.max(Solution.id))
            .where(
                Solution.guild_id == guild_id,
                Solution.status == PUBLISHED,
                Solution.accepted.is_(True),
                Solution.accepted_at >= since,
                Solution.accepted_at < until,
            )
            .group_by(Solution.author_id)
        )
        latest: dict[int, int] = {}
        for author, count, last in rows.all():
            accepted[author] += int(count)
            latest[author] = max(latest.get(author, 0), int(last))
        rows = await s.execute(
            select(Solution.author_id, func.count(), func.max(Solution.id))
            .join(SolutionHelped, SolutionHelped.solution_id == Solution.id)
            .where(
                Solution.guild_id == guild_id,
                Solution.status == PUBLISHED,
                SolutionHelped.created_at >= since,
                SolutionHelped.created_at < until,
            )
            .group_by(Solution.author_id)
        )
        for author, count, last in rows.all():
            helped[author] += int(count)
            latest[author] = max(latest.get(author, 0), int(last))
        if latest:
            found = await s.execute(
                select(Solution.id, Solution.author_id, Solution.author_name).where(
                    Solution.id.in_(list(latest.values()))
                )
            )
            for sid, author, name in found.all():
                names[author] = (sid, name)
    members = [
        HelpfulMember(a, names.get(a, (0, "a member"))[1], accepted.get(a, 0), helped.get(a, 0))
        for a in set(accepted) | set(helped)
    ]
    members.sort(key=lambda m: (-m.accepted, -m.helped, m.name.lower(), m.user_id))
    return members[:limit]
