"""Seeding the base knowledge base from data/concepts (filled in by the Concepts feature)."""

from __future__ import annotations

from bot.db import Database


async def seed_if_needed(db: Database) -> int:
    """Load the seed concepts when the base is empty or changed. Returns rows written."""
    return 0
