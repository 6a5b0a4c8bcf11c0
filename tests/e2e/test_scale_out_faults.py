"""Faults in the several-processes setting (tests/e2e/test_scale_out.py's three bot
processes, one per shard, on one PostgreSQL and one simulator).

A database connection lost mid-job: the job is retried in its own process (no restart)
and every server still gets exactly one digest. "Mid-job" is made deterministic with the
database itself: the test holds a SHARE lock on `guild_settings`, which the digest's last
write (`mark_posted` resets the server's failure counter) waits for AFTER the message was
posted; the test then terminates every connection of one process, server side, found by
its client ports (nothing else is touched), and releases the lock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import psutil
import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import DigestPost
from bot.simulator import World
from tests.dbutil import backend_name
from tests.e2e.test_scale_out import SHARDS, _servers, _three, digests_due

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql",
    reason="several bot processes share one database: PostgreSQL only",
)


def _client_ports(pid: int, server_port: int) -> set[int]:
    """The local ports of process `pid`'s TCP connections to the database server."""
    return {
        c.laddr.port
        for c in psutil.Process(pid).net_connections(kind="tcp")
        if c.raddr and c.raddr.port == server_port
    }


async def _backends(admin: asyncpg.Connection, ports: set[int]) -> list[int]:
    rows = await admin.fetch(
        "SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])", list(ports)
    )
    return [int(r["pid"]) for r in rows]


async def _until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_connection_lost_mid_digest_is_retried_and_each_digest_posts_once(
    db: Database, tmp_path: Path
) -> None:
    world = World(bot_name="Nexus")
    servers = await digests_due(db, world)
    url = db.engine.url
    assert url.host in ("127.0.0.1", "localhost"), "the test finds connections by TCP port"
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    holder = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    lock = holder.transaction()
    await lock.start()
    await holder.execute("LOCK TABLE guild_settings IN SHARE MODE")
    holder_pid = holder.get_server_pid()
    try:
        async with _three(db, tmp_path, world) as (sim, procs):
            victim = procs[1]
            assert victim.proc is not None
            mine = [g for g, _ in servers if World.shard_of(g.id, SHARDS) == victim.shard]
            channels = {
                g.id: next(c for c in g.channels.values() if c.name == "digest").id for g in mine
            }

            async def victim_waits_on_the_lock() -> bool:
                ports = _client_ports(victim.proc.pid, url.port or 5432)  # type: ignore[union-attr]
                waiting = await admin.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE client_port = ANY($1::int[])"
                    " AND $2 = ANY(pg_blocking_pids(pid))",
                    list(ports),
                    holder_pid,
                )
                return bool(waiting) and all(sim.messages_in(c) for c in channels.values())

            # Mid-job: the victim's digests went out to Discord, their rows are not marked.
            await _until(victim_waits_on_the_lock, 60, "the victim's digest to wait on the lock")
            before = {
                p.shard: s.id
                for s in sim.gateway.sessions.values()
                for p in procs
                if s.shard == (p.shard, SHARDS)
            }
            ports = _client_ports(victim.proc.pid, url.port or 5432)
            killed = await _backends(admin, ports)
            assert killed
            for pid in killed:
                await admin.execute("SELECT pg_terminate_backend($1)", pid)
            await asyncio.sleep(0.5)
            await lock.rollback()

            async def posted() -> list[DigestPost]:
                async with db.reader() as session:
                    return list((await session.scalars(select(DigestPost))).all())

            async def all_posted() -> bool:
                rows = await posted()
                return len(rows) == len(servers) and all(r.status == "posted" for r in rows)

            await _until(all_posted, 90, "every digest to be posted")
            rows = await posted()
            assert sorted(r.guild_id for r in rows) == sorted(g.id for g, _ in servers)
            for guild, _member in servers:
                digest = next(c for c in guild.channels.values() if c.name == "digest")
                row = next(r for r in rows if r.guild_id == guild.id)
                # One message per part: the retry's repost was deduplicated by its nonce.
                assert len(sim.messages_in(digest.id)) == len(row.message_ids) == 1
                # The victim's digests were retried (a second attempt), the others were not.
                assert row.attempts == (2 if guild.id in channels else 1), guild.name
            # Retried in the same process: it never died or reconnected to the gateway.
            assert victim.proc.returncode is None
            after = {
                p.shard: s.id
                for s in sim.gateway.sessions.values()
                for p in procs
                if s.shard == (p.shard, SHARDS)
            }
            assert after == before
            assert sim.violations == [], [v.reason for v in sim.violations]
    finally:
        if not holder.is_closed():
            await holder.close()
        await admin.close()


async def test_a_process_that_loses_its_gateway_session_resumes_unnoticed_by_the_others(
    db: Database, tmp_path: Path
) -> None:
    """The simulator closes one process's shard connection with 4000 (resumable, as
    Discord's "unknown error"), then sends op 7 Reconnect on it: the real client RESUMEs
    the same session both times (no IDENTIFY); a command sent in the gap is replayed on
    the RESUME and answered once, by that process; the other processes' connections are
    never touched (same session, same websocket)."""
    world = World(bot_name="Nexus")
    servers = _servers(world)
    async with _three(db, tmp_path, world) as (sim, procs):
        gw = sim.gateway
        victim = procs[1].shard

        def connections() -> dict[int, tuple[str, object]]:
            return {s.shard[0]: (s.id, s.conn) for s in gw.sessions.values() if s.conn is not None}

        before = connections()
        assert sorted(before) == list(range(SHARDS))
        identifies, resumes = gw.identifies, gw.resumes
        guild, member = next((g, m) for g, m in servers if World.shard_of(g.id, SHARDS) == victim)

        await gw.close_connections(4000, shard=victim)
        # In the gap (no await since the close): the event waits in the session's buffer.
        record = sim.start_command(member, "challenge list", {}, channel=guild.general)
        assert gw.resumes == resumes and record.dispatched_at is None
        reply = await sim.finish(record, 20)
        assert reply.content or reply.embeds
        assert gw.resumes == resumes + 1 and gw.identifies == identifies
        assert record.dispatched_at is not None  # sent by the RESUME's replay
        assert gw.interaction_shards[record.id] == (victim, SHARDS)
        assert [line for line in gw.log if line.startswith("RESUME")][-1].startswith(
            f"RESUME shard={victim} "
        )

        await gw.send_reconnect(shard=victim)  # op 7: the client reconnects and resumes
        await gw.wait_until(lambda: gw.resumes == resumes + 2, 20)
        after = connections()
        assert gw.identifies == identifies
        assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
        # The others' websockets are the very same; only the victim's was replaced.
        assert {k: v for k, v in after.items() if k != victim} == {
            k: v for k, v in before.items() if k != victim
        }
        assert after[victim][1] is not before[victim][1]

        for g, m in servers:  # every server answered once, by the process owning it
            answer = await sim.command(m, "challenge list", {}, channel=g.general)
            assert answer.content or answer.embeds
            assert gw.interaction_shards[answer.interaction_id] == (
                World.shard_of(g.id, SHARDS),
                SHARDS,
            )
        records = list(sim.registry.by_id.values())
        assert len(records) == len(servers) + 1
        assert all(r.first_response_at is not None and not r.rejections for r in records)
        assert sim.violations == [], [v.reason for v in sim.violations]
    for p in procs:
        log = p.log.read_text(errors="replace")
        assert "Traceback" not in log, log[-3000:]
