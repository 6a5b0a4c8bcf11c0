"""NexusBot: loads every cog package, starts the scheduler, syncs commands on change."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import pkgutil
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from sqlalchemy import select

import cogs
from bot import __version__
from bot.db import Database
from bot.db.models import BotState
from bot.db.types import utcnow
from bot.scheduler import NexusScheduler
from bot.services import guilds
from bot.services.guilds import GuildConfig
from bot.settings import Settings
from bot.shard_coordination import IdentifyGate
from bot.shards import ShardPlan
from bot.tree import NexusTree

log = logging.getLogger("nexus")

Clock = Callable[[], datetime]

# Dispatched after a server's settings change; features listen with
# `@commands.Cog.listener(f"on_{SETTINGS_CHANGED_EVENT}")` (e.g. schedules move at once).
SETTINGS_CHANGED_EVENT = "nexus_settings_changed"
FULL_COLLECTION_EVERY = 100  # middle-generation collections between full ones (default 10)


def discover_extensions() -> list[str]:
    """Every package under cogs/ is a feature extension (its __init__ defines setup)."""
    return sorted(
        f"cogs.{m.name}"
        for m in pkgutil.iter_modules(cogs.__path__)
        if m.ispkg and not m.name.startswith("_")
    )


class NexusBot(commands.AutoShardedBot):
    tree: NexusTree  # type: ignore[assignment]

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        clock: Clock = utcnow,
        extensions: Sequence[str] | None = None,
        run_scheduler: bool = True,
        **options: Any,
    ) -> None:
        # Only the guilds intent (servers, channels, threads, roles): everything Nexus does
        # arrives as an interaction, which carries its member and message. No message,
        # reaction, typing or voice events are parsed just to be dropped; a busy server's
        # chatter costs the bot nothing. No privileged intent.
        intents = discord.Intents.none()
        intents.guilds = True
        # Opt-in (privileged): lets the help forum read a post's first message.
        intents.message_content = settings.message_content_intent
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        # No feature reads discord.py's message cache: 1,000 cached messages with embeds and
        # buttons were churn for the cycle collector and its full collections.
        options.setdefault("max_messages", None)
        # Every command is registered for servers only (contexts [0]): `guild_only=True` on a
        # Group sends only the deprecated dm_permission, so the tree's default says it too.
        options.setdefault(
            "allowed_contexts",
            app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
        )
        # Exactly the shards this process owns (SHARD_IDS/SHARD_ORDINAL); without shard
        # settings, every shard of SHARD_COUNT or of the count Discord recommends.
        if settings.shard_count:
            options.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids is not None:
            options.setdefault("shard_ids", list(settings.shard_ids))
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=NexusTree,
            help_command=None,
            **options,
        )
        self.settings = settings
        self.db = db
        self.clock = clock
        self.shard_plan = ShardPlan(settings.shard_count, settings.shard_ids)
        self.scheduler = NexusScheduler(owns=self.shard_plan.owns)
        self.run_scheduler = run_scheduler
        self.started_monotonic = time.monotonic()
        self._gc_threshold: tuple[int, int, int] | None = None  # before settle_heap()
        self.version = __version__
        self._extension_names = (
            list(extensions) if extensions is not None else discover_extensions()
        )
        self._resynced: set[int | None] = set()  # servers re-synced after a stale command
        assert isinstance(self.tree, NexusTree)
        self.tree.on_stale_command = self.resync_stale_commands
        self.identify_gate: IdentifyGate | None = None
        if not db.is_sqlite:
            self.identify_gate = IdentifyGate(db, self._max_concurrency)

    async def _max_concurrency(self) -> int:
        return (await self.fetch_session_start_limits()).max_concurrency

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """On PostgreSQL, every process of the bot queues on one lock per identify bucket
        (bot.shard_coordination); on SQLite (one process) discord.py's own 5 s wait."""
        if self.identify_gate is None:
            await super().before_identify_hook(shard_id, initial=initial)
        else:
            await self.identify_gate.wait(shard_id or 0)

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_monotonic

    async def setup_hook(self) -> None:
        for name in self._extension_names:
            await self.load_extension(name)
        log.info(
            "loaded %d feature(s): %s",
            len(self._extension_names),
            ", ".join(n.removeprefix("cogs.") for n in self._extension_names),
        )
        if self.run_scheduler:
            await self.scheduler.start()
        if self.settings.sync_on_start:
            await self.sync_commands(force=False)

    async def close(self) -> None:
        await self.scheduler.shutdown()
        await super().close()
        gc.unfreeze()  # what settle_heap() set aside can be collected again
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)

    def settle_heap(self) -> None:
        """Set aside what start-up built (servers, members, concept indexes) from the cycle
        collector: a full collection walked all of it, 45-95 ms during which no interaction
        was answered (bench/README.md). Objects created later are collected as usual."""
        gc.collect()
        gc.freeze()
        # Full collections of what came later (caches, views in flight, sessions) still
        # paused everything for 20-80 ms every 8-15 s under load; consider one only after
        # 100 middle-generation collections instead of 10 (young collections unchanged).
        if self._gc_threshold is None:
            self._gc_threshold = gc.get_threshold()
        young, middle, _ = self._gc_threshold
        gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
        log.info("start-up heap settled: %d objects set aside", gc.get_freeze_count())

    async def apply_settings(self, guild_id: int, changes: dict[str, Any]) -> GuildConfig:
        """Save `changes` and tell every feature; with no changes, just read the settings."""
        if not changes:
            return await guilds.get_settings(self.db, guild_id)
        cfg = await guilds.update_settings(self.db, guild_id, **changes)
        self.dispatch(SETTINGS_CHANGED_EVENT, cfg)
        return cfg

    # -- command sync -----------------------------------------------------------------

    def _sync_scope(self) -> discord.Object | None:
        if self.settings.dev_guild_id:
            return discord.Object(id=self.settings.dev_guild_id)
        return None

    def command_tree_hash(self) -> str:
        guild = self._sync_scope()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        encoded = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()

    async def resync_stale_commands(self, guild_id: int | None) -> None:
        """A member used a command Discord still lists but this bot no longer has (or with
        its old options): sync that server's commands, once per server and process, and
        the global ones once, so the stale entry disappears. Failures are logged only."""
        if guild_id in self._resynced:
            return
        self._resynced.add(guild_id)
        try:
            dev = self._sync_scope()
            if guild_id is not None and (dev is None or dev.id != guild_id):
                # Commands registered for this server alone by an older release: the tree
                # has none for it, so syncing it removes them.
                await self.tree.sync(guild=discord.Object(id=guild_id))
            if None not in self._resynced or dev is not None:
                self._resynced.add(None)
                await self.sync_commands(force=True)
        except discord.HTTPException:
            log.warning("could not re-sync commands for server %s", guild_id, exc_info=True)

    async def sync_commands(self, *, force: bool) -> bool:
        """Sync only when the tree's definition changed since the last sync (or forced)."""
        guild = self._sync_scope()
        digest = self.command_tree_hash()
        key = f"commands:{self.application_id}:{guild.id if guild else 'global'}"
        async with self.db.reader() as session:
            stored = await session.scalar(select(BotState.value).where(BotState.key == key))
        if stored == digest and not force:
            log.info("application commands unchanged; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        async with self.db.sessions.begin() as session:
            row = await session.get(BotState, key)
            if row is None:
                session.add(BotState(key=key, value=digest))
            else:
                row.value = digest
        where = f"server {guild.id}" if guild else "all servers"
        log.info("synced %d application command(s) to %s", len(synced), where)
        return True
