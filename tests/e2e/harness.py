"""The end-to-end harness: the REAL NexusBot connected to the local Discord simulator.

One world per test: a learners' server with channels, a moderator role and members for
every part a test needs, and a second server for isolation checks. `restart()` closes the
bot and starts a new one against the same database and world, as a process restart would.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.client import NexusBot
from bot.db import Database
from bot.db.types import utcnow
from bot.services.guilds import settings as guilds
from bot.settings import Settings
from bot.simulator.guild import Guild
from bot.simulator.models import Channel, Member, Role
from bot.simulator.simulator import Simulator
from bot.simulator.world import World

TOKEN = "nexus-e2e-token-0123456789abcdef"


class MutableClock:
    """Follows real time plus an offset; `set()` freezes it at a given instant."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self.frozen: datetime | None = None

    def __call__(self) -> datetime:
        return self.frozen if self.frozen is not None else utcnow() + self.offset

    def set(self, when: datetime) -> None:
        self.frozen = when

    def advance(self, delta: timedelta) -> None:
        if self.frozen is not None:
            self.frozen += delta
        else:
            self.offset += delta


@dataclass
class Nexus:
    sim: Simulator
    db: Database
    world: World
    guild: Guild
    general: Channel
    pairing: Channel
    digest: Channel
    modlog: Channel
    mod_role: Role
    admin: Member
    mod: Member
    alice: Member
    bob: Member
    carol: Member
    dave: Member
    erin: Member
    mallory: Member
    other: Guild
    other_member: Member
    settings: Settings
    clock: MutableClock = field(default_factory=MutableClock)
    bot: NexusBot | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def client(self) -> NexusBot:
        assert self.bot is not None, "bot not started"
        return self.bot

    async def start_bot(self) -> NexusBot:
        bot = NexusBot(self.settings, self.db, clock=self.clock, guild_ready_timeout=0.05)

        async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
            return None

        bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
        self.sim.redirect_client()
        await bot.login(TOKEN)
        self._task = asyncio.create_task(bot.connect(reconnect=True))
        await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
        self.bot = bot
        return bot

    async def stop_bot(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self.bot, self._task = None, None

    async def restart(self) -> NexusBot:
        await self.stop_bot()
        return await self.start_bot()


def build_world() -> tuple[World, dict[str, object]]:
    world = World(bot_name="Nexus")
    g = world.create_guild("Learners", owner="owner")
    mod_role = g.create_role("Moderator")
    parts: dict[str, object] = {
        "guild": g,
        "general": g.general,
        "pairing": g.create_text_channel("pairing"),
        "digest": g.create_text_channel("digest"),
        "modlog": g.create_text_channel("mod-log"),
        "mod_role": mod_role,
        "admin": g.add_member("admin", permissions=["MANAGE_GUILD"], global_name="Ada Admin"),
        "mod": g.add_member("mod", roles=[mod_role], global_name="Moe Moderator"),
        "alice": g.add_member("alice", global_name="Alice"),
        "bob": g.add_member("bob", global_name="Bob"),
        "carol": g.add_member("carol", global_name="Carol"),
        "dave": g.add_member("dave", global_name="Dave"),
        "erin": g.add_member("erin", global_name="Erin"),
        "mallory": g.add_member("mallory", global_name="Mallory"),
    }
    other = world.create_guild("Other Learners", owner="other-owner")
    parts["other"] = other
    parts["other_member"] = other.add_member("olivia", global_name="Olivia")
    return world, parts


async def start_nexus(db: Database) -> Nexus:
    world, parts = build_world()
    sim = Simulator(TOKEN, world=world, interaction_window=None)
    await sim.start()
    g = parts["guild"]
    assert isinstance(g, Guild)
    await guilds.update_settings(
        db,
        g.id,
        moderator_role_id=parts["mod_role"].id,  # type: ignore[attr-defined]
        pairing_channel_id=parts["pairing"].id,  # type: ignore[attr-defined]
        digest_channel_id=parts["digest"].id,  # type: ignore[attr-defined]
        mod_log_channel_id=parts["modlog"].id,  # type: ignore[attr-defined]
    )
    settings = Settings(
        token=TOKEN,
        database_url=db.engine.url.render_as_string(hide_password=False),
        auto_migrate=False,
        auto_seed=False,
    )
    nexus = Nexus(sim=sim, db=db, world=world, settings=settings, **parts)  # type: ignore[arg-type]
    try:
        await nexus.start_bot()
    except BaseException:
        await sim.stop()
        raise
    return nexus


async def stop_nexus(nexus: Nexus) -> None:
    try:
        await nexus.stop_bot()
    finally:
        await nexus.sim.stop()
        # Background database work (index warm-ups, catch-ups) finishes first: cancelled
        # mid-query it would take its connection down with it (Database.settle).
        await nexus.db.settle()
        # Whatever a test left running (e.g. a discord.py handler still awaiting the
        # database) unwinds now, while the engine is still open.
        current = asyncio.current_task()
        leftovers = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        for task in leftovers:
            task.cancel()
        if leftovers:
            await asyncio.wait(leftovers, timeout=5)
