"""Crash safety: the bot is a separate process, SIGKILLed at random moments under a write load.

The simulator runs in this process; the bot (bot/bot_process.py) runs against it
and a file database. Members keep sharing takeaways, upvoting, sharing challenges through the
form and joining pairing; a moderator triggers /digest now and /pair round around the kills.
After the last restart: every write whose confirmation a member saw is there exactly once,
`PRAGMA integrity_check` is ok, and no digest or pairing round exists twice.
Kill moments come from a seeded RNG (quick: 5 kills; NEXUS_SOAK=1: 50).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Challenge, DigestPost, PairProfile, PairRound, Takeaway, TakeawayVote
from bot.services.guilds import settings as guilds
from bot.simulator.guild import Guild
from bot.simulator.models import Channel, Member, Role
from bot.simulator.simulator import Simulator
from tests.e2e.harness import TOKEN, build_world
from tests.reliability.conftest import scale
from tests.reliability.support import integrity_ok

ROOT = Path(__file__).resolve().parents[2]
KILLS = scale(5, 50)
SEED = int(os.environ.get("NEXUS_CRASH_SEED", "20240607"))
T = TypeVar("T")


class BotProcess:
    def __init__(self, sim: Simulator, database_url: str, log: Path) -> None:
        self.sim, self.url, self.log = sim, database_url, log
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        before = self.sim.gateway.identifies
        with self.log.open("ab") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.bot_process",
                "--rest",
                self.sim.rest_url,
                "--gateway",
                self.sim.gateway_url,
                "--database",
                self.url,
                "--token",
                TOKEN,
                cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=err,
            )
        self.starts += 1
        await self.sim.gateway.wait_until(
            lambda: self.sim.gateway.identifies > before and self.sim.gateway.is_ready(), 60
        )
        await asyncio.sleep(0.1)  # READY/GUILD_CREATE handled, on_ready hooks scheduled

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


@dataclass
class Seen:
    """Writes whose confirmation a member saw."""

    takeaways: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    votes: set[tuple[int, int]] = field(default_factory=set)  # (takeaway id, user id)
    joined: set[int] = field(default_factory=set)
    published: list[tuple[int, int]] = field(default_factory=list)  # (takeaway id, message id)
    attempts: int = 0
    confirmed: int = 0


async def _attempt(coro: Any) -> Any:
    try:
        return await coro
    except Exception:  # killed mid-interaction: no confirmation was seen
        return None


async def _worker(
    sim: Simulator,
    me: Member,
    n: int,
    seen: Seen,
    stop: asyncio.Event,
    rng: random.Random,
    channel: Any,
) -> None:
    i = 0
    voted: set[int] = set()
    while not stop.is_set():
        i += 1
        seen.attempts += 1
        action = rng.choice(["takeaway", "takeaway", "vote", "vote", "challenge", "join"])
        if action == "takeaway":
            text = f"crash takeaway {n}-{i}"
            r = await _attempt(
                sim.command(
                    me, "takeaway share", {"kind": "practice", "text": text}, channel=channel
                )
            )
            if r is not None and r.embeds and r.message is not None:
                seen.takeaways.append(text)
                tid = int(r.embeds[0]["title"].rsplit("#", 1)[1])
                seen.published.append((tid, r.message.id))
                seen.confirmed += 1
        elif action == "vote":
            options = [p for p in seen.published if p[0] not in voted]
            if not options:
                continue
            tid, mid = rng.choice(options)
            voted.add(tid)  # one try per takeaway: a lost toggle is never retried
            r = await _attempt(sim.click(me, mid, f"nexus:takeaway:vote:{tid}"))
            if r is not None and r.response_type == 7:
                seen.votes.add((tid, me.id))
                seen.confirmed += 1
        elif action == "challenge":
            title = f"crash challenge {n}-{i}"
            form = await _attempt(sim.command(me, "challenge share", {}, channel=channel))
            if form is None or form.modal is None:
                continue
            r = await _attempt(sim.submit_modal(me, form, {"title": title, "problem": "It broke"}))
            if r is not None and r.embeds:
                seen.challenges.append(title)
                seen.confirmed += 1
        elif me.id not in seen.joined:
            r = await _attempt(
                sim.command(
                    me,
                    "pair join",
                    {
                        "track": rng.choice(["frontend", "backend"]),
                        "timezone": "UTC",
                        "availability": "weekdays 0-23",
                    },
                    channel=channel,
                )
            )
            if r is not None and r.embeds:
                seen.joined.add(me.id)
                seen.confirmed += 1
        await asyncio.sleep(rng.uniform(0, 0.05))


async def _moderator(sim: Simulator, mod: Member, stop: asyncio.Event, channel: Any) -> None:
    while not stop.is_set():
        for name in ("digest now", "pair round"):
            await _attempt(sim.command(mod, name, {}, channel=channel))
        await asyncio.sleep(0.2)


def _part(parts: dict[str, object], name: str, kind: type[T]) -> T:
    """One of build_world's parts, checked to be the kind the test expects."""
    value = parts[name]
    assert isinstance(value, kind), (name, value)
    return value


async def test_sigkill_under_load_loses_no_confirmed_write(db: Database, tmp_path: Path) -> None:
    world, parts = build_world()
    g = _part(parts, "guild", Guild)
    extra = [g.add_member(f"learner{i}", global_name=f"Learner {i}") for i in range(6)]
    members = [_part(parts, n, Member) for n in ("alice", "bob", "carol", "dave", "erin")]
    members += extra
    sim = Simulator(TOKEN, world=world, interaction_window=None, reply_timeout=4.0)
    await sim.start()
    await guilds.update_settings(
        db,
        g.id,
        moderator_role_id=_part(parts, "mod_role", Role).id,
        pairing_channel_id=_part(parts, "pairing", Channel).id,
        digest_channel_id=_part(parts, "digest", Channel).id,
    )
    url = db.engine.url.render_as_string(hide_password=False)
    bot = BotProcess(sim, url, tmp_path / "bot.log")
    rng = random.Random(SEED)
    seen, stop = Seen(), asyncio.Event()
    general = _part(parts, "general", Channel)
    tasks: list[asyncio.Task[None]] = []
    try:
        await bot.start()
        tasks = [
            asyncio.create_task(_worker(sim, m, n, seen, stop, random.Random(SEED + n), general))
            for n, m in enumerate(members)
        ]
        mod = _part(parts, "mod", Member)
        tasks.append(asyncio.create_task(_moderator(sim, mod, stop, general)))
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(0.3, 1.5))
            await bot.kill()
            await asyncio.sleep(rng.uniform(0, 0.3))
            await bot.start()
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*tasks)
        # The bot is up after the last restart and still answers.
        alive = await sim.command(members[0], "takeaway list", {}, channel=general)
        assert alive.embeds, alive.content
    finally:
        stop.set()
        for t in tasks:
            t.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.gather(*tasks, return_exceptions=True)
        await bot.stop()
        await sim.stop()
    log = (tmp_path / "bot.log").read_text(errors="replace")
    assert seen.confirmed >= KILLS, (seen.attempts, seen.confirmed, log[-3000:])
    await _check(db, seen, sim, parts)
    assert "Traceback" not in log or "Killed" in log, log[-3000:]


async def _check(db: Database, seen: Seen, sim: Simulator, parts: dict[str, Any]) -> None:
    assert await integrity_ok(db)
    async with db.reader() as s:
        bodies = Counter((await s.scalars(select(Takeaway.body))).all())
        titles = Counter((await s.scalars(select(Challenge.title))).all())
        votes = set((await s.execute(select(TakeawayVote.takeaway_id, TakeawayVote.user_id))).all())
        profiles = set((await s.scalars(select(PairProfile.user_id))).all())
        counted = dict((await s.execute(select(Takeaway.id, Takeaway.votes))).all())
        per_takeaway = dict(
            (
                await s.execute(
                    select(TakeawayVote.takeaway_id, func.count()).group_by(
                        TakeawayVote.takeaway_id
                    )
                )
            ).all()
        )
        digests = Counter((await s.execute(select(DigestPost.guild_id, DigestPost.period))).all())
        rounds = Counter((await s.execute(select(PairRound.guild_id, PairRound.period_key))).all())
    missing_t = [t for t in seen.takeaways if bodies[t] != 1]
    assert not missing_t, missing_t
    missing_c = [t for t in seen.challenges if titles[t] != 1]
    assert not missing_c, missing_c
    assert all(n == 1 for n in bodies.values()), "a takeaway was stored twice"
    assert all(n == 1 for n in titles.values()), "a challenge was stored twice"
    assert seen.votes <= votes, seen.votes - votes
    assert seen.joined <= profiles, seen.joined - profiles
    for tid, n in counted.items():  # the denormalised count matches the rows
        assert n == per_takeaway.get(tid, 0), (tid, n, per_takeaway.get(tid, 0))
    assert all(n == 1 for n in digests.values()), digests
    assert all(n == 1 for n in rounds.values()), rounds
    nonces = [m.raw.get("nonce") for m in sim.messages_in(parts["digest"])]
    nonces = [n for n in nonces if n]
    assert len(nonces) == len(set(nonces)), "a digest message was posted twice"
