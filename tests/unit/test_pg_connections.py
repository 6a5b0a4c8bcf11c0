"""PostgreSQL connections that died in the pool: pinged when idle, replaced after one
failure when busy (no ping on every checkout: bot.db.engine.PG_PING_AFTER_IDLE_SECONDS)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db import Database, engine
from tests.dbutil import backend_name

pytestmark = pytest.mark.skipif(backend_name() != "postgresql", reason="PostgreSQL pool")


async def _pid(db: Database) -> int:
    async with db.reader() as s:
        return int(await s.scalar(text("SELECT pg_backend_pid()")))


async def _kill_the_pooled_connection(db: Database) -> int:
    """What a server restart or an idle timeout does to a pooled connection: its backend
    (whose pid is returned) is terminated while it waits in the pool."""
    pid = await _pid(db)
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()
    return pid


async def test_an_idle_connection_that_died_is_replaced_before_use(
    empty_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PG_PING_AFTER_IDLE_SECONDS", 0.0)
    first = await _kill_the_pooled_connection(empty_db)
    assert await _pid(empty_db) != first  # no error: the ping found it gone


async def test_a_busy_connection_that_died_fails_once_then_the_pool_recovers(
    empty_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PG_PING_AFTER_IDLE_SECONDS", 3600.0)
    first = await _kill_the_pooled_connection(empty_db)
    with pytest.raises(DBAPIError) as failed:
        await _pid(empty_db)
    assert failed.value.connection_invalidated
    assert await _pid(empty_db) != first
