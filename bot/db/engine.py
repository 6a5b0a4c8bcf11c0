"""Engine and session factories.

SQLite gets WAL, a busy timeout, foreign keys and synchronous=FULL on every connection.
Write transactions start with BEGIN IMMEDIATE so a read that later writes can never fail
at once with "database is locked" (SQLAlchemy's pysqlite recipe: driver autocommit off,
BEGIN emitted by us). Read-only sessions use a deferred BEGIN so readers never queue
behind writers.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from bot.db.sqlite_driver import OneTripConnection, one_trip_dbapi
from bot.db.units import Unit, run_unit

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
# aiosqlite runs each connection in its own thread. SQLAlchemy's default pool keeps 5 and
# opens (thread start, file open, PRAGMAs) then closes an overflow connection for every
# burst above that: under load that churn made plain primary-key reads take 40-180 ms
# (bench/README.md). Keeping up to 16 open costs a thread and a lazily filled page cache
# each; overflow above that is still allowed so nested sessions can never starve.
SQLITE_POOL_SIZE = 16
SQLITE_MAX_OVERFLOW = 32
_READ_ONLY = "nexus_read_only"
T = TypeVar("T")
# PostgreSQL: a pooled connection idle longer than this is pinged before it is used (a
# proxy, a firewall or the server's idle timeout may have closed it meanwhile). One in
# steady use is not: a ping on every checkout (pool_pre_ping) was a third of a small
# server's digest. A connection that dies while in use (a server restart) fails its one
# unit of work; SQLAlchemy then sees the disconnect and replaces the rest of the pool.
PG_PING_AFTER_IDLE_SECONDS = 30.0
# A commit that did not wait for the disk (`Database.write_unit(durable=False)`) is on it
# within this many seconds: SQLite's WAL file is synced then (PostgreSQL's WAL writer does
# it within 3 x wal_writer_delay, 0.6 s by default).
WAL_SYNC_AFTER = 1.0


def _pg_on_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["nexus_idle_since"] = time.monotonic()


def _pg_on_checkout(dialect: Dialect, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    since = record.info.get("nexus_idle_since")
    if since is None or time.monotonic() - since < PG_PING_AFTER_IDLE_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as err:  # the pool discards it and checks out another (up to 3)
        raise exc.DisconnectionError("idle connection is gone") from err


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # the last connection closed: SQLite checkpointed and synced
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let us emit BEGIN ourselves (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    read_only = bool(conn.get_execution_options().get(_READ_ONLY))
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"
    dbapi_connection = conn.connection.dbapi_connection
    if isinstance(dbapi_connection, OneTripConnection):
        # Sent with the transaction's first statement: one thread hand-off fewer.
        dbapi_connection.begin_with_next_statement(begin, read_only=read_only)
    else:
        conn.exec_driver_sql(begin)


class WriteSessions:
    """The write-session factory: `async with db.sessions.begin() as s:`.

    On SQLite only one connection can hold the write lock, and a connection that finds it
    taken polls with growing sleeps (SQLite's busy handler), so under a burst of writes
    (e.g. votes) most of each write's latency was sleeping. Here writers of one process
    queue on an asyncio lock instead and start the moment the previous one commits; the
    busy timeout still arbitrates between processes. Write transactions never nest (on
    SQLite a nested BEGIN IMMEDIATE would wait for its own outer transaction).
    """

    def __init__(self, maker: async_sessionmaker[AsyncSession], serialise: bool) -> None:
        self.maker = maker
        self.serialise = serialise
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        # The task inside a write transaction (tasks it spawns inherit the value, but are
        # other tasks: they may queue for the lock).
        self._inside: ContextVar[asyncio.Task[Any] | None] = ContextVar(
            f"nexus_write_{id(self)}", default=None
        )

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            self._locks = {lp: lk for lp, lk in self._locks.items() if not lp.is_closed()}
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success and rolled back on error."""
        if not self.serialise:
            async with self.maker.begin() as session:
                yield session
            return
        task = asyncio.current_task()
        if task is not None and self._inside.get() is task:
            raise RuntimeError("write transactions must not nest (it would wait for itself)")
        token = self._inside.set(task)
        try:
            async with self._lock(), self.maker.begin() as session:
                yield session
        finally:
            self._inside.reset(token)


@dataclass
class Database:
    """The engine plus two session factories: `sessions` (writes) and `reader` (reads).

    `session_class` is this database's own ORM Session subclass: write listeners (cache
    invalidation, see `bot.db.write_events`) are registered on it, so they concern this
    database only. `provide`/`part` hold the per-database objects the services share
    (caches, write buffers); `bot.wiring.open_database` creates and registers them.
    """

    engine: AsyncEngine
    sessions: WriteSessions
    reader: async_sessionmaker[AsyncSession]
    session_class: type[Session]
    _parts: dict[type, Any] = field(default_factory=dict)
    # Background work that uses this database (index builds, catch-ups): dispose() lets it
    # finish, then cancels what is left, so no task is left holding a connection.
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    # Tasks that only wait (timers) and clean up when cancelled: cancelled at once.
    _interruptible: set[asyncio.Task[Any]] = field(default_factory=set)
    # SQLite's write-ahead log, synced after commits that did not wait for the disk.
    wal_path: Path | None = None
    _sync_due: bool = False

    def spawn(
        self, coro: Coroutine[Any, Any, T], *, name: str | None = None, interruptible: bool = False
    ) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if interruptible:
            self._interruptible.add(task)
            task.add_done_callback(self._interruptible.discard)
        return task

    def provide(self, part: Any) -> None:
        """Register the one object of its type (a cache, a buffer) for this database."""
        if type(part) in self._parts:
            raise RuntimeError(f"{type(part).__name__} is already wired into this database")
        self._parts[type(part)] = part

    def part(self, kind: type[T]) -> T:
        """The registered object of type `kind`; wiring it is `bot.wiring`'s job."""
        found = self._parts.get(kind)
        if found is None:
            raise RuntimeError(
                f"{kind.__name__} is not wired into this database: "
                "open it with bot.wiring.open_database()"
            )
        return cast(T, found)

    async def write_unit(
        self, fn: Callable[[Unit], T], *, durable: bool = True, one_trip: bool = True
    ) -> T:
        """One write transaction that is one unit of work (bot/db/units.py): a session from
        `sessions` (its turn in this process's write queue), the unit, its commit.

        `durable=False` is for writes a member may lose to a power cut but not to a crash
        of the bot (takeaway votes): the commit returns without waiting for the disk (on
        SQLite the transaction is in the WAL file, which outlives the process) and the
        disk is synced within WAL_SYNC_AFTER. `one_trip`: see `run_unit`."""
        async with self.sessions.begin() as s:
            result = await run_unit(s, fn, commit=True, durable=durable, one_trip=one_trip)
        if not durable:
            self._sync_soon()
        return result

    def _sync_soon(self) -> None:
        if self.wal_path is None or self._sync_due:
            return
        self._sync_due = True
        self.spawn(self._sync_wal(self.wal_path), name="wal-sync")

    async def _sync_wal(self, path: Path) -> None:
        try:
            await asyncio.sleep(WAL_SYNC_AFTER)
        finally:  # also when shutting down: nothing stays unsynced
            self._sync_due = False  # commits from now on schedule the next sync
            await asyncio.to_thread(_fsync, path)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @classmethod
    def create(cls, url: str, *, echo: bool = False) -> Database:
        kwargs: dict[str, Any] = {"echo": echo}
        wal_path: Path | None = None
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            parsed = make_url(url)
            if parsed.get_driver_name() == "aiosqlite":
                kwargs["module"] = one_trip_dbapi()
            if parsed.database not in (None, "", ":memory:") and "mode=memory" not in url:
                kwargs.update(pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_MAX_OVERFLOW)
                wal_path = Path(f"{parsed.database}-wal")
        else:
            kwargs.update(pool_size=10, max_overflow=20)
        engine = create_async_engine(url, **kwargs)
        if engine.dialect.name == "postgresql":
            event.listen(engine.sync_engine, "checkin", _pg_on_checkin)
            event.listen(
                engine.sync_engine, "checkout", functools.partial(_pg_on_checkout, engine.dialect)
            )
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
            event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        read_engine = engine.execution_options(**{_READ_ONLY: True})
        # A subclass per database: listeners registered on it see this database's sessions.
        session_class = type("NexusSession", (Session,), {})
        return cls(
            engine=engine,
            sessions=WriteSessions(
                async_sessionmaker(
                    engine, expire_on_commit=False, sync_session_class=session_class
                ),
                serialise=engine.dialect.name == "sqlite",
            ),
            reader=async_sessionmaker(
                read_engine, expire_on_commit=False, sync_session_class=session_class
            ),
            session_class=session_class,
            wal_path=wal_path,
        )

    async def settle(self, grace: float = 5.0) -> None:
        """Let background work finish (up to `grace` s); cancel what is still running then.

        Work is not cancelled at once because a task cancelled in the middle of an
        aiosqlite call gets its connection terminated (closed within a bounded wait, see
        `sqlite_driver`, and the work itself is lost). Interruptible work (timers that
        clean up when cancelled) is cancelled at once, and so is everything with grace 0."""
        for task in list(self._interruptible):
            task.cancel()
        pending = {t for t in self._tasks if not t.done()}
        if pending and grace > 0:
            _, pending = await asyncio.wait(pending, timeout=grace)
        for task in pending:  # grace 0: cancelled at once, before any of them runs again
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=grace)

    async def dispose(self, grace: float = 5.0) -> None:
        """Settle background work (see `settle`), then close the pool."""
        await self.settle(grace)
        await self.engine.dispose()
