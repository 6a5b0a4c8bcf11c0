"""Shared pieces of curation: entry kinds, their models, scoping and snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.db.models import BASE_GUILD_ID, Challenge, Concept, ConceptEdit, Solution, Takeaway
from bot.db.types import EntryKind

Entry = Concept | Challenge | Solution | Takeaway | ConceptEdit

MODELS: dict[str, type[Any]] = {
    EntryKind.CONCEPT: Concept,
    EntryKind.CHALLENGE: Challenge,
    EntryKind.SOLUTION: Solution,
    EntryKind.TAKEAWAY: Takeaway,
    EntryKind.CONCEPT_EDIT: ConceptEdit,
}

FLAGGABLE_KINDS: tuple[str, ...] = (
    EntryKind.CONCEPT,
    EntryKind.CHALLENGE,
    EntryKind.SOLUTION,
    EntryKind.TAKEAWAY,
)

# Fields a moderator can edit per kind (also the fields an edit snapshots).
EDITABLE_FIELDS: dict[str, tuple[str, ...]] = {
    EntryKind.CONCEPT: ("name", "summary", "body"),
    EntryKind.CHALLENGE: ("title", "problem", "tried"),
    EntryKind.SOLUTION: ("body",),
    EntryKind.TAKEAWAY: ("body",),
}


def visible_guilds(kind: str, guild_id: int) -> tuple[int, ...]:
    """Which guild_id values an entry of `kind` may carry to be visible in `guild_id`."""
    if kind == EntryKind.CONCEPT:
        return (guild_id, BASE_GUILD_ID)
    return (guild_id,)


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
