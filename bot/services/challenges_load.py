"""Batch loading of challenges (with concept tags and solution counts) and solutions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Challenge, ChallengeConcept, Concept, Solution
from bot.db.types import Status
from bot.services.entry_common import challenge_info, solution_info, visible_to
from bot.services.entry_types import ChallengeInfo, ConceptTag, SolutionInfo


async def load_challenges(
    s: AsyncSession, ids: Sequence[int], *, with_concepts: bool = True
) -> dict[int, ChallengeInfo]:
    """Challenges by id (callers have already scoped the ids to one server)."""
    if not ids:
        return {}
    rows = (await s.scalars(select(Challenge).where(Challenge.id.in_(list(ids))))).all()
    tags: dict[int, list[ConceptTag]] = defaultdict(list)
    if with_concepts:
        pairs = await s.execute(
            select(ChallengeConcept.challenge_id, Concept)
            .join(Concept, Concept.id == ChallengeConcept.concept_id)
            .where(ChallengeConcept.challenge_id.in_(list(ids)))
            .order_by(Concept.name, Concept.id)
        )
        for cid, concept in pairs.all():
            tags[cid].append(
                ConceptTag(concept.id, concept.name, concept.slug, concept.category,
                           concept.tracks)
            )
    counts = dict(
        (
            await s.execute(
                select(Solution.challenge_id, func.count())
                .where(
                    Solution.challenge_id.in_(list(ids)),
                    Solution.status == Status.PUBLISHED.value,
                )
                .group_by(Solution.challenge_id)
            )
        ).all()
    )
    return {r.id: challenge_info(r, tags.get(r.id, ()), int(counts.get(r.id, 0))) for r in rows}


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
