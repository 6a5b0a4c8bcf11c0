"""The hub's database: the bot's, opened so that it cannot write.

SQLite: every connection runs `PRAGMA query_only = ON` (a write raises "attempt to
write a readonly database"); beside a running bot it reads the WAL like any other
reader. PostgreSQL: `default_transaction_read_only` is on for every connection (point
DATABASE_URL at a read-only role too, for defence in depth).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bot.db import Database
from bot.wiring import open_database


def _read_only_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def _read_only_postgresql(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION default_transaction_read_only = on")
    cursor.close()
    # The driver ran SET in a transaction of its own: a SET rolled back is undone.
    dbapi_connection.commit()


def open_read_only(url: str) -> Database:
    """The database at `url`, wired like the bot's, refusing every write."""
    db = open_database(url)
    forbid_writes(db)
    return db


def forbid_writes(db: Database) -> None:
    """Every connection `db` opens from now on refuses writes."""
    listener = _read_only_sqlite if db.is_sqlite else _read_only_postgresql
    event.listen(db.engine.sync_engine, "connect", listener)
