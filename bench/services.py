"""Service-level scenarios: the service functions called directly on a generated database.

Each figure is set against a floor measured on the same database in the same run: the
cheapest read the scenario cannot avoid (an indexed primary-key lookup through the same
`db.reader()` unit of work), so the ratio says what the feature costs above "one query".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bench.generators import DigestSpec, KbSpec
from bench.report import Result, percentile
from bench.simproc import target_guild_id
from bench.textgen import NOW, WEEK_START, Text, concept_names
from bot.db import Database
from bot.db.models import Challenge, Concept
from bot.services import concepts
from bot.services.challenges import service as challenges
from bot.services.challenges.search_cache import search_cache
from bot.services.concepts import complete as concept_complete
from bot.services.concepts import index as concept_index
from bot.services.digest import content as digest_content
from bot.services.pairing import matcher as pairing_matcher
from bot.services.pairing import synthetic as pairing_synthetic

PK = "PK lookup (same db)"
FLOOR_SAMPLE = 2000  # PK reads timed for the "N servers" floor, scaled to N


@dataclass(frozen=True)
class ServiceSizes:
    kb: KbSpec
    digest: DigestSpec
    learners: int
    repeats: int  # timed calls per latency scenario


async def timed(fn: Callable[[], Awaitable[Any]], n: int) -> list[float]:
    """Milliseconds of `n` sequential awaits of fn()."""
    out: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def pk_floor(db: Database, model: Any, max_id: int, n: int, seed: int = 7) -> list[float]:
    rng = Text(seed).rng

    async def one() -> None:
        async with db.reader() as s:
            await s.scalar(select(model.id).where(model.id == rng.randint(1, max_id)))

    await timed(one, 20)  # warm the pool and the statement cache
    return await timed(one, n)


async def autocomplete(db: Database, spec: KbSpec, backend: str, n: int) -> list[Result]:
    guild = target_guild_id()
    t = Text(11)
    names = concept_names(spec.concepts, spec.seed + 2)
    index = concept_index.index_for(db)
    floor = await pk_floor(db, Concept, spec.concepts, n)
    await concept_complete.warm_indexes(db, [guild])  # what the bot does once connected

    async def first_keystrokes(drop: Callable[[int], None]) -> list[float]:
        times: list[float] = []
        for _ in range(5):
            await index.get(db, guild)  # the build the previous keystroke started
            drop(guild)
            # The finished build's task (holding the index just dropped) is released by a
            # callback on a later loop turn: ~100,000 objects freed, 2-5 ms that belong to
            # the previous round, not to this keystroke (after a real start there is none).
            await asyncio.sleep(0.02)
            t0 = time.perf_counter()
            await concept_complete.autocomplete(db, guild, t.prefix(names))
            times.append((time.perf_counter() - t0) * 1000)
        return times

    # After a write to the server's concepts the previous index answers while the new one
    # builds; after a restart (nothing built yet) one bounded SQL query answers.
    after_write = await first_keystrokes(index.invalidate)
    cold = await first_keystrokes(index.forget)
    # "Warm" means the index is built: wait for the background build the cold keystrokes
    # started, so warm keystrokes are not answered by the cold path.
    await index.get(db, guild)
    warm = await timed(lambda: concept_complete.autocomplete(db, guild, t.prefix(names)), n)
    f99 = percentile(floor, 99)
    label = f"autocomplete, {spec.concepts:,} concepts"
    return [
        Result(
            f"{label}: warm p99",
            backend,
            "ms",
            percentile(warm, 99),
            f99,
            PK + " p99",
            "< 10 ms",
            percentile(warm, 99) < 10,
            detail={"p50": percentile(warm, 50), "n": n},
        ),
        Result(
            f"{label}: first keystroke after a write, max of 5",
            backend,
            "ms",
            max(after_write),
            f99,
            PK + " p99",
            "< 10 ms",
            max(after_write) < 10,
            detail={"runs": after_write},
        ),
        Result(
            f"{label}: first keystroke after start (no index), max of 5",
            backend,
            "ms",
            max(cold),
            f99,
            PK + " p99",
            "< 10 ms",
            max(cold) < 10,
            detail={"runs": cold},
        ),
    ]


def misspelled(t: Text, names: list[str]) -> str:
    """A lookup that names no concept exactly: a name with two typos, a word of one with
    a typo plus another word, or the start of a word with a typo."""
    name = t.rng.choice(names).lower()

    def typo(text: str) -> str:
        i = t.rng.randrange(len(text))
        kind = t.rng.random()
        if kind < 0.35:
            return text[:i] + text[i + 1 :]
        if kind < 0.7:
            return text[:i] + t.rng.choice("abcdefghijklmnopqrstuvwxyz") + text[i + 1 :]
        return text[:i] + text[i : i + 2][::-1] + text[i + 2 :]

    kind = t.rng.random()
    if kind < 0.5:
        return typo(typo(name))
    word = t.rng.choice(name.split())
    if kind < 0.8:
        return typo(word) + " " + t.rng.choice(("basics", "tutorial", "in python", "example"))
    return typo(word[: t.rng.randint(4, max(4, len(word)))])


async def lookup_miss(db: Database, spec: KbSpec, backend: str, n: int) -> list[Result]:
    """/concept lookup of misspelled names, warm index: mostly misses answered with "did
    you mean" suggestions (the rest corrected to the one close concept)."""
    guild = target_guild_id()
    t = Text(17)
    names = concept_names(spec.concepts, spec.seed + 2)
    texts = [misspelled(t, names) for _ in range(n + 20)]
    await concept_index.index_for(db).get(db, guild)  # built, as after the bot's warm-up
    it = iter(texts)
    await timed(lambda: concepts.lookup(db, guild, 4242, next(it)), 20)
    lat = await timed(lambda: concepts.lookup(db, guild, 4242, next(it)), n)
    floor = await pk_floor(db, Concept, spec.concepts, n)
    p99 = percentile(lat, 99)
    return [
        Result(
            f"/concept lookup service, misspelled, {spec.concepts:,} concepts: p99",
            backend,
            "ms",
            p99,
            percentile(floor, 99),
            PK + " p99",
            "< 10 ms",
            p99 < 10,
            detail={"p50": percentile(lat, 50), "n": n},
        ),
    ]


async def search(db: Database, spec: KbSpec, backend: str, n: int) -> list[Result]:
    guild = target_guild_id()
    t = Text(13)
    queries = [t.query(t.rng.choice((1, 2, 2, 3))) for _ in range(n)]
    it = iter(queries * 2)

    # The full-text search itself: remembered rankings (challenge_cache) are switched
    # off here, so a warm-up query repeated later is ranked again.
    search_cache(db).keep_answers = False

    async def one() -> None:
        await challenges.search_challenges(db, guild, next(it), viewer_id=1)

    await timed(one, min(20, n))
    it = iter(queries)
    lat = await timed(one, n)
    floor = await pk_floor(db, Challenge, spec.challenges, n)
    p99 = percentile(lat, 99)
    target_ms = 20.0 if backend == "sqlite" else None
    return [
        Result(
            f"/challenge search service, {spec.challenges:,} entries: p99",
            backend,
            "ms",
            p99,
            percentile(floor, 99),
            PK + " p99",
            "< 20 ms" if target_ms else "(SQLite target)",
            p99 < target_ms if target_ms else None,
            detail={"p50": percentile(lat, 50), "n": n},
        ),
    ]


async def digest(db: Database, spec: DigestSpec, backend: str) -> list[Result]:
    busy = target_guild_id()
    key = "bench-week"

    async def one_busy() -> None:
        await digest_content.build_digest(db, busy, WEEK_START, NOW, key)

    await one_busy()
    busy_ms = await timed(one_busy, 5)
    floor = await pk_floor(db, Challenge, 1000, 50)
    servers = [busy + 1_000_000 + k for k in range(spec.servers)]
    t0 = time.perf_counter()
    for gid in servers:
        await digest_content.build_digest(db, gid, WEEK_START, NOW, key)
    all_s = time.perf_counter() - t0
    # The floor is 10,000 primary-key reads; a sample of them, scaled, says the same (the
    # full count added 15-30 s to every run).
    sample = min(spec.servers, FLOOR_SAMPLE)
    floor_all = sum(await pk_floor(db, Challenge, 1000, sample)) / 1000 * spec.servers / sample
    return [
        Result(
            f"digest, 1 server with {spec.busy_entries:,} entries in the week (max of 5)",
            backend,
            "ms",
            max(busy_ms),
            percentile(floor, 99),
            PK + " p99",
            "< 300 ms",
            max(busy_ms) < 300,
            detail={"runs": busy_ms},
        ),
        Result(
            f"digest, {spec.servers:,} servers one after another",
            backend,
            "s",
            all_s,
            floor_all,
            f"{spec.servers:,} PK lookups (from {sample:,})",
            "< 60 s",
            all_s < 60,
            detail={"per_server_ms": all_s * 1000 / max(1, spec.servers)},
        ),
    ]


def matching(learners: int) -> list[Result]:
    cands = pairing_synthetic.synthetic_candidates(learners, seed=3)
    t0 = time.perf_counter()
    result = pairing_matcher.match(cands)
    took = time.perf_counter() - t0
    t0 = time.perf_counter()
    ordered = sorted(cands, key=lambda c: (c.track, c.user_id))
    list(zip(ordered[::2], ordered[1::2], strict=False))  # the floor: pair by sort order
    floor = time.perf_counter() - t0
    return [
        Result(
            f"matching {learners:,} learners",
            "-",
            "s",
            took,
            floor,
            "sort + pair neighbours",
            "< 3 s",
            took < 3,
            detail={"groups": len(result.groups), "unmatched": len(result.unmatched)},
        ),
    ]
