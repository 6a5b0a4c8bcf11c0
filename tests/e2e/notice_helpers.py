"""Waiting for what the bot does AFTER it answered an interaction (DMs, mod-log lines)."""

from __future__ import annotations

import asyncio

from tests.e2e.harness import Nexus

_HANDLERS = ("discord-ui-", "CommandTree-invoker", "discord.py: interaction")


async def handlers_done(nexus: Nexus, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Wait until discord.py has no interaction handler running (commands, buttons,
    modals): every side effect of the interactions so far is then done."""
    assert nexus.bot is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    current = asyncio.current_task()
    while True:
        busy = [
            t
            for t in asyncio.all_tasks()
            if t is not current
            and not t.done()
            and t.get_name().startswith(_HANDLERS)
            and "view-timeout" not in t.get_name()
        ]
        if not busy:
            return
        assert loop.time() < deadline, [t.get_name() for t in busy]
        await asyncio.sleep(0.02)
