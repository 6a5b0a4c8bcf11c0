"""The benchmark data generators are reproducible: the same seed gives the same rows."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from itertools import islice
from pathlib import Path
from typing import Any

from bench import loaders
from bench.generators import DigestSpec, KbSpec, Spec, tables_for
from bench.simproc import build_world, target_guild_id


def _sample(spec: KbSpec | DigestSpec) -> dict[str, list[dict[str, object]]]:
    return {name: list(islice(rows, 50)) for name, (_, rows) in tables_for(spec).items()}


def test_same_seed_same_rows() -> None:
    spec = KbSpec(challenges=200, target_challenges=100, solutions=50, concepts=40)
    assert _sample(spec) == _sample(spec)
    other = KbSpec(challenges=200, target_challenges=100, solutions=50, concepts=40, seed=9)
    assert _sample(other)["challenges"] != _sample(spec)["challenges"]


def test_counts_match_rows_and_guilds() -> None:
    spec = DigestSpec(busy_entries=100, servers=5)
    for name, (count, rows) in tables_for(spec).items():
        assert sum(1 for _ in rows) == count, name
    guilds = {r["guild_id"] for r in tables_for(spec)["challenges"][1]}
    assert target_guild_id() in guilds and len(guilds) == 6


def test_bench_world_has_fixed_guild_ids() -> None:
    a, b = build_world(3, 2, None, None), build_world(3, 2, None, None)
    assert list(a.guilds) == list(b.guilds)
    assert next(iter(a.guilds)) == target_guild_id()


async def test_two_databases_generated_at_once(tmp_path: Path, monkeypatch: Any) -> None:
    """`bench` generates SQLite's databases on a worker thread while PostgreSQL's load on
    the event loop; Alembic's state is process-wide, so the two upgrades must not overlap
    (they hung). Both databases come out whole."""
    monkeypatch.setattr(loaders, "CACHE", tmp_path)
    kb = KbSpec(challenges=60, target_challenges=30, solutions=10, concepts=20, seed=11)
    digest = DigestSpec(busy_entries=40, servers=3, seed=12)
    on_thread = asyncio.to_thread(lambda: asyncio.run(loaders.sqlite_db(kb)))
    paths = await asyncio.wait_for(asyncio.gather(on_thread, loaders.sqlite_db(digest)), 120)
    specs: tuple[Spec, ...] = (kb, digest)
    for spec, path in zip(specs, paths, strict=True):
        with closing(sqlite3.connect(path)) as conn:
            for table, (count, _) in tables_for(spec).items():
                assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (count,)


def test_the_floor_bot_and_nexus_use_the_simulator_token() -> None:
    from bench.floor_bot import TOKEN as FLOOR_TOKEN
    from bot.bot_process import TOKEN as NEXUS_TOKEN

    assert FLOOR_TOKEN == NEXUS_TOKEN
