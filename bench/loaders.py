"""Bulk loading of generated rows: SQLite (Core executemany) and PostgreSQL (asyncpg COPY).

Full-text maintenance is switched off during the load and rebuilt once at the end:
SQLite's FTS5 triggers are dropped and recreated around `INSERT ... ('rebuild')`;
PostgreSQL's GIN expression indexes are dropped and created again after COPY.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import create_engine, insert
from sqlalchemy.engine import make_url

from bench.generators import CACHE, Spec, batched, cache_key, tables_for
from bot.db.base import Base
from bot.db.migrate import upgrade

BATCH = 5000


def progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    )


def _bar(shared: Progress | None) -> AbstractContextManager[Progress]:
    """The caller's progress display (two loads at once share one: rich shows only one
    live display at a time), or a new one."""
    return nullcontext(shared) if shared is not None else progress()


async def sqlite_db(spec: Spec, shared: Progress | None = None) -> Path:
    """The cached SQLite file for `spec`, generated on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{cache_key(spec)}.db"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    await upgrade(f"sqlite+aiosqlite:///{tmp}")
    engine = create_engine(f"sqlite:///{tmp}")
    with engine.begin() as conn:
        triggers = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_fts_%'"
        ).all()
        for name, _ in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode = OFF")
        conn.exec_driver_sql("PRAGMA synchronous = OFF")
        with _bar(shared) as bar:
            for table, (count, rows) in tables_for(spec).items():
                task = bar.add_task(f"{spec.name}: {table}", total=count)
                stmt = insert(Base.metadata.tables[table])
                for chunk in batched(rows, BATCH):
                    conn.execute(stmt, chunk)
                    bar.advance(task, len(chunk))
                conn.commit()
            fts = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%fts5%'"
                ).all()
            ]
            task = bar.add_task(f"{spec.name}: full-text rebuild", total=len(fts))
            for name in fts:
                conn.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
                conn.commit()
                bar.advance(task)
        for _, sql in triggers:
            conn.exec_driver_sql(sql)
        conn.commit()
    engine.dispose()
    os.replace(tmp, path)
    return path


def working_copy(path: Path, dest_dir: Path) -> str:
    """A private copy of a cached database (scenarios that write) -> its async URL.

    The copy is flushed to disk here: otherwise the bot's first fsync (a commit or a WAL
    checkpoint under synchronous=FULL) writes back the whole freshly copied file, a
    300-500 ms stall charged to whichever request committed (bench/README.md)."""
    dest = dest_dir / path.name
    shutil.copyfile(path, dest)
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return f"sqlite+aiosqlite:///{dest}"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


# -- PostgreSQL ---------------------------------------------------------------------------

_GIN = {
    "challenges": "ix_challenges_search_fts",
    "concepts": "ix_concepts_search_fts",
}


def _pg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_url(admin_url: str, dbname: str) -> str:
    u = make_url(admin_url).set(drivername="postgresql+asyncpg", database=dbname)
    return u.render_as_string(hide_password=False)


def _pg_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


_LEGACY = re.compile(r"nexus_bench_[a-z]+_[0-9a-f]{12}")


def _pg_names(spec: Spec) -> tuple[str, str]:
    """(prefix of every build of these sizes, this build's database name)."""
    sizes = hashlib.sha256(json.dumps(asdict(spec), sort_keys=True).encode()).hexdigest()[:6]
    family = f"nexus_bench_{spec.name}_{sizes}_"
    return family, family + cache_key(spec).rsplit("-", 1)[1]


async def pg_db(spec: Spec, admin_url: str, shared: Progress | None = None) -> str:
    """A PostgreSQL database for `spec` (kept between runs under a keyed name) -> URL."""
    import asyncpg

    family, dbname = _pg_names(spec)
    admin = await asyncpg.connect(_pg_dsn(admin_url))
    try:
        names = [
            r[0]
            for r in await admin.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1",
                f"nexus_bench_{spec.name}_%",
            )
        ]
        for stale in names:
            # An older build of these sizes (or a name from before sizes were in it) goes;
            # the other sizes' database (--quick beside the full run) stays.
            if stale != dbname and (stale.startswith(family) or _LEGACY.fullmatch(stale)):
                await admin.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        if dbname in names:
            conn = await asyncpg.connect(_pg_dsn(_pg_url(admin_url, dbname)))
            try:
                done = await conn.fetchval("SELECT to_regclass('bench_done') IS NOT NULL")
            finally:
                await conn.close()
            if done:
                return _pg_url(admin_url, dbname)
            await admin.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{dbname}"')
    finally:
        await admin.close()
    url = _pg_url(admin_url, dbname)
    await upgrade(url)
    conn = await asyncpg.connect(_pg_dsn(url))
    try:
        gin = {
            r["indexname"]: r["indexdef"]
            for r in await conn.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY($1)",
                list(_GIN.values()),
            )
        }
        for name in gin:
            await conn.execute(f"DROP INDEX {name}")
        with _bar(shared) as bar:
            for table, (count, rows) in tables_for(spec).items():
                task = bar.add_task(f"{spec.name} (pg): {table}", total=count)
                columns: list[str] | None = None
                for chunk in batched(rows, BATCH):
                    columns = columns or list(chunk[0])
                    records = [tuple(_pg_value(r[c]) for c in columns) for r in chunk]
                    await conn.copy_records_to_table(table, records=records, columns=columns)
                    bar.advance(task, len(chunk))
                if columns and "id" in columns:
                    await conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
            task = bar.add_task(f"{spec.name} (pg): indexes", total=len(gin) + 1)
            for ddl in gin.values():
                await conn.execute(ddl)
                bar.advance(task)
            # What autovacuum does to a database that has lived a while: statistics, and
            # the visibility map that lets index-only scans skip the table.
            await conn.execute("VACUUM (ANALYZE)")
            # Write the load's dirty pages now: otherwise the checkpointer spreads them
            # over the next minutes, under the measurements.
            try:
                await conn.execute("CHECKPOINT")
            except asyncpg.InsufficientPrivilegeError:  # needs pg_checkpoint or superuser
                pass
            bar.advance(task)
        await conn.execute("CREATE TABLE bench_done (at timestamptz DEFAULT now())")
    finally:
        await conn.close()
    return url


async def pg_drop_all(admin_url: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(_pg_dsn(admin_url))
    try:
        sql = "SELECT datname FROM pg_database WHERE datname LIKE 'nexus_bench_%'"
        for r in await admin.fetch(sql):
            await admin.execute(f'DROP DATABASE IF EXISTS "{r[0]}" WITH (FORCE)')
    finally:
        await admin.close()
