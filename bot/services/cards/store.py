"""Which public messages show which entry.

Only public messages are cards (an ephemeral answer is the asker's alone, and expires).
An entry keeps its CARDS_PER_ENTRY newest cards: older ones scrolled away long ago, and
following every one of them would cost a request each on every edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from bot.db import Database
from bot.db.models import EntryCard
from bot.errors import Invalid

CARD_KINDS = ("challenge", "takeaway", "concept")
CARDS_PER_ENTRY = 10


@dataclass(frozen=True)
class Card:
    channel_id: int
    message_id: int


async def remember_card(
    db: Database, guild_id: int, kind: str, entry_id: int, channel_id: int, message_id: int
) -> None:
    """Remember a public message showing the entry (idempotent), forgetting the entry's
    oldest cards beyond CARDS_PER_ENTRY."""
    if kind not in CARD_KINDS:
        raise Invalid(f"Unknown kind of card: {kind}.")
    async with db.sessions.begin() as s:
        if await s.get(EntryCard, message_id) is not None:
            return
        s.add(
            EntryCard(
                message_id=message_id,
                guild_id=guild_id,
                channel_id=channel_id,
                kind=kind,
                entry_id=entry_id,
            )
        )
        await s.flush()
        stale = (
            await s.scalars(
                select(EntryCard.message_id)
                .where(
                    EntryCard.guild_id == guild_id,
                    EntryCard.kind == kind,
                    EntryCard.entry_id == entry_id,
                )
                .order_by(EntryCard.message_id.desc())  # snowflakes grow with time
                .offset(CARDS_PER_ENTRY)
            )
        ).all()
        if stale:
            await s.execute(delete(EntryCard).where(EntryCard.message_id.in_(stale)))


async def cards_of(db: Database, guild_id: int, kind: str, entry_id: int) -> list[Card]:
    """The entry's remembered cards, newest first."""
    async with db.reader() as s:
        rows = await s.execute(
            select(EntryCard.channel_id, EntryCard.message_id)
            .where(
                EntryCard.guild_id == guild_id,
                EntryCard.kind == kind,
                EntryCard.entry_id == entry_id,
            )
            .order_by(EntryCard.message_id.desc())
        )
        return [Card(c, m) for c, m in rows]


async def forget_cards(db: Database, message_ids: Sequence[int]) -> None:
    """Messages that are gone (deleted by someone, or their channel)."""
    if not message_ids:
        return
    async with db.sessions.begin() as s:
        await s.execute(delete(EntryCard).where(EntryCard.message_id.in_(list(message_ids))))
