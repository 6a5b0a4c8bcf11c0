"""pytest helpers: a simulator plus a real discord.py client, ready in well under a second.

    from bot.simulator.testing import running, fast_client_options

    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(),
                       **fast_client_options())
    async with running(bot, world=world) as sim:
        reply = await sim.command(member, "ping")

or as fixtures: `pytest_plugins = ["bot.simulator.testing"]` gives `sim_world` and `simulator`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest_asyncio

from .simulator import Simulator
from .world import World

FAST_GUILD_READY_TIMEOUT = 0.05


def fast_client_options(**overrides: Any) -> dict[str, Any]:
    """Client kwargs for tests: quick on_ready, AllowedMentions.none() as the default."""
    options: dict[str, Any] = {
        "guild_ready_timeout": FAST_GUILD_READY_TIMEOUT,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    options.update(overrides)
    return options


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


def speed_up(client: discord.Client) -> None:
    """Skip the 5 s sleep discord.py does before every non-initial IDENTIFY."""
    client.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]


async def start_client(
    sim: Simulator,
    client: discord.Client,
    *,
    timeout: float = 5.0,  # noqa: ASYNC109
) -> asyncio.Task[None]:
    """Redirect discord.py to `sim`, start `client` and wait until both sides are ready."""
    sim.redirect_client()
    speed_up(client)
    task = asyncio.create_task(client.start(sim.token), name="simulated-discord-client")
    ready = asyncio.create_task(_both_ready(sim, client, timeout))
    done, _ = await asyncio.wait(
        {task, ready}, timeout=timeout + 1, return_when=asyncio.FIRST_COMPLETED
    )
    if ready in done:
        ready.result()
        return task
    ready.cancel()
    if task in done:
        task.result()  # raises the client's startup error (LoginFailure, ...)
        raise RuntimeError("the client stopped before it became ready")
    await stop_client(client, task)
    raise TimeoutError(f"client not ready within {timeout} s")


async def _both_ready(sim: Simulator, client: discord.Client, timeout: float) -> None:  # noqa: ASYNC109
    await sim.wait_for_ready(timeout)
    await asyncio.wait_for(client.wait_until_ready(), timeout)


async def stop_client(client: discord.Client, task: asyncio.Task[None] | None = None) -> None:
    await client.close()
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
            await asyncio.wait_for(task, 5)


@contextlib.asynccontextmanager
async def running(
    client: discord.Client,
    *,
    world: World | None = None,
    sim: Simulator | None = None,
    timeout: float = 5.0,  # noqa: ASYNC109
    **sim_options: Any,
) -> AsyncIterator[Simulator]:
    """A started simulator with `client` connected and ready; everything closed on exit."""
    simulator = sim if sim is not None else Simulator(world=world, **sim_options)
    await simulator.start()
    task: asyncio.Task[None] | None = None
    try:
        task = await start_client(simulator, client, timeout=timeout)
        yield simulator
    finally:
        if task is not None:
            await stop_client(client, task)
        await simulator.stop()


@pytest_asyncio.fixture
async def sim_world() -> World:
    """An empty world; tests add guilds and members before connecting a client."""
    return World()


@pytest_asyncio.fixture
async def simulator(sim_world: World) -> AsyncIterator[Simulator]:
    """A started simulator around `sim_world` (no client connected yet)."""
    sim = Simulator(world=sim_world)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()
