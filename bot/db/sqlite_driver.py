"""SQLAlchemy's aiosqlite adapter with one thread round trip per statement.

aiosqlite runs each connection in its own thread, and SQLAlchemy's adapter sends every
step of a statement there separately: create a cursor, execute, fetch the rows, close
the cursor — four hand-offs between the event loop and that thread per statement, each
waiting for the GIL and a wake-up. Under load those hand-offs, not SQLite, were most of
the cost of a small read or a vote (bench/README.md). This cursor does all four steps
in one call on the connection's thread and keeps the results (rows, description,
rowcount, lastrowid) on the adapter, which is all SQLAlchemy reads from a cursor.

Transactions cost hand-offs too: BEGIN, then the statements, then COMMIT or ROLLBACK.
`begin_with_next_statement` defers the BEGIN to the first statement's trip (a transaction
that never runs a statement then needs no trip at all), and a read-only transaction's
ROLLBACK is queued without waiting for it: the connection's thread runs its queue in
order, so whoever uses the connection next still starts after the ROLLBACK.

Work that needs several dependent statements can go further: `run_on_thread` runs a
plain function with the sqlite3 connection on that thread, all of its statements in one
trip. Services use it through units of work (bot/db/units.py, the same function on
PostgreSQL); only the FTS5 search (bot/services/challenges/search_fts.py) calls it directly.

Everything else (connections, errors, server-side cursors) is the stock adapter's; it is
passed to `create_async_engine(module=...)` by `Database.create`.

Private APIs, and why: neither SQLAlchemy nor aiosqlite has a public hook for "run these
steps in one hand-off", so this module subclasses SQLAlchemy's aiosqlite adapter classes
(`AsyncAdapt_aiosqlite_connection`, `_cursor`, `_dbapi`, and their `_connection`,
`_execute_mutex`) and calls aiosqlite's `Connection._execute` with its `_conn`. These are
proven against the versions pinned in pyproject.toml (SQLAlchemy >=2.0.36,<2.2;
aiosqlite >=0.20,<0.23); tests/unit/test_sqlite_private_api.py checks the installed
versions are in that range and that every private name used still exists.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import sqlite3
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

log = logging.getLogger(__name__)
TERMINATE_GRACE = 2.0  # seconds a terminated connection's thread gets to close it
_Result = tuple[Any, list[Any], int, int | None]
T = TypeVar("T")


def _run(
    conn: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> _Result:
    """On the connection's thread: the deferred BEGIN if any, then the whole statement."""
    if begin is not None:
        conn.execute(begin)
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _call(
    conn: sqlite3.Connection,
    begin: str | None,
    fn: Callable[[sqlite3.Connection], T],
    commit: bool,
    durable: bool = True,
) -> T:
    # SQLite's safety level cannot change inside a transaction: only a transaction that
    # starts here (its BEGIN is in this trip) can commit without waiting for the disk.
    relax = commit and not durable and begin is not None
    if not relax:
        if begin is not None:
            conn.execute(begin)
        result = fn(conn)
        if commit:
            conn.execute("COMMIT")
        return result
    (level,) = conn.execute("PRAGMA synchronous").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        conn.execute(begin)  # type: ignore[arg-type]  # relax implies a BEGIN
        result = fn(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # ended here, so the level can be restored (the session's
            conn.rollback()  # own rollback then finds nothing to undo)
        raise
    finally:
        if not conn.in_transaction:
            conn.execute(f"PRAGMA synchronous = {int(level)}")
    return result


async def run_on_thread(
    connection: AsyncConnection,
    fn: Callable[[sqlite3.Connection], T],
    *,
    commit: bool = False,
    durable: bool = True,
) -> T:
    """Run `fn(sqlite3_connection)` on the connection's thread, in the session's transaction
    (its deferred BEGIN goes first), in one hand-off. `fn` runs off the event loop: it must
    only use its arguments and the connection, and return plain values. sqlite3's own
    exceptions reach the caller unwrapped.

    `commit=True`: the transaction is committed on the thread right after `fn`, in the same
    hand-off; the session's own commit then has nothing left to send. Only as the last
    thing a write session does. If `fn` or the COMMIT raises, the transaction stays open
    and the session rolls it back as usual.

    `durable=False` (with `commit=True`, when the transaction starts in this trip): the
    COMMIT does not wait for the disk (`synchronous=NORMAL` for this transaction only; the
    connection's level is restored after it, or after its rollback). The commit is in the
    WAL file, so a crash of the process loses nothing; a power loss before the WAL reaches
    the disk would (see `Database.write_unit`, which syncs it soon after)."""
    raw = await connection.get_raw_connection()
    adapt = raw.dbapi_connection
    if not isinstance(adapt, OneTripConnection):
        raise TypeError("run_on_thread needs the one-trip SQLite adapter")
    return await adapt.run(fn, commit=commit, durable=durable)


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: Any) -> None:  # no aiosqlite cursor: no round trip
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    async def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        adapt: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        async with adapt._execute_mutex:
            conn = self._connection
            begin = adapt._sending()
            result: _Result = await conn._execute(
                _run, conn._conn, begin, operation, parameters, many
            )
        self._description, rows, self._rowcount, self._lastrowid = result
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._run(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> None:
        await self._run(operation, seq_of_parameters, True)

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_state", "_begin", "_read_only")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        # What SQLite has: "pending" (our BEGIN goes with the next statement), "open",
        # "ended" (nothing ran since our transaction ended: nothing to undo), "unknown"
        # (statements outside our transactions ran: COMMIT/ROLLBACK are sent as usual).
        self._state = "unknown"
        self._begin = "BEGIN"
        self._read_only = False

    def begin_with_next_statement(self, begin: str, *, read_only: bool) -> None:
        """Start a transaction: `begin` ("BEGIN", "BEGIN IMMEDIATE") goes with the next
        statement. `read_only`: nothing to keep, so its ROLLBACK is not waited for."""
        self._state, self._begin, self._read_only = "pending", begin, read_only

    async def run(
        self, fn: Callable[[sqlite3.Connection], T], *, commit: bool = False, durable: bool = True
    ) -> T:
        async with self._execute_mutex:
            conn = self._connection
            begin = self._sending()
            result: T = await conn._execute(_call, conn._conn, begin, fn, commit, durable)
        if commit:
            self._state = "ended"  # committed on the thread: commit() sends nothing
        return result

    def _sending(self) -> str | None:
        """A statement is about to be sent: the BEGIN to send before it, if any."""
        if self._state == "pending":
            self._state = "open"
            return self._begin
        if self._state == "ended":
            self._state = "unknown"
        return None

    def rollback(self) -> None:
        if self._state in ("pending", "ended"):  # no BEGIN was sent, or already ended
            pass
        elif self._state == "open" and self._read_only and self._connection._connection:
            self._queue_rollback()
        else:
            super().rollback()  # if this raises, the state stays as it was: sent next time
        self._state = "ended"

    def commit(self) -> None:
        if self._state not in ("pending", "ended"):
            self._read_only = False  # a failed COMMIT is followed by a ROLLBACK we wait for
            super().commit()
        self._state = "ended"

    def _queue_rollback(self) -> None:
        # Straight onto aiosqlite's queue (no future: nothing wakes the event loop when it
        # is done), so it is queued before this connection can be handed to anyone else.
        conn = self._connection
        if conn._running and conn._connection is not None:
            conn._tx.put_nowait((None, partial(_rollback_quietly, conn._connection)))

    def terminate(self) -> None:
        self._state = "unknown"
        super().terminate()

    async def _terminate_graceful_close(self) -> None:
        # SQLAlchemy terminates a connection whose statement was cancelled. aiosqlite's
        # close() then waits for the connection's thread to stop, even when cancelled, and
        # forever if that thread never answers (already stopped, or stuck in the busy
        # handler behind a lock nobody releases): shutdown hung. Here the close-and-stop is
        # queued and waited for TERMINATE_GRACE at most; SQLAlchemy treats the timeout as
        # "force close", and the daemon thread stops whenever it gets to it.
        conn = self._connection
        if conn._connection is None or not conn._running:
            return
        stopped = conn.stop()
        if stopped is not None:
            await asyncio.wait_for(asyncio.shield(stopped), TERMINATE_GRACE)

    def close(self) -> None:
        self._state = "unknown"
        super().close()


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    """On the connection's thread: end a read-only transaction (a failure is only logged:
    nothing waits for it, and the next BEGIN on a broken connection will raise)."""
    try:
        conn.rollback()
    except Exception as error:  # noqa: BLE001 - logged, nobody to raise to
        log.warning("read-only rollback failed: %s", error)


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        creator_fn = kw.pop("async_creator_fn", None)
        connection = creator_fn(*arg, **kw) if creator_fn else self.aiosqlite.connect(*arg, **kw)
        thread = getattr(connection, "_thread", connection)
        thread.daemon = True  # as the stock adapter: never keep the process alive
        return OneTripConnection(self, await_(connection))


def one_trip_dbapi() -> OneTripDbapi:
    import aiosqlite

    return OneTripDbapi(aiosqlite, sqlite3)
