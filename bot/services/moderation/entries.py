"""Shared pieces of curation: entry kinds, their models, server scoping, snapshots, audit.

Scoping: an entry is visible in server G when its guild_id is G, or, for concepts only,
when it is a base concept (guild 0). A base concept is never modified: curating it in G
writes G's override row (guild_id G, overrides_id = base id), created on first need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    BASE_GUILD_ID,
    AuditLog,
    Challenge,
    Concept,
    ConceptEdit,
    Flag,
    Solution,
    Takeaway,
)
from bot.db.types import EntryKind, Status
from bot.errors import Conflict, NotFound
from bot.services.concepts import BODY_MAX, NAME_MAX, SUMMARY_MAX
from bot.services.entries import AUTHORS_ONLY

MODELS: Mapping[str, type[Any]] = MappingProxyType(
    {
        EntryKind.CONCEPT: Concept,
        EntryKind.CHALLENGE: Challenge,
        EntryKind.SOLUTION: Solution,
        EntryKind.TAKEAWAY: Takeaway,
        EntryKind.CONCEPT_EDIT: ConceptEdit,
    }
)

FLAGGABLE_KINDS: tuple[str, ...] = (
    EntryKind.CONCEPT,
    EntryKind.CHALLENGE,
    EntryKind.SOLUTION,
    EntryKind.TAKEAWAY,
)
QUEUE_KINDS: tuple[str, ...] = (*FLAGGABLE_KINDS, EntryKind.CONCEPT_EDIT)

# Fields a moderator can edit per kind, with their maximum lengths (modal-enforced too).
# Concepts use the Concepts feature's own limits so an edit never breaks its renderers.
_CONCEPT_LIMITS = MappingProxyType({"name": NAME_MAX, "summary": SUMMARY_MAX, "body": BODY_MAX})
EDITABLE_FIELDS: Mapping[str, Mapping[str, int]] = MappingProxyType(
    {
        EntryKind.CONCEPT: _CONCEPT_LIMITS,
        EntryKind.CONCEPT_EDIT: _CONCEPT_LIMITS,
        EntryKind.CHALLENGE: MappingProxyType({"title": 200, "problem": 4000, "tried": 4000}),
        EntryKind.SOLUTION: MappingProxyType({"body": 4000}),
        EntryKind.TAKEAWAY: MappingProxyType({"body": 4000}),
    }
)
OPTIONAL_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        EntryKind.CONCEPT: frozenset({"body"}),
        EntryKind.CONCEPT_EDIT: frozenset({"body"}),
        EntryKind.CHALLENGE: frozenset({"tried"}),
    }
)

# Columns copied when a server overrides a base concept.

UNKNOWN = "I can't find that {kind} in this server."


@dataclass(frozen=True)
class Actor:
    """The moderator doing something (id and display name at that moment)."""

    id: int
    name: str


def visible_guilds(kind: str, guild_id: int) -> tuple[int, ...]:
    """Which guild_id values an entry of `kind` may carry to be visible in `guild_id`."""
    if kind == EntryKind.CONCEPT:
        return (guild_id, BASE_GUILD_ID)
    return (guild_id,)


def kind_label(kind: str) -> str:
    return "concept edit" if kind == EntryKind.CONCEPT_EDIT else str(kind)


async def load_scoped(s: AsyncSession, guild_id: int, kind: str, entry_id: int) -> Any:
    """The row of (kind, id) if visible in this server, else NotFound (never other servers)."""
    model = MODELS.get(kind)
    if model is None:
        raise NotFound("Unknown kind of entry.")
    row = await s.get(model, entry_id)
    if row is None or row.guild_id not in visible_guilds(kind, guild_id):
        raise NotFound(UNKNOWN.format(kind=kind_label(kind)))
    if row.status == Status.AWAITING_AUTHOR:
        raise Conflict(
            f"That {kind_label(kind)} was saved from a private thread and waits for its "
            "author's consent: until they agree it is theirs alone, not the moderators'."
        )
    if row.status in AUTHORS_ONLY:
        raise NotFound(f"Its author removed that {kind_label(kind)}.")
    return row


def challenge_search_text(c: Challenge) -> str:
    return " ".join(p for p in (c.title, c.problem, c.tried) if p)


def entry_title(kind: str, row: Any) -> str:
    if kind == EntryKind.CONCEPT:
        return str(row.name)
    if kind == EntryKind.CHALLENGE:
        return str(row.title)
    if kind == EntryKind.CONCEPT_EDIT:
        return f"Proposed edit #{row.id} to concept #{row.concept_id}"
    return " ".join(str(row.body).split())[:100]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(row: Any, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """JSON-safe copy of the given fields of a row (for the audit log)."""
    return {name: _plain(getattr(row, name)) for name in fields}


async def resolve_flags(s: AsyncSession, guild_id: int, kind: str, entry_ids: list[int]) -> int:
    """Mark this server's open flags on the entries resolved; returns how many."""
    result = await s.execute(
        update(Flag)
        .where(
            Flag.guild_id == guild_id,
            Flag.entry_kind == kind,
            Flag.entry_id.in_(entry_ids),
            Flag.resolved.is_(False),
        )
        .values(resolved=True)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def record_audit(
    s: AsyncSession,
    guild_id: int,
    actor: Actor,
    action: str,
    kind: str | None,
    entry_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
) -> AuditLog:
    """One audit row, in the caller's transaction (so it commits with the change or not)."""
    row = AuditLog(
        guild_id=guild_id,
        actor_id=actor.id,
        actor_name=actor.name[:100],
        action=action,
        entry_kind=kind,
        entry_id=entry_id,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        reason=reason[:500] if reason else None,
    )
    s.add(row)
    await s.flush()
    return row
