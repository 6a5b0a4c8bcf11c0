"""The messages Nexus posted showing an entry (its "cards"), so that they follow it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class EntryCard(Base):
    """One public message of Nexus showing a challenge (with its solutions) or a
    takeaway: edited when the entry is edited, hidden, restored or removed."""

    __tablename__ = "entry_cards"
    __table_args__ = (Index("ix_entry_cards_entry", "guild_id", "kind", "entry_id"),)

    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # challenge | takeaway | concept
    entry_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
