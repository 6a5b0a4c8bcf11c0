"""Shared pieces of the challenges, solutions and takeaways services.

Input validation, who-sees-what, concept tags, and ORM-row -> dataclass conversion.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db import Database
from bot.db.models import Challenge, Concept, Solution, Takeaway
from bot.db.sqlite_statements import ThreadStatement
from bot.db.types import EntryKind, Status, utcnow
from bot.errors import Invalid, NotFound
from bot.services import guilds, policy
from bot.services.concept_types import visible_clause
from bot.services.concepts import resolve_visible
from bot.services.entry_types import (
    CAPTURE_MAX,
    MAX_CONCEPTS,
    ChallengeInfo,
    ConceptTag,
    SolutionInfo,
    TakeawayInfo,
)

_Row = TypeVar("_Row")

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


def capture_text(content: str, instead: str) -> str:
    """The text of a chat message being saved; no text -> Invalid naming the command
    to use `instead` (e.g. "Use /solution add to write the solution in words.")."""
    text = clean_text(content, "That message", CAPTURE_MAX, required=False)
    if not text:
        raise Invalid(f"That message has no text to save (only attachments or embeds?). {instead}")
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
    return or_(published, and_(model.author_id == viewer_id, model.status == Status.PENDING.value))


def can_see(status: str, author_id: int, viewer_id: int | None) -> bool:
    return status == Status.PUBLISHED.value or (viewer_id is not None and author_id == viewer_id)


async def initial_status(
    db: Database,
    guild_id: int,
    kind: EntryKind,
    *,
    source_channel_id: int | None,
    by_moderator: bool,
) -> Status:
    """The status a new entry starts with, from this server's review settings."""
    cfg = await guilds.get_settings(db, guild_id)
    return policy.initial_status(
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
    # Control characters never name a concept (and PostgreSQL refuses NUL in a parameter).
    cleaned = (_CONTROL.sub("", r).strip() for r in refs if r)
    wanted = [r for r in cleaned if r]
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


@functools.cache
def _tags_statement(
    entry_col: InstrumentedAttribute[int], concept_col: InstrumentedAttribute[int]
) -> Select[int, int, str, str, str, str]:
    """Built once per link table: a statement object reused across calls keeps its cache
    key, so each execution skips rebuilding and re-keying it (about half the cost of a
    small read); the ids are one expanding parameter."""
    c = Concept
    return (
        select(entry_col, c.id, c.name, c.slug, c.category, c.tracks)
        .join(c, c.id == concept_col)
        .where(entry_col.in_(bindparam("ids", expanding=True)))
        .order_by(c.name, c.id)
    )


async def concept_tags(
    s: AsyncSession,
    entry_col: InstrumentedAttribute[int],
    concept_col: InstrumentedAttribute[int],
    ids: Sequence[int],
) -> dict[int, list[ConceptTag]]:
    """Concept tags of entries by id, through a link table (entry_col, concept_col),
    sorted by concept name."""
    tags: dict[int, list[ConceptTag]] = defaultdict(list)
    if not ids:
        return tags
    # Only the columns a tag shows (no ORM entities with bodies and links to build).
    rows = await s.execute(_tags_statement(entry_col, concept_col), {"ids": list(ids)})
    for entry_id, cid, name, slug, category, tracks in rows.all():
        tags[entry_id].append(ConceptTag(cid, name, slug, category, tracks))
    return tags


@functools.cache
def _tags_on_thread(
    entry_col: InstrumentedAttribute[int], concept_col: InstrumentedAttribute[int]
) -> ThreadStatement:
    c = Concept
    return ThreadStatement(
        select(entry_col, c.id, c.name, c.slug, c.category, c.tracks)
        .join(c, c.id == concept_col)
        .where(entry_col == bindparam("id"))
        .order_by(c.name, c.id)
    )


def concept_tags_on_thread(
    conn: sqlite3.Connection,
    entry_col: InstrumentedAttribute[int],
    concept_col: InstrumentedAttribute[int],
    ids: Sequence[int],
) -> dict[int, list[ConceptTag]]:
    """`concept_tags` on a SQLite connection's thread (inside `run_on_thread`)."""
    stmt = _tags_on_thread(entry_col, concept_col)
    tags: dict[int, list[ConceptTag]] = {}
    for i in ids:
        for entry_id, cid, name, slug, category, tracks in stmt.all(conn, id=i):
            tags.setdefault(entry_id, []).append(ConceptTag(cid, name, slug, category, tracks))
    return tags


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


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def source_url(guild_id: int, channel_id: int | None, message_id: int | None) -> str | None:
    """The jump link of the chat message an entry was saved from (None: not from chat)."""
    if channel_id is None or message_id is None:
        return None
    return jump_url(guild_id, channel_id, message_id)
