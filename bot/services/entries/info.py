"""ORM rows (or plain rows) of entries -> the plain dataclasses services return."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from bot.db.models import Challenge, Solution, Takeaway
from bot.services.entries.types import (
    ChallengeInfo,
    ConceptTag,
    SolutionInfo,
    TakeawayInfo,
)


def challenge_info(
    row: Challenge | Row[*tuple[Any, ...]],
    concepts: Sequence[ConceptTag] = (),
    solution_count: int = 0,
) -> ChallengeInfo:
    """From an ORM row or a plain row of the challenges table's columns."""
    return ChallengeInfo(
        id=row.id,
        guild_id=row.guild_id,
        title=row.title,
        tried=row.tried or "",
        problem=row.problem or "",
        track=row.track,
        author_id=row.author_id,
        author_name=row.author_name,
        source_channel_id=row.source_channel_id,
        source_message_id=row.source_message_id,
        jump_url=row.jump_url,
        status=row.status,
        solved=bool(row.solved),
        solved_at=row.solved_at,
        accepted_solution_id=row.accepted_solution_id,
        created_at=row.created_at,
        concepts=tuple(concepts),
        solution_count=solution_count,
    )


def solution_info(row: Solution) -> SolutionInfo:
    return SolutionInfo(
        id=row.id,
        guild_id=row.guild_id,
        challenge_id=row.challenge_id,
        body=row.body,
        author_id=row.author_id,
        author_name=row.author_name,
        source_channel_id=row.source_channel_id,
        jump_url=row.jump_url,
        status=row.status,
        accepted=bool(row.accepted),
        accepted_at=row.accepted_at,
        helped_count=row.helped_count or 0,
        created_at=row.created_at,
    )


def takeaway_info(
    row: Takeaway | Row[Any], concepts: Sequence[ConceptTag] = (), *, votes: int | None = None
) -> TakeawayInfo:
    """From an ORM row or a plain row of the takeaways table's columns; `votes` overrides
    the row's count (a recount made after the row was read)."""
    return TakeawayInfo(
        id=row.id,
        guild_id=row.guild_id,
        kind=row.kind,
        body=row.body,
        author_id=row.author_id,
        author_name=row.author_name,
        source=row.source,
        pair_id=row.pair_id,
        status=row.status,
        votes=(row.votes or 0) if votes is None else votes,
        created_at=row.created_at,
        concepts=tuple(concepts),
    )
