"""Shared pieces of the challenges, solutions and takeaways services.

Input validation, who-sees-what, concept tags, and ORM-row -> dataclass conversion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Challenge, Concept, Solution, Takeaway
from bot.db.types import Status, utcnow
from bot.errors import Invalid
from bot.services.concept_types import visible_clause
from bot.services.concepts import resolve_visible
from bot.services.entry_types import (
    MAX_CONCEPTS,
    ChallengeInfo,
    ConceptTag,
    SolutionInfo,
    TakeawayInfo,
)

NAME_MAX = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

STATUS_LABELS = {
    Status.PENDING.value: "pending review",
    Status.PUBLISHED.value: "published",
    Status.HIDDEN.value: "hidden",
    Status.REJECTED.value: "rejected",
}


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def clean_text(value: str | None, label: str, limit: int, *, required: bool = True) -> str:
    """Strip and bound user text. Empty/whitespace-only or too long -> Invalid."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
    if not text:
        if required:
            raise Invalid(f"{label} can't be empty: write a few words.")
        return ""
    if len(text) > limit:
        raise Invalid(
            f"{label} is too long ({len(text)} characters); the limit is {limit}. "
            "Shorten it and try again."
        )
    return text


def clean_name(name: str | None) -> str:
    """A display name as stored with an entry (never a mention, never empty)."""
    text = " ".join(_CONTROL.sub("", name or "").split())
    return text[:NAME_MAX] or "a member"


def visible_to(model: Any, viewer_id: int | None) -> ColumnElement[bool]:
    """What a member may read: published entries, plus every entry of their own (shown
    with its status: pending review, hidden, rejected). Others' unpublished: never."""
    published = model.status == Status.PUBLISHED.value
    if viewer_id is None:
        return published
    return or_(published, model.author_id == viewer_id)


def active_for(model: Any, viewer_id: int | None) -> ColumnElement[bool]:
    """What a member may act on (answer, pick as a target): published or own pending."""
    published = model.status == Status.PUBLISHED.value
    if viewer_id is None:
        return published
    return or_(
        published, and_(model.author_id == viewer_id, model.status == Status.PENDING.value)
    )


def can_see(status: str, author_id: int, viewer_id: int | None) -> bool:
    return status == Status.PUBLISHED.value or (viewer_id is not None and author_id == viewer_id)


# -- concepts ---------------------------------------------------------------------------


def _tag(row: Concept) -> ConceptTag:
    return ConceptTag(row.id, row.name, row.slug, row.category, row.tracks)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


async def resolve_concepts(
    session: AsyncSession, guild_id: int, refs: Iterable[str | None]
) -> tuple[ConceptTag, ...]:
    """Resolve autocomplete values (ids) or typed names among the concepts this server
    sees (the Concepts feature's visibility: base + overrides + own, published).
    Unknown, or another server's -> Invalid."""
    wanted = [r.strip() for r in refs if r and r.strip()]
    if not wanted:
        return ()
    if len(wanted) > MAX_CONCEPTS:
        raise Invalid(f"Tag at most {MAX_CONCEPTS} concepts.")
    found: list[ConceptTag] = []
    for ref in wanted:
        ref = ref[:NAME_MAX]
        row: Concept | None = None
        if ref.isdigit() and len(ref) <= 10:
            row = await resolve_visible(session, guild_id, int(ref))
        if row is None:
            row = await session.scalar(
                select(Concept)
                .where(
                    visible_clause(guild_id),
                    or_(func.lower(Concept.name) == ref.lower(), Concept.slug == _slugify(ref)),
                )
                # This server's own row first when a base row has the same name.
                .order_by(Concept.guild_id.desc(), Concept.id)
                .limit(1)
            )
        if row is None:
            raise Invalid(
                f"I don't know a concept called \u201c{ref[:60]}\u201d here: "
                "pick one from the suggestions."
            )
        if all(t.id != row.id for t in found):
            found.append(_tag(row))
    return tuple(found)


def track_for(concepts: Sequence[ConceptTag]) -> str | None:
    """Which track can help: derived from the tagged concepts' tracks."""
    tracks = {c.tracks for c in concepts} & {"frontend", "backend", "fullstack"}
    if tracks == {"frontend"}:
        return "frontend"
    if tracks == {"backend"}:
        return "backend"
    if tracks:
        return "fullstack"
    return None


# -- conversions ------------------------------------------------------------------------


def challenge_info(
    row: Challenge, concepts: Sequence[ConceptTag] = (), solution_count: int = 0
) -> ChallengeInfo:
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


def takeaway_info(row: Takeaway, concepts: Sequence[ConceptTag] = ()) -> TakeawayInfo:
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
        votes=row.votes or 0,
        created_at=row.created_at,
        concepts=tuple(concepts),
    )


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
