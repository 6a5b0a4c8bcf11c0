"""Run `python -m bot.simulator` as a child process and wait until it listens."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from .client import SimulatorClient


class SimulatorProcess:
    """`async with SimulatorProcess(guilds=10) as proc: proc.info["rest_url"]; proc.client`."""

    def __init__(self, *args: str, startup_timeout: float = 20.0, **options: Any) -> None:
        self.args = list(args)
        for key, value in options.items():
            flag = "--" + key.replace("_", "-")
            if value is True:
                self.args.append(flag)
            elif value is not False and value is not None:
                self.args += [flag, str(value)]
        self.startup_timeout = startup_timeout
        self.info: dict[str, Any] = {}
        self.proc: asyncio.subprocess.Process | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self.client: SimulatorClient | None = None

    async def start(self) -> SimulatorProcess:
        self._dir = tempfile.TemporaryDirectory(prefix="nexus-sim-")
        ready = Path(self._dir.name) / "ready.json"
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.simulator",
            *self.args,
            "--ready-file",
            str(ready),
            stdout=asyncio.subprocess.DEVNULL,
        )
        deadline = time.monotonic() + self.startup_timeout
        while not ready.exists():
            if self.proc.returncode is not None:
                raise RuntimeError(f"simulator exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                await self.stop()
                raise TimeoutError("simulator process did not start in time")
            await asyncio.sleep(0.02)
        self.info = json.loads(ready.read_text(encoding="utf-8"))
        self.client = SimulatorClient(self.info["base_url"])
        return self

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._dir is not None:
            with contextlib.suppress(OSError):
                self._dir.cleanup()

    async def __aenter__(self) -> SimulatorProcess:
        return await self.start()

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
