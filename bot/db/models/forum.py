"""Help forum: one row per forum post Nexus follows (the post is a Discord thread)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class ForumPost(Base):
    """A help-forum post and the challenge it became.

    state: open (asking), solved (an answer was marked), closed (archived for
    inactivity), deleted (the post is gone from Discord; its challenge stays)."""

    __tablename__ = "forum_posts"
    __table_args__ = (Index("ix_forum_posts_guild_state", "guild_id", "state"),)

    thread_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    forum_id: Mapped[int] = mapped_column(BigInteger)
    challenge_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("challenges.id", ondelete="SET NULL")
    )
    author_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="open")
    answered: Mapped[bool] = mapped_column(Boolean, default=False)  # someone else replied
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    solution_message_id: Mapped[int | None] = mapped_column(BigInteger)
    archive_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when to close it
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
