"""Test databases: one migrated (and seeded) template per run, a fresh copy per test.

SQLite by default. Set NEXUS_TEST_DATABASE_URL=postgresql://user@host:port/db to run the
same tests on PostgreSQL: each test then gets `CREATE DATABASE ... TEMPLATE ...`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db import Database
from bot.db.migrate import upgrade
from bot.settings import normalise_database_url
from bot.wiring import open_database as open_wired

PG_ENV = "NEXUS_TEST_DATABASE_URL"


def pg_admin_url() -> str | None:
    raw = os.environ.get(PG_ENV, "").strip()
    return normalise_database_url(raw) if raw else None


def backend_name() -> str:
    return "postgresql" if pg_admin_url() else "sqlite"


async def _pg_exec(admin_url: str, sql: str) -> None:
    import asyncpg

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port,
        database=url.database,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_url_for(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class TemplateDatabases:
    """Builds templates lazily: `migrated` (schema only) and `seeded` (schema + seeds)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.admin = pg_admin_url()
        self._templates: dict[str, str] = {}
        self._tag = uuid.uuid4().hex[:8]

    async def template(self, seeded: bool) -> str:
        key = "seeded" if seeded else "migrated"
        if key not in self._templates:
            self._templates[key] = await self._build(key, seeded)
        return self._templates[key]

    async def _build(self, key: str, seeded: bool) -> str:
        if self.admin:
            name = f"nexus_tpl_{key}_{self._tag}"
            await _pg_exec(self.admin, f'CREATE DATABASE "{name}"')
            url = _pg_url_for(self.admin, name)
        else:
            url = f"sqlite+aiosqlite:///{self.workdir / f'template-{key}.db'}"
        await upgrade(url)
        if seeded:
            from bot.services.concepts import seed

            db = open_wired(url)
            try:
                await seed.seed_if_needed(db)
            finally:
                await db.dispose()
        return url

    async def fresh_url(self, dest_dir: Path, *, seeded: bool) -> str:
        template = await self.template(seeded)
        if self.admin:
            name = f"nexus_t_{uuid.uuid4().hex[:12]}"
            tpl_name = make_url(template).database
            await _pg_exec(self.admin, f'CREATE DATABASE "{name}" TEMPLATE "{tpl_name}"')
            return _pg_url_for(self.admin, name)
        src = Path(str(make_url(template).database))
        dest = dest_dir / f"nexus-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(src, dest)
        return f"sqlite+aiosqlite:///{dest}"

    async def drop(self, url: str) -> None:
        if self.admin:
            name = make_url(url).database
            await _pg_exec(self.admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_templates(self) -> None:
        if self.admin:
            for url in self._templates.values():
                asyncio.run(self.drop(url))


@asynccontextmanager
async def open_database(
    templates: TemplateDatabases, dest: Path, *, seeded: bool
) -> AsyncIterator[Database]:
    url = await templates.fresh_url(dest, seeded=seeded)
    db = open_wired(url)
    try:
        yield db
    finally:
        await db.dispose()
        await templates.drop(url)
