"""The one error path: domain errors become ephemeral messages, bugs an apology with an id."""

from __future__ import annotations

import logging
import re

import discord
import pytest

from bot.errors import Invalid
from tests.e2e.harness import Nexus


async def _add_test_commands(nexus: Nexus) -> None:
    tree = nexus.client.tree

    @tree.command(name="boom", description="test: raises a bug")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom: internal detail")

    @tree.command(name="late-invalid", description="test: domain error after defer")
    async def late_invalid(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        raise Invalid("That title is empty: write a few words.")

    await nexus.client.sync_commands(force=True)


async def test_unexpected_error_gets_apology_with_logged_id(
    nexus: Nexus, caplog: pytest.LogCaptureFixture
) -> None:
    await _add_test_commands(nexus)
    with caplog.at_level(logging.ERROR, logger="nexus.errors"):
        reply = await nexus.sim.command(nexus.alice, "boom", channel=nexus.general)
    assert reply.ephemeral
    match = re.search(r"error id `([0-9a-f]{8})`", reply.content)
    assert match, reply.content
    assert "kaboom" not in reply.content  # internals never reach the member
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None


async def test_domain_error_after_defer_is_an_ephemeral_followup(nexus: Nexus) -> None:
    await _add_test_commands(nexus)
    reply = await nexus.sim.command(nexus.alice, "late-invalid", channel=nexus.general)
    assert reply.ephemeral and "That title is empty" in reply.text


async def test_forced_sync_registers_again(nexus: Nexus) -> None:
    before = nexus.sim.commands_synced
    assert await nexus.client.sync_commands(force=True)
    assert nexus.sim.commands_synced == before + 1
    assert not await nexus.client.sync_commands(force=False)
    assert nexus.sim.commands_synced == before + 1
