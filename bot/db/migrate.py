"""Run Alembic migrations from the application (startup, `nexus db upgrade`, tests)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine

from alembic import command
from bot.db import locks
from bot.settings import REPO_ROOT


def alembic_dir() -> Path:
    """Where the migration scripts are: NEXUS_ALEMBIC_DIR, the checkout, or the cwd."""
    candidates = [
        os.environ.get("NEXUS_ALEMBIC_DIR", ""),
        str(REPO_ROOT / "alembic"),
        str(Path.cwd() / "alembic"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "env.py").is_file():
            return Path(candidate)
    raise FileNotFoundError("cannot find the alembic/ migration scripts")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(alembic_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# Alembic's `context` and `op` are process-wide: two migrations at once (say one on a
# worker thread's event loop, one on the main loop) used each other's connection and hung.
_ALEMBIC = threading.Lock()


@asynccontextmanager
async def _alone() -> AsyncIterator[None]:
    await asyncio.to_thread(_ALEMBIC.acquire)  # waiting must not block this event loop
    try:
        yield
    finally:
        _ALEMBIC.release()


async def _migrate(url: str, step: Callable[[Config], Any]) -> None:
    """Run one Alembic command on `url` inside one connection, one migration at a time."""
    engine = create_async_engine(url)
    try:
        async with _alone(), engine.begin() as conn:
            await locks.hold_for_transaction(conn, locks.MIGRATE)  # other processes wait

            def _run(sync_conn: object) -> None:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = sync_conn
                step(cfg)

            await conn.run_sync(_run)
    finally:
        await engine.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` inside one connection."""
    await _migrate(url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(url: str, revision: str) -> None:
    await _migrate(url, lambda cfg: command.downgrade(cfg, revision))


def upgrade_sync(url: str, revision: str = "head") -> None:
    asyncio.run(upgrade(url, revision))


class UnknownRevision(ValueError):
    """The revision named on the command line does not exist (the message says which do)."""


def known_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(alembic_dir()))
    return sorted(r.revision for r in script.walk_revisions())


def check_revision(revision: str) -> None:
    """`base`, `head`, a relative step (-1) or an existing revision id; else UnknownRevision."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision in ("base", "head") or (revision.startswith("-") and revision[1:].isdigit()):
        return
    script = ScriptDirectory(str(alembic_dir()))
    try:
        found = script.get_revision(revision)
    except (CommandError, KeyError, ValueError):
        found = None
    if found is None:
        known = known_revisions()
        raise UnknownRevision(
            f"unknown revision {revision[:40]!r}: use base, -1 or one of "
            f"{known[0]}..{known[-1]} (see alembic/versions/)"
        )


async def downgrade_plan(url: str, revision: str) -> tuple[list[str], dict[str, int]]:
    """What `downgrade(url, revision)` would undo: the migrations (newest first, each with
    its title) and, when going to `base`, every table with its number of rows."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect, text

    script = ScriptDirectory(str(alembic_dir()))
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:

            def read(sync_conn: Any) -> tuple[str | None, dict[str, int]]:
                current = MigrationContext.configure(sync_conn).get_current_revision()
                rows: dict[str, int] = {}
                if revision == "base":
                    for table in inspect(sync_conn).get_table_names():
                        if table == "alembic_version":
                            continue
                        count = sync_conn.execute(text(f'SELECT count(*) FROM "{table}"'))
                        rows[table] = int(count.scalar() or 0)
                return current, rows

            current, rows = await conn.run_sync(read)
    finally:
        await engine.dispose()
    undone: list[str] = []
    if current is not None:
        target = None if revision == "base" else revision
        if revision.startswith("-"):
            steps = int(revision[1:])
            walk = list(script.iterate_revisions(current, "base"))[:steps]
        else:
            walk = [r for r in script.iterate_revisions(current, target or "base")]
            walk = [r for r in walk if r.revision != target]
        for rev in walk:
            title = (rev.doc or "").strip().splitlines()[0] if rev.doc else ""
            undone.append(f"{rev.revision} {title}".strip())
    return undone, rows
