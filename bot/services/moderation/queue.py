"""The review queue: pending entries of every kind plus flagged published entries.

Ordering (oldest first, flags weighted): each entry's sort key is the moment it entered
the queue (created_at for pending entries; the first open flag for published ones, or the
earlier of the two) MINUS FLAG_WEIGHT for every open flag. So each flag moves an entry
ahead of anything that arrived up to 24 hours after it. Ties: kind, then id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Challenge, Concept, ConceptEdit, Flag
from bot.db.types import EntryKind, Status
from bot.services.entries import AUTHORS_ONLY
from bot.services.moderation.entries import (
    EDITABLE_FIELDS,
    MODELS,
    QUEUE_KINDS,
    entry_title,
    load_scoped,
    visible_guilds,
)

FLAG_WEIGHT = timedelta(hours=24)


@dataclass(frozen=True)
class AnsweredChallenge:
    """The challenge a queued solution answers (a solution means little without it)."""

    id: int
    title: str
    jump_url: str | None
    solved: bool
    status: str


@dataclass(frozen=True)
class QueueItem:
    kind: str
    entry_id: int
    title: str
    body: str
    author_id: int | None
    author_name: str | None
    status: str
    created_at: datetime
    open_flags: int
    flag_reasons: tuple[tuple[str, int], ...]  # (reason, how many), most frequent first
    jump_url: str | None
    source_channel_id: int | None
    is_base: bool
    featured: bool
    verified_by_name: str | None
    verified_at: datetime | None
    fields: tuple[tuple[str, str], ...]  # current editable values (edit modal prefill)
    # For a proposed concept edit: (field, current, proposed) of what it changes.
    proposal: tuple[tuple[str, str, str], ...] = ()
    concept_id: int | None = None
    answers: AnsweredChallenge | None = None  # solutions: the challenge they answer


@dataclass(frozen=True)
class QueuePage:
    item: QueueItem | None
    index: int
    total: int


@dataclass(frozen=True)
class _Candidate:
    key: datetime
    kind: str
    entry_id: int


async def _open_flags(s: AsyncSession, guild_id: int) -> dict[tuple[str, int], tuple[int, Any]]:
    rows = await s.execute(
        select(Flag.entry_kind, Flag.entry_id, func.count(Flag.id), func.min(Flag.created_at))
        .where(Flag.guild_id == guild_id, Flag.resolved.is_(False))
        .group_by(Flag.entry_kind, Flag.entry_id)
    )
    out: dict[tuple[str, int], tuple[int, Any]] = {}
    for kind, entry_id, count, first in rows:
        if isinstance(first, str):  # SQLite min() over a typed column returns text
            first = datetime.fromisoformat(first)
        if first is not None and first.tzinfo is None:
            first = first.replace(tzinfo=UTC)
        out[(str(kind), int(entry_id))] = (int(count), first)
    return out


async def _candidates(s: AsyncSession, guild_id: int) -> list[_Candidate]:
    flags = await _open_flags(s, guild_id)
    seen: dict[tuple[str, int], datetime] = {}
    for kind in QUEUE_KINDS:
        m: Any = MODELS[kind]
        rows = await s.execute(
            select(m.id, m.created_at).where(m.guild_id == guild_id, m.status == Status.PENDING)
        )
        for entry_id, created in rows:
            seen[(kind, int(entry_id))] = created
    by_kind: dict[str, list[int]] = {}
    for kind, entry_id in flags:
        if kind in QUEUE_KINDS and (kind, entry_id) not in seen:
            by_kind.setdefault(kind, []).append(entry_id)
    for kind, ids in by_kind.items():
        m = MODELS[kind]
        rows = await s.execute(
            select(m.id).where(
                m.id.in_(ids),
                m.guild_id.in_(visible_guilds(kind, guild_id)),
                m.status == Status.PUBLISHED,
            )
        )
        for (entry_id,) in rows:
            seen[(kind, int(entry_id))] = flags[(kind, int(entry_id))][1]
    out = []
    for (kind, entry_id), entered in seen.items():
        count, first_flag = flags.get((kind, entry_id), (0, None))
        if first_flag is not None and first_flag < entered:
            entered = first_flag
        out.append(_Candidate(entered - FLAG_WEIGHT * count, kind, entry_id))
    out.sort(key=lambda c: (c.key, c.kind, c.entry_id))
    return out


async def queue_order(db: Database, guild_id: int) -> list[tuple[str, int]]:
    """(kind, id) of every queued entry, in review order."""
    async with db.reader() as s:
        return [(c.kind, c.entry_id) for c in await _candidates(s, guild_id)]


async def get_queue_page(db: Database, guild_id: int, index: int) -> QueuePage:
    """The queued entry at position `index` (clamped), with the queue's length."""
    async with db.reader() as s:
        candidates = await _candidates(s, guild_id)
        if not candidates:
            return QueuePage(None, 0, 0)
        index = min(max(index, 0), len(candidates) - 1)
        c = candidates[index]
        item = await _item(s, guild_id, c.kind, c.entry_id)
        return QueuePage(item, index, len(candidates))


async def get_entry(db: Database, guild_id: int, kind: str, entry_id: int) -> QueueItem:
    """One entry as the queue shows it (NotFound outside this server)."""
    async with db.reader() as s:
        return await _item(s, guild_id, kind, entry_id)


async def _item(s: AsyncSession, guild_id: int, kind: str, entry_id: int) -> QueueItem:
    row = await load_scoped(s, guild_id, kind, entry_id)
    flag_rows = await s.execute(
        select(Flag.reason, func.count(Flag.id))
        .where(
            Flag.guild_id == guild_id,
            Flag.entry_kind == kind,
            Flag.entry_id == entry_id,
            Flag.resolved.is_(False),
        )
        .group_by(Flag.reason)
    )
    reasons = sorted(((str(r), int(n)) for r, n in flag_rows), key=lambda p: (-p[1], p[0]))
    proposal: tuple[tuple[str, str, str], ...] = ()
    concept_id = None
    fields_src: Any = row
    if kind == EntryKind.CONCEPT_EDIT:
        edit: ConceptEdit = row
        concept = await s.get(Concept, edit.concept_id)
        concept_id = edit.concept_id
        proposed = dict(edit.proposed or {})
        proposal = tuple(
            (k, str(getattr(concept, k, "") or ""), str(v))
            for k, v in proposed.items()
            if concept is not None and hasattr(concept, k)
        )
        title = f"Edit to {concept.name if concept else 'a removed concept'}"
        body = edit.note or ""
        fields = tuple(
            (k, str(proposed.get(k, getattr(concept, k, "") if concept else "") or ""))
            for k in EDITABLE_FIELDS[kind]
        )
        fields_src = None
    else:
        title = entry_title(kind, row)
        body = _body(kind, row)
        fields = tuple((k, str(getattr(fields_src, k) or "")) for k in EDITABLE_FIELDS[kind])
    answers = None
    if kind == EntryKind.SOLUTION:
        ch = await s.get(Challenge, row.challenge_id)
        if ch is not None and ch.guild_id == guild_id:
            answers = AnsweredChallenge(ch.id, ch.title, ch.jump_url, bool(ch.solved), ch.status)
    return QueueItem(
        kind=kind,
        entry_id=entry_id,
        title=title,
        body=body,
        author_id=getattr(row, "author_id", None),
        author_name=getattr(row, "author_name", None),
        status=row.status,
        created_at=row.created_at,
        open_flags=sum(n for _, n in reasons),
        flag_reasons=tuple(reasons),
        jump_url=getattr(row, "jump_url", None),
        source_channel_id=getattr(row, "source_channel_id", None),
        is_base=kind == EntryKind.CONCEPT and row.guild_id != guild_id,
        featured=bool(getattr(row, "featured", False)),
        verified_by_name=getattr(row, "verified_by_name", None),
        verified_at=getattr(row, "verified_at", None),
        fields=fields,
        proposal=proposal,
        concept_id=concept_id,
        answers=answers,
    )


def _body(kind: str, row: Any) -> str:
    if kind == EntryKind.CONCEPT:
        return f"{row.summary}\n\n{row.body}".strip()
    if kind == EntryKind.CHALLENGE:
        ch: Challenge = row
        parts = [ch.problem or ""]
        if ch.tried:
            parts.append(f"Tried: {ch.tried}")
        return "\n\n".join(parts)
    return str(row.body)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


async def search_entries(
    db: Database, guild_id: int, kind: str, query: str, limit: int = 25
) -> list[tuple[int, str]]:
    """Autocomplete: (id, label) of this server's entries of `kind` matching `query`."""
    m: Any = MODELS.get(kind)
    if m is None or kind == EntryKind.CONCEPT_EDIT:
        return []
    text_col = getattr(m, {"concept": "name", "challenge": "title"}.get(kind, "body"))
    stmt = select(m).where(
        m.guild_id.in_(visible_guilds(kind, guild_id)), m.status.not_in(AUTHORS_ONLY)
    )
    # Control characters out first: PostgreSQL refuses a NUL in any text parameter.
    q = " ".join(_CONTROL.sub(" ", query).split())[:100].lower()
    if q:
        cond = func.lower(text_col).contains(q, autoescape=True)
        if q.lstrip("#").isascii() and q.lstrip("#").isdigit():
            cond = cond | (m.id == int(q.lstrip("#")[:18]))
        stmt = stmt.where(cond)
    stmt = stmt.order_by(m.guild_id.desc(), m.id.desc()).limit(limit)
    async with db.reader() as s:
        rows = (await s.scalars(stmt)).all()
    out = []
    for row in rows:
        base = " (base)" if kind == EntryKind.CONCEPT and row.guild_id != guild_id else ""
        state = "" if row.status == Status.PUBLISHED else f" [{row.status}]"
        label = f"#{row.id} {' '.join(entry_title(kind, row).split())}"
        suffix = f"{base}{state}"
        out.append((int(row.id), label[: 100 - len(suffix)] + suffix))
    return out
