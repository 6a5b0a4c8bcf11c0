"""Per member and kind of notification: muted or not, and the rate limit's memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import UTCDateTime


class MemberNotice(Base):
    """One row per (server, member, kind) once the member muted that kind or was DMed
    about it. `held`: events of that kind not DMed since `last_sent_at` (the rate limit
    held them back); the next DM of that kind summarises them."""

    __tablename__ = "member_notices"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held: Mapped[int] = mapped_column(Integer, default=0)
