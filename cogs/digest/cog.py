"""/digest preview, /digest now, /digest settings, and the per-server digest jobs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import SETTINGS_CHANGED_EVENT
from bot.services import digest, guilds
from bot.services.guilds import GuildConfig
from bot.ui.checks import require_moderator
from cogs.digest.publisher import DiscordPublisher
from cogs.digest.render import MessagePart, format_when, render_digest, settings_text

if TYPE_CHECKING:
    from bot.client import NexusBot

WEEKDAY_CHOICES = tuple(
    [app_commands.Choice(name=name, value=i) for i, name in enumerate(guilds.WEEKDAYS)]
)


class DigestCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        self.publisher = DiscordPublisher(bot)
        self.jobs = digest.register_jobs(
            bot.scheduler,
            bot.db,
            self.publisher,
            bot.clock,
            timedelta(hours=bot.settings.digest_grace_hours),
        )

    group = app_commands.Group(
        name="digest", description="The weekly learning digest", guild_only=True
    )

    @group.command(name="preview")
    async def preview(self, interaction: discord.Interaction) -> None:
        """See what the next digest would show so far (only you see it)."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await digest.preview(self.bot.db, interaction.guild_id, self.bot.clock())
        cfg = await guilds.get_settings(self.bot.db, interaction.guild_id)
        parts = render_digest(result, cfg.zone, quiet_note=True, preview=True)
        for part in parts:
            await self._followup(interaction, part)

    async def _followup(self, interaction: discord.Interaction, part: MessagePart) -> None:
        kwargs: dict[str, Any] = {"ephemeral": True, "embeds": part.embeds}
        if part.content:
            kwargs["content"] = part.content
        await interaction.followup.send(**kwargs)

    @group.command(name="now")
    async def now(self, interaction: discord.Interaction) -> None:
        """Post what's new since the last digest; the weekly one posts the rest (moderators)."""
        await require_moderator(self.bot, interaction)
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await digest.post_now(
            self.bot.db, self.publisher, interaction.guild_id, now=self.bot.clock()
        )
        self.jobs.after(result)
        cfg = await guilds.get_settings(self.bot.db, interaction.guild_id)
        await interaction.followup.send(
            _now_reply(result, cfg, self.jobs.next_run(cfg)), ephemeral=True
        )

    @group.command(name="settings")
    @app_commands.describe(
        channel="Where the weekly digest is posted",
        weekday="Weekday of the digest",
        hour="Local hour of the digest (0-23, server time zone from /setup)",
        quiet_week_note="On a week with no activity: post a short note (true) or nothing",
        enabled="Post the weekly digest at all",
    )
    @app_commands.choices(weekday=list(WEEKDAY_CHOICES))
    async def settings(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        weekday: app_commands.Choice[int] | None = None,
        hour: app_commands.Range[int, 0, 23] | None = None,
        quiet_week_note: bool | None = None,
        enabled: bool | None = None,
    ) -> None:
        """View or change when and where the digest is posted (moderators)."""
        await require_moderator(self.bot, interaction)
        assert interaction.guild_id is not None
        given: dict[str, Any] = {
            "digest_channel_id": channel.id if channel else None,
            "digest_weekday": weekday.value if weekday else None,
            "digest_hour": hour,
            "digest_quiet_note": quiet_week_note,
            "digest_enabled": enabled,
        }
        changes = {key: value for key, value in given.items() if value is not None}
        cfg = await self.bot.apply_settings(interaction.guild_id, changes)
        note = (
            "Digest settings saved."
            if changes
            else "Current digest settings (pass options to change them; time zone: /setup)."
        )
        next_run = self.jobs.next_run(cfg)
        await interaction.response.send_message(
            f"{note}\n{settings_text(cfg, next_run)}", ephemeral=True
        )

    @commands.Cog.listener(f"on_{SETTINGS_CHANGED_EVENT}")
    async def on_settings_changed(self, cfg: GuildConfig) -> None:
        await self.jobs.settings_changed(cfg)


def _now_reply(result: digest.DeliveryResult, cfg: GuildConfig, next_run: datetime | None) -> str:
    where = f"<#{result.channel_id}>" if result.channel_id else "the digest channel"
    if result.outcome == "posted":
        since = f" since {format_when(result.start, cfg.zone)}" if result.start else ""
        later = (
            f"The scheduled digest ({format_when(next_run, cfg.zone)}) will cover only what "
            "comes after this one."
            if next_run
            else "The weekly digest is off, so nothing else is scheduled."
        )
        return (
            f"Posted a digest of what's new{since} in {where} "
            f"({len(result.message_ids)} message(s)). {later}"
        )
    if result.outcome == "quiet":
        return "A quiet week: nothing to post, and the quiet-week note is off."
    if result.outcome in ("failed", "disabled"):
        return (
            f"I couldn't post in {where}: {result.detail[:200]}. Check that I can view "
            "the channel, send messages and embed links there."
        )
    return f"The digest couldn't be posted right now ({result.detail[:200]}); I'll retry."
