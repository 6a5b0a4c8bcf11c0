"""The schema comes only from Alembic, and the models agree with it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import bot.db.models  # noqa: F401
from bot.db import Database
from bot.db.base import Base
from bot.db.migrate import downgrade, upgrade
from bot.db.search_ddl import is_search_object
from bot.wiring import open_database


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not is_search_object(name, type_)


async def _diff(db: Database) -> list[Any]:
    async with db.engine.connect() as conn:

        def _compare(sync_conn: Any) -> list[Any]:
            ctx = MigrationContext.configure(
                sync_conn,
                opts={"compare_type": True, "include_object": _include, "render_as_batch": True},
            )
            return list(compare_metadata(ctx, Base.metadata))

        return await conn.run_sync(_compare)


async def test_autogenerate_finds_no_difference(empty_db: Database) -> None:
    assert await _diff(empty_db) == []


async def test_upgrade_is_idempotent_and_round_trips(empty_db: Database) -> None:
    url = empty_db.engine.url.render_as_string(hide_password=False)
    await upgrade(url)  # second upgrade: nothing to do
    await downgrade(url, "base")
    async with empty_db.engine.connect() as conn:
        names = await conn.run_sync(lambda c: inspect(c).get_table_names())
    assert set(names) <= {"alembic_version"}
    await upgrade(url)
    assert await _diff(empty_db) == []
    async with empty_db.engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    assert version is not None


async def test_two_migrations_at_once_on_two_event_loops(tmp_path: Path) -> None:
    """Alembic's state is process-wide: an upgrade on a worker thread's event loop beside
    one on this loop (what `python -m bench` does while generating) must take turns, not
    hang or cross connections. Both databases end up at head."""
    urls = [f"sqlite+aiosqlite:///{tmp_path / name}" for name in ("a.db", "b.db")]
    on_thread = asyncio.to_thread(lambda: asyncio.run(upgrade(urls[0])))
    await asyncio.wait_for(asyncio.gather(on_thread, upgrade(urls[1])), 60)
    for url in urls:
        db = open_database(url)
        try:
            assert await _diff(db) == []
        finally:
            await db.dispose()


async def test_search_reads_angles_of_concepts_written_before_0015(empty_db: Database) -> None:
    """Migration 0015 rebuilds each concept's search_text (and SQLite's FTS5 table) with
    its angles, so a concept written before it is found by a word only its angle has."""
    from bot.services.concepts import search_concepts
    from bot.services.concepts.index import invalidate_concepts

    url = empty_db.engine.url.render_as_string(hide_password=False)
    await downgrade(url, "0014")
    async with empty_db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO concepts (guild_id, slug, name, aliases, category, tracks, "
                "related, summary, body, frontend_angle, backend_angle, links, search_text, "
                "status, featured, created_at, updated_at) VALUES (0, 'gizmo', 'Gizmo', "
                "'[]', 'technology', 'both', '[]', 'About gizmos.', 'Gizmo body.', "
                "'Browsers call it a wobblefrump.', 'Servers log it.', '[]', "
                "'Gizmo About gizmos. Gizmo body.', 'published', false, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    await upgrade(url)
    invalidate_concepts(empty_db, 0)
    page = await search_concepts(empty_db, 1001, "wobblefrump")
    assert [c.slug for c in page.items] == ["gizmo"]
    await downgrade(url, "0014")  # and back: the text without angles, still searchable
    async with empty_db.engine.connect() as conn:
        kept = (await conn.execute(text("SELECT search_text FROM concepts"))).scalar()
    assert kept is not None and "wobblefrump" not in kept and "Gizmo body." in kept
    await upgrade(url)
