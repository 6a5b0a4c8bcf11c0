"""bot/db/sqlite_driver.py uses private parts of SQLAlchemy's aiosqlite adapter and of
aiosqlite (there is no public hook for one-hand-off statements). This pins what it is
proven against: an upgrade outside the range, or a renamed private name, fails here
first, with the reason, instead of somewhere deep in a query."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import aiosqlite
from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.util import concurrency

PROVEN = {"sqlalchemy": ((2, 0, 36), (2, 2)), "aiosqlite": ((0, 20), (0, 23))}


def _parts(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:3] if p.isdigit())


def test_installed_versions_are_the_proven_ones() -> None:
    for name, (low, high) in PROVEN.items():
        got = _parts(version(name))
        assert low <= got < high, f"{name} {version(name)} is outside {low}..{high}"


def test_the_private_names_the_driver_uses_exist() -> None:
    names = ("AsyncAdapt_aiosqlite_connection", "AsyncAdapt_aiosqlite_cursor")
    for cls in (*names, "AsyncAdapt_aiosqlite_dbapi"):
        assert hasattr(sa_aiosqlite, cls), cls
    assert hasattr(concurrency, "await_")
    assert hasattr(aiosqlite.Connection, "_execute")


async def test_a_connection_has_the_private_attributes(tmp_path: Path) -> None:
    from bot.wiring import open_database

    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with db.reader() as s:
            conn = await s.connection()
            raw = await conn.get_raw_connection()
            adapt = raw.dbapi_connection
            assert hasattr(adapt, "_connection") and hasattr(adapt, "_execute_mutex")
            assert hasattr(adapt._connection, "_conn")  # type: ignore[union-attr]
    finally:
        await db.dispose()
