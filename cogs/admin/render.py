"""Pure renderers for the admin cog."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.services.guilds import WEEKDAYS, GuildConfig
from bot.ui.render import COLOUR, add_field, make_embed


def _channel(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else "not set"


def _role(role_id: int | None, guild_id: int) -> str:
    if role_id == guild_id:
        return "@everyone: ignored (it would make every member a moderator); choose a role"
    return f"<@&{role_id}>" if role_id else "not set (Manage Server only)"


def settings_embed(cfg: GuildConfig, next_round: datetime | None = None) -> discord.Embed:
    embed = make_embed("Nexus settings for this server", colour=COLOUR)
    add_field(embed, "Time zone", cfg.timezone, inline=True)
    add_field(embed, "Moderator role", _role(cfg.moderator_role_id, cfg.guild_id), inline=True)
    add_field(embed, "Mod-log channel", _channel(cfg.mod_log_channel_id), inline=True)
    digest = (
        "off"
        if not cfg.digest_enabled
        else (
            f"{WEEKDAYS[cfg.digest_weekday]}s at {cfg.digest_hour:02d}:00 in "
            f"{_channel(cfg.digest_channel_id)}"
            + ("" if cfg.digest_quiet_note else " (skipped on quiet weeks)")
        )
    )
    if cfg.digest_disabled_reason:
        digest += f"\nDisabled: {cfg.digest_disabled_reason}"
    add_field(embed, "Weekly digest", digest)
    pairing = (
        "off"
        if not cfg.pairing_enabled
        else (
            f"every {cfg.pairing_cadence_days} day(s), {WEEKDAYS[cfg.pairing_weekday]} "
            f"{cfg.pairing_hour:02d}:00 ({cfg.timezone}) in {_channel(cfg.pairing_channel_id)}"
        )
    )
    if cfg.pairing_enabled and next_round is not None:
        pairing += f"\nNext round: <t:{int(next_round.timestamp())}:F>"
    add_field(embed, "Pairing rounds", pairing)
    held = [
        name
        for name, flag in (
            ("concepts", cfg.review_concepts),
            ("challenges", cfg.review_challenges),
            ("solutions", cfg.review_solutions),
            ("takeaways", cfg.review_takeaways),
        )
        if flag
    ]
    add_field(embed, "Held for review", ", ".join(held) or "nothing: entries publish at once")
    private = ", ".join(_channel(c) for c in cfg.private_channel_ids) or "none"
    add_field(embed, "Private channels (captures always held)", private)
    forum = (
        "none (name a forum channel with /setup help_forum)"
        if cfg.help_forum_channel_id is None
        else (
            f"{_channel(cfg.help_forum_channel_id)}: solved posts close after "
            f"{cfg.help_forum_archive_hours} h; quiet posts are nudged after "
            f"{cfg.help_forum_nudge_hours} h"
        )
    )
    add_field(embed, "Help forum", forum)
    if cfg.web_enabled:
        names = "members' names shown" if cfg.web_show_names else "members' names hidden"
        web = f"on, at the address `{cfg.web_slug}` ({names})"
    else:
        web = "off (`/setup web_hub:True` publishes approved entries of public channels)"
    add_field(embed, "Web hub", web)
    return embed


def about_embed(
    version: str, uptime_s: float, servers: int, backend: str, latency_ms: float
) -> discord.Embed:
    hours, rem = divmod(int(uptime_s), 3600)
    minutes, seconds = divmod(rem, 60)
    embed = make_embed(
        "About Nexus",
        "A knowledge base, pairing and weekly digest for learner communities.",
    )
    add_field(embed, "Version", version, inline=True)
    add_field(embed, "Uptime", f"{hours}h {minutes:02d}m {seconds:02d}s", inline=True)
    add_field(embed, "Servers", str(servers), inline=True)
    add_field(embed, "Database", backend, inline=True)
    add_field(embed, "Gateway latency", f"{latency_ms:.0f} ms", inline=True)
    return embed
