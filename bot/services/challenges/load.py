"""Batch loading of challenges (with concept tags and solution counts) and solutions."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Challenge, ChallengeConcept, Solution
from bot.db.types import Status
from bot.db.units import Prepared, Unit, run_unit
from bot.services.concepts import concept_tags, concept_tags_in_unit
from bot.services.entries import (
    ChallengeInfo,
    ChallengePage,
    ConceptTag,
    SolutionInfo,
    challenge_info,
    solution_info,
    visible_to,
)

# Plain rows (no ORM identities to build) with the published-solution count in the same
# statement: most of loading a page of results was per-statement overhead. Built once
# (see entry_common._tags_statement): the ids are one expanding parameter.
_PUBLISHED_SOLUTIONS = (
    select(func.count())
    .where(Solution.challenge_id == Challenge.id, Solution.status == Status.PUBLISHED.value)
    .scalar_subquery()
)
_ROW = select(*Challenge.__table__.c, _PUBLISHED_SOLUTIONS.label("nexus_solutions"))
_BY_IDS = _ROW.where(Challenge.id.in_(bindparam("ids", expanding=True)))
_Loaded = tuple[list[Any], dict[int, list[ConceptTag]]]


@functools.cache
def _by_id() -> Prepared:
    return Prepared(_ROW.where(Challenge.id == bindparam("id")), "ChallengeRow")


def _load_in_unit(unit: Unit, ids: tuple[int, ...], with_concepts: bool) -> _Loaded:
    rows = [row for i in ids for row in unit.all(_by_id(), id=i)]
    link = ChallengeConcept
    tags = (
        concept_tags_in_unit(unit, link.challenge_id, link.concept_id, ids) if with_concepts else {}
    )
    return rows, tags


async def load_challenges(
    s: AsyncSession, ids: Sequence[int], *, with_concepts: bool = True
) -> dict[int, ChallengeInfo]:
    """Challenges by id (callers have already scoped the ids to one server). On SQLite the
    rows and their tags are read as one unit of work, one hand-off to the connection's
    thread (a page of search results cost ~1.5 ms of event-loop time through two
    statements); on PostgreSQL two statements with `IN` lists are fewer network round
    trips than a unit's statement per id."""
    if not ids:
        return {}
    tags: dict[int, list[ConceptTag]] = {}
    if s.get_bind().dialect.name == "sqlite":
        await s.flush()  # what this session has pending is seen, as a query would autoflush
        load = functools.partial(_load_in_unit, ids=tuple(ids), with_concepts=with_concepts)
        rows, tags = await run_unit(s, load)
    else:
        rows = list((await s.execute(_BY_IDS, {"ids": list(ids)})).all())
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
