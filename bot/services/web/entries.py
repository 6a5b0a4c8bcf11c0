"""Challenges (with the accepted solution first) and takeaways on the hub."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Challenge, Solution, Takeaway
from bot.errors import NotFound
from bot.services.web.briefs import CHALLENGE_BRIEF, challenge_brief
from bot.services.web.concept_pages import concepts_of_challenges
from bot.services.web.rules import challenge_rule, name_for, scrub, solution_rule, takeaway_rule
from bot.services.web.types import (
    Hub,
    Moved,
    WebChallenge,
    WebChallengeBrief,
    WebSolution,
    WebTakeaway,
)

NO_CHALLENGE = "There is no such challenge on this hub."
MERGE_HOPS_MAX = 20
ID_MAX = 2**31 - 1


async def challenge_briefs(
    db: Database, hub: Hub, ids: Sequence[int]
) -> dict[int, WebChallengeBrief]:
    """The hub's challenges among `ids` (others are left out)."""
    if not ids:
        return {}
    stmt = select(*CHALLENGE_BRIEF).where(
        challenge_rule(hub, by_id=True), Challenge.id.in_(list(ids))
    )
    async with db.reader() as s:
        return {r[0]: challenge_brief(r) for r in (await s.execute(stmt)).all()}


async def recent_solved(
    db: Database,
    hub: Hub,
    *,
    limit: int = 10,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[WebChallengeBrief, ...]:
    """Solved challenges: the newest asked first; with `since`/`until`, those solved in
    that window, the latest solved first. (Newest asked walks the server's
    (guild, status, created) index and stops at `limit`; ordering a whole server by
    solved_at sorted every solved challenge it has: 4.5 ms at 5,000.)"""
    stmt = select(*CHALLENGE_BRIEF).where(challenge_rule(hub), Challenge.solved.is_(True))
    if since is None and until is None:
        stmt = stmt.order_by(Challenge.created_at.desc(), Challenge.id.desc())
    else:
        if since is not None:
            stmt = stmt.where(Challenge.solved_at >= since)
        if until is not None:
            stmt = stmt.where(Challenge.solved_at < until)
        stmt = stmt.order_by(Challenge.solved_at.desc(), Challenge.id.desc())
    async with db.reader() as s:
        return tuple(challenge_brief(r) for r in (await s.execute(stmt.limit(limit))).all())


async def list_hub_challenges(
    db: Database, hub: Hub, *, page: int = 0, per_page: int = 50
) -> tuple[tuple[WebChallengeBrief, ...], bool]:
    """Newest first; (items, has_next)."""
    page = max(0, min(page, 10_000))
    stmt = (
        select(*CHALLENGE_BRIEF)
        .where(challenge_rule(hub))
        .order_by(Challenge.created_at.desc(), Challenge.id.desc())
        .offset(page * per_page)
        .limit(per_page + 1)
    )
    async with db.reader() as s:
        rows = (await s.execute(stmt)).all()
    return tuple(challenge_brief(r) for r in rows[:per_page]), len(rows) > per_page


async def _survivor(db: Database, hub: Hub, challenge_id: int) -> int | None:
    async with db.reader() as s:
        row = await s.get(Challenge, challenge_id)
        if row is None or row.guild_id != hub.guild_id or row.merged_into_id is None:
            return None
        hops = 0
        while row is not None and row.merged_into_id is not None and hops < MERGE_HOPS_MAX:
            row, hops = await s.get(Challenge, row.merged_into_id), hops + 1
        if row is None:
            return None
        found = await s.scalar(
            select(Challenge.id).where(challenge_rule(hub, by_id=True), Challenge.id == row.id)
        )
        return int(found) if found is not None else None


async def get_hub_challenge(db: Database, hub: Hub, challenge_id: int) -> WebChallenge | Moved:
    """A challenge with its published solutions, the accepted one first."""
    if not 0 < challenge_id <= ID_MAX:
        raise NotFound(NO_CHALLENGE)
    async with db.reader() as s:
        row = await s.scalar(
            select(Challenge).where(challenge_rule(hub, by_id=True), Challenge.id == challenge_id)
        )
        if row is None:
            survivor = await _survivor(db, hub, challenge_id)
            if survivor is None:
                raise NotFound(NO_CHALLENGE)
            return Moved(str(survivor))
        sols = (
            await s.scalars(
                select(Solution)
                .join(Challenge, Challenge.id == Solution.challenge_id)
                .where(Solution.challenge_id == challenge_id, solution_rule(hub, by_id=True))
            )
        ).all()
    ordered = sorted(sols, key=lambda x: (not x.accepted, -x.helped_count, x.created_at, x.id))
    tags = await concepts_of_challenges(db, hub, [row.id])
    return WebChallenge(
        id=row.id,
        title=scrub(row.title),
        problem=scrub(row.problem),
        tried=scrub(row.tried),
        track=row.track,
        solved=bool(row.solved),
        author=name_for(hub, row.author_name),
        created_at=row.created_at,
        solutions=tuple(
            WebSolution(
                id=x.id,
                body=scrub(x.body),
                author=name_for(hub, x.author_name),
                accepted=bool(x.accepted),
                helped=x.helped_count,
                created_at=x.created_at,
            )
            for x in ordered
        ),
        concepts=tags.get(row.id, ()),
    )


def _takeaway(hub: Hub, row: Takeaway) -> WebTakeaway:
    return WebTakeaway(
        id=row.id,
        kind=row.kind,
        body=scrub(row.body),
        votes=row.votes,
        author=name_for(hub, row.author_name),
        created_at=row.created_at,
    )


async def top_takeaways(
    db: Database,
    hub: Hub,
    *,
    limit: int = 5,
    offset: int = 0,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[WebTakeaway, ...]:
    """Most voted first (newer first on a tie)."""
    stmt = select(Takeaway).where(takeaway_rule(hub))
    if since is not None:
        stmt = stmt.where(Takeaway.created_at >= since)
    if until is not None:
        stmt = stmt.where(Takeaway.created_at < until)
    stmt = (
        stmt.order_by(Takeaway.votes.desc(), Takeaway.created_at.desc(), Takeaway.id.desc())
        .offset(max(0, offset))
        .limit(limit)
    )
    async with db.reader() as s:
        return tuple(_takeaway(hub, r) for r in (await s.scalars(stmt)).all())
