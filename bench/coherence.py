"""What keeping caches coherent across processes costs on PostgreSQL (bot.db.coherence).

Two Database objects on one generated database stand for two bot processes:

* per lookup: `/concept lookup`'s service with the cross-process listener running vs
  without it, warm index, the same Zipf-drawn names, in alternating blocks (so drift of
  the machine hits both). LISTEN/NOTIFY adds no work to a lookup; the figure shows it.
  The alternative design, a version number read on every request, would add a database
  round trip to each: the PK read (`detail.version_check_alternative_p50_ms`).
* per write: from the start of a committed write in one process to the other process's
  index being dropped (the message travels through PostgreSQL), p99 of 20; in `detail`,
  the write itself with publishing vs on a Database with no listeners (the NOTIFY's cost).
The inserted concepts are deleted again, so the cached bench database is left as found.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import delete

from bench.generators import KbSpec
from bench.report import Result, percentile
from bench.services import PK, pk_floor, timed
from bench.simproc import target_guild_id
from bench.textgen import Text, concept_names
from bot.db import Database
from bot.db.coherence import CacheListener
from bot.db.models import Concept
from bot.services import concepts
from bot.services.concepts import complete as concept_complete
from bot.services.concepts import index as concept_index
from bot.wiring import open_database

BLOCKS = 5
WRITES = 20
USER = 4242


async def coherence(db: Database, spec: KbSpec, n: int) -> list[Result]:
    guild = target_guild_id()
    url = db.engine.url.render_as_string(hide_password=False)
    listening = open_database(url, listen=True)
    try:
        async with asyncio.timeout(10):
            await listening.part(CacheListener).wait_connected()
        return [
            await _per_lookup(db, listening, spec, guild, n),
            await _per_write(db, listening, guild),
        ]
    finally:
        await listening.dispose()


async def _per_lookup(
    plain: Database, listening: Database, spec: KbSpec, guild: int, n: int
) -> Result:
    names = Text(17).popular(concept_names(spec.concepts, spec.seed + 2), n)
    for d in (plain, listening):
        await concept_complete.warm_indexes(d, [guild])
    without: list[float] = []
    with_listener: list[float] = []
    per_block = max(1, n // BLOCKS)
    for k in range(BLOCKS):
        block = names[k * per_block : (k + 1) * per_block]
        without += await _lookups(plain, guild, block)
        with_listener += await _lookups(listening, guild, block)
    floor = await pk_floor(plain, Concept, spec.concepts, per_block)
    w50, o50 = percentile(with_listener, 50), percentile(without, 50)
    return Result(
        "/concept lookup service, warm, p50: with cross-process coherence (LISTEN) vs without",
        "postgresql",
        "ms",
        w50,
        o50,
        "the same lookups without it (p50)",
        "<= 1.1 x without",
        w50 <= 1.1 * o50,
        detail={
            "p99_with": percentile(with_listener, 99),
            "p99_without": percentile(without, 99),
            "n_each": len(without),
            "version_check_alternative_p50_ms": percentile(floor, 50),
            "floor_is_for_the_alternative": PK,
        },
    )


async def _lookups(db: Database, guild: int, names: list[str]) -> list[float]:
    it = iter(names)
    return await timed(lambda: concepts.lookup(db, guild, USER, next(it)), len(names))


async def _per_write(writer: Database, listening: Database, guild: int) -> Result:
    index = concept_index.index_for(listening)
    delays: list[float] = []
    writes: list[float] = []  # the same insert, publishing (wired)...
    bare: list[float] = []  # ...and on a Database with no listeners at all
    added: list[int] = []
    unwired = Database.create(writer.engine.url.render_as_string(hide_password=False))
    floor = await pk_floor(writer, Concept, 1000, WRITES)
    try:
        for i in range(WRITES):
            await index.get(listening, guild)  # warm again (the last write dropped it)
            assert index.cached(guild) is not None
            t0 = time.perf_counter()
            async with writer.sessions.begin() as s:
                row = _probe(guild, i)
                s.add(row)
            added.append(row.id)
            while index.cached(guild) is not None:
                await asyncio.sleep(0.0005)
                if time.perf_counter() - t0 > 5:
                    raise TimeoutError("the other process never dropped its index")
            delays.append((time.perf_counter() - t0) * 1000)
        # The write's own cost, alternating, with nothing else running in between.
        for i in range(WRITES):
            for d, out in ((writer, writes), (unwired, bare)):
                t0 = time.perf_counter()
                async with d.sessions.begin() as s:
                    row = _probe(guild, i)
                    s.add(row)
                out.append((time.perf_counter() - t0) * 1000)
                added.append(row.id)
    finally:
        await unwired.dispose()
        if added:
            async with writer.sessions.begin() as s:
                await s.execute(delete(Concept).where(Concept.id.in_(added)))
    p99 = percentile(delays, 99)
    return Result(
        f"cache coherence: a write reaches the other process's cache, p99 of {WRITES}",
        "postgresql",
        "ms",
        p99,
        percentile(floor, 99),
        PK + " p99",
        "< 1000 ms",
        p99 < 1000,
        detail={
            "p50": percentile(delays, 50),
            "runs": delays,
            "write_p50_ms_publishing": percentile(writes, 50),
            "write_p50_ms_without_listeners": percentile(bare, 50),
        },
    )


def _probe(guild: int, i: int) -> Concept:
    name = f"Coherence probe {i} {time.time_ns()}"
    return Concept(
        guild_id=guild,
        slug=name.lower().replace(" ", "-"),
        name=name,
        category="backend",
        tracks="backend",
        summary="bench",
        body="bench",
        search_text=name,
        status="published",
        author_id=USER,
        author_name="bench",
    )
