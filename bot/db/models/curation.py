"""Curation: flags raised by members, the moderators' audit log, and posted digests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("guild_id", "entry_kind", "entry_id", "user_id"),
        Index("ix_flags_guild_open", "guild_id", "resolved"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    entry_kind: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(16))  # outdated|wrong|duplicate|inappropriate
    note: Mapped[str | None] = mapped_column(String(300))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_created", "guild_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    entry_kind: Mapped[str | None] = mapped_column(String(16))
    entry_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DigestPost(Base):
    """Claimed BEFORE posting: the unique (guild, period) row makes a digest exactly-once."""

    __tablename__ = "digest_posts"
    __table_args__ = (UniqueConstraint("guild_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(16))  # ISO date of the week's start
    status: Mapped[str] = mapped_column(String(16), default="claimed")  # claimed|posted|failed
    trigger: Mapped[str] = mapped_column(String(16), default="schedule")  # schedule|manual
    nonce: Mapped[str] = mapped_column(String(25))
    message_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
