"""A unit of work as one plain function: the one seam for work that runs many statements.

Some units run several dependent statements whose count is known only as they go (a vote
batch reads the takeaways, finds the votes that exist, decides, writes, recounts, reads
the concept tags). Written as `async` code, each statement is a round trip through the
event loop; here the unit is a plain function of a `Unit`, which runs `Prepared`
statements synchronously, and the same function serves both databases:

- **SQLite** (the one-trip driver, `sqlite_driver`): the function runs on the
  connection's own thread in one hand-off, with the session's deferred BEGIN in front
  and, for the last unit of a write session (`commit=True`), the COMMIT behind it.
- **PostgreSQL**, or SQLite without that driver: SQLAlchemy's public
  `AsyncConnection.run_sync`, which gives the function a synchronous `Connection` over
  the same async driver (each statement still awaits the network, inside a greenlet).

Either way it runs in the caller's session and transaction: for writes that session
comes from `db.sessions.begin()`, the one queue every write of this process takes turns
in (on SQLite, one writer at a time). So there is one write path: a session from that
factory, ending in one commit, whose statements go through the session or through a unit.

A unit's function must only use its arguments and the `Unit` (on SQLite it runs off the
event loop) and return plain values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import Executable

from bot.db.sqlite_driver import OneTripConnection, run_on_thread
from bot.db.sqlite_statements import ThreadStatement

T = TypeVar("T")


class Prepared:
    """A Core statement for units. `name` names its rows' type on SQLite's thread. No
    expanding (`IN` list) parameters: a unit runs a statement per value instead."""

    def __init__(self, stmt: Executable, name: str = "Row") -> None:
        self.stmt = stmt
        self.name = name
        self._thread: ThreadStatement | None = None

    def on_thread(self) -> ThreadStatement:
        if self._thread is None:  # compiled for SQLite on first use only
            self._thread = ThreadStatement(self.stmt, self.name)  # type: ignore[arg-type]
        return self._thread


class Unit(Protocol):
    def all(self, stmt: Prepared, **params: Any) -> list[Any]:
        """The rows (attribute access by column key) of a statement that returns rows;
        for one that does not, an empty list."""

    def many(self, stmt: Prepared, rows: Iterable[Mapping[str, Any]]) -> None:
        """Run a statement that returns nothing once per parameter set."""


class _ThreadUnit:
    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def all(self, stmt: Prepared, **params: Any) -> list[Any]:
        return stmt.on_thread().all(self.conn, **params)

    def many(self, stmt: Prepared, rows: Iterable[Mapping[str, Any]]) -> None:
        stmt.on_thread().many(self.conn, rows)


class _SyncUnit:
    __slots__ = ("conn",)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def all(self, stmt: Prepared, **params: Any) -> list[Any]:
        result = self.conn.execute(stmt.stmt, params)
        return list(result.all()) if result.returns_rows else []

    def many(self, stmt: Prepared, rows: Iterable[Mapping[str, Any]]) -> None:
        if batch := [dict(r) for r in rows]:
            self.conn.execute(stmt.stmt, batch)


def _on_thread(fn: Callable[[Unit], T], conn: sqlite3.Connection) -> T:
    return fn(_ThreadUnit(conn))


def _in_greenlet(fn: Callable[[Unit], T], durable: bool, conn: Connection) -> T:
    if not durable and conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
    return fn(_SyncUnit(conn))


async def run_unit(
    session: AsyncSession,
    fn: Callable[[Unit], T],
    *,
    commit: bool = False,
    durable: bool = True,
    one_trip: bool = True,
) -> T:
    """Run `fn(unit)` in `session`'s transaction.

    `commit=True` (the last thing a write session does): on SQLite the COMMIT travels in
    the same hand-off and the session's own commit then has nothing left to send; on
    PostgreSQL the session commits as usual when its `begin()` block ends. If `fn` or
    the COMMIT raises, the session rolls the transaction back.

    `durable=False`: this transaction's commit does not wait for the disk (PostgreSQL's
    `synchronous_commit = off`, SQLite's `synchronous = NORMAL` when the unit starts the
    transaction); use `Database.write_unit`, which also bounds how long until it is on disk.
    `one_trip=False` takes the portable path on SQLite too (tests compare the two)."""
    conn = await session.connection()
    if one_trip and conn.dialect.name == "sqlite":
        raw = await conn.get_raw_connection()
        if isinstance(raw.dbapi_connection, OneTripConnection):
            return await run_on_thread(
                conn, partial(_on_thread, fn), commit=commit, durable=durable
            )
    return await conn.run_sync(partial(_in_greenlet, fn, durable))
