"""Per-server settings and small bot-wide state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class GuildSettings(Base):
    """One row per server; created with defaults the first time a server is seen."""

    __tablename__ = "guild_settings"
    __table_args__ = (Index("ux_guild_settings_web_slug", "web_slug", unique=True),)

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    moderator_role_id: Mapped[int | None] = mapped_column(BigInteger)
    mod_log_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    # Digest
    digest_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday
    digest_hour: Mapped[int] = mapped_column(Integer, default=17)
    digest_quiet_note: Mapped[bool] = mapped_column(Boolean, default=True)
    digest_failures: Mapped[int] = mapped_column(Integer, default=0)
    digest_disabled_reason: Mapped[str | None] = mapped_column(String(200))
    # Pairing
    pairing_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    pairing_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    pairing_cadence_days: Mapped[int] = mapped_column(Integer, default=7)
    pairing_weekday: Mapped[int] = mapped_column(Integer, default=0)
    pairing_hour: Mapped[int] = mapped_column(Integer, default=10)
    # Publishing policy: hold new entries of a kind for review?
    review_concepts: Mapped[bool] = mapped_column(Boolean, default=True)
    review_challenges: Mapped[bool] = mapped_column(Boolean, default=False)
    review_solutions: Mapped[bool] = mapped_column(Boolean, default=False)
    review_takeaways: Mapped[bool] = mapped_column(Boolean, default=False)
    # Channel ids whose captured messages are always held for review.
    private_channel_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Help forum: the forum channel whose posts become challenges; hours after a marked
    # solution before the post is closed, and of inactivity before one nudge (and as much
    # again before it is closed).
    help_forum_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    help_forum_archive_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    help_forum_nudge_hours: Mapped[int] = mapped_column(Integer, default=72, server_default="72")
    # The web knowledge hub (`nexus web`): off until the server opts in; names hidden
    # unless chosen; the server's address there (never its Discord id) and shown name.
    web_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    web_show_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    web_slug: Mapped[str | None] = mapped_column(String(40))
    web_title: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class BotState(Base):
    """Small key/value facts about the bot itself (e.g. the hash of the synced commands)."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(512))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MemberPrefs(Base):
    """Per-member preferences that outlive any single entry."""

    __tablename__ = "member_prefs"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    dm_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    # When a DM to this member was refused (DMs closed: 403/50007); none are tried for a
    # while after that, and /notifications dms:True clears it.
    dm_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # /privacy reuse:False: others may not save this member's messages, and nothing they
    # wrote is in the digest or an export (bot/services/consent).
    reuse_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The member keeps everything they wrote off the web hub (`/privacy web:False`).
    web_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
