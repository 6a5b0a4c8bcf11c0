"""Review actions: approve (or keep a flagged entry), reject, and edit.

Each action is ONE transaction containing the change, the resolved flags and exactly one
AuditLog row. Services don't check who may act: the cog checks moderators at run time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Concept, ConceptEdit, Flag
from bot.db.types import EntryKind, Status, utcnow
from bot.errors import Conflict, Invalid, NotFound
from bot.services.concepts import BODY_MAX, NAME_MAX, SUMMARY_MAX, guild_concept
from bot.services.moderation.entries import (
    EDITABLE_FIELDS,
    OPTIONAL_FIELDS,
    Actor,
    challenge_search_text,
    entry_title,
    kind_label,
    load_scoped,
    record_audit,
    resolve_flags,
    snapshot,
)
from bot.services.moderation.notify import dm_allowed

REASON_MAX = 300
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Keys a member's proposed concept edit may change, with their length limits (None: list).
PROPOSABLE: Mapping[str, int | None] = MappingProxyType(
    {
        "name": NAME_MAX,
        "summary": SUMMARY_MAX,
        "body": BODY_MAX,
        "category": 32,
        "tracks": 16,
        "aliases": None,
        "links": None,
        "related": None,
    }
)


@dataclass(frozen=True)
class ActionResult:
    action: str
    kind: str
    entry_id: int  # the row that changed (a server's override when a base concept was curated)
    requested_id: int
    title: str
    status: str
    audit_id: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    flags_resolved: int = 0
    featured: bool = False
    notify_user_id: int | None = None  # the author to DM (their preference allows it)


def clean_reason(reason: str | None, *, required: bool = True) -> str | None:
    text = _CONTROL.sub("", reason or "").strip()
    if not text:
        if required:
            raise Invalid("Please give a reason (it is shown to the author and in the log).")
        return None
    if len(text) > REASON_MAX:
        raise Invalid(f"The reason is {len(text)} characters; keep it to {REASON_MAX}.")
    return text


async def open_flag_count(s: AsyncSession, guild_id: int, kind: str, entry_id: int) -> int:
    count = await s.scalar(
        select(func.count(Flag.id)).where(
            Flag.guild_id == guild_id,
            Flag.entry_kind == kind,
            Flag.entry_id == entry_id,
            Flag.resolved.is_(False),
        )
    )
    return int(count or 0)


def _verify(concept: Concept, actor: Actor, now: datetime) -> None:
    concept.verified_by_id = actor.id
    concept.verified_by_name = actor.name[:100]
    concept.verified_at = now


async def approve(
    db: Database,
    guild_id: int,
    actor: Actor,
    kind: str,
    entry_id: int,
    *,
    now: datetime | None = None,
) -> ActionResult:
    """Publish a pending entry, apply a pending concept edit, or keep a flagged entry."""
    now = now or utcnow()
    async with db.sessions.begin() as s:
        row = await load_scoped(s, guild_id, kind, entry_id)
        if kind == EntryKind.CONCEPT_EDIT:
            return await _apply_concept_edit(s, guild_id, actor, row, now)
        flags = await open_flag_count(s, guild_id, kind, entry_id)
        before = {"status": row.status, "open_flags": flags}
        if row.status == Status.PENDING:
            action = "approve"
            row.status = Status.PUBLISHED
        elif row.status == Status.PUBLISHED and flags:
            action = "keep"  # flags reviewed, the entry stays as it is
        elif row.status == Status.PUBLISHED:
            raise Conflict(f"This {kind} is already published and has no open flags.")
        else:
            raise Conflict(f"This {kind} is {row.status}: use /curate restore to bring it back.")
        if kind == EntryKind.CONCEPT and row.guild_id == guild_id:
            _verify(row, actor, now)
        resolved = await resolve_flags(s, guild_id, kind, [entry_id])
        after = {"status": row.status, "open_flags": 0}
        audit = await record_audit(s, guild_id, actor, action, kind, entry_id, before, after)
        return ActionResult(
            action,
            kind,
            entry_id,
            entry_id,
            entry_title(kind, row),
            row.status,
            audit.id,
            before,
            after,
            flags_resolved=resolved,
            featured=bool(row.featured),
        )


def _clean_proposed(proposed: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key, limit in PROPOSABLE.items():
        if key not in proposed:
            continue
        value = proposed[key]
        if limit is None:
            if not isinstance(value, list):
                raise Invalid(f"The proposed `{key}` is not a list; edit the proposal first.")
        else:
            value = str(value or "").strip()
            if len(value) > limit or (not value and key != "body"):
                raise Invalid(f"The proposed `{key}` is empty or too long; edit it first.")
        changes[key] = value
    if not changes:
        raise Invalid("This proposal changes nothing; reject it instead.")
    return changes


async def _apply_concept_edit(
    s: AsyncSession, guild_id: int, actor: Actor, edit: ConceptEdit, now: datetime
) -> ActionResult:
    if edit.status != Status.PENDING:
        raise Conflict(f"This proposed edit was already {edit.status}.")
    concept = await s.get(Concept, edit.concept_id)
    if concept is None:
        raise NotFound("The concept this edit was proposed for no longer exists.")
    concept = await load_scoped(s, guild_id, EntryKind.CONCEPT, concept.id)
    if concept.merged_into_id is not None:
        raise Conflict(f"That concept was merged into #{concept.merged_into_id}; reject this edit.")
    target = await guild_concept(s, guild_id, concept)
    changes = _clean_proposed(dict(edit.proposed or {}))
    before = snapshot(target, list(changes))
    for key, value in changes.items():
        setattr(target, key, value)
    _verify(target, actor, now)
    edit.status = Status.PUBLISHED
    after = {**snapshot(target, list(changes)), "concept_id": target.id}
    audit = await record_audit(
        s, guild_id, actor, "approve", EntryKind.CONCEPT_EDIT, edit.id, before, after
    )
    return ActionResult(
        "approve",
        EntryKind.CONCEPT_EDIT,
        target.id,
        edit.id,
        str(target.name),
        edit.status,
        audit.id,
        before,
        after,
        featured=bool(target.featured),
    )


async def reject(
    db: Database,
    guild_id: int,
    actor: Actor,
    kind: str,
    entry_id: int,
    reason: str,
) -> ActionResult:
    """Reject a pending entry or edit; a flagged published entry is hidden. Author gets a DM."""
    text = clean_reason(reason)
    async with db.sessions.begin() as s:
        row = await load_scoped(s, guild_id, kind, entry_id)
        title = entry_title(kind, row)
        author_id: int | None = row.author_id
        target = row
        if kind == EntryKind.CONCEPT_EDIT:
            if row.status != Status.PENDING:
                raise Conflict(f"This proposed edit was already {row.status}.")
            new_status = Status.REJECTED
        elif row.status == Status.PENDING:
            new_status = Status.REJECTED
        elif row.status == Status.PUBLISHED:
            new_status = Status.HIDDEN
            if kind == EntryKind.CONCEPT:
                target = await guild_concept(s, guild_id, row)
                if row.guild_id != guild_id:
                    author_id = None  # base content has no member author to tell
        else:
            raise Conflict(f"This {kind_label(kind)} is already {row.status}.")
        before = {"status": target.status}
        target.status = new_status
        resolved = 0
        if kind != EntryKind.CONCEPT_EDIT:
            resolved = await resolve_flags(s, guild_id, kind, sorted({entry_id, target.id}))
        after = {"status": new_status}
        audit = await record_audit(
            s, guild_id, actor, "reject", kind, entry_id, before, after, text
        )
        notify = None
        if author_id and author_id != actor.id and await dm_allowed(s, guild_id, author_id):
            notify = author_id
        return ActionResult(
            "reject",
            kind,
            target.id,
            entry_id,
            title,
            new_status,
            audit.id,
            before,
            after,
            reason=text,
            flags_resolved=resolved,
            notify_user_id=notify,
        )


def clean_fields(kind: str, values: dict[str, str]) -> dict[str, str]:
    """Validate a moderator's edit: known fields, required ones non-blank, within limits."""
    limits = EDITABLE_FIELDS.get(kind)
    if limits is None:
        raise Invalid("That kind of entry can't be edited.")
    optional = OPTIONAL_FIELDS.get(kind, frozenset())
    clean: dict[str, str] = {}
    for key, value in values.items():
        if key not in limits:
            raise Invalid(f"`{key}` is not an editable field of a {kind_label(kind)}.")
        # Control characters go, as on every other write path (PostgreSQL refuses NUL).
        text = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
        if not text and key not in optional:
            raise Invalid(f"The {key} can't be empty.")
        if len(text) > limits[key]:
            raise Invalid(f"The {key} is {len(text)} characters; the limit is {limits[key]}.")
        clean[key] = text
    if not clean:
        raise Invalid("Nothing to change.")
    return clean


async def edit(
    db: Database,
    guild_id: int,
    actor: Actor,
    kind: str,
    entry_id: int,
    values: dict[str, str],
    *,
    now: datetime | None = None,
) -> ActionResult:
    """Change an entry's text fields (a base concept: this server's override row)."""
    now = now or utcnow()
    changes = clean_fields(kind, values)
    async with db.sessions.begin() as s:
        row = await load_scoped(s, guild_id, kind, entry_id)
        if kind == EntryKind.CONCEPT_EDIT:
            return await _edit_proposal(s, guild_id, actor, row, changes)
        current = snapshot(row, list(changes))
        changed = {k: v for k, v in changes.items() if current[k] != v}
        if not changed:
            raise Invalid("Nothing changed: the entry already says exactly that.")
        target: Any = await guild_concept(s, guild_id, row) if kind == EntryKind.CONCEPT else row
        before = snapshot(target, list(changed))
        for key, value in changed.items():
            setattr(target, key, value)
        if kind == EntryKind.CONCEPT:
            _verify(target, actor, now)
        elif kind == EntryKind.CHALLENGE:
            target.search_text = challenge_search_text(target)
        after = snapshot(target, list(changed))
        if target.id != entry_id:
            after["override_id"] = target.id
        audit = await record_audit(s, guild_id, actor, "edit", kind, entry_id, before, after)
        return ActionResult(
            "edit",
            kind,
            target.id,
            entry_id,
            entry_title(kind, target),
            target.status,
            audit.id,
            before,
            after,
            featured=bool(target.featured),
        )


async def _edit_proposal(
    s: AsyncSession,
    guild_id: int,
    actor: Actor,
    edit_row: ConceptEdit,
    changes: dict[str, str],
) -> ActionResult:
    if edit_row.status != Status.PENDING:
        raise Conflict(f"This proposed edit was already {edit_row.status}.")
    proposed = dict(edit_row.proposed or {})
    before = {"proposed": dict(proposed)}
    changed = {k: v for k, v in changes.items() if proposed.get(k) != v}
    if not changed:
        raise Invalid("Nothing changed: the proposal already says exactly that.")
    proposed.update(changed)
    edit_row.proposed = proposed
    after = {"proposed": dict(proposed)}
    audit = await record_audit(
        s, guild_id, actor, "edit", EntryKind.CONCEPT_EDIT, edit_row.id, before, after
    )
    return ActionResult(
        "edit",
        EntryKind.CONCEPT_EDIT,
        edit_row.id,
        edit_row.id,
        entry_title(EntryKind.CONCEPT_EDIT, edit_row),
        edit_row.status,
        audit.id,
        before,
        after,
    )
