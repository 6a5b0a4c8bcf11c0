"""Lookup statistics are buffered and written in batches (bot.services.concepts.lookup_log)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import ConceptLookup, MissedLookup
from bot.services.concepts import lookup_log
from bot.services.concepts import service as concepts

A = 1001


async def _count(db: Database, model: type[ConceptLookup] | type[MissedLookup]) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_rows_are_written_by_the_timer(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup_log, "FLUSH_SECONDS", 0.05)
    await concepts.lookup(db, A, 1, "redis")
    await concepts.lookup(db, A, 1, "no such concept at all")
    for _ in range(40):
        if await _count(db, ConceptLookup) and await _count(db, MissedLookup):
            break
        await asyncio.sleep(0.01)
    assert await _count(db, ConceptLookup) == 1
    assert await _count(db, MissedLookup) == 1


async def test_a_full_buffer_is_written_at_once_and_flush_is_idempotent(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lookup_log, "FLUSH_SECONDS", 60.0)
    monkeypatch.setattr(lookup_log, "FLUSH_ROWS", 5)
    for i in range(5):
        await concepts.lookup(db, A, i, "redis")
    for _ in range(40):
        if await _count(db, ConceptLookup) == 5:
            break
        await asyncio.sleep(0.01)
    assert await _count(db, ConceptLookup) == 5
    assert await lookup_log.flush(db) == 0
    await concepts.lookup(db, A, 9, "redis")
    assert await lookup_log.flush(db) == 1
    assert await _count(db, ConceptLookup) == 6
