"""/pair: profiles, rounds (moderators), stats (moderators)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import SETTINGS_CHANGED_EVENT
from bot.services import guilds, pairing
from bot.services.guilds import GuildConfig
from bot.services.pairing import pairing_stats
from bot.ui.checks import require_moderator
from cogs.pairing import render
from cogs.pairing.runner import PairingRunner
from cogs.pairing.views import ProfileView

if TYPE_CHECKING:
    from bot.client import NexusBot

TRACK_CHOICES = tuple(
    [
        app_commands.Choice(name="frontend", value="frontend"),
        app_commands.Choice(name="backend", value="backend"),
        app_commands.Choice(name="full-stack (either side)", value="fullstack"),
    ]
)
Stack = app_commands.Range[str, 1, pairing.STACK_MAX]
Goals = app_commands.Range[str, 1, pairing.GOALS_MAX]
Avail = app_commands.Range[str, 1, 200]
Zone = app_commands.Range[str, 1, 64]


def _gid(interaction: discord.Interaction) -> int:
    assert interaction.guild_id is not None
    return interaction.guild_id


class PairingCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        self.runner = PairingRunner(bot)

    pair = app_commands.Group(
        name="pair", description="Frontend x backend pairing rounds", guild_only=True
    )

    # -- profile ------------------------------------------------------------------------------

    @pair.command(name="join")
    @app_commands.describe(
        track="The side you want to practise (full-stack can fill either side)",
        timezone="Your time zone, e.g. Europe/Berlin (pick from the list)",
        availability="When you're free each week, local time: e.g. weekdays 18-21, sat 10-14",
        stack="Your stack or skills (up to 200 characters)",
        goals="What you want to build or learn (up to 500 characters)",
    )
    @app_commands.choices(track=list(TRACK_CHOICES))
    async def join(
        self,
        interaction: discord.Interaction,
        track: app_commands.Choice[str],
        timezone: Zone,
        availability: Avail,
        stack: Stack | None = None,
        goals: Goals | None = None,
    ) -> None:
        """Join pairing: get matched with a learner from the other side each round."""
        p = await pairing.join(
            self.bot.db,
            _gid(interaction),
            interaction.user.id,
            display_name=interaction.user.display_name,
            track=track.value,
            timezone=timezone,
            availability=availability,
            stack=stack or "",
            goals=goals or "",
        )
        await interaction.response.send_message(
            embed=render.profile_embed(p, "You're in! You'll be paired in the next round."),
            ephemeral=True,
        )

    @pair.command(name="profile")
    @app_commands.describe(
        track="Change your track",
        timezone="Change your time zone",
        availability="Change when you're free, e.g. mon,wed 19-22",
        stack="Change your stack or skills",
        goals="Change what you want to build or learn",
    )
    @app_commands.choices(track=list(TRACK_CHOICES))
    async def profile(
        self,
        interaction: discord.Interaction,
        track: app_commands.Choice[str] | None = None,
        timezone: Zone | None = None,
        availability: Avail | None = None,
        stack: Stack | None = None,
        goals: Goals | None = None,
    ) -> None:
        """View your pairing profile, or edit it with options (or the Edit button)."""
        changes: dict[str, Any] = {
            k: v
            for k, v in (
                ("track", track.value if track else None),
                ("timezone", timezone),
                ("availability", availability),
                ("stack", stack),
                ("goals", goals),
            )
            if v is not None
        }
        gid = _gid(interaction)
        if changes:
            p = await pairing.update_profile(
                self.bot.db,
                gid,
                interaction.user.id,
                display_name=interaction.user.display_name,
                **changes,
            )
            await interaction.response.send_message(
                embed=render.profile_embed(p, "Profile saved."), ephemeral=True
            )
            return
        p = await pairing.get_profile(self.bot.db, gid, interaction.user.id)
        await interaction.response.send_message(
            embed=render.profile_embed(p), view=ProfileView(interaction.user.id), ephemeral=True
        )

    @join.autocomplete("timezone")
    @profile.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in guilds.timezone_choices(current)]

    @pair.command(name="pause")
    @app_commands.describe(
        until="The day you're back (YYYY-MM-DD, your time zone, up to a year) or a number of weeks"
    )
    async def pause(
        self, interaction: discord.Interaction, until: app_commands.Range[str, 1, 20]
    ) -> None:
        """Snooze pairing until a date (to skip only the next round: /pair skip-next)."""
        p = await pairing.pause(
            self.bot.db, _gid(interaction), interaction.user.id, until, self.bot.clock()
        )
        await interaction.response.send_message(
            embed=render.profile_embed(p, render.paused_note(p)), ephemeral=True
        )

    @pair.command(name="skip-next")
    async def skip_next(self, interaction: discord.Interaction) -> None:
        """Sit out only the next pairing round; you're back for the one after."""
        skip = await pairing.skip_next_round(
            self.bot.db, _gid(interaction), interaction.user.id, self.bot.clock()
        )
        await interaction.response.send_message(
            embed=render.profile_embed(skip.profile, render.skip_note(skip.skipped, skip.back)),
            ephemeral=True,
        )

    @pair.command(name="avoid")
    @app_commands.describe(member="Never pair me with this member (leave empty to see your list)")
    async def avoid(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """Privately make sure you're never paired with a member (only you see it)."""
        gid = _gid(interaction)
        if member is None:
            avoided = await pairing.avoided_members(self.bot.db, gid, interaction.user.id)
            await interaction.response.send_message(
                embed=render.avoid_embed(avoided), ephemeral=True
            )
            return
        change = await pairing.avoid_member(
            self.bot.db,
            gid,
            interaction.user.id,
            member.id,
            member.display_name,
            other_is_bot=member.bot,
        )
        await interaction.response.send_message(
            embed=render.avoid_embed(change.avoided, render.avoid_note(change)), ephemeral=True
        )

    @pair.command(name="unavoid")
    @app_commands.describe(member="A member you avoided: you may be paired with them again")
    async def unavoid(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """Undo an avoid: you may be paired with that member again."""
        change = await pairing.unavoid_member(
            self.bot.db, _gid(interaction), interaction.user.id, member.id
        )
        await interaction.response.send_message(
            embed=render.avoid_embed(
                change.avoided,
                f"Done: you may be paired with {render.one_line(change.member.name, 100)} again.",
            ),
            ephemeral=True,
        )

    @pair.command(name="resume")
    async def resume(self, interaction: discord.Interaction) -> None:
        """Take part in pairing rounds again after a pause."""
        p = await pairing.resume(self.bot.db, _gid(interaction), interaction.user.id)
        await interaction.response.send_message(
            embed=render.profile_embed(p, "Welcome back: you're in the next round."),
            ephemeral=True,
        )

    @pair.command(name="leave")
    async def leave(self, interaction: discord.Interaction) -> None:
        """Stop taking part in pairing (you can join again any time)."""
        await pairing.leave(self.bot.db, _gid(interaction), interaction.user.id)
        await interaction.response.send_message(
            "You've left pairing. Your past pairs stay, you won't be in new pairing. "
            "Come back any time with `/pair join`.",
            ephemeral=True,
        )

    # -- moderators ---------------------------------------------------------------------------

    @pair.command(name="round")
    @app_commands.describe(preview="Only show the proposed pairs with scores; nothing is posted")
    async def round(self, interaction: discord.Interaction, preview: bool = False) -> None:
        """Start this period's pairing round now (moderators)."""
        await require_moderator(self.bot, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        gid = _gid(interaction)
        if preview:
            plan = await pairing.preview_round(self.bot.db, gid, self.bot.clock())
            await interaction.followup.send(embeds=render.preview_embeds(plan), ephemeral=True)
            return
        report = await self.runner.run_round(gid, created_by=interaction.user.id)
        assert report is not None  # manual rounds raise instead of returning None
        await interaction.followup.send(
            embed=render.round_summary(
                report.pairs,
                report.unmatched,
                report.failed,
                report.resumed,
                report.ends_at,
                no_overlap=report.no_overlap,
            ),
            ephemeral=True,
        )

    @pair.command(name="stats")
    async def stats(self, interaction: discord.Interaction) -> None:
        """Pairing numbers: participants, pairs, met rate, repeats (moderators)."""
        await require_moderator(self.bot, interaction)
        st = await pairing_stats(self.bot.db, _gid(interaction))
        await interaction.response.send_message(embed=render.stats_embed(st), ephemeral=True)

    # -- schedule -----------------------------------------------------------------------------

    async def cog_unload(self) -> None:
        self.runner.jobs.stop()

    @commands.Cog.listener(f"on_{SETTINGS_CHANGED_EVENT}")
    async def settings_changed(self, cfg: GuildConfig) -> None:
        self.runner.jobs.schedule_guild(cfg)
