"""Pairing: learner profiles, rounds, pairs and their members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class PairProfile(Base):
    __tablename__ = "pair_profiles"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(100))
    track: Mapped[str] = mapped_column(String(16))  # frontend | backend | fullstack
    stack: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Local-time weekly availability: list of [weekday 0-6, start_hour, end_hour).
    availability: Mapped[list[Any]] = mapped_column(JSON, default=list)
    availability_text: Mapped[str] = mapped_column(String(200), default="")
    goals: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|paused|left
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ignored_rounds: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PairRound(Base):
    __tablename__ = "pair_rounds"
    __table_args__ = (UniqueConstraint("guild_id", "period_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    # Deterministic key of the scheduled period (or "manual-<interaction id>") so a round
    # is never created twice for the same slot, even by two processes.
    period_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | closed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    midpoint_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    midway_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    end_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    announced: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(BigInteger)


class Pair(Base):
    __tablename__ = "pairs"
    __table_args__ = (Index("ix_pairs_guild_round", "guild_id", "round_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    round_id: Mapped[int] = mapped_column(ForeignKey("pair_rounds.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    project: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(default=0.0)
    overlap_hours: Mapped[int] = mapped_column(Integer, default=0)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(16))  # met | not_yet | skip
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PairMember(Base):
    __tablename__ = "pair_members"
    __table_args__ = (Index("ix_pair_members_guild_user", "guild_id", "user_id"),)

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    side: Mapped[str] = mapped_column(String(16))  # frontend | backend
    responded: Mapped[bool] = mapped_column(Boolean, default=False)


class PairUnmatched(Base):
    """Who sat out a round, and why: nobody is left out silently."""

    __tablename__ = "pair_unmatched"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("pair_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300))
    notified: Mapped[bool] = mapped_column(Boolean, default=False)


class PairAvoid(Base):
    """A member's private "never pair me with": only they see it; the matcher obeys it."""

    __tablename__ = "pair_avoids"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    avoided_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    avoided_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
