"""Feature, hide and restore entries (one transaction, one audit row each)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Challenge, Concept, Solution, Takeaway
from bot.db.types import EntryKind, Status
from bot.errors import Conflict, Invalid
from bot.services.concepts import existing_override, guild_concept
from bot.services.moderation.actions import ActionResult, clean_reason
from bot.services.moderation.entries import (
    FLAGGABLE_KINDS,
    Actor,
    entry_title,
    load_scoped,
    record_audit,
    resolve_flags,
)
from bot.services.moderation.notify import dm_allowed


def _check_kind(kind: str) -> None:
    if kind not in FLAGGABLE_KINDS:
        raise Invalid("Pick a concept, challenge, solution or takeaway.")


async def toggle_feature(
    db: Database, guild_id: int, actor: Actor, kind: str, entry_id: int
) -> ActionResult:
    """Featured entries lead the weekly digest. Pressing again un-features."""
    _check_kind(kind)
    async with db.sessions.begin() as s:
        row = await load_scoped(s, guild_id, kind, entry_id)
        target: Any = await guild_concept(s, guild_id, row) if kind == EntryKind.CONCEPT else row
        if target.status != Status.PUBLISHED:
            raise Invalid(f"Only published entries can be featured; this one is {target.status}.")
        before = {"featured": bool(target.featured)}
        target.featured = not target.featured
        after = {"featured": bool(target.featured)}
        action = "feature" if target.featured else "unfeature"
        audit = await record_audit(s, guild_id, actor, action, kind, entry_id, before, after)
        return ActionResult(
            action,
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


async def hide(
    db: Database, guild_id: int, actor: Actor, kind: str, entry_id: int, reason: str
) -> ActionResult:
    """Take an entry out of this server's view (a base concept: via this server's override)."""
    _check_kind(kind)
    text = clean_reason(reason)
    async with db.sessions.begin() as s:
        row = await load_scoped(s, guild_id, kind, entry_id)
        target: Any = await guild_concept(s, guild_id, row) if kind == EntryKind.CONCEPT else row
        if target.status == Status.HIDDEN:
            raise Conflict(f"This {kind} is already hidden.")
        before = {"status": target.status}
        target.status = Status.HIDDEN
        resolved = await resolve_flags(s, guild_id, kind, sorted({entry_id, target.id}))
        after = {"status": Status.HIDDEN.value}
        audit = await record_audit(s, guild_id, actor, "hide", kind, entry_id, before, after, text)
        # The author hears why (a base concept has no member author to tell).
        author = getattr(row, "author_id", None) if row.guild_id == guild_id else None
        notify = None
        if author and author != actor.id and await dm_allowed(s, guild_id, author):
            notify = author
        return ActionResult(
            "hide",
            kind,
            target.id,
            entry_id,
            entry_title(kind, target),
            target.status,
            audit.id,
            before,
            after,
            reason=text,
            flags_resolved=resolved,
            featured=bool(target.featured),
            notify_user_id=notify,
        )


async def restore(
    db: Database, guild_id: int, actor: Actor, kind: str, entry_id: int
) -> ActionResult:
    """Publish a hidden or rejected entry again (merged duplicates stay merged)."""
    _check_kind(kind)
    async with db.sessions.begin() as s:
        row = await load_scoped(s, guild_id, kind, entry_id)
        target: Any = row
        if kind == EntryKind.CONCEPT:
            target = await existing_override(s, guild_id, row) or row
        if getattr(target, "merged_into_id", None) is not None:
            raise Conflict(
                f"This {kind} was merged into #{target.merged_into_id}; it stays merged."
            )
        if target.status not in (Status.HIDDEN, Status.REJECTED):
            raise Conflict(f"This {kind} is {target.status}, not hidden: nothing to restore.")
        before = {"status": target.status}
        target.status = Status.PUBLISHED
        after = {"status": Status.PUBLISHED.value}
        audit = await record_audit(s, guild_id, actor, "restore", kind, entry_id, before, after)
        return ActionResult(
            "restore",
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


async def featured_ids(db: Database, guild_id: int) -> dict[str, list[int]]:
    """Published featured entries of this server per kind (the digest puts them first).

    Featured base concepts are this server's override rows, so guild_id alone suffices.
    """
    out: dict[str, list[int]] = {}
    async with db.reader() as s:
        for kind, model in (
            (EntryKind.CONCEPT, Concept),
            (EntryKind.CHALLENGE, Challenge),
            (EntryKind.SOLUTION, Solution),
            (EntryKind.TAKEAWAY, Takeaway),
        ):
            m: Any = model
            ids = await s.scalars(
                select(m.id)
                .where(m.guild_id == guild_id, m.featured.is_(True), m.status == Status.PUBLISHED)
                .order_by(m.id)
            )
            out[str(kind)] = [int(i) for i in ids]
    return out
