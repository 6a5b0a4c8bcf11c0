"""Who sees an entry: review status, the author's own pending entries, locks."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.types import EntryKind, Status
from bot.errors import Invalid, NotFound
from bot.services import guilds

_Row = TypeVar("_Row")


STATUS_LABELS = MappingProxyType(
    {
        Status.PENDING.value: "pending review",
        Status.PUBLISHED.value: "published",
        Status.HIDDEN.value: "hidden",
        Status.REJECTED.value: "rejected",
        Status.AWAITING_AUTHOR.value: "waiting for its author's consent",
        Status.WITHDRAWN.value: "removed by its author",
    }
)
# In its author's hands, not the moderators': nothing a moderator does may publish these.
AUTHORS_ONLY = frozenset({Status.AWAITING_AUTHOR.value, Status.WITHDRAWN.value})


def visible_to(model: Any, viewer_id: int | None) -> ColumnElement[bool]:
    """What a member may read: published entries, plus every entry of their own (shown
    with its status: pending review, waiting for consent, hidden, rejected) except what
    they removed. Others' unpublished: never."""
    published = model.status == Status.PUBLISHED.value
    if viewer_id is None:
        return published
    own = and_(model.author_id == viewer_id, model.status != Status.WITHDRAWN.value)
    return or_(published, own)


def active_for(model: Any, viewer_id: int | None) -> ColumnElement[bool]:
    """What a member may act on (answer, pick as a target): published or own pending."""
    published = model.status == Status.PUBLISHED.value
    if viewer_id is None:
        return published
    return or_(published, and_(model.author_id == viewer_id, model.status == Status.PENDING.value))


def can_see(status: str, author_id: int, viewer_id: int | None) -> bool:
    if status == Status.WITHDRAWN.value:
        return False
    return status == Status.PUBLISHED.value or (viewer_id is not None and author_id == viewer_id)


async def initial_status(
    db: Database,
    guild_id: int,
    kind: EntryKind,
    *,
    source_channel_id: int | None,
    by_moderator: bool,
    awaiting_author: bool = False,
) -> Status:
    """The status a new entry starts with, from this server's review settings (or held
    for its author's consent: a capture of someone else's message in a private thread)."""
    if awaiting_author:
        return Status.AWAITING_AUTHOR
    cfg = await guilds.get_settings(db, guild_id)
    return guilds.initial_status(
        cfg, kind, source_channel_id=source_channel_id, by_moderator=by_moderator
    )


async def get_visible(
    s: AsyncSession,
    model: type[_Row],
    entry_id: int,
    guild_id: int,
    viewer_id: int | None,
    not_found: str,
) -> _Row:
    """One entry of this server the viewer may read (visible_to); else NotFound."""
    m: Any = model
    row = await s.scalar(
        select(m).where(m.id == entry_id, m.guild_id == guild_id, visible_to(m, viewer_id))
    )
    if row is None:
        raise NotFound(not_found)
    return row


async def lock_others_published(
    s: AsyncSession,
    model: type[_Row],
    entry_id: int,
    guild_id: int,
    user_id: int,
    *,
    not_found: str,
    own: str,
) -> _Row:
    """A published entry of this server, row-locked (so a count recomputed in the same
    transaction is exact), that `user_id` did not write. Else NotFound / Invalid(own)."""
    m: Any = model
    row = await s.scalar(
        select(m)
        .where(m.id == entry_id, m.guild_id == guild_id, m.status == Status.PUBLISHED.value)
        .with_for_update()
    )
    return others_published(row, guild_id, user_id, not_found=not_found, own=own)


def others_published(
    row: _Row | None, guild_id: int, user_id: int, *, not_found: str, own: str
) -> _Row:
    """`row` if `user_id` may act on it as someone else's published entry of this server;
    else NotFound / Invalid(own)."""
    entry: Any = row
    if entry is None or entry.guild_id != guild_id or entry.status != Status.PUBLISHED.value:
        raise NotFound(not_found)
    if entry.author_id == user_id:
        raise Invalid(own)
    return entry
