"""Nexus's public messages showing an entry ("cards"): remembered so that an edit,
hiding, restoring or removal of the entry reaches them too."""

from bot.services.cards.store import (
    CARD_KINDS,
    CARDS_PER_ENTRY,
    Card,
    cards_of,
    forget_cards,
    remember_card,
)

__all__ = [
    "CARDS_PER_ENTRY",
    "CARD_KINDS",
    "Card",
    "cards_of",
    "forget_cards",
    "remember_card",
]
