"""SimulatorClient: the actions API of a simulator running in another process (over /_sim)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType, TracebackType
from typing import Any

import aiohttp

from .interactions import ViolationError
from .payloads import InvalidInput, UnknownCommand
from .reply import MessageView, Modal, Reply

JSON = dict[str, Any]
_ERRORS: Mapping[str, type[Exception]] = MappingProxyType(
    {
        "UnknownCommand": UnknownCommand,
        "InvalidInput": InvalidInput,
        "ViolationError": ViolationError,
        "TimeoutError": TimeoutError,
        "KeyError": KeyError,
    }
)


def ref(value: Any) -> int | None:
    """An id from an id, a handle with .id, a MessageView/Reply (its message) or None."""
    if value is None:
        return None
    if isinstance(value, Reply):
        view = value.message or value.original
        if view is None:
            raise InvalidInput(f"the reply to {value.name} has no message")
        return view.id
    if isinstance(value, dict):
        return int(value["id"])
    return int(value if isinstance(value, int | str) else value.id)


class SimulatorClient:
    """`async with SimulatorClient("http://127.0.0.1:PORT") as sim: await sim.command(...)`."""

    def __init__(self, base_url: str, *, request_timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/").removesuffix("/_sim")
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SimulatorClient:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(self, method: str, name: str, body: JSON | None = None) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url = f"{self.base_url}/_sim/{name}"
        async with self._session.request(method, url, json=body) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 400:
                error = data.get("error", "") if isinstance(data, dict) else ""
                message = data.get("message", data) if isinstance(data, dict) else data
                raise _ERRORS.get(error, RuntimeError)(message)
            return data

    def _reply(self, data: JSON) -> Reply:
        return Reply.from_dict(data, self)

    # ---- state -------------------------------------------------------------------------
    async def info(self, guilds: int = 50) -> JSON:
        data: JSON = await self._call("GET", f"info?guilds={guilds}")
        return data

    async def wait_for_ready(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self._call("GET", f"ready?timeout={timeout}")

    async def messages_in(self, channel: Any) -> list[MessageView]:
        return [
            MessageView.from_dict(m) for m in await self._call("GET", f"messages/{ref(channel)}")
        ]

    async def bot_messages(self) -> list[MessageView]:
        return [MessageView.from_dict(m) for m in await self._call("GET", "bot_messages")]

    async def violations(self) -> list[JSON]:
        data: list[JSON] = await self._call("GET", "violations")
        return data

    async def requests(self) -> list[JSON]:
        data: list[JSON] = await self._call("GET", "requests")
        return data

    async def timings(self) -> list[JSON]:
        """Per interaction: id, name, created_at, dispatched_at, first_response_at (perf_counter
        in the simulator process) and the response type."""
        data: list[JSON] = await self._call("GET", "timings")
        return data

    async def clear(self, what: str) -> None:
        """Clear "violations", "requests", "timings" or "faults"."""
        await self._call("DELETE", what)

    async def create_guild(self, name: str, members: int = 0) -> JSON:
        data: JSON = await self._call("POST", "guild", {"name": name, "members": members})
        return data

    # ---- actions -----------------------------------------------------------------------
    async def command(
        self,
        member: Any,
        name: str,
        options: JSON | None = None,
        *,
        channel: Any = None,
        dm: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        body = {
            "member": ref(member),
            "name": name,
            "options": _plain(options or {}),
            "channel": ref(channel),
            "dm": dm,
            "timeout": timeout,
        }
        return self._reply(await self._call("POST", "command", body))

    async def autocomplete(
        self,
        member: Any,
        name: str,
        options: JSON | None = None,
        *,
        focused: str,
        channel: Any = None,
        dm: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[JSON]:
        body = {
            "member": ref(member),
            "name": name,
            "options": _plain(options or {}),
            "focused": focused,
            "channel": ref(channel),
            "dm": dm,
            "timeout": timeout,
        }
        data = await self._call("POST", "autocomplete", body)
        return list(data["choices"])

    async def context_menu(
        self,
        member: Any,
        name: str,
        *,
        message: Any = None,
        target: Any = None,
        channel: Any = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        body = {
            "member": ref(member),
            "name": name,
            "message": ref(message),
            "target": ref(target),
            "channel": ref(channel),
            "timeout": timeout,
        }
        return self._reply(await self._call("POST", "context_menu", body))

    async def click(
        self,
        member: Any,
        message: Any,
        custom_id: str | None = None,
        index: int | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        body = {
            "member": ref(member),
            "message": ref(message),
            "custom_id": custom_id,
            "index": index,
            "timeout": timeout,
        }
        return self._reply(await self._call("POST", "click", body))

    async def select(
        self,
        member: Any,
        message: Any,
        custom_id: str | None = None,
        values: Sequence[Any] = (),
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        body = {
            "member": ref(member),
            "message": ref(message),
            "custom_id": custom_id,
            "values": [v if isinstance(v, str) else ref(v) for v in values],
            "timeout": timeout,
        }
        return self._reply(await self._call("POST", "select", body))

    async def submit_modal(
        self,
        member: Any,
        modal: Modal | Reply,
        values: JSON,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        if isinstance(modal, Reply):
            if modal.modal is None:
                raise InvalidInput(f"the reply to {modal.name} is not a modal")
            modal = modal.modal
        import dataclasses

        body = {
            "member": ref(member),
            "modal": dataclasses.asdict(modal),
            "values": values,
            "timeout": timeout,
        }
        return self._reply(await self._call("POST", "submit_modal", body))

    async def say(
        self,
        member: Any,
        channel: Any,
        content: str,
        *,
        dm: bool = False,
        reply_to: Any = None,
        attachments: Sequence[str] = (),
    ) -> MessageView:
        body = {
            "member": ref(member),
            "channel": ref(channel),
            "content": content,
            "dm": dm,
            "reply_to": ref(reply_to),
            "attachments": list(attachments),
        }
        return MessageView.from_dict(await self._call("POST", "say", body))

    async def _wait_followups(self, interaction_id: int, n: int, timeout: float) -> list[JSON]:  # noqa: ASYNC109
        body = {"interaction_id": interaction_id, "n": n, "timeout": timeout}
        data: list[JSON] = await self._call("POST", "followups", body)
        return data

    async def fire(
        self,
        member: Any,
        name: str,
        options: JSON | None = None,
        *,
        channel: Any = None,
        count: int = 100,
        rate: float = 50.0,
        timeout: float | None = None,  # noqa: ASYNC109
        variants: list[JSON] | None = None,
        focused: str | None = None,
        members: list[Any] | None = None,
    ) -> list[JSON]:
        """Fire `count` commands at `rate` per second; per-interaction timings (+ error).

        `variants`: command i uses options variants[i % len(variants)] instead of `options`;
        `members`: it is run by members[i % len(members)]; `focused`: autocomplete
        interactions for that option instead of commands. Started by the simulator itself,
        so the caller's own pace never shifts the timings.
        """
        body = {
            "member": ref(member),
            "name": name,
            "options": _plain(options or {}),
            "channel": ref(channel),
            "count": count,
            "rate": rate,
            "timeout": timeout,
            "variants": [_plain(v) for v in variants] if variants else None,
            "focused": focused,
            "members": [ref(m) for m in members] if members else None,
        }
        data: list[JSON] = await self._call("POST", "fire", body)
        return data

    async def fire_clicks(
        self,
        members: list[Any],
        message: Any,
        custom_id: str,
        *,
        count: int = 100,
        rate: float = 50.0,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Click one button `count` times at `rate` per second, by `members` in turn."""
        body = {
            "members": [ref(m) for m in members],
            "message": ref(message),
            "custom_id": custom_id,
            "count": count,
            "rate": rate,
            "timeout": timeout,
        }
        data: list[JSON] = await self._call("POST", "fire_clicks", body)
        return data

    # ---- faults ------------------------------------------------------------------------
    async def add_fault(
        self,
        method: str | None = None,
        path_pattern: str = "",
        status: int | None = None,
        *,
        times: int | None = 1,
        code: int | None = None,
        message: str | None = None,
        retry_after: float = 0.1,
        global_: bool = False,
        delay: float = 0.0,
        after_effect: bool = False,
    ) -> JSON:
        body = {
            "method": method,
            "path_pattern": path_pattern,
            "status": status,
            "times": times,
            "code": code,
            "message": message,
            "retry_after": retry_after,
            "global": global_,
            "delay": delay,
            "after_effect": after_effect,
        }
        data: JSON = await self._call("POST", "faults", body)
        return data

    async def gateway_fault(self, action: str, **params: Any) -> JSON:
        """action: "reconnect" | "invalidate" (resumable=) | "close" (code=) | "acks" (enabled=)."""
        data: JSON = await self._call("POST", "gateway", {"action": action, **params})
        return data


def _plain(options: JSON) -> JSON:
    """Handles (Member, Role, Channel) -> ids so options travel as JSON."""
    return {
        k: (v if isinstance(v, str | int | float | bool | None) else ref(v))
        for k, v in options.items()
    }
