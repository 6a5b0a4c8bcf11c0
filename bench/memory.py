"""Memory: resident set size of the bot process with N simulated servers connected and idle,
against the floor bot's RSS with the same servers (each in its own simulator process)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import psutil

from bench import procs
from bench.report import Result, failed
from bot.db.migrate import upgrade
from bot.services.concepts import seed
from bot.wiring import open_database

IDLE_SECONDS = 2.0


async def _rss(kind: str, guilds: int, work: Path, database: str | None) -> float:
    async with procs.simulator(guilds, 3, work) as (info, client):
        async with procs.bot(kind, info, client, work, database=database) as proc:
            await asyncio.sleep(IDLE_SECONDS)
            return float(psutil.Process(proc.pid).memory_info().rss) / 1024**2


async def run_memory(steps: tuple[int, ...], log: Callable[[str], None]) -> list[Result]:
    with procs.workdir() as tmp:
        work = Path(tmp)
        db_file = work / "memory.db"
        database = f"sqlite+aiosqlite:///{db_file}"
        await upgrade(database)
        db = open_database(database)
        await seed.seed_if_needed(db)  # a fresh install's base concepts
        await db.dispose()
        nexus: dict[int, float] = {}
        floor: dict[int, float] = {}
        for n in steps:
            log(f"memory: {n} servers")
            try:
                # Side by side, each with its own simulator: memory, not speed, is measured.
                nexus[n], floor[n] = await asyncio.gather(
                    _rss("nexus", n, work, database), _rss("floor", n, work, None)
                )
            except Exception as exc:  # noqa: BLE001 - report, keep benchmarking
                return [failed(f"memory, {n} servers idle", "sqlite", "< 150 MB", repr(exc))]
    top, low = max(steps), min(steps)
    span = max(1, top - low)
    growth = (nexus[top] - nexus[low]) / span * 1000
    floor_growth = (floor[top] - floor[low]) / span * 1000
    detail = {"nexus_mb": nexus, "floor_mb": floor}
    return [
        Result(
            f"RSS of the bot, {top:,} servers idle",
            "sqlite",
            "MB",
            nexus[top],
            floor[top],
            "bare discord.py bot, same servers",
            "< 150 MB",
            nexus[top] < 150,
            detail=detail,
        ),
        Result(
            f"RSS growth per 1,000 servers ({low}->{top})",
            "sqlite",
            "MB",
            growth,
            floor_growth,
            "bare discord.py bot",
            "(reported)",
            None,
            detail=detail,
        ),
    ]
