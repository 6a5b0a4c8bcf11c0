"""Shared fixtures: real migrated databases (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from discord.gateway import KeepAliveHandler

from bot.db import Database
from tests.dbutil import TemplateDatabases, open_database


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabases]:
    t = TemplateDatabases(tmp_path_factory.mktemp("db-templates"))
    yield t
    t.drop_templates()


@pytest.fixture
async def db(templates: TemplateDatabases, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated and seeded database for one test."""
    async with open_database(templates, tmp_path, seeded=True) as database:
        yield database


@pytest.fixture
async def empty_db(templates: TemplateDatabases, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated database with no seed content."""
    async with open_database(templates, tmp_path, seeded=False) as database:
        yield database


@pytest.fixture(autouse=True)
def _stop_heartbeats_of_closed_loops() -> Iterator[None]:
    """A discord.py client whose websocket went away without a close keeps its heartbeat
    thread; a minute later that thread called into its test's closed event loop, and the
    error surfaced as a warning in whichever test was running then. Any such thread is
    stopped at the end of the next test."""
    yield
    for thread in threading.enumerate():
        if isinstance(thread, KeepAliveHandler) and thread.ws.loop.is_closed():
            thread.stop()


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions sent to aiosqlite's connection threads, in order."""
    import aiosqlite.core

    calls: list[str] = []
    original = aiosqlite.core.Connection._execute

    async def counted(self: object, fn: object, *args: object, **kw: object) -> object:
        calls.append(getattr(fn, "__name__", "?"))
        return await original(self, fn, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return calls
