"""/nexus about and /setup: server administrators view and change Nexus's settings."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import guilds, pairing
from bot.ui.checks import require_admin
from cogs.admin.render import about_embed, settings_embed
from cogs.admin.roles import check_moderator_role, crowd_note
from cogs.helpforum.tags import ensure_tags, missing_permissions

if TYPE_CHECKING:
    from bot.client import NexusBot

WEEKDAY_CHOICES = tuple(
    [app_commands.Choice(name=name, value=i) for i, name in enumerate(guilds.WEEKDAYS)]
)
REVIEW_CHOICES = tuple(
    [
        app_commands.Choice(name="publish at once", value="publish"),
        app_commands.Choice(name="hold for review", value="review"),
    ]
)


class AdminCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    nexus = app_commands.Group(name="nexus", description="About Nexus", guild_only=True)

    @nexus.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """Version, uptime, servers and database of this Nexus."""
        latency = self.bot.latency * 1000 if math.isfinite(self.bot.latency) else 0.0
        embed = about_embed(
            self.bot.version,
            self.bot.uptime_seconds,
            len(self.bot.guilds),
            self.bot.settings.database_backend,
            latency,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="setup")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        timezone="Server time zone for digests and pairing (e.g. Europe/Berlin)",
        moderator_role="Members with this role can curate (Manage Server always can)",
        digest_channel="Where the weekly digest is posted",
        digest_day="Weekday of the digest",
        digest_hour="Local hour of the digest (0-23)",
        digest_enabled="Post the weekly digest at all",
        quiet_week_note="On a week with no activity: post a short note (true) or nothing",
        pairing_channel="Where pair threads are created",
        pairing_enabled="Run pairing rounds on the schedule",
        pairing_every_days="Days between pairing rounds (default 7)",
        pairing_weekday="Weekday of the pairing round (server time zone; default Monday)",
        pairing_hour="Hour of the pairing round, 0-23 (server time zone; default 10)",
        mod_log_channel="Mirror every moderator action to this channel",
        review_challenges="Publish new challenges at once or hold them for review",
        review_solutions="Publish new solutions at once or hold them for review",
        review_takeaways="Publish new takeaways at once or hold them for review",
        review_concepts="Publish members' new concepts at once or hold them for review",
        private_channel="Toggle: captures from this channel are always held for review",
        help_forum="Forum whose posts become challenges (adds a tag per track and Solved)",
        help_forum_close_hours="Hours after a marked solution before the post closes (1-168)",
        help_forum_nudge_hours="Hours of quiet before a post is nudged, then closed (6-720)",
        web_hub="Publish approved entries of public channels on the web hub (default off)",
        web_names="Show members' names on the web hub (off: shown as 'a member')",
        web_address="This server's address on the web hub, e.g. frontend-learners",
    )
    @app_commands.choices(  # int choices here, str choices below: one type per decorator
        digest_day=list(WEEKDAY_CHOICES), pairing_weekday=list(WEEKDAY_CHOICES)
    )
    @app_commands.choices(
        review_challenges=list(REVIEW_CHOICES),
        review_solutions=list(REVIEW_CHOICES),
        review_takeaways=list(REVIEW_CHOICES),
        review_concepts=list(REVIEW_CHOICES),
    )
    async def setup(
        self,
        interaction: discord.Interaction,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        moderator_role: discord.Role | None = None,
        digest_channel: discord.TextChannel | None = None,
        digest_day: app_commands.Choice[int] | None = None,
        digest_hour: app_commands.Range[int, 0, 23] | None = None,
        digest_enabled: bool | None = None,
        quiet_week_note: bool | None = None,
        pairing_channel: discord.TextChannel | None = None,
        pairing_enabled: bool | None = None,
        pairing_every_days: app_commands.Range[int, 1, 28] | None = None,
        pairing_weekday: app_commands.Choice[int] | None = None,
        pairing_hour: app_commands.Range[int, 0, 23] | None = None,
        mod_log_channel: discord.TextChannel | None = None,
        review_challenges: app_commands.Choice[str] | None = None,
        review_solutions: app_commands.Choice[str] | None = None,
        review_takeaways: app_commands.Choice[str] | None = None,
        review_concepts: app_commands.Choice[str] | None = None,
        private_channel: discord.TextChannel | None = None,
        help_forum: discord.ForumChannel | None = None,
        help_forum_close_hours: app_commands.Range[int, 1, 168] | None = None,
        help_forum_nudge_hours: app_commands.Range[int, 6, 720] | None = None,
        web_hub: bool | None = None,
        web_names: bool | None = None,
        web_address: app_commands.Range[str, 2, 40] | None = None,
    ) -> None:
        """View or change Nexus's settings for this server (Manage Server)."""
        require_admin(interaction)
        assert interaction.guild_id is not None
        if moderator_role is not None:
            check_moderator_role(moderator_role)
        review = {
            key: None if choice is None else choice.value == "review"
            for key, choice in (
                ("review_challenges", review_challenges),
                ("review_solutions", review_solutions),
                ("review_takeaways", review_takeaways),
                ("review_concepts", review_concepts),
            )
        }
        given: dict[str, Any] = {
            "timezone": timezone,
            "moderator_role_id": moderator_role.id if moderator_role else None,
            "digest_channel_id": digest_channel.id if digest_channel else None,
            "digest_weekday": digest_day.value if digest_day else None,
            "digest_hour": digest_hour,
            "digest_enabled": digest_enabled,
            "digest_quiet_note": quiet_week_note,
            "pairing_channel_id": pairing_channel.id if pairing_channel else None,
            "pairing_enabled": pairing_enabled,
            "pairing_cadence_days": pairing_every_days,
            "pairing_weekday": pairing_weekday.value if pairing_weekday else None,
            "pairing_hour": pairing_hour,
            "mod_log_channel_id": mod_log_channel.id if mod_log_channel else None,
            "help_forum_channel_id": help_forum.id if help_forum else None,
            "help_forum_archive_hours": help_forum_close_hours,
            "help_forum_nudge_hours": help_forum_nudge_hours,
            "web_enabled": web_hub,
            "web_show_names": web_names,
            "web_slug": web_address,
            **review,
        }
        changes = {key: value for key, value in given.items() if value is not None}
        if web_hub:
            changes.update(await self._web_defaults(interaction, web_address))
        if private_channel is not None:
            current = await guilds.get_settings(self.bot.db, interaction.guild_id)
            ids = set(current.private_channel_ids) ^ {private_channel.id}
            changes["private_channel_ids"] = sorted(ids)
        cfg = await self.bot.apply_settings(interaction.guild_id, changes)
        note = "Settings saved." if changes else "Current settings (pass options to change them)."
        if moderator_role is not None:
            crowd = await crowd_note(interaction.guild, moderator_role)
            note += f"\n{crowd}" if crowd else ""
        if help_forum is not None:
            # A resolved channel option is partial: the cached forum has its tags.
            forum = self.bot.get_channel(help_forum.id)
            if isinstance(forum, discord.ForumChannel):
                note += f"\nHelp forum: {forum.mention}. " + await ensure_tags(forum)
                lacking = missing_permissions(forum)
                note += f"\n{lacking}" if lacking else ""
        next_round = pairing.current_period(cfg, self.bot.clock()).end
        await interaction.response.send_message(
            note, embed=settings_embed(cfg, next_round), ephemeral=True
        )

    async def _web_defaults(
        self, interaction: discord.Interaction, address: str | None
    ) -> dict[str, Any]:
        """Turning the hub on: the shown name is the server's; the address, unless one is
        given or already set, comes from the server's name."""
        assert interaction.guild is not None
        extra: dict[str, Any] = {"web_title": interaction.guild.name}
        if address is None:
            current = await guilds.get_settings(self.bot.db, interaction.guild.id)
            if current.web_slug is None:
                extra["web_slug"] = guilds.web_slug_for(interaction.guild.name)
        return extra

    @setup.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in guilds.timezone_choices(current)]
