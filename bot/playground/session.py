"""Start and stop the playground: simulator + demo server + the real NexusBot on a database.

The demo world is built with deterministic ids, so a `--database` file used again next time
finds the same server, channels and members (what you created last time is still there).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.exc import SQLAlchemyError

from bot.client import NexusBot
from bot.db import Database
from bot.db.migrate import upgrade
from bot.errors import NexusError
from bot.playground.timewarp import PlaygroundClock
from bot.services import concepts, guilds, pairing
from bot.settings import Settings, SettingsError, normalise_database_url
from bot.simulator.guild import Guild
from bot.simulator.models import Channel, Member, Role
from bot.simulator.simulator import Simulator
from bot.simulator.snowflake import DISCORD_EPOCH_MS, SnowflakeGenerator
from bot.simulator.spec import default_spec_path
from bot.simulator.world import World
from bot.wiring import open_database

log = logging.getLogger("nexus.playground")

TOKEN = "nexus-playground-token-0123456789abcdef"
APP_ID = 1_200_000_000_000_000_001
# 2024-01-01T00:00:00Z: ids of the demo world are derived from this fixed instant.
WORLD_EPOCH_MS = 1_704_067_200_000
DEFAULT_ACTOR = "alice"
DEFAULT_CHANNEL = "general"
READY_TIMEOUT = 10.0


class StartupError(Exception):
    """The playground could not start. The message is one line, safe to print."""


class FixedIds(SnowflakeGenerator):
    """Snowflakes from a fixed instant plus a counter: the same world gets the same ids."""

    def __init__(self) -> None:
        super().__init__()
        self._count = 0

    def next(self) -> int:
        self._count += 1
        ms = WORLD_EPOCH_MS - DISCORD_EPOCH_MS
        return (ms << 22) | (1 << 17) | self._count


@dataclass(frozen=True)
class Learner:
    name: str
    display: str
    track: str  # pairing track; "" = has not joined pairing yet


LEARNERS = (
    Learner("alice", "Alice", ""),  # frontend, the default actor: free to try /pair join
    Learner("bob", "Bob", "backend"),
    Learner("carol", "Carol", "backend"),
    Learner("dave", "Dave", "frontend"),
    Learner("erin", "Erin", "fullstack"),
)
TRACK_ROLE = MappingProxyType(
    {
        "alice": "Frontend",
        "bob": "Backend",
        "carol": "Backend",
        "dave": "Frontend",
        "erin": "Full-stack",
    }
)
AVAILABILITY = "Mon 18-21, Wed 18-21, Sat 10-13"


@dataclass
class DemoServer:
    guild: Guild
    channels: dict[str, Channel]
    members: dict[str, Member]
    mod_role: Role


def build_world() -> tuple[World, DemoServer]:
    """The demo server: admin (Manage Server), mod (Moderator role), learners, mallory."""
    world = World(app_id=APP_ID, bot_name="Nexus")
    runtime_ids = world.ids
    world.ids = FixedIds()
    g = world.create_guild("Nexus Playground", owner="owner")
    mod_role = g.create_role("Moderator", hoist=True)
    roles = {name: g.create_role(name) for name in ("Frontend", "Backend", "Full-stack")}
    channels = {"general": g.general}
    for name in ("pairing", "digest", "mod-log"):
        channels[name] = g.create_text_channel(name)
    members = {
        "admin": g.add_member("admin", permissions=["MANAGE_GUILD"], global_name="Ada Admin"),
        "mod": g.add_member("mod", roles=[mod_role], global_name="Moe Moderator"),
    }
    for learner in LEARNERS:
        role = roles[TRACK_ROLE[learner.name]]
        members[learner.name] = g.add_member(
            learner.name, roles=[role], global_name=learner.display
        )
    members["mallory"] = g.add_member("mallory", global_name="Mallory")
    # Added last, so that the ids of everything above stay what they were (a --database
    # file from before still finds its server). Tags: the tracks and "Solved" (only
    # moderators and Nexus set it), as /setup help_forum creates them.
    channels["help-forum"] = g.create_forum_channel(
        "help-forum",
        tags=["Frontend", "Backend", "Full-stack", {"name": "Solved", "moderated": True}],
        topic="Ask for help: one post per question. Mark the answer that solved it.",
    )
    world.ids = runtime_ids  # messages get real, time-based ids (all newer than the world's)
    return world, DemoServer(g, channels, members, mod_role)


def database_url(database: str | None, tmpdir: Path) -> str:
    """A URL from --database: a URL, a SQLite file path, or (None) a temporary SQLite file."""
    if database is None:
        return f"sqlite+aiosqlite:///{tmpdir / 'playground.db'}"
    raw = database.strip()
    if "://" not in raw:
        path = Path(raw).expanduser().resolve()
        raw = f"sqlite+aiosqlite:///{path}"
    try:
        return normalise_database_url(raw)
    except SettingsError as exc:
        raise StartupError(f"--database: {exc}") from None
    except OSError as exc:  # the SQLite file's folder cannot be created
        raise StartupError(f"--database: {exc.strerror or exc}: {exc.filename}") from None


async def prepare_database(url: str) -> Database:
    """Migrate to head and load the seed concepts (both idempotent)."""
    try:
        await upgrade(url)
    except (OSError, SQLAlchemyError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise StartupError(
            f"cannot open the database: {reason.__class__.__name__}: {reason}"
        ) from None
    db = open_database(url)
    try:
        await concepts.seed_if_needed(db)
    except BaseException:
        await db.dispose()
        raise
    return db


async def configure_demo(db: Database, demo: DemoServer) -> None:
    """Settings (channels, moderator role) and pairing profiles, without undoing your edits."""
    cfg = await guilds.get_settings(db, demo.guild.id)
    wanted = {
        "moderator_role_id": demo.mod_role.id,
        "pairing_channel_id": demo.channels["pairing"].id,
        "digest_channel_id": demo.channels["digest"].id,
        "mod_log_channel_id": demo.channels["mod-log"].id,
        "help_forum_channel_id": demo.channels["help-forum"].id,
    }
    changes = {k: v for k, v in wanted.items() if getattr(cfg, k) is None}
    if changes:
        await guilds.update_settings(db, demo.guild.id, **changes)
    for learner in LEARNERS:
        if not learner.track:
            continue
        member = demo.members[learner.name]
        with contextlib.suppress(NexusError):  # already joined (a reused --database)
            await pairing.join(
                db,
                demo.guild.id,
                member.id,
                display_name=learner.display,
                track=learner.track,
                timezone="UTC",
                availability=AVAILABILITY,
            )


@dataclass
class Session:
    """A running playground. `await Session.start(...)`, then `await session.stop()`."""

    sim: Simulator
    db: Database
    world: World
    demo: DemoServer
    bot: NexusBot
    settings: Settings
    url: str
    _task: asyncio.Task[None] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    clock: PlaygroundClock = field(default_factory=PlaygroundClock)

    @property
    def guild(self) -> Guild:
        return self.demo.guild

    @classmethod
    async def start(cls, database: str | None = None) -> Session:
        tmp = tempfile.TemporaryDirectory(prefix="nexus-playground-")
        sim: Simulator | None = None
        db: Database | None = None
        session: Session | None = None
        try:
            url = database_url(database, Path(tmp.name))
            db = await prepare_database(url)
            world, demo = build_world()
            await configure_demo(db, demo)
            spec_found = default_spec_path().is_file()
            sim = Simulator(TOKEN, world=world, validate_schema=spec_found)
            await sim.start()
            settings = Settings(
                token=TOKEN,
                database_url=url,
                auto_migrate=False,
                auto_seed=False,
                sync_on_start=False,
                # As a server that enabled the intent: help-forum posts keep their text.
                message_content_intent=True,
            )
            # No scheduler: nothing posts by itself (a pairing round or digest "catching up"
            # at start would depend on the weekday); `/pair round`, `/digest now` do it,
            # and `wait` runs what falls due while the clock moves (playground/timewarp.py).
            clock = PlaygroundClock()
            bot = NexusBot(settings, db, clock=clock, run_scheduler=False, guild_ready_timeout=0.05)
            session = cls(sim, db, world, demo, bot, settings, url, _tmp=tmp)
            session.clock = clock
            await session._connect()
            return session
        except BaseException:
            if session is not None:
                await session.stop()
                raise
            if sim is not None:
                await sim.stop()
            if db is not None:
                await db.dispose()
            tmp.cleanup()
            raise

    async def _connect(self) -> None:
        async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
            return None

        bot = self.bot
        bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
        self.sim.redirect_client()
        await bot.login(TOKEN)
        # The simulated Discord is new each run: always register the commands with it.
        await bot.sync_commands(force=True)
        self._task = asyncio.create_task(bot.connect(reconnect=True), name="nexus-playground")
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {self._task, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if self._task in done and self._task.exception() is not None:
                exc = self._task.exception()
                raise StartupError(f"the bot stopped while connecting: {exc!r}")
            raise StartupError(f"the bot was not ready within {READY_TIMEOUT:.0f} s")

    async def stop(self) -> None:
        """Close the bot, the simulator and the database; safe to call twice."""
        try:
            if not self.bot.is_closed():
                await self.bot.close()
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task
                self._task = None
        finally:
            await self.sim.stop()
            await self.db.dispose()
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None
