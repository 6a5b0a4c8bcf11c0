"""Reading the moderators' audit log (rows are written by each action's own transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import AuditLog

ACTIONS = (
    "approve",
    "keep",
    "reject",
    "edit",
    "feature",
    "unfeature",
    "hide",
    "restore",
    "merge",
    "withdraw",
)
PAGE_SIZE = 8


@dataclass(frozen=True)
class AuditEntry:
    id: int
    actor_id: int
    actor_name: str
    action: str
    entry_kind: str | None
    entry_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    page: int
    total: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


def _entry(row: AuditLog) -> AuditEntry:
    return AuditEntry(
        row.id,
        row.actor_id,
        row.actor_name,
        row.action,
        row.entry_kind,
        row.entry_id,
        row.before,
        row.after,
        row.reason,
        row.created_at,
    )


async def list_audit(
    db: Database,
    guild_id: int,
    page: int = 0,
    *,
    kind: str | None = None,
    action: str | None = None,
    page_size: int = PAGE_SIZE,
) -> AuditPage:
    """This server's audit log, newest first, optionally filtered by entry kind and action."""
    where = [AuditLog.guild_id == guild_id]
    if kind:
        where.append(AuditLog.entry_kind == kind)
    if action:
        where.append(AuditLog.action == action)
    page = max(page, 0)
    async with db.reader() as s:
        total = int(await s.scalar(select(func.count(AuditLog.id)).where(*where)) or 0)
        rows = (
            await s.scalars(
                select(AuditLog)
                .where(*where)
                .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
                .offset(page * page_size)
                .limit(page_size)
            )
        ).all()
        return AuditPage(tuple(_entry(r) for r in rows), page, total, page_size)


async def get_audit(db: Database, guild_id: int, audit_id: int) -> AuditEntry | None:
    async with db.reader() as s:
        row = await s.get(AuditLog, audit_id)
        return _entry(row) if row is not None and row.guild_id == guild_id else None
