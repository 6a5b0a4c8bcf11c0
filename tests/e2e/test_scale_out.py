"""Three bot processes (bot/bot_process.py, the real client) on one PostgreSQL and one
simulator, each owning one of three shards: every command is answered once, by the process
owning the server's shard; identifies respect max_concurrency across processes; a process
SIGKILLed at digest time and restarted leaves every server exactly one digest that week."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import DigestPost
from bot.services.guilds import settings as guilds
from bot.simulator import Simulator, World
from bot.simulator.guild import Guild
from bot.simulator.models import Member
from tests.dbutil import backend_name
from tests.e2e.harness import TOKEN
from tests.unit.test_digest_support import add, backdate, takeaway

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql",
    reason="several bot processes share one database: PostgreSQL only "
    "(set NEXUS_TEST_DATABASE_URL; .ci/run's PostgreSQL pass runs this)",
)
ROOT = Path(__file__).resolve().parents[2]
SHARDS = 3
WINDOW = 0.4  # the simulator's identify window (Discord: 5 s), max_concurrency 1


class Proc:
    def __init__(self, sim: Simulator, url: str, shard: int, log: Path) -> None:
        self.sim, self.url, self.shard, self.log = sim, url, shard, log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.bot_process",
                *("--rest", self.sim.rest_url, "--gateway", self.sim.gateway_url),
                *("--database", self.url, "--token", TOKEN),
                *("--shard-count", str(SHARDS), "--shard-ids", str(self.shard)),
                *("--identify-window", str(WINDOW)),
                cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=err,
            )

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                await self.kill()


def _servers(world: World) -> list[tuple[Guild, Member]]:
    """At least one server on every shard, each with a member and a digest channel."""
    out: list[tuple[Guild, Member]] = []
    while len({World.shard_of(g.id, SHARDS) for g, _ in out}) < SHARDS:
        assert len(out) < 200
        g = world.create_guild(f"Cohort {len(out)}", owner=f"owner{len(out)}")
        g.create_text_channel("digest")
        out.append((g, g.add_member(f"learner{len(out)}")))
        time.sleep(0.001 * (1 + len(out) % 2))  # snowflake timestamps decide the shard
    return out


async def digests_due(db: Database, world: World) -> list[tuple[Guild, Member]]:
    """The servers, each with a digest channel, something to tell, and this week's slot
    this hour, already due: each process posts its servers' digests at start (catch-up),
    exactly what a slot passing does."""
    servers = _servers(world)
    now = datetime.now(UTC)
    for guild, _member in servers:
        digest = next(c for c in guild.channels.values() if c.name == "digest")
        await guilds.update_settings(
            db,
            guild.id,
            digest_channel_id=digest.id,
            digest_weekday=now.weekday(),
            digest_hour=now.hour,
        )
        await backdate(db, guild.id, now - timedelta(days=30))
        await add(db, takeaway(guild.id, now - timedelta(hours=2), f"Lesson of {guild.name}"))
    return servers


@asynccontextmanager
async def _three(
    db: Database, tmp_path: Path, world: World
) -> AsyncIterator[tuple[Simulator, list[Proc]]]:
    sim = Simulator(
        TOKEN,
        world=world,
        shard_count=SHARDS,
        max_concurrency=1,
        identify_window=WINDOW,
        interaction_window=None,
        reply_timeout=8.0,
    )
    await sim.start()
    url = db.engine.url.render_as_string(hide_password=False)
    procs = [Proc(sim, url, i, tmp_path / f"bot{i}.log") for i in range(SHARDS)]
    try:
        for p in procs:
            await p.start()
        await sim.gateway.wait_until(sim.gateway.is_ready, 60)
        await asyncio.sleep(0.2)
        yield sim, procs
    finally:
        for p in procs:
            await p.stop()
        await sim.stop()


async def test_every_command_is_answered_once_by_the_owning_process(
    db: Database, tmp_path: Path
) -> None:
    world = World(bot_name="Nexus")
    servers = _servers(world)
    async with _three(db, tmp_path, world) as (sim, _procs):
        # One identify per bucket per window across the three processes.
        assert sim.gateway.limiter.violations == []
        assert sorted(s.shard for s in sim.gateway.sessions.values()) == [
            (i, SHARDS) for i in range(SHARDS)
        ]
        for guild, member in servers:
            reply = await sim.command(member, "challenge list", {}, channel=guild.general)
            assert reply.content or reply.embeds
            shard = sim.gateway.interaction_shards[reply.interaction_id]
            assert shard == (World.shard_of(guild.id, SHARDS), SHARDS)
        assert sim.violations == [], [v.reason for v in sim.violations]
        answered = [r for r in sim.registry.by_id.values() if r.first_response_at is not None]
        assert len(answered) == len(servers)


async def test_sigkill_at_digest_time_then_restart_posts_each_digest_once(
    db: Database, tmp_path: Path
) -> None:
    world = World(bot_name="Nexus")
    servers = await digests_due(db, world)
    async with _three(db, tmp_path, world) as (sim, procs):
        victim = procs[1]
        await victim.kill()  # in the middle of its digest slot
        await asyncio.sleep(0.3)
        await victim.start()
        await sim.gateway.wait_until(sim.gateway.is_ready, 60)

        async def posted() -> list[DigestPost]:
            async with db.reader() as session:
                return list((await session.scalars(select(DigestPost))).all())

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = await posted()
            if len(rows) == len(servers) and all(r.status == "posted" for r in rows):
                break
            await asyncio.sleep(0.3)
        rows = await posted()
        assert sorted(r.guild_id for r in rows) == sorted(g.id for g, _ in servers)
        assert all(r.status == "posted" for r in rows), [(r.guild_id, r.status) for r in rows]
        for guild, _member in servers:
            digest = next(c for c in guild.channels.values() if c.name == "digest")
            row = next(r for r in rows if r.guild_id == guild.id)
            assert len(sim.messages_in(digest.id)) == len(row.message_ids)
