"""`python -m bench [--quick] [--backend sqlite|postgresql|both] [--out FILE]`: the benchmarks.

Prints one table (Nexus figure, floor figure from the same run, ratio, target) and writes
JSON. See bench/README.md for what each scenario measures and the latest results.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from bench import coherence, e2e, memory, scaleout, services, web
from bench.generators import DigestSpec, KbSpec, Spec
from bench.loaders import pg_db, pg_drop_all, progress, sqlite_db, sqlite_url
from bench.report import Result, Steal, failed, machine, show, write_json
from bot.wiring import open_database

PG_DEV = "postgresql://postgres@127.0.0.1:55433/postgres"


@dataclass(frozen=True)
class Plan:
    kb: KbSpec
    digest: DigestSpec
    learners: int
    repeats: int
    e2e: e2e.E2ESizes
    memory_steps: tuple[int, ...]
    scaleout: tuple[int, float]  # interactions offered per run, at this rate per second


FULL = Plan(
    kb=KbSpec(challenges=1_000_000, target_challenges=100_000, solutions=100_000, concepts=10_000),
    digest=DigestSpec(busy_entries=50_000, servers=10_000),
    learners=10_000,
    repeats=500,
    e2e=e2e.E2ESizes(rates=(50, 100, 200, 350, 500), seconds=2.0),
    memory_steps=(250, 500, 1000),
    scaleout=(4500, 1500.0),
)
QUICK = Plan(
    kb=KbSpec(challenges=20_000, target_challenges=5_000, solutions=5_000, concepts=10_000),
    digest=DigestSpec(busy_entries=5_000, servers=300),
    learners=10_000,
    repeats=200,
    e2e=e2e.E2ESizes(rates=(50, 200), seconds=1.0),
    memory_steps=(100, 250),
    scaleout=(1500, 1000.0),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small data, short runs (< 1 min)")
    p.add_argument(
        "--backend",
        choices=("sqlite", "postgresql", "both"),
        default=None,
        help="service scenarios on which database (default: both if a PG URL)",
    )
    p.add_argument(
        "--pg-url",
        default=os.environ.get("NEXUS_BENCH_PG_URL"),
        help=f"PostgreSQL admin URL, e.g. {PG_DEV} (or NEXUS_BENCH_PG_URL)",
    )
    p.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    p.add_argument(
        "--only",
        choices=("services", "e2e", "memory", "web", "scaleout"),
        action="append",
        help="run only these parts (repeatable; scaleout: PostgreSQL only)",
    )
    p.add_argument("--pg-drop", action="store_true", help="drop the kept bench databases, exit")
    return p.parse_args(argv)


async def service_part(plan: Plan, backend: str, pg_url: str | None, log: Console) -> list[Result]:
    out: list[Result] = []
    for name, spec in (("kb", plan.kb), ("digest", plan.digest)):
        try:
            if backend == "sqlite":
                url = sqlite_url(await sqlite_db(spec))
            else:
                assert pg_url is not None
                url = await pg_db(spec, pg_url)
        except Exception as exc:  # noqa: BLE001 - report, keep benchmarking
            out.append(failed(f"{name} dataset", backend, "", repr(exc)[:120]))
            continue
        log.log(f"services ({backend}): {name}")
        db = open_database(url)
        try:
            if isinstance(spec, KbSpec):
                out += await services.autocomplete(db, spec, backend, plan.repeats)
                out += await services.lookup_miss(db, spec, backend, max(500, plan.repeats))
                out += await services.search(db, spec, backend, plan.repeats)
                if backend == "postgresql":
                    out += await coherence.coherence(db, spec, plan.repeats)
            else:
                out += await services.digest(db, spec, backend)
        finally:
            await db.dispose()
    return out


async def web_part(plan: Plan, backend: str, pg_url: str | None, log: Console) -> list[Result]:
    try:
        if backend == "sqlite":
            url = sqlite_url(await sqlite_db(plan.kb))
        else:
            assert pg_url is not None
            url = await pg_db(plan.kb, pg_url)
    except Exception as exc:  # noqa: BLE001 - report, keep benchmarking
        return [failed("web hub dataset", backend, "", repr(exc)[:120])]
    log.log(f"web hub ({backend})")
    db = open_database(url)
    try:
        return await web.pages(db, url, plan.kb, backend, plan.repeats)
    finally:
        await db.dispose()


async def prepare(
    sqlite_specs: list[Spec], pg_specs: list[Spec], pg_url: str | None, log: Console
) -> None:
    """Generate the missing databases before anything is measured, SQLite's (Python and
    SQLite on a worker thread) beside PostgreSQL's (much of it the server building its
    GIN indexes on the other core): together ~1.5 min shorter than one after the other.
    Failures are left for the scenarios to report when they ask for the database again."""
    if not sqlite_specs or not pg_specs or pg_url is None:
        return  # nothing to overlap: each part generates what it needs when it needs it
    log.log("databases: generating those not cached yet")

    def sqlite_all(bar: Progress) -> None:
        for spec in sqlite_specs:
            asyncio.run(sqlite_db(spec, bar))

    with progress() as bar:
        results = await asyncio.gather(
            asyncio.to_thread(sqlite_all, bar),
            *(pg_db(spec, pg_url, bar) for spec in pg_specs),
            return_exceptions=True,
        )
    for r in results:
        if isinstance(r, BaseException):
            log.log(f"generating a database failed: {r!r}"[:200])


async def main_async(
    args: argparse.Namespace, console: Console, meta: dict[str, Any]
) -> list[Result]:
    plan = QUICK if args.quick else FULL
    backend = args.backend or ("both" if args.pg_url else "sqlite")
    backends = ["sqlite", "postgresql"] if backend == "both" else [backend]
    if "postgresql" in backends and not args.pg_url:
        raise SystemExit("PostgreSQL needs --pg-url or NEXUS_BENCH_PG_URL")
    default = ("services", "e2e", "memory", "web") + (("scaleout",) if args.pg_url else ())
    parts = set(args.only or default)
    sqlite_specs: list[Spec] = []
    if "services" in parts and "sqlite" in backends:
        sqlite_specs += [plan.kb, plan.digest]
    if "web" in parts and "sqlite" in backends and plan.kb not in sqlite_specs:
        sqlite_specs.append(plan.kb)
    if "e2e" in parts and plan.kb not in sqlite_specs:
        sqlite_specs.append(plan.kb)
    pg_specs: list[Spec] = (
        [plan.kb, plan.digest] if "services" in parts and "postgresql" in backends else []
    )
    await prepare(sqlite_specs, pg_specs, args.pg_url, console)
    results: list[Result] = []
    if "services" in parts:
        for b in backends:
            results += await service_part(plan, b, args.pg_url, console)
        console.log("services: matching")
        results += services.matching(plan.learners)
    if "web" in parts:
        for b in backends:
            results += await web_part(plan, b, args.pg_url, console)
    if "e2e" in parts:
        kb_path = await sqlite_db(plan.kb)
        steal = Steal()
        results += await e2e.run_e2e(kb_path, plan.kb, plan.e2e, console.log)
        meta["steal_pct_e2e"] = steal.pct()
    if "memory" in parts:
        results += await memory.run_memory(plan.memory_steps, console.log)
    if "scaleout" in parts:
        if args.pg_url:
            results += await scaleout.run_scaleout(args.pg_url, *plan.scaleout, console.log)
        else:
            results.append(failed("scale-out", "postgresql", "", "needs --pg-url"))
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=max(160, Console().width))
    if args.pg_drop:
        asyncio.run(pg_drop_all(args.pg_url or PG_DEV))
        return 0
    meta = machine()
    meta["mode"] = "quick" if args.quick else "full"
    started, steal = time.perf_counter(), Steal()
    results = asyncio.run(main_async(args, console, meta))
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["steal_pct"] = steal.pct()
    meta["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    show(results, meta, console)
    write_json(args.out, results, meta)
    console.print(f"{len(results)} results in {meta['seconds']} s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
