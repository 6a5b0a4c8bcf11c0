"""SQLite connection settings and write transactions that never fail with 'locked'."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text

from bot.db import Database
from bot.db.models import BotState
from bot.wiring import open_database
from tests.dbutil import backend_name

sqlite_only = pytest.mark.skipif(backend_name() != "sqlite", reason="SQLite pragmas")


@sqlite_only
async def test_pragmas_per_connection(db: Database) -> None:
    async with db.sessions.begin() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await session.execute(text("PRAGMA synchronous"))).scalar() == 2  # FULL
        busy_timeout = (await session.execute(text("PRAGMA busy_timeout"))).scalar()
        assert busy_timeout is not None and busy_timeout >= 5000


async def test_concurrent_read_then_write_never_locks(db: Database) -> None:
    """40 concurrent read-modify-write transactions: all succeed, no lost update."""
    async with db.sessions.begin() as session:
        session.add(BotState(key="counter", value="0"))

    async def bump() -> None:
        async with db.sessions.begin() as session:
            row = await session.get(BotState, "counter", with_for_update=True)
            assert row is not None
            await asyncio.sleep(0)
            row.value = str(int(row.value) + 1)

    # Separate engines = separate connections, as separate processes would have.
    others = [open_database(db.engine.url.render_as_string(hide_password=False)) for _ in range(3)]
    try:
        await asyncio.gather(
            *(bump() for _ in range(20)), *(_bump_with(o) for o in others for _ in range(7))
        )
    finally:
        for o in others:
            await o.dispose()
    async with db.reader() as session:
        row = await session.get(BotState, "counter")
        assert row is not None and row.value == str(20 + 21)


async def _bump_with(database: Database) -> None:
    async with database.sessions.begin() as session:
        row = await session.get(BotState, "counter", with_for_update=True)
        assert row is not None
        await asyncio.sleep(0)
        row.value = str(int(row.value) + 1)


@sqlite_only
async def test_a_burst_of_readers_keeps_its_connections_open(db: Database) -> None:
    """Opening an aiosqlite connection starts a thread: bursts must not open and close them."""
    opened: list[object] = []

    def on_connect(dbapi_connection: object, _record: object) -> None:
        opened.append(dbapi_connection)

    event.listen(db.engine.sync_engine, "connect", on_connect)
    release = asyncio.Event()

    async def read() -> None:
        async with db.reader() as session:
            await session.execute(text("SELECT 1"))
            await release.wait()

    try:
        for _ in range(2):  # the second burst reuses the first one's connections
            tasks = [asyncio.create_task(read()) for _ in range(12)]
            await asyncio.sleep(0.2)
            release.set()
            await asyncio.gather(*tasks)
            release.clear()
    finally:
        event.remove(db.engine.sync_engine, "connect", on_connect)
    assert len(opened) <= 12


async def test_writers_queue_instead_of_polling_and_never_nest(db: Database) -> None:
    """A burst of writes on one Database: all commit, in order, none waits for itself."""
    async with db.sessions.begin() as session:
        session.add(BotState(key="queue", value=""))
    order: list[int] = []

    async def append(i: int) -> None:
        async with db.sessions.begin() as session:
            row = await session.get(BotState, "queue", with_for_update=True)  # PostgreSQL
            assert row is not None
            await asyncio.sleep(0.001)  # hold the transaction across an await
            row.value += f"{i},"
            order.append(i)

    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(asyncio.gather(*(append(i) for i in range(30))), 20)
    elapsed = asyncio.get_running_loop().time() - started
    async with db.reader() as session:
        row = await session.get(BotState, "queue")
    assert row is not None and sorted(int(v) for v in row.value.split(",") if v) == list(range(30))
    assert elapsed < 10  # nobody slept through SQLite's busy handler backoff for long
    if db.is_sqlite:
        assert order == list(range(30))  # first come, first served
        with pytest.raises(RuntimeError, match="must not nest"):
            async with db.sessions.begin(), db.sessions.begin():
                pass


async def test_dispose_lets_background_work_finish_and_interrupts_timers(tmp_path: object) -> None:
    from pathlib import Path

    database = open_database(f"sqlite+aiosqlite:///{Path(str(tmp_path)) / 'd.db'}")
    finished: list[str] = []

    async def work() -> None:
        await asyncio.sleep(0.05)  # still running when dispose starts
        async with database.reader() as session:
            await session.execute(text("SELECT 1"))
        finished.append("work")

    async def timer() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            finished.append("timer")

    database.spawn(work(), name="work")
    database.spawn(timer(), name="timer", interruptible=True)
    await asyncio.wait_for(database.dispose(grace=5), 10)
    assert sorted(finished) == ["timer", "work"]  # work completed, not cancelled mid-read
