"""Scale-out: total interactions/s with one bot process vs two on one PostgreSQL database.

One simulator (`bench.shardsim`: the guilds spread over 2 shards), one freshly migrated
and seeded database, the same load for both runs: `/concept lookup` of seeded concepts by
members of every guild in turn, so both shards get half. One process owns both shards
(`--shard-count 2 --shard-ids 0,1`), then two processes own one each (SHARD_IDS /
SHARD_COUNT as in docker-compose.yml). Runs alternate (one, two, one, two...) so drift
of the machine hits both; the median of each layout's runs is reported (all in
`detail`, with the CPU the simulator, the bots and the whole machine used meanwhile).
Each run offers more than the bot can answer (open loop) and counts what it answered
per second, from the first dispatch to the last answer.

Everything shares this machine's cores: the simulator, this driver, PostgreSQL and the
bot process(es). On 2 cores a second bot process has little idle CPU to use, so expect a
ratio well under 2; `detail.cpu_count` says what the figure was measured on.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import psutil
from sqlalchemy import select

from bench import procs
from bench.loaders import _pg_dsn, _pg_url
from bench.report import Result, failed, percentile
from bot.bot_process import TOKEN
from bot.db.migrate import upgrade
from bot.db.models import Concept
from bot.services.concepts import seed
from bot.simulator.client import SimulatorClient
from bot.wiring import open_database

SHARDS = 2
GUILDS = 8
MEMBERS = 10
DBNAME = "nexus_bench_scaleout"
ROUNDS = 3  # one, two, one, two, ...: the median of each is reported


async def _fresh_database(admin_url: str) -> tuple[str, list[str]]:
    """A migrated, seeded database (recreated every run) -> (URL, seeded concept names)."""
    admin = await asyncpg.connect(_pg_dsn(admin_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DBNAME}"')
    finally:
        await admin.close()
    url = _pg_url(admin_url, DBNAME)
    await upgrade(url)
    db = open_database(url)
    try:
        await seed.seed_if_needed(db)
        async with db.reader() as s:
            names = list((await s.scalars(select(Concept.name).limit(200))).all())
    finally:
        await db.dispose()
    return url, names


@asynccontextmanager
async def _bots(
    info: dict[str, Any],
    client: SimulatorClient,
    work: Path,
    database: str,
    groups: list[str],
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """One bot process per entry of `groups` (its SHARD_IDS), all ready."""
    before = (await client.info(guilds=0))["identifies"]
    started: list[asyncio.subprocess.Process] = []
    try:
        for i, ids in enumerate(groups):
            started.append(
                await procs._spawn(
                    *("-m", "bot.bot_process", "--rest", info["rest_url"]),
                    *("--gateway", info["gateway_url"], "--database", database),
                    *("--token", TOKEN, "--shard-count", str(SHARDS), "--shard-ids", ids),
                    log=work / f"scaleout-{len(groups)}-{i}.log",
                )
            )
        deadline = time.monotonic() + 180
        while True:
            state = await client.info(guilds=0)
            if state["identifies"] >= before + SHARDS and state["ready"]:
                break
            if any(p.returncode is not None for p in started):
                raise RuntimeError("a bot process exited; see its scaleout-*.log")
            if time.monotonic() > deadline:
                raise TimeoutError("bot processes not ready within 180 s")
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # GUILD_CREATEs handled, on_ready hooks run
        yield started
    finally:
        for p in started:
            await procs.stop(p)


def _cpu(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds (user + system) so far of each group of processes, and of the machine."""
    out: dict[str, float] = {}
    for key, group in pids.items():
        out[key] = 0.0
        for pid in group:
            t = psutil.Process(pid).cpu_times()
            out[key] += t.user + t.system
    total = psutil.cpu_times()
    waiting = sum(getattr(total, k, 0.0) for k in ("idle", "iowait", "steal", "guest"))
    out["machine"] = sum(total) - waiting
    return out


def _throughput(timings: list[dict[str, Any]]) -> dict[str, Any]:
    sent = [t["dispatched_at"] for t in timings if t.get("dispatched_at")]
    done = [
        t
        for t in timings
        if t.get("first_response_at") and t.get("dispatched_at") and not t.get("error")
    ]
    lat = [(t["first_response_at"] - t["dispatched_at"]) * 1000 for t in done]
    span = max(t["first_response_at"] for t in done) - min(sent) if done and sent else 0.0
    return {
        "offered": len(timings),
        "answered": len(done),
        "per_s": len(done) / span if span > 0 else 0.0,
        "p50_ms": percentile(lat, 50) if lat else None,
        "p99_ms": percentile(lat, 99) if lat else None,
    }


async def run_scaleout(
    admin_url: str, count: int, rate: float, log: Callable[[str], None]
) -> list[Result]:
    name = f"scale-out: /concept lookup, {SHARDS} shards, interactions/s answered"
    try:
        database, names = await _fresh_database(admin_url)
    except Exception as exc:  # noqa: BLE001 - report, keep benchmarking
        return [failed(name, "postgresql", "", repr(exc)[:120])]
    with procs.workdir() as tmp:
        work = Path(tmp)
        extra = ("--shards", str(SHARDS))
        async with procs.simulator(GUILDS, MEMBERS, work, "bench.shardsim", extra) as (
            info,
            client,
        ):
            guilds = (await client.info(guilds=GUILDS))["guilds"]
            on = {(int(g["id"]) >> 22) % SHARDS for g in guilds}
            if on != set(range(SHARDS)):
                return [failed(name, "postgresql", "", f"guilds on shards {sorted(on)} only")]
            # Members of every guild in turn: consecutive interactions alternate shards.
            by_guild = [
                [m["id"] for m in g["members"] if m["name"].startswith("member-")] for g in guilds
            ]
            members = [ms[j] for j in range(MEMBERS) for ms in by_guild]
            variants = [{"name": names[i % len(names)]} for i in range(len(names))]

            async def measure(
                n: int, per_s: float, bots: list[asyncio.subprocess.Process]
            ) -> dict[str, Any]:
                await client.clear("timings")
                watched = {"simulator": [info["pid"]], "bots": [b.pid for b in bots]}
                cpu0, t0 = _cpu(watched), time.perf_counter()
                timings = await client.fire(
                    members[0],
                    "concept lookup",
                    count=n,
                    rate=per_s,
                    timeout=60,
                    variants=variants,
                    members=members,
                )
                wall = time.perf_counter() - t0
                cpu1 = _cpu(watched)
                # Where the cores went meanwhile (share of one core): the rest of the
                # machine's busy time is PostgreSQL, this driver and other users.
                share = {k: round((cpu1[k] - cpu0[k]) / wall, 2) for k in cpu1}
                return _throughput(timings) | {"cpu_cores_busy": share}

            runs: dict[str, list[dict[str, Any]]] = {"one": [], "two": []}
            layouts = {
                "one": [",".join(map(str, range(SHARDS)))],
                "two": [str(i) for i in range(SHARDS)],
            }
            for k in range(ROUNDS):
                for label, groups in layouts.items():
                    log(f"scale-out: {label} process(es), round {k + 1}")
                    try:
                        async with _bots(info, client, work, database, groups) as bots:
                            await measure(200, 100, bots)  # warm: indexes, statements
                            runs[label].append(await measure(count, rate, bots))
                    except Exception as exc:  # noqa: BLE001 - report, keep benchmarking
                        return [failed(name, "postgresql", "", repr(exc)[:120])]
    one = statistics.median(r["per_s"] for r in runs["one"])
    two = statistics.median(r["per_s"] for r in runs["two"])
    cores = os.cpu_count()
    return [
        Result(
            f"{name}: two processes (one shard each) vs one (both shards)",
            "postgresql",
            "req/s",
            two,
            one,
            "one process owning both shards",
            f"(reported: {cores} cores)",
            None,
            note=f"{cores} cores shared by the simulator, the driver, PostgreSQL and the bots",
            detail={
                "cpu_count": cores,
                "ratio": two / one if one else None,
                "runs": runs,
                "offered": count,
                "offered_rate": rate,
                "guilds": GUILDS,
            },
        )
    ]
