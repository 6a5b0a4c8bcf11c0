"""Shared fixtures: real migrated databases (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

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
