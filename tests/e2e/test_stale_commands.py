"""Commands Discord still shows after a deploy: a clear answer and one re-sync, not a crash.

After a deploy, a member's Discord client can still list a command the bot no longer has
(a leftover guild command) or an older shape of one it has (options changed). discord.py
raises CommandNotFound / CommandSignatureMismatch; the member must be told what happened,
and the bot re-syncs that server's commands once so the stale entry goes away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.simulator.payloads import UnknownCommand
from bot.tree import STALE_COMMAND
from tests.e2e.harness import Nexus

OLD_SETUP = {"name": "setup-old", "description": "the /setup of an older release", "type": 1}


async def _leave_stale_guild_command(nexus: Nexus) -> None:
    """What an older deploy left behind: a guild command this bot no longer defines."""
    app_id = nexus.client.application_id
    assert app_id is not None
    await nexus.client.http.upsert_guild_command(app_id, nexus.guild.id, OLD_SETUP)


async def _wait_until(predicate: Callable[[], bool]) -> None:
    for _ in range(250):  # up to 5 s
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


def _guild_command_names(nexus: Nexus) -> set[str]:
    return {c["name"] for c in nexus.world.guild_commands.get(nexus.guild.id, {}).values()}


async def test_a_command_the_bot_no_longer_has_gets_a_clear_answer_and_one_resync(
    nexus: Nexus,
) -> None:
    await _leave_stale_guild_command(nexus)
    before = nexus.sim.commands_synced
    reply = await nexus.sim.command(nexus.alice, "setup-old", channel=nexus.general)
    assert reply.ephemeral
    assert reply.content == STALE_COMMAND
    # The server's commands are re-synced (and the global ones, once): the leftover
    # disappears from the member's list.
    await _wait_until(lambda: nexus.sim.commands_synced == before + 2)
    assert "setup-old" not in _guild_command_names(nexus)
    with pytest.raises(UnknownCommand):
        await nexus.sim.command(nexus.alice, "setup-old", channel=nexus.general)
    # Once per server: the same leftover coming back is answered, not re-synced again.
    await _leave_stale_guild_command(nexus)
    synced = nexus.sim.commands_synced
    again = await nexus.sim.command(nexus.bob, "setup-old", channel=nexus.general)
    assert again.ephemeral and again.content == STALE_COMMAND
    await asyncio.sleep(0.2)
    assert nexus.sim.commands_synced == synced


async def test_a_command_whose_options_changed_gets_a_clear_answer(nexus: Nexus) -> None:
    # Discord still has an older /concept whose `lookup` had no required `name` option.
    concept = next(c for c in nexus.world.global_commands.values() if c["name"] == "concept")
    lookup = next(o for o in concept["options"] if o["name"] == "lookup")
    current = list(lookup["options"])
    lookup["options"] = [o for o in current if o["name"] != "name"]
    synced = nexus.sim.commands_synced
    reply = await nexus.sim.command(nexus.alice, "concept lookup", channel=nexus.general)
    assert reply.ephemeral
    assert reply.content == STALE_COMMAND

    # The re-sync restores the command's real shape: the option is back.
    def restored() -> bool:
        concept = next(c for c in nexus.world.global_commands.values() if c["name"] == "concept")
        lookup = next(o for o in concept["options"] if o["name"] == "lookup")
        return any(o["name"] == "name" for o in lookup["options"])

    await _wait_until(restored)
    assert nexus.sim.commands_synced > synced
