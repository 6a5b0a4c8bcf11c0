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
