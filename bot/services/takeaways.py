"""Takeaways: best practices and lessons, with one changeable upvote per member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.db import Database
from bot.db.models import Takeaway, TakeawayConcept, TakeawayVote
from bot.db.types import EntryKind, Status
from bot.errors import Invalid
from bot.services.entry_common import (
    clean_name,
    clean_text,
    concept_tags,
    get_visible,
    initial_status,
    lock_others_published,
    now_or,
    resolve_concepts,
    takeaway_info,
    visible_to,
)
from bot.services.entry_types import (
    TAKEAWAY_MAX,
    ConceptTag,
    Paged,
    TakeawayInfo,
    TakeawayKind,
    TakeawaySort,
    VoteResult,
)

NOT_FOUND = "I can't find that takeaway in this server (it may have been removed)."


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
        db, guild_id, EntryKind.TAKEAWAY,
        source_channel_id=source_channel_id, by_moderator=by_moderator,
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
    """Upvote, or withdraw the vote when pressed again. Counts are exact: the takeaway
    row is locked and its count recomputed from takeaway_votes in the same transaction."""
    async with db.sessions.begin() as s:
        row = await lock_others_published(
            s, Takeaway, takeaway_id, guild_id, user_id,
            not_found=NOT_FOUND,
            own="That's your own takeaway: upvotes are for the others to give.",
        )
        # Toggle with two plain statements (no ORM load and unit of work): the write lock
        # is held for as few round trips as possible.
        withdrawn = await s.execute(
            delete(TakeawayVote)
            .where(TakeawayVote.takeaway_id == row.id, TakeawayVote.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
        voted = not withdrawn.rowcount  # type: ignore[attr-defined]
        if voted:
            await s.execute(
                insert(TakeawayVote).values(
                    takeaway_id=row.id, user_id=user_id, created_at=now_or(now)
                )
            )
        # Recount and store in one statement.
        count = select(func.count()).where(TakeawayVote.takeaway_id == row.id).scalar_subquery()
        total = await s.scalar(
            update(Takeaway)
            .where(Takeaway.id == row.id)
            .values(votes=count)
            .returning(Takeaway.votes)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(row, "votes", int(total or 0))
    async with db.reader() as r:  # concept tags: read after the write lock is released
        tags = await _tags(r, [row.id])
    return VoteResult(
        voted=voted, votes=row.votes, takeaway=takeaway_info(row, tags.get(row.id, ()))
    )


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
