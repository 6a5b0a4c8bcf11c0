"""Load generation for benchmarks: interactions fired at a fixed rate (open loop),
without waiting for one answer before sending the next."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from .actions import Actions, Actor, MessageRef
from .interactions import InteractionRecord
from .models import JSON, Channel
from .reply import Reply


class LoadActions(Actions):
    async def fire(
        self,
        member: Actor,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel: Channel | int | None = None,
        count: int = 100,
        rate: float = 50.0,
        timeout: float | None = None,  # noqa: ASYNC109
        variants: list[dict[str, Any]] | None = None,
        focused: str | None = None,
        members: Sequence[Actor] | None = None,
    ) -> list[JSON]:
        """Fire `count` commands at a fixed `rate` (per second) without waiting in between.

        With `variants`, command i uses options `variants[i % len(variants)]` instead of
        `options` (e.g. a benchmark's mix of queries); with `members`, it is run by
        `members[i % len(members)]`; with `focused`, these are autocomplete interactions
        for that option instead of commands.

        Returns per interaction: id, name, created_at, dispatched_at (gateway send),
        first_response_at (callback arrival), response_type and error (None when answered);
        times are time.perf_counter() of this process.
        """

        def start(i: int) -> InteractionRecord:
            who = members[i % len(members)] if members else member
            opts = variants[i % len(variants)] if variants else options
            if focused is None:
                return self.start_command(who, name, opts, channel=channel)
            return self._start_autocomplete(who, name, opts, focused=focused, channel=channel)

        return await self._fire(start, count, rate, timeout)

    async def fire_clicks(
        self,
        members: Sequence[Actor],
        message: MessageRef,
        custom_id: str,
        *,
        count: int = 100,
        rate: float = 50.0,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[JSON]:
        """As `fire`, for clicks on one button: click i is by `members[i % len(members)]`."""
        return await self._fire(
            lambda i: self._start_click(members[i % len(members)], message, custom_id),
            count,
            rate,
            timeout,
        )

    async def _fire(
        self,
        start: Callable[[int], InteractionRecord],
        count: int,
        rate: float,
        timeout: float | None,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Start interaction i at start + i/rate (open loop), then wait for all of them."""
        loop = asyncio.get_running_loop()
        begin = loop.time()
        records: list[InteractionRecord] = []
        tasks: list[asyncio.Task[Reply]] = []
        for i in range(count):
            delay = begin + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            record = start(i)
            records.append(record)
            tasks.append(asyncio.create_task(self.finish(record, timeout)))
        results = await asyncio.gather(*tasks, return_exceptions=True)
        out: list[JSON] = []
        for record, result in zip(records, results, strict=True):
            item = record.timing()
            item["error"] = None if isinstance(result, Reply) else repr(result)
            out.append(item)
        return out
