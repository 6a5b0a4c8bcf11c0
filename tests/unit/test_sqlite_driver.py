"""The one-round-trip aiosqlite cursor: same results as a DBAPI cursor, one hand-off each."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import CursorResult, text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import Database
from bot.db.sqlite_driver import OneTripConnection, run_on_thread
from bot.wiring import open_database


@pytest.fixture
async def scratch(tmp_path: Path) -> Database:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}")
    async with db.sessions.begin() as s:
        await s.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    return db


async def test_statements_return_what_a_cursor_would(scratch: Database) -> None:
    try:
        async with scratch.sessions.begin() as s:
            inserted = await s.execute(text("INSERT INTO t (v) VALUES ('a')"))
            assert isinstance(inserted, CursorResult)
            assert inserted.lastrowid == 1 and inserted.rowcount == 1
            many = await s.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
            assert isinstance(many, CursorResult)
            assert many.rowcount == 2
            changed = await s.execute(text("UPDATE t SET v = v || '!' WHERE id > 1"))
            assert isinstance(changed, CursorResult)
            assert changed.rowcount == 2
            back = await s.execute(text("UPDATE t SET v = 'z' WHERE id = 1 RETURNING id, v"))
            assert back.all() == [(1, "z")]
            rows = await s.execute(text("SELECT id, v FROM t ORDER BY id"))
            assert list(rows.keys()) == ["id", "v"]
            assert rows.all() == [(1, "z"), (2, "b!"), (3, "c!")]
            deleted = await s.execute(text("DELETE FROM t WHERE id = 3"))
            assert isinstance(deleted, CursorResult) and deleted.rowcount == 1
        async with scratch.reader() as s:
            assert (await s.scalar(text("SELECT count(*) FROM t"))) == 2
            raw_conn = await (await s.connection()).get_raw_connection()
            assert isinstance(raw_conn.dbapi_connection, OneTripConnection)
    finally:
        await scratch.dispose()


async def test_errors_are_the_usual_sqlalchemy_errors(scratch: Database) -> None:
    try:
        with pytest.raises(IntegrityError):
            async with scratch.sessions.begin() as s:
                await s.execute(text("INSERT INTO t (v) VALUES ('x'), ('x')"))
        with pytest.raises(OperationalError):
            async with scratch.reader() as s:
                await s.execute(text("SELECT nope FROM t"))
        async with scratch.reader() as s:  # the connection is still good afterwards
            assert (await s.scalar(text("SELECT count(*) FROM t"))) == 0
    finally:
        await scratch.dispose()


async def test_one_thread_hand_off_per_statement(scratch: Database, hand_offs: list[str]) -> None:
    try:
        async with scratch.reader() as s:
            await s.execute(text("SELECT 1"))  # opens the transaction
            hand_offs.clear()
            assert (await s.execute(text("SELECT v FROM t"))).all() == []
            assert hand_offs == ["_run"]  # not cursor, execute, fetchall and close
    finally:
        await scratch.dispose()


async def test_transactions_cost_no_extra_hand_offs(
    scratch: Database, hand_offs: list[str]
) -> None:
    try:
        hand_offs.clear()
        async with scratch.reader() as s:
            assert (await s.execute(text("SELECT v FROM t"))).all() == []
        # BEGIN travels with the statement; the read's ROLLBACK is queued, not awaited.
        assert hand_offs == ["_run"]
        hand_offs.clear()
        async with scratch.sessions.begin() as s:
            await s.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert hand_offs == ["_run", "commit"]
        hand_offs.clear()
        async with scratch.reader() as s:  # no statement: no transaction, no hand-off
            pass
        async with scratch.sessions.begin() as s:
            pass
        assert hand_offs == []
    finally:
        await scratch.dispose()


def _insert_and_count(conn: sqlite3.Connection) -> tuple[bool, int]:
    conn.execute("INSERT INTO t (v) VALUES ('on the thread')")
    return conn.in_transaction, conn.execute("SELECT count(*) FROM t").fetchone()[0]


async def test_run_on_thread_is_one_hand_off_inside_the_sessions_transaction(
    scratch: Database, hand_offs: list[str]
) -> None:
    try:
        hand_offs.clear()
        async with scratch.sessions.begin() as s:
            conn = await s.connection()
            assert await run_on_thread(conn, _insert_and_count) == (True, 1)
            assert hand_offs == ["_call"]  # the deferred BEGIN went with it
            await s.rollback()
        async with scratch.reader() as s:  # rolled back with the session
            assert await s.scalar(text("SELECT count(*) FROM t")) == 0
        async with scratch.sessions.begin() as s:
            await run_on_thread(await s.connection(), _insert_and_count)
        async with scratch.reader() as s:  # committed with the session
            assert await s.scalar(text("SELECT count(*) FROM t")) == 1
    finally:
        await scratch.dispose()


def _insert_then_fail(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO t (v) VALUES ('second')")
    conn.execute("INSERT INTO t (v) VALUES ('second')")  # UNIQUE: raises


async def test_run_on_thread_can_commit_in_the_same_hand_off(
    scratch: Database, hand_offs: list[str]
) -> None:
    try:
        hand_offs.clear()
        async with scratch.sessions.begin() as s:
            assert await run_on_thread(await s.connection(), _insert_and_count, commit=True)
        assert hand_offs == ["_call"]  # BEGIN, the work and COMMIT; the session sent nothing
        async with scratch.reader() as s:
            assert await s.scalar(text("SELECT count(*) FROM t")) == 1
        with pytest.raises(sqlite3.IntegrityError):  # no COMMIT: 'second' is rolled back
            async with scratch.sessions.begin() as s:
                await run_on_thread(await s.connection(), _insert_then_fail, commit=True)
        async with scratch.sessions.begin() as s:  # and the connection is usable again
            await s.execute(text("INSERT INTO t (v) VALUES ('after')"))
        async with scratch.reader() as s:
            assert await s.scalar(text("SELECT count(*) FROM t")) == 2
    finally:
        await scratch.dispose()


async def test_deferred_begin_still_isolates(scratch: Database) -> None:
    """The BEGIN really is sent: a read sees one snapshot, a failed write leaves nothing."""
    try:
        async with scratch.reader() as r:
            assert await r.scalar(text("SELECT count(*) FROM t")) == 0
            async with scratch.sessions.begin() as w:
                await w.execute(text("INSERT INTO t (v) VALUES ('a')"))
            assert await r.scalar(text("SELECT count(*) FROM t")) == 0  # same snapshot
        async with scratch.reader() as r:  # the next read (same pooled connection) is fresh
            assert await r.scalar(text("SELECT count(*) FROM t")) == 1
        with pytest.raises(IntegrityError):
            async with scratch.sessions.begin() as w:
                await w.execute(text("INSERT INTO t (v) VALUES ('b')"))
                await w.execute(text("INSERT INTO t (v) VALUES ('a')"))
        async with scratch.reader() as r:
            assert await r.scalar(text("SELECT count(*) FROM t")) == 1
    finally:
        await scratch.dispose()


async def test_terminate_does_not_wait_forever_for_a_stuck_thread(
    scratch: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from bot.db import sqlite_driver

    monkeypatch.setattr(sqlite_driver, "TERMINATE_GRACE", 0.2)
    try:
        async with scratch.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            adapted = raw.dbapi_connection
            assert isinstance(adapted, OneTripConnection)
            aio = adapted._connection
            # The thread is busy for longer than the grace (as when stuck behind a lock).
            aio._tx.put_nowait((None, lambda: time.sleep(1.0)))
            started = time.monotonic()
            await conn.run_sync(lambda _: adapted.terminate())
            assert time.monotonic() - started < 0.9
            aio._thread.join(timeout=2.0)  # it finishes its work, then closes and stops
            assert not aio._thread.is_alive() and aio._connection is None
            await conn.invalidate()
    finally:
        await scratch.dispose()
