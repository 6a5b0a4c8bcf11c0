"""The help forum on Discord: new posts -> challenges, "Mark as solution", closing, nudges,
catch-up on start. The rules live in bot.services.helpforum; this is the Discord side."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import guilds, helpforum
from cogs.helpforum import render
from cogs.helpforum.intake import record
from cogs.helpforum.marking import help_forum_of, mark
from cogs.helpforum.views import mark_view

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger(__name__)
SWEEP_MINUTES = 10


class HelpForumCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        self.mark_menu = app_commands.ContextMenu(
            name="Mark as solution",
            callback=self.mark_as_solution,
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=False, private_channel=False
            ),
        )
        self._caught_up: set[int] = set()

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.mark_menu)
        self.bot.scheduler.on_start("helpforum", self._schedule)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.mark_menu.name, type=self.mark_menu.type)

    async def _schedule(self) -> None:
        self.bot.scheduler.aps.add_job(
            self.sweep_all,
            "interval",
            minutes=SWEEP_MINUTES,
            id="helpforum-sweep",
            replace_existing=True,
        )

    async def _forum_of(self, thread: discord.Thread) -> discord.ForumChannel | None:
        return await help_forum_of(self.bot, thread)

    # ---- new posts ---------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        forum = await self._forum_of(thread)
        if forum is not None:
            await self.take_post(thread, forum)

    async def take_post(self, thread: discord.Thread, forum: discord.ForumChannel) -> None:
        """Record a post as a challenge and, when close solved ones exist or concepts
        explain it, say so (with a "Mark the answer" button and one per concept)."""
        new = await record(self.bot, thread, forum)
        if new is None or not new.created or thread.archived:
            return
        proposed = (*([new.answer] if new.answer else []), *new.concepts)
        if new.similar_solved or proposed:
            with contextlib.suppress(discord.HTTPException):
                await thread.send(
                    render.similar_text(new.similar_solved, new.concepts, new.answer),
                    view=mark_view(thread.id, proposed),
                    allowed_mentions=discord.AllowedMentions.none(),
                )

    async def _forum_guilds(self) -> list[discord.Guild]:
        """Servers with a help forum (read without creating anyone's settings)."""
        configured = await guilds.all_settings(self.bot.db)
        found = (self.bot.get_guild(c.guild_id) for c in configured if c.help_forum_channel_id)
        return [g for g in found if g is not None]

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in await self._forum_guilds():
            if guild.id in self._caught_up or self.bot.is_closed():
                continue
            self._caught_up.add(guild.id)
            try:
                await self.catch_up(guild)
            except Exception:
                if self.bot.is_closed():
                    return  # stopping (e.g. Ctrl-C) while catching up: nothing is lost
                log.exception("help forum catch-up failed for server %s", guild.id)

    async def catch_up(self, guild: discord.Guild) -> int:
        """Posts made while Nexus was offline: the forum's active posts it does not know."""
        cfg = await guilds.get_settings(self.bot.db, guild.id)
        if cfg.help_forum_channel_id is None:
            return 0
        forum = guild.get_channel(cfg.help_forum_channel_id)
        if not isinstance(forum, discord.ForumChannel):
            return 0
        known = await helpforum.known_posts(self.bot.db, guild.id)
        try:
            active = await guild.active_threads()
        except discord.HTTPException:
            log.warning("help forum catch-up: cannot list active threads of %s", guild.id)
            return 0
        taken = 0
        for thread in sorted(active, key=lambda t: t.id):
            if thread.parent_id == forum.id and thread.id not in known:
                await self.take_post(thread, forum)
                taken += 1
        return taken

    # ---- what happens to a post on Discord ---------------------------------------------
    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await helpforum.set_state(
            self.bot.db, payload.guild_id, payload.thread_id, state=helpforum.DELETED
        )

    @commands.Cog.listener()
    async def on_raw_thread_update(self, payload: discord.RawThreadUpdateEvent) -> None:
        if "applied_tags" in payload.data:
            await self._retag(payload)
        meta = payload.data.get("thread_metadata") or {}
        if "archived" not in meta:
            return
        archived = bool(meta["archived"])
        post = await helpforum.get_post(self.bot.db, payload.guild_id, payload.thread_id)
        if post is None or post.state == helpforum.DELETED or post.archived == archived:
            return
        if archived:
            await helpforum.set_state(
                self.bot.db, payload.guild_id, payload.thread_id, archived=True
            )
        else:
            await helpforum.set_state(
                self.bot.db, payload.guild_id, payload.thread_id, reopened_at=self.bot.clock()
            )

    async def _retag(self, payload: discord.RawThreadUpdateEvent) -> None:
        """Tags changed by hand: the challenge's track follows the post's track tags."""
        guild = self.bot.get_guild(payload.guild_id)
        forum = guild.get_channel(payload.parent_id) if guild and payload.parent_id else None
        if not isinstance(forum, discord.ForumChannel):
            return
        names = {t.id: t.name for t in forum.available_tags}
        applied = tuple(
            names[int(i)] for i in payload.data.get("applied_tags") or () if int(i) in names
        )
        await helpforum.retag_post(self.bot.db, payload.guild_id, payload.thread_id, applied)

    # ---- Mark as solution --------------------------------------------------------------
    async def mark_as_solution(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Message menu: the reply that answered a help-forum post (asker or moderator)."""
        assert interaction.guild is not None
        thread = await self._thread_of(interaction, message)
        forum = await self._forum_of(thread) if thread is not None else None
        if forum is None or thread is None:
            await interaction.response.send_message(
                "\u201cMark as solution\u201d works on replies in the help forum's posts.",
                ephemeral=True,
            )
            return
        await mark(self.bot, interaction, thread, forum, message)

    async def _thread_of(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> discord.Thread | None:
        """The thread a message is in; discord.py forgets archived threads, so one is
        read from the interaction or fetched."""
        for channel in (message.channel, interaction.channel):
            if isinstance(channel, discord.Thread):
                return channel
        if interaction.guild is None or not isinstance(message.channel, discord.abc.Snowflake):
            return None
        return await self._thread(interaction.guild, message.channel.id)

    # ---- closing and nudging -----------------------------------------------------------
    async def sweep_all(self) -> None:
        for guild in await self._forum_guilds():
            try:
                await self.sweep(guild)
            except Exception:
                log.exception("help forum sweep failed for server %s", guild.id)

    async def sweep(self, guild: discord.Guild) -> list[str]:
        """Close solved posts whose time has come; nudge quiet posts once, then close them
        (pinging the asker only when nobody answered). Returns what was done."""
        now = self.bot.clock()
        cfg = await guilds.get_settings(self.bot.db, guild.id)
        done: list[str] = []
        if cfg.help_forum_channel_id is None:
            return done
        for post in await helpforum.due_posts(self.bot.db, guild.id, now):
            thread = await self._thread(guild, post.thread_id)
            if thread is None:
                await helpforum.set_state(
                    self.bot.db, guild.id, post.thread_id, state=helpforum.DELETED
                )
                continue
            if thread.archived:
                await helpforum.set_state(self.bot.db, guild.id, thread.id, archived=True)
                continue
            if post.state == helpforum.SOLVED:
                if await self._archive(thread):
                    done.append(f"closed solved post {thread.name!r}")
                continue
            last = discord.utils.snowflake_time(thread.last_message_id or thread.id)
            if (
                last > post.last_activity_at
                and last + timedelta(hours=cfg.help_forum_nudge_hours) > now
            ):
                await helpforum.set_state(self.bot.db, guild.id, thread.id, last_activity_at=last)
                continue
            step = helpforum.nudge_due(post, now, cfg.help_forum_nudge_hours)
            if step == "nudge":
                with contextlib.suppress(discord.HTTPException):
                    await thread.send(render.nudge_text())
                await helpforum.set_state(self.bot.db, guild.id, thread.id, nudged_at=now)
                done.append(f"nudged {thread.name!r}")
            elif step == "close":
                answered = await self._answered(thread, post.author_id)
                ping = None if answered else f"<@{post.author_id}>"
                with contextlib.suppress(discord.HTTPException):
                    await thread.send(
                        render.closing_text(ping),
                        allowed_mentions=discord.AllowedMentions(
                            users=[discord.Object(post.author_id)] if ping else False
                        ),
                    )
                await self._archive(thread)
                await helpforum.set_state(
                    self.bot.db, guild.id, thread.id, state=helpforum.CLOSED, answered=answered
                )
                done.append(f"closed quiet post {thread.name!r}")
        return done

    async def _thread(self, guild: discord.Guild, thread_id: int) -> discord.Thread | None:
        try:
            channel = await guild.fetch_channel(thread_id)
        except discord.NotFound:
            return None
        except discord.HTTPException:
            log.warning("help forum: cannot read post %s", thread_id)
            return None
        return channel if isinstance(channel, discord.Thread) else None

    async def _archive(self, thread: discord.Thread) -> bool:
        try:
            await thread.edit(archived=True)
        except discord.Forbidden:
            # No Manage Threads: stop trying (/setup names what is missing).
            log.warning("help forum: no permission to close post %s; leaving it open", thread.id)
            await helpforum.set_state(self.bot.db, thread.guild.id, thread.id, stop_closing=True)
            return False
        except discord.HTTPException:
            log.warning("help forum: cannot close post %s (will retry)", thread.id)
            return False
        await helpforum.set_state(self.bot.db, thread.guild.id, thread.id, archived=True)
        return True

    async def _answered(self, thread: discord.Thread, asker_id: int) -> bool:
        me = self.bot.user
        try:
            async for msg in thread.history(limit=50):
                if msg.author.id not in (asker_id, me.id if me else 0) and not msg.author.bot:
                    return True
        except discord.HTTPException:
            return True  # unknown: do not ping
        return False
