"""Several processes starting at once on one PostgreSQL database (docker compose, a
Kubernetes StatefulSet): each upgrades the schema and seeds the concepts, as the image's
command does; they must not fail on each other (bot.db.migrate, concepts.seed_if_needed
take a PostgreSQL advisory lock)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import BASE_GUILD_ID, Concept
from bot.wiring import open_database
from tests.dbutil import _pg_exec, _pg_url_for, backend_name, pg_admin_url

pytestmark = pytest.mark.skipif(backend_name() != "postgresql", reason="PostgreSQL only")
ROOT = Path(__file__).resolve().parents[2]


async def _nexus(*args: str, database_url: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return int(proc.returncode or 0), out.decode(errors="replace")


async def test_three_processes_upgrade_and_seed_a_blank_database_at_once() -> None:
    admin = pg_admin_url()
    assert admin is not None
    name = f"nexus_start_{uuid.uuid4().hex[:10]}"
    await _pg_exec(admin, f'CREATE DATABASE "{name}"')
    url = _pg_url_for(admin, name)
    try:
        results = await asyncio.gather(*(_nexus("seed", database_url=url) for _ in range(3)))
        for code, out in results:
            assert code == 0, out[-3000:]
        db = open_database(url)
        try:
            async with db.reader() as s:
                base = await s.scalar(select(func.count()).where(Concept.guild_id == BASE_GUILD_ID))
                slugs = await s.scalar(
                    select(func.count(func.distinct(Concept.slug))).where(
                        Concept.guild_id == BASE_GUILD_ID
                    )
                )
        finally:
            await db.dispose()
        assert base and base == slugs
    finally:
        await _pg_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
