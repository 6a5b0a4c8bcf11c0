"""Run Alembic migrations from the application (startup, `nexus db upgrade`, tests)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

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


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` inside one connection."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:

            def _run(sync_conn: object) -> None:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = sync_conn
                command.upgrade(cfg, revision)

            await conn.run_sync(_run)
    finally:
        await engine.dispose()


async def downgrade(url: str, revision: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:

            def _run(sync_conn: object) -> None:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = sync_conn
                command.downgrade(cfg, revision)

            await conn.run_sync(_run)
    finally:
        await engine.dispose()


def upgrade_sync(url: str, revision: str = "head") -> None:
    asyncio.run(upgrade(url, revision))
