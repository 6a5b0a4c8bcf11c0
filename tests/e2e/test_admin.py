"""Foundation end-to-end: /nexus about, /setup with run-time checks, DMs, the error path."""

from __future__ import annotations

import pytest

from bot.services.guilds import settings as guilds
from bot.simulator.payloads import UnknownCommand
from tests.e2e.harness import Nexus


async def test_about(nexus: Nexus) -> None:
    reply = await nexus.sim.command(nexus.alice, "nexus about", channel=nexus.general)
    assert reply.ephemeral
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Database"] in ("SQLite", "PostgreSQL")
    assert fields["Servers"] == "2"


async def test_setup_shows_and_changes_settings(nexus: Nexus) -> None:
    shown = await nexus.sim.command(nexus.admin, "setup", channel=nexus.general)
    assert shown.ephemeral and "Current settings" in shown.content
    changed = await nexus.sim.command(
        nexus.admin,
        "setup",
        {
            "timezone": "Europe/Berlin",
            "digest_hour": 9,
            "review_takeaways": "review",
            "private_channel": nexus.modlog,
        },
        channel=nexus.general,
    )
    assert changed.ephemeral and "saved" in changed.content
    cfg = await guilds.get_settings(nexus.db, nexus.guild.id)
    assert cfg.timezone == "Europe/Berlin" and cfg.digest_hour == 9
    assert cfg.review_takeaways and cfg.private_channel_ids == (nexus.modlog.id,)


async def test_setup_refused_at_run_time_without_manage_server(nexus: Nexus) -> None:
    before = await guilds.get_settings(nexus.db, nexus.guild.id)
    for member in (nexus.mallory, nexus.mod):
        reply = await nexus.sim.command(
            member, "setup", {"timezone": "Asia/Tokyo"}, channel=nexus.general
        )
        assert reply.ephemeral and "Manage Server" in reply.content
    assert await guilds.get_settings(nexus.db, nexus.guild.id) == before


async def test_setup_bad_timezone_is_explained(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.admin, "setup", {"timezone": "Mars/Olympus_Mons"}, channel=nexus.general
    )
    assert reply.ephemeral and "time zone" in reply.content
    assert (await guilds.get_settings(nexus.db, nexus.guild.id)).timezone == "UTC"


async def test_timezone_autocomplete(nexus: Nexus) -> None:
    choices = await nexus.sim.autocomplete(
        nexus.admin, "setup", {"timezone": "berl"}, focused="timezone", channel=nexus.general
    )
    assert choices and choices[0]["value"] == "Europe/Berlin" and len(choices) <= 25


async def test_every_command_is_guild_only(nexus: Nexus) -> None:
    """DMs are refused cleanly: Discord offers no Nexus command outside a server."""
    commands = list(nexus.world.global_commands.values())
    assert len(commands) >= 2
    for command in commands:
        assert command.get("contexts") == [0] or command.get("dm_permission") is False, command[
            "name"
        ]
    with pytest.raises(UnknownCommand):
        await nexus.sim.command(nexus.alice, "nexus about", dm=True)


async def test_commands_not_resynced_when_unchanged(nexus: Nexus) -> None:
    synced = nexus.sim.commands_synced
    await nexus.restart()
    assert nexus.sim.commands_synced == synced
    reply = await nexus.sim.command(nexus.alice, "nexus about", channel=nexus.general)
    assert reply.embeds


async def test_setup_refuses_everyone_and_managed_roles(nexus: Nexus) -> None:
    before = await guilds.get_settings(nexus.db, nexus.guild.id)
    booster = nexus.guild.create_role("Server Booster", managed=True)
    for role, why in (
        (nexus.guild.everyone, "every member"),
        (nexus.guild.bot_role, "managed"),
        (booster, "managed"),
    ):
        reply = await nexus.sim.command(
            nexus.admin,
            "setup",
            {"moderator_role": role, "digest_hour": 6},
            channel=nexus.general,
        )
        assert reply.ephemeral and why in reply.content, reply.content
        assert "Nothing was saved" in reply.content
        assert str(role.id) not in reply.text  # names, never raw ids
    # The refused command changed nothing, not even its other options.
    assert await guilds.get_settings(nexus.db, nexus.guild.id) == before


async def test_everyone_saved_earlier_makes_nobody_a_moderator(nexus: Nexus) -> None:
    await guilds.update_settings(nexus.db, nexus.guild.id, moderator_role_id=nexus.guild.id)
    refused = await nexus.sim.command(nexus.mallory, "curate queue", channel=nexus.general)
    assert refused.ephemeral and "Only moderators" in refused.content
    shown = await nexus.sim.command(nexus.admin, "setup", channel=nexus.general)
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert "@everyone" in fields["Moderator role"] and "ignored" in fields["Moderator role"]


async def test_setup_warns_when_most_members_hold_the_role(nexus: Nexus) -> None:
    learners = nexus.guild.create_role("Learner")
    for member in (nexus.alice, nexus.bob, nexus.carol, nexus.dave, nexus.erin, nexus.mallory):
        nexus.guild.add_roles(member, learners)
    # Without Manage Roles Nexus cannot count a role's members: it says so, and saves.
    unknown = await nexus.sim.command(
        nexus.admin, "setup", {"moderator_role": learners}, channel=nexus.general
    )
    assert unknown.ephemeral and "Settings saved" in unknown.content
    assert "couldn't check" in unknown.content and "@Learner" in unknown.content
    cfg = await guilds.get_settings(nexus.db, nexus.guild.id)
    assert cfg.moderator_role_id == learners.id
    # With Manage Roles it counts: 6 of the server's 10 members hold it.
    nexus.guild.edit_role(nexus.guild.bot_role, permissions=["MANAGE_ROLES"])
    guild = nexus.client.get_guild(nexus.guild.id)
    assert guild is not None
    await nexus.sim.gateway.wait_until(lambda: guild.me.guild_permissions.manage_roles, 2)
    warned = await nexus.sim.command(
        nexus.admin, "setup", {"moderator_role": learners}, channel=nexus.general
    )
    assert warned.ephemeral and "Settings saved" in warned.content
    assert "6 of the server's 10 members" in warned.content and "more than half" in warned.content
    few = await nexus.sim.command(
        nexus.admin, "setup", {"moderator_role": nexus.mod_role}, channel=nexus.general
    )
    assert "Settings saved" in few.content and "more than half" not in few.content
    assert "couldn't check" not in few.content
    assert (await guilds.get_settings(nexus.db, nexus.guild.id)).moderator_role_id == (
        nexus.mod_role.id
    )
