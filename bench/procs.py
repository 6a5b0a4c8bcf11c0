"""Child processes of a bench run: the simulator, the bot under test, the floor bot."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from bot.bot_process import TOKEN
from bot.simulator.client import SimulatorClient

ROOT = Path(__file__).resolve().parents[1]


async def _spawn(*args: str, log: Path | None = None) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    err = log.open("ab") if log is not None else None
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=err if err is not None else asyncio.subprocess.DEVNULL,
        )
    finally:
        if err is not None:
            err.close()


async def stop(proc: asyncio.subprocess.Process | None) -> None:
    if proc is None or proc.returncode is not None:
        return
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        proc.kill()
        await proc.wait()


def fast_client(base_url: str) -> SimulatorClient:
    """A control client without aiohttp's 100-connection cap (open-loop load)."""
    client = SimulatorClient(base_url)
    client._session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=300)
    )
    return client


@contextlib.asynccontextmanager
async def simulator(
    guilds: int,
    members: int,
    workdir: Path,
    module: str = "bench.simproc",
    extra: tuple[str, ...] = (),
) -> AsyncIterator[tuple[dict[str, Any], SimulatorClient]]:
    """`python -m bench.simproc` (bot.simulator with fixed guild ids) in its own process
    (`module`: another such entry point; `extra`: more of bot.simulator's options)."""
    ready = workdir / f"sim-{time.monotonic_ns()}.json"
    proc = await _spawn(
        "-m",
        module,
        *extra,
        "--port",
        "0",
        "--guilds",
        str(guilds),
        "--members",
        str(members),
        "--token",
        TOKEN,
        "--no-schema",
        "--interaction-window",
        "0",
        "--ready-file",
        str(ready),
        log=workdir / "simulator.log",
    )
    client: SimulatorClient | None = None
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            if proc.returncode is not None:
                raise RuntimeError(f"simulator exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("simulator did not start")
            await asyncio.sleep(0.05)
        info = json.loads(ready.read_text(encoding="utf-8"))
        info["pid"] = proc.pid
        client = fast_client(info["base_url"])
        yield info, client
    finally:
        if client is not None:
            await client.close()
        await stop(proc)


@contextlib.asynccontextmanager
async def bot(
    kind: str,
    info: dict[str, Any],
    client: SimulatorClient,
    workdir: Path,
    database: str | None = None,
    timeout: float = 180.0,  # noqa: ASYNC109
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The Nexus bot (`nexus`) or the floor bot (`floor`) in its own process, ready."""
    args = ["--rest", info["rest_url"], "--gateway", info["gateway_url"]]
    if kind == "nexus":
        assert database is not None
        args = ["-m", "bot.bot_process", *args, "--database", database]
    else:
        args = ["-m", "bench.floor_bot", *args]
    before = (await client.info(guilds=0))["identifies"]
    proc = await _spawn(*args, log=workdir / f"{kind}.log")
    try:
        deadline = time.monotonic() + timeout
        while True:
            state = await client.info(guilds=0)
            if state["identifies"] > before and state["ready"]:
                break
            if proc.returncode is not None:
                raise RuntimeError(f"{kind} bot exited with {proc.returncode}; see its log")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{kind} bot not ready within {timeout:.0f} s")
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # GUILD_CREATEs handled, on_ready hooks run
        yield proc
    finally:
        await stop(proc)


def workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="nexus-bench-")
