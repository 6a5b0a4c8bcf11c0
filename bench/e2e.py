"""End-to-end scenarios: the real bot in its own process, the simulator in another one,
this process driving open-loop load through the simulator's control API.

Latency = the simulator's `dispatched_at` (gateway event sent) -> `first_response_at`
(the bot's interaction callback arrived), both measured in the simulator process.
Every scenario, the floor's included, is fired by the simulator itself at fixed start
times (`fire`, `fire_clicks`; open loop: nobody waits for the previous answer), so no
scenario pays for requests from this process that the floor does not.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import procs
from bench.generators import KbSpec
from bench.loaders import working_copy
from bench.report import Result, failed, percentile
from bench.simproc import target_guild_id
from bench.textgen import Text, concept_names

LIMIT_MS = 100.0  # "sustained": p99 under this and no failed interaction
TARGET_RATE = 200  # the rate at which p99 is compared with the floor's
QUERIES = 1000  # distinct search queries per scenario (picked Zipf-distributed)


@dataclass(frozen=True)
class E2ESizes:
    rates: tuple[int, ...]
    seconds: float  # per rate


@dataclass
class Run:
    rate: int
    sent: int
    answered: int
    p50: float | None
    p99: float | None
    achieved: float

    @property
    def sustained(self) -> bool:
        return self.p99 is not None and self.p99 < LIMIT_MS and self.answered == self.sent


def summarise(rate: int, timings: list[dict[str, Any]]) -> Run:
    lat = [
        (t["first_response_at"] - t["dispatched_at"]) * 1000
        for t in timings
        if t.get("first_response_at") and t.get("dispatched_at") and not t.get("error")
    ]
    sent = [t["dispatched_at"] for t in timings if t.get("dispatched_at")]
    span = max(sent) - min(sent) if len(sent) > 1 else 0.0
    achieved = (len(sent) - 1) / span if span > 0 else float(len(sent))
    return Run(
        rate,
        len(timings),
        len(lat),
        percentile(lat, 50) if lat else None,
        percentile(lat, 99) if lat else None,
        achieved,
    )


Fire = Callable[[int, int], Awaitable[list[dict[str, Any]]]]


async def ladder(fire: Fire, sizes: E2ESizes) -> list[Run]:
    """Each rate in turn; stop climbing once a rate above TARGET_RATE is not sustained."""
    runs: list[Run] = []
    for rate in sizes.rates:
        count = max(20, int(rate * sizes.seconds))
        run = summarise(rate, await fire(rate, count))
        runs.append(run)
        if not run.sustained and rate >= TARGET_RATE:
            break
        await asyncio.sleep(0.3)
    return runs


def max_sustained(runs: list[Run]) -> float:
    ok = [r.rate for r in runs if r.sustained]
    return float(max(ok)) if ok else 0.0


def at_rate(runs: list[Run], rate: int) -> Run | None:
    return next((r for r in runs if r.rate == rate), None)


def compare(name: str, nexus: list[Run], floor: list[Run]) -> list[Result]:
    n_rate, f_rate = max_sustained(nexus), max_sustained(floor)
    n200, f200 = at_rate(nexus, TARGET_RATE), at_rate(floor, TARGET_RATE)
    detail = {"nexus": [r.__dict__ for r in nexus], "floor": [r.__dict__ for r in floor]}
    ratio_ok = f_rate > 0 and n_rate / f_rate >= 0.7
    p99n = n200.p99 if n200 else None
    p99f = f200.p99 if f200 else None
    p99_ok = (
        p99n is not None
        and p99f is not None
        and p99n <= 2 * p99f
        and n200 is not None
        and n200.answered == n200.sent
    )
    return [
        Result(
            f"{name}: highest rate with p99 < {LIMIT_MS:.0f} ms",
            "sqlite",
            "req/s",
            n_rate,
            f_rate,
            "bare discord.py /ping",
            ">= 0.7 x floor",
            ratio_ok,
            detail=detail,
        ),
        Result(
            f"{name}: p99 at {TARGET_RATE}/s",
            "sqlite",
            "ms",
            p99n,
            p99f,
            "bare discord.py /ping",
            "<= 2 x floor",
            p99_ok,
            note=""
            if n200 is None or n200.answered == n200.sent
            else f"{n200.sent - n200.answered} of {n200.sent} unanswered",
            detail={"p50": n200.p50 if n200 else None, "floor_p50": f200.p50 if f200 else None},
        ),
    ]


def members_of(info: dict[str, Any]) -> tuple[int, list[int]]:
    guild = info["guilds"][0]
    if int(guild["id"]) != target_guild_id():
        raise RuntimeError("the simulator's first guild is not the one the data belongs to")
    general = next(c["id"] for c in guild["channels"] if c["name"] == "general")
    return general, [m["id"] for m in guild["members"] if m["name"].startswith("member-")]


async def run_e2e(
    kb_path: Path, spec: KbSpec, sizes: E2ESizes, log: Callable[[str], None]
) -> list[Result]:
    with procs.workdir() as tmp:
        work = Path(tmp)
        database = working_copy(kb_path, work)
        async with procs.simulator(1, 60, work) as (info, client):
            channel, members = members_of(await client.info())
            m0 = members[0]

            async def fire_cmd(name: str, mix: Callable[[int], list[dict[str, Any]]]) -> Fire:
                async def go(rate: int, count: int) -> list[dict[str, Any]]:
                    await client.clear("timings")
                    return await client.fire(
                        m0,
                        name,
                        channel=channel,
                        count=count,
                        rate=rate,
                        timeout=30,
                        variants=mix(count),
                    )

                return go

            log("e2e: floor bot /ping")
            async with procs.bot("floor", info, client, work):
                await client.command(m0, "ping", channel=channel)
                floor = await ladder(await fire_cmd("ping", lambda n: [{}]), sizes)
            log("e2e: Nexus bot")
            names = concept_names(spec.concepts, spec.seed + 2)
            t = Text(5)
            # What members ask for: a few concepts and questions very often, most rarely
            # (Zipf over 10,000 names and 1,000 distinct queries), so caches see realistic
            # repeats rather than one query fired again and again.
            concept_queries = [t.query(t.rng.choice((1, 2, 2, 3))) for _ in range(QUERIES)]
            challenge_queries = [t.query(t.rng.choice((1, 2, 2, 3))) for _ in range(QUERIES)]

            def mix(option: str, pool: list[str]) -> Callable[[int], list[dict[str, Any]]]:
                return lambda n: [{option: v} for v in t.popular(pool, n)]

            async with procs.bot("nexus", info, client, work, database=database):
                out: list[Result] = []
                scenarios: list[tuple[str, Fire]] = [
                    ("/concept lookup", await fire_cmd("concept lookup", mix("name", names))),
                    (
                        "/concept search",
                        await fire_cmd("concept search", mix("query", concept_queries)),
                    ),
                    (
                        "/challenge search",
                        await fire_cmd("challenge search", mix("query", challenge_queries)),
                    ),
                ]

                async def complete(rate: int, count: int) -> list[dict[str, Any]]:
                    await client.clear("timings")
                    typed = [{"name": t.prefix(names)} for _ in range(count)]
                    return await client.fire(
                        m0,
                        "concept lookup",
                        channel=channel,
                        count=count,
                        rate=rate,
                        timeout=30,
                        variants=typed,
                        focused="name",
                        members=members,
                    )

                scenarios.append(("autocomplete (/concept lookup name)", complete))
                shared = await client.command(
                    m0,
                    "takeaway share",
                    {"kind": "lesson", "text": "Measure before tuning."},
                    channel=channel,
                )
                vote_id = next(
                    b.custom_id for b in shared.buttons if "takeaway:vote" in str(b.custom_id)
                )

                async def vote(rate: int, count: int) -> list[dict[str, Any]]:
                    await client.clear("timings")
                    return await client.fire_clicks(
                        members[1:], shared, str(vote_id), count=count, rate=rate, timeout=30
                    )

                scenarios.append(("takeaway vote (button)", vote))
                if only := os.environ.get("NEXUS_BENCH_E2E_ONLY"):  # e.g. "/concept lookup"
                    chosen = {name.strip() for name in only.split(",")}
                    scenarios = [s for s in scenarios if s[0] in chosen]
                for name, fire in scenarios:
                    log(f"e2e: {name}")
                    try:
                        await fire(20, 10)  # warm caches, statements, the index
                        out += compare(name, await ladder(fire, sizes), floor)
                    except Exception as exc:  # noqa: BLE001 - report, keep benchmarking
                        out.append(failed(name, "sqlite", "", repr(exc)[:120]))
                return out
