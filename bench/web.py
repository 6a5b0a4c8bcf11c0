"""The web hub: page p99 against a static file served by the same aiohttp server.

The hub (`bot.web`, rate limit off) runs in this process on 127.0.0.1 over the kb
dataset, reading it through its own read-only engine; one keep-alive client asks for pages
one after another. The floor is the hub's own stylesheet from the same server and client
(aiohttp's static handler: no database, no template), so the ratio is what a page costs
above serving bytes. Concepts and challenges are drawn Zipf-distributed, searches from
1,000 distinct queries, like the end-to-end scenarios.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import aiohttp
from aiohttp import web
from sqlalchemy import select

from bench.generators import KbSpec
from bench.report import Result, percentile
from bench.simproc import target_guild_id
from bench.textgen import Text
from bot.db import Database
from bot.db.models import Challenge, Concept, GuildSettings
from bot.services import concepts
from bot.web.app import create_app
from bot.web.context import WebConfig
from bot.web.database import open_read_only

HUB = "bench-hub"
SAMPLE = 2000  # concepts and challenges the pages are drawn from
TARGET_MS = 20.0


async def _switch_hub(db: Database, guild_id: int, on: bool) -> None:
    # Plain UPDATE/INSERT: the cached dataset keeps no other trace (switched off after).
    async with db.sessions.begin() as s:
        row = await s.get(GuildSettings, guild_id)
        if row is None:
            row = GuildSettings(guild_id=guild_id, private_channel_ids=[])
            s.add(row)
        row.web_enabled, row.web_slug, row.web_title = on, (HUB if on else None), "Bench"


async def _targets(db: Database, guild_id: int) -> tuple[list[str], list[str]]:
    async with db.reader() as s:
        slugs = await s.scalars(
            select(Concept.slug)
            .where(concepts.visible_clause(guild_id))
            .order_by(Concept.id)
            .limit(SAMPLE)
        )
        ids = await s.scalars(
            select(Challenge.id)
            .where(Challenge.guild_id == guild_id, Challenge.status == "published")
            .order_by(Challenge.id.desc())
            .limit(SAMPLE)
        )
        return list(slugs.all()), [str(i) for i in ids.all()]


async def _timed(session: aiohttp.ClientSession, base: str, paths: list[str]) -> list[float]:
    out: list[float] = []
    for path in paths:
        t0 = time.perf_counter()
        async with session.get(base + path) as resp:
            await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"{path}: HTTP {resp.status}")
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def pages(db: Database, url: str, spec: KbSpec, backend: str, n: int) -> list[Result]:
    guild = target_guild_id()
    await _switch_hub(db, guild, True)
    reader = open_read_only(url)
    runner = web.AppRunner(create_app(reader, WebConfig(per_minute=0)), access_log=None)
    try:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        return await _measure(reader, base, spec, backend, n, guild)
    finally:
        await runner.cleanup()
        await reader.dispose()
        await _switch_hub(db, guild, False)


async def _measure(
    db: Database, base: str, spec: KbSpec, backend: str, n: int, guild: int
) -> list[Result]:
    t = Text(23)
    slugs, ids = await _targets(db, guild)
    queries = [t.query() for _ in range(1000)]
    hub = f"/s/{HUB}"
    kinds: dict[str, Callable[[], list[str]]] = {
        "home": lambda: [f"{hub}/"] * n,
        "concept page": lambda: [f"{hub}/concepts/{s}" for s in t.popular(slugs, n)],
        "challenge page": lambda: [f"{hub}/challenges/{i}" for i in t.popular(ids, n)],
        "search": lambda: [f"{hub}/search?q={q}" for q in t.popular(queries, n)],
    }
    results: list[Result] = []
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        floor_paths = ["/static/hub.css"] * n
        await _timed(session, base, floor_paths[:50])  # warm the connection
        floor = await _timed(session, base, floor_paths)
        f99 = percentile(floor, 99)
        for kind, paths in kinds.items():
            await _timed(session, base, paths()[:20])  # warm caches the bot would have warm
            lat = await _timed(session, base, paths())
            p99 = percentile(lat, 99)
            results.append(
                Result(
                    f"web hub {kind}, {spec.target_challenges:,} challenges: p99",
                    backend,
                    "ms",
                    p99,
                    f99,
                    "static file, same server, p99",
                    f"< {TARGET_MS:.0f} ms",
                    p99 < TARGET_MS,
                    detail={"p50": percentile(lat, 50), "floor_p50": percentile(floor, 50)},
                )
            )
    return results
