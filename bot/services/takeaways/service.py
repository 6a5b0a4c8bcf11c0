"""Takeaways: best practices and lessons, with one changeable upvote per member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Takeaway, TakeawayConcept
from bot.db.types import EntryKind, Status
from bot.errors import Invalid
from bot.services.concepts import concept_tags, resolve_concepts
from bot.services.entries import (
    TAKEAWAY_MAX,
    ConceptTag,
    Paged,
    TakeawayInfo,
    TakeawayKind,
    TakeawaySort,
    VoteResult,
    clean_name,
    clean_text,
    get_visible,
    initial_status,
    now_or,
    takeaway_info,
    visible_to,
)
from bot.services.takeaways.votes import NOT_FOUND, vote_queue


def parse_kind(value: str) -> TakeawayKind:
    v = value.strip().lower().replace("_", " ")
    if v in ("practice", "best practice", "best-practice"):
        return TakeawayKind.PRACTICE
    if v in ("lesson", "lesson learned", "takeaway"):
        return TakeawayKind.LESSON
    raise Invalid("Pick the kind from the list: best practice or lesson.")


async def share_takeaway(
    db: Database,
    guild_id: int,
    *,
    author_id: int,
    author_name: str,
    kind: TakeawayKind | str,
    body: str,
    concepts: Sequence[str | None] = (),
    by_moderator: bool = False,
    source: str = "command",
    pair_id: int | None = None,
    source_channel_id: int | None = None,
    now: datetime | None = None,
) -> TakeawayInfo:
    """Record a takeaway. Pairing can pass source="pairing" and its pair_id."""
    kind = kind if isinstance(kind, TakeawayKind) else parse_kind(kind)
    text = clean_text(body, "The takeaway", TAKEAWAY_MAX)
    if source not in ("command", "pairing"):
        raise Invalid("Unknown takeaway source.")
    status = await initial_status(
        db,
        guild_id,
        EntryKind.TAKEAWAY,
        source_channel_id=source_channel_id,
        by_moderator=by_moderator,
    )
    when = now_or(now)
    async with db.sessions.begin() as s:
        tags = await resolve_concepts(s, guild_id, concepts)
        row = Takeaway(
            guild_id=guild_id,
            kind=kind.value,
            body=text,
            author_id=author_id,
            author_name=clean_name(author_name),
            source=source,
            pair_id=pair_id,
            status=status.value,
            votes=0,
            featured=False,
            created_at=when,
            updated_at=when,
        )
        s.add(row)
        await s.flush()
        for tag in tags:
            s.add(TakeawayConcept(takeaway_id=row.id, concept_id=tag.id))
        await s.flush()
        return takeaway_info(row, tags)


async def _tags(s: AsyncSession, ids: Sequence[int]) -> dict[int, list[ConceptTag]]:
    return await concept_tags(s, TakeawayConcept.takeaway_id, TakeawayConcept.concept_id, ids)


async def get_takeaway(
    db: Database, guild_id: int, takeaway_id: int, *, viewer_id: int | None
) -> TakeawayInfo:
    async with db.reader() as s:
        row = await get_visible(s, Takeaway, takeaway_id, guild_id, viewer_id, NOT_FOUND)
        tags = await _tags(s, [row.id])
        return takeaway_info(row, tags.get(row.id, ()))


async def toggle_vote(
    db: Database,
    guild_id: int,
    takeaway_id: int,
    *,
    user_id: int,
    now: datetime | None = None,
) -> VoteResult:
    """Upvote, or withdraw the vote when pressed again. Written with the other votes
    waiting at that moment, in one transaction (`bot.services.takeaways.votes`); counts are
    exact: the takeaway rows are locked and recounted from takeaway_votes."""
    return await vote_queue(db).vote(db, guild_id, takeaway_id, user_id, now_or(now))


async def list_takeaways(
    db: Database,
    guild_id: int,
    *,
    viewer_id: int,
    sort: TakeawaySort = TakeawaySort.TOP,
    kind: TakeawayKind | None = None,
    page: int = 0,
    per_page: int = 5,
) -> Paged[TakeawayInfo]:
    page = max(0, page)
    stmt = select(Takeaway).where(Takeaway.guild_id == guild_id, visible_to(Takeaway, viewer_id))
    if kind is not None:
        stmt = stmt.where(Takeaway.kind == kind.value)
    if sort is TakeawaySort.TOP:
        stmt = stmt.order_by(Takeaway.votes.desc(), Takeaway.created_at.desc(), Takeaway.id.desc())
    else:
        stmt = stmt.order_by(Takeaway.created_at.desc(), Takeaway.id.desc())
    async with db.reader() as s:
        rows = (await s.scalars(stmt.limit(per_page + 1).offset(page * per_page))).all()
        shown = rows[:per_page]
        tags = await _tags(s, [r.id for r in shown])
        items = tuple(takeaway_info(r, tags.get(r.id, ())) for r in shown)
    return Paged(items=items, page=page, per_page=per_page, has_next=len(rows) > per_page)


async def top_takeaways(
    db: Database, guild_id: int, since: datetime, until: datetime, limit: int = 5
) -> list[TakeawayInfo]:
    """Digest: published takeaways created in [since, until), most upvoted first."""
    async with db.reader() as s:
        rows = (
            await s.scalars(
                select(Takeaway)
                .where(
                    Takeaway.guild_id == guild_id,
                    Takeaway.status == Status.PUBLISHED.value,
                    Takeaway.created_at >= since,
                    Takeaway.created_at < until,
                )
                .order_by(Takeaway.votes.desc(), Takeaway.created_at, Takeaway.id)
                .limit(limit)
            )
        ).all()
        tags = await _tags(s, [r.id for r in rows])
        return [takeaway_info(r, tags.get(r.id, ())) for r in rows]
