"""Running rounds on Discord: pair threads, notes to the unmatched, follow-ups, closing.

When each of these runs is decided by the pairing feature's jobs
(bot/services/pairing/jobs.py), which call this runner as their `PairingActions`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.errors import Invalid, NotAllowed
from bot.services import guilds, pairing
from bot.services.guilds import GuildConfig
from cogs.pairing import render
from cogs.pairing.views import followup_view

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.pairing")


@dataclass(frozen=True)
class RoundReport:
    round_id: int
    pairs: int
    unmatched: int
    failed: int
    resumed: bool
    ends_at: datetime
    no_overlap: int = 0


class PairingRunner:
    """Runs rounds on Discord; `bot.services.pairing.jobs` decides when."""

    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        self.jobs = pairing.register_jobs(bot.scheduler, bot.db, bot.clock, self)

    # -- rounds -----------------------------------------------------------------------------

    def pairing_channel(self, cfg: GuildConfig) -> discord.TextChannel:
        """The pairing channel, if it exists and Nexus may create private threads there."""
        channel = self.bot.get_channel(cfg.pairing_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            raise Invalid(
                "No pairing channel is set (or it was deleted): an administrator "
                "can choose one with `/setup pairing_channel:`."
            )
        me = channel.guild.me
        if me is not None:
            perms = channel.permissions_for(me)
            missing = [
                name
                for name, ok in (
                    ("View Channel", perms.view_channel),
                    ("Create Private Threads", perms.create_private_threads),
                    ("Send Messages in Threads", perms.send_messages_in_threads),
                )
                if not ok
            ]
            if missing:
                raise NotAllowed(
                    f"I can't run pairing in {channel.mention}: I'm missing "
                    f"{', '.join(missing)} there."
                )
        return channel

    async def run_round(
        self,
        guild_id: int,
        *,
        created_by: int | None = None,
        scheduled: bool = False,
        now: datetime | None = None,
    ) -> RoundReport | None:
        cfg = await guilds.get_settings(self.bot.db, guild_id)
        channel = self.pairing_channel(cfg)  # checked BEFORE anything is written
        started = await pairing.start_round(
            self.bot.db,
            guild_id,
            now or self.bot.clock(),
            created_by=created_by,
            scheduled=scheduled,
        )
        if started is None:
            return None
        created, failed = await self.announce(guild_id, started.round.id, channel)
        await self.notify_unmatched(guild_id, started.round.id, channel, cfg)
        self.jobs.schedule_round_jobs(started.round)
        return RoundReport(
            started.round.id,
            started.pairs,
            started.unmatched,
            failed,
            started.resumed,
            started.round.ends_at,
            started.no_overlap,
        )

    async def announce(
        self, guild_id: int, round_id: int, channel: discord.TextChannel
    ) -> tuple[int, int]:
        """A private thread per pair still without one. Returns (created, failed)."""
        created = failed = 0
        for space in await pairing.pending_spaces(self.bot.db, guild_id, round_id):
            try:
                thread = await self._open_space(channel, space)
            except discord.HTTPException:
                log.warning(
                    "could not create pair thread for pair %s in guild %s",
                    space.pair_id,
                    guild_id,
                    exc_info=True,
                )
                failed += 1
                continue
            await pairing.set_pair_thread(self.bot.db, guild_id, space.pair_id, thread.id)
            created += 1
        await pairing.finish_announcement(self.bot.db, guild_id, round_id)
        return created, failed

    async def _open_space(
        self, channel: discord.TextChannel, space: pairing.PairSpace
    ) -> discord.Thread:
        # A crash between Discord creating the thread and us storing its id must not give
        # the pair a second thread: reuse the one whose name carries this pair's id.
        prefix = render.thread_prefix(space.pair_id)
        me = self.bot.user.id if self.bot.user else None
        existing = [t for t in channel.threads if t.name.startswith(prefix) and t.owner_id == me]
        if existing:
            return await self._fill_space(existing[0], space, delete_on_failure=False)
        thread = await channel.create_thread(
            name=render.thread_name(space),
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=10080,
        )
        return await self._fill_space(thread, space, delete_on_failure=True)

    async def _fill_space(
        self, thread: discord.Thread, space: pairing.PairSpace, *, delete_on_failure: bool
    ) -> discord.Thread:
        try:
            for m in space.members:
                await thread.add_user(discord.Object(id=m.user_id))
            content, embed = render.starter(space)
            await thread.send(
                content,
                embed=embed,
                nonce=render.starter_nonce(space.pair_id),
                # The one place Nexus pings: the members of this pair, in their own thread.
                allowed_mentions=discord.AllowedMentions(
                    everyone=False,
                    roles=False,
                    replied_user=False,
                    users=[discord.Object(id=m.user_id) for m in space.members],
                ),
            )
        except discord.HTTPException:
            if not delete_on_failure:
                raise
            try:
                await thread.delete()  # never leave a half-made space behind
            except discord.HTTPException:
                log.warning("could not delete half-made pair thread %s", thread.id)
            raise
        return thread

    async def notify_unmatched(
        self, guild_id: int, round_id: int, channel: discord.TextChannel | None, cfg: GuildConfig
    ) -> None:
        notes = await pairing.pending_unmatched(self.bot.db, guild_id, round_id)
        if not notes:
            return
        nxt = pairing.current_period(cfg, self.bot.clock()).end if cfg.pairing_enabled else None
        guild = self.bot.get_guild(guild_id)
        name = guild.name if guild else "this server"
        reached: list[int] = []
        unreachable: list[int] = []
        for note in notes:
            try:
                dm = await self.bot.create_dm(discord.Object(id=note.user_id))
                await dm.send(render.unmatched_text(name, note.reason, nxt))
                reached.append(note.user_id)
            except discord.HTTPException:
                unreachable.append(note.user_id)
        if unreachable and channel is not None:
            try:
                await channel.send(render.UNMATCHED_CHANNEL_NOTE)  # names nobody, pings nobody
                reached.extend(unreachable)
            except discord.HTTPException:
                log.warning("could not post the unmatched note in guild %s", guild_id)
        await pairing.mark_unmatched_notified(self.bot.db, guild_id, round_id, reached)

    # -- follow-ups --------------------------------------------------------------------------

    async def send_followups(self, guild_id: int, round_id: int, kind: str) -> int:
        targets = await pairing.claim_followup(
            self.bot.db, guild_id, round_id, kind, self.bot.clock()
        )
        sent = 0
        for t in targets:
            try:
                thread = self.bot.get_channel(t.thread_id) or await self.bot.fetch_channel(
                    t.thread_id
                )
                if isinstance(thread, discord.Thread):
                    await thread.send(render.followup_text(kind), view=followup_view(t.pair_id))
                    sent += 1
            except discord.HTTPException:
                log.warning("could not post the %s follow-up for pair %s", kind, t.pair_id)
        return sent

    async def close(self, guild_id: int, round_id: int) -> tuple[int, ...]:
        closed = await pairing.close_round(self.bot.db, guild_id, round_id, self.bot.clock())
        if closed is None:
            return ()
        guild = self.bot.get_guild(guild_id)
        for uid in closed.paused_user_ids:
            try:
                dm = await self.bot.create_dm(discord.Object(id=uid))
                await dm.send(
                    render.paused_text(guild.name if guild else "this server", pairing.IGNORE_LIMIT)
                )
            except discord.HTTPException:
                log.info("could not tell %s their pairing profile was paused", uid)
        return closed.paused_user_ids

    # -- what the scheduled jobs call (bot.services.pairing.jobs) --------------------------------

    async def wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def resume(self, cfg: GuildConfig, round_id: int) -> None:
        try:
            channel = self.pairing_channel(cfg)
            await self.announce(cfg.guild_id, round_id, channel)
            await self.notify_unmatched(cfg.guild_id, round_id, channel, cfg)
        except (Invalid, NotAllowed) as error:
            log.warning("pairing round %s not resumed: %s", round_id, error.message)
