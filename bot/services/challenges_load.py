"""Batch loading of challenges (with concept tags and solution counts) and solutions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Challenge, ChallengeConcept, Solution
from bot.db.types import Status
from bot.services.entry_common import challenge_info, concept_tags, solution_info, visible_to
from bot.services.entry_types import ChallengeInfo, ChallengePage, ConceptTag, SolutionInfo

# Plain rows (no ORM identities to build) with the published-solution count in the same
# statement: most of loading a page of results was per-statement overhead. Built once
# (see entry_common._tags_statement): the ids are one expanding parameter.
_PUBLISHED_SOLUTIONS = (
    select(func.count())
    .where(Solution.challenge_id == Challenge.id, Solution.status == Status.PUBLISHED.value)
    .scalar_subquery()
)
_BY_IDS = select(*Challenge.__table__.c, _PUBLISHED_SOLUTIONS.label("nexus_solutions")).where(
    Challenge.id.in_(bindparam("ids", expanding=True))
)


async def load_challenges(
    s: AsyncSession, ids: Sequence[int], *, with_concepts: bool = True
) -> dict[int, ChallengeInfo]:
    """Challenges by id (callers have already scoped the ids to one server)."""
    if not ids:
        return {}
    rows = (await s.execute(_BY_IDS, {"ids": list(ids)})).all()
    tags: dict[int, list[ConceptTag]] = {}
    if with_concepts:
        link = ChallengeConcept
        tags = await concept_tags(s, link.challenge_id, link.concept_id, ids)
    return {r.id: challenge_info(r, tags.get(r.id, ()), int(r.nexus_solutions)) for r in rows}


def solution_order(sol: SolutionInfo) -> tuple[int, int, float, int]:
    """Accepted first, then most helpful, then oldest."""
    return (0 if sol.accepted else 1, -sol.helped_count, sol.created_at.timestamp(), sol.id)


async def visible_solutions(
    s: AsyncSession, guild_id: int, challenge_id: int, viewer_id: int | None
) -> tuple[SolutionInfo, ...]:
    rows = (
        await s.scalars(
            select(Solution).where(
                Solution.guild_id == guild_id,
                Solution.challenge_id == challenge_id,
                visible_to(Solution, viewer_id),
            )
        )
    ).all()
    return tuple(sorted((solution_info(r) for r in rows), key=solution_order))


async def load_page(
    s: AsyncSession, guild_id: int, challenge_id: int, viewer_id: int | None
) -> ChallengePage:
    """A challenge (already scoped to this server) with the solutions `viewer_id` sees."""
    info = (await load_challenges(s, [challenge_id]))[challenge_id]
    return ChallengePage(info, await visible_solutions(s, guild_id, challenge_id, viewer_id))
