"""HTTP control API under /_sim: the actions API as JSON, for a simulator in another process."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .interactions import ViolationError
from .models import JSON
from .payloads import InvalidInput, UnknownCommand
from .reply import Modal, ModalField, Reply
from .rest import json_response

if TYPE_CHECKING:
    from .simulator import Simulator

PREFIX = "/_sim"
ERRORS: Mapping[type[Exception], int] = MappingProxyType(
    {
        UnknownCommand: 404,
        InvalidInput: 400,
        ViolationError: 422,
        TimeoutError: 504,
        KeyError: 404,
    }
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _id(value: Any) -> int | None:
    return None if value is None else int(value)


def modal_from(data: JSON) -> Modal:
    fields = [ModalField(**f) for f in data["fields"]]
    return Modal(
        data["custom_id"], data["title"], fields, int(data["interaction_id"]), data.get("raw") or {}
    )


class ControlRoutes:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def register(self, router: web.UrlDispatcher) -> None:
        routes: dict[str, Handler] = {
            "command": self.command,
            "autocomplete": self.autocomplete,
            "context_menu": self.context_menu,
            "click": self.click,
            "select": self.select,
            "submit_modal": self.submit_modal,
            "say": self.say,
            "followups": self.followups,
            "faults": self.add_fault,
            "fire": self.fire,
            "fire_clicks": self.fire_clicks,
            "gateway": self.gateway_fault,
            "guild": self.create_guild,
        }
        for name, handler in routes.items():
            router.add_post(f"{PREFIX}/{name}", self._wrap(handler))
        router.add_get(PREFIX + "/info", self._wrap(self.info))
        router.add_get(PREFIX + "/ready", self._wrap(self.ready))
        router.add_get(PREFIX + r"/messages/{channel_id:\d+}", self._wrap(self.messages))
        router.add_get(PREFIX + "/bot_messages", self._wrap(self.bot_messages))
        for name in ("violations", "requests", "timings", "faults"):
            router.add_get(f"{PREFIX}/{name}", self._wrap(self.listing))
            router.add_delete(f"{PREFIX}/{name}", self._wrap(self.clearing))

    def _wrap(self, handler: Handler) -> Handler:
        async def run(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except tuple(ERRORS) as exc:
                status = ERRORS.get(type(exc), 400)
                return json_response({"error": type(exc).__name__, "message": str(exc)}, status)

        return run

    async def _body(self, request: web.Request) -> JSON:
        text = await request.text()
        return json.loads(text) if text else {}

    def _reply(self, reply: Reply) -> web.Response:
        return json_response(reply.to_dict())

    # ---- actions -----------------------------------------------------------------------
    async def command(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        reply = await self.sim.command(
            int(b["member"]),
            b["name"],
            b.get("options") or {},
            channel=_id(b.get("channel")),
            dm=bool(b.get("dm")),
            timeout=b.get("timeout"),
        )
        return self._reply(reply)

    async def autocomplete(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        choices = await self.sim.autocomplete(
            int(b["member"]),
            b["name"],
            b.get("options") or {},
            focused=b["focused"],
            channel=_id(b.get("channel")),
            dm=bool(b.get("dm")),
            timeout=b.get("timeout"),
        )
        return json_response({"choices": choices})

    async def context_menu(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        reply = await self.sim.context_menu(
            int(b["member"]),
            b["name"],
            message=_id(b.get("message")),
            target=_id(b.get("target")),
            channel=_id(b.get("channel")),
            timeout=b.get("timeout"),
        )
        return self._reply(reply)

    async def click(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        reply = await self.sim.click(
            int(b["member"]),
            int(b["message"]),
            b.get("custom_id"),
            b.get("index"),
            timeout=b.get("timeout"),
        )
        return self._reply(reply)

    async def select(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        reply = await self.sim.select(
            int(b["member"]),
            int(b["message"]),
            b.get("custom_id"),
            b.get("values") or [],
            timeout=b.get("timeout"),
        )
        return self._reply(reply)

    async def submit_modal(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        reply = await self.sim.submit_modal(
            int(b["member"]),
            modal_from(b["modal"]),
            b.get("values") or {},
            timeout=b.get("timeout"),
        )
        return self._reply(reply)

    async def say(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        view = await self.sim.say(
            int(b["member"]),
            _id(b.get("channel")),
            b["content"],
            dm=bool(b.get("dm")),
            reply_to=_id(b.get("reply_to")),
            attachments=[str(a) for a in b.get("attachments") or []],
        )
        return json_response(view.raw)

    async def followups(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        msgs = await self.sim._wait_followups(
            int(b["interaction_id"]), int(b.get("n", 1)), float(b.get("timeout", 5.0))
        )
        return json_response(msgs)

    async def fire(self, request: web.Request) -> web.StreamResponse:
        """Fire `count` commands at `rate`/s; answer with per-interaction timings."""
        b = await self._body(request)
        out = await self.sim.fire(
            int(b["member"]),
            b["name"],
            b.get("options") or {},
            channel=_id(b.get("channel")),
            count=int(b.get("count", 1)),
            rate=float(b.get("rate", 10.0)),
            timeout=b.get("timeout"),
            variants=b.get("variants") or None,
            focused=b.get("focused"),
            members=[int(m) for m in b.get("members") or []] or None,
        )
        return json_response(out)

    async def fire_clicks(self, request: web.Request) -> web.StreamResponse:
        """Click one button `count` times at `rate`/s, by `members` in turn; timings."""
        b = await self._body(request)
        out = await self.sim.fire_clicks(
            [int(m) for m in b["members"]],
            int(b["message"]),
            str(b["custom_id"]),
            count=int(b.get("count", 1)),
            rate=float(b.get("rate", 10.0)),
            timeout=b.get("timeout"),
        )
        return json_response(out)

    # ---- faults and state --------------------------------------------------------------
    async def add_fault(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        fault = self.sim.faults.add(
            b.get("method"),
            b.get("path_pattern", ""),
            b.get("status"),
            times=b.get("times", 1),
            code=b.get("code"),
            message=b.get("message"),
            retry_after=b.get("retry_after", 0.1),
            global_=bool(b.get("global")),
            delay=float(b.get("delay", 0.0)),
            after_effect=bool(b.get("after_effect")),
        )
        return json_response(fault.to_dict())

    async def gateway_fault(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        gw, action, shard = self.sim.gateway, b["action"], _id(b.get("shard"))
        if action == "reconnect":
            await gw.send_reconnect(shard)
        elif action == "invalidate":
            await gw.invalidate_session(bool(b.get("resumable")), shard)
        elif action == "close":
            await gw.close_connections(int(b.get("code", 4000)), shard)
        elif action == "acks":
            gw.ack_heartbeats = bool(b.get("enabled", True))
        else:
            raise InvalidInput(f"unknown gateway action {action!r}")
        return json_response({"identifies": gw.identifies, "resumes": gw.resumes})

    async def create_guild(self, request: web.Request) -> web.StreamResponse:
        b = await self._body(request)
        guild = self.sim.world.create_guild(b.get("name", "Guild"))
        for i in range(int(b.get("members", 0))):
            guild.add_member(f"{b.get('name', 'guild').lower()}-member-{i}")
        return json_response(self._guild_info(guild.id))

    def _guild_info(self, guild_id: int) -> JSON:
        g = self.sim.world.guilds[guild_id]
        return {
            "id": g.id,
            "name": g.name,
            "owner_id": g.owner_id,
            "channels": [{"id": c.id, "name": c.name, "type": c.type} for c in g.channels.values()],
            "roles": [{"id": r.id, "name": r.name} for r in g.roles.values()],
            "members": [{"id": m.id, "name": m.name} for m in g.members.values()],
        }

    async def info(self, request: web.Request) -> web.StreamResponse:
        sim, limit = self.sim, int(request.query.get("guilds", 50))
        return json_response(
            {
                "rest_url": sim.rest_url,
                "gateway_url": sim.gateway_url,
                "base_url": sim.base_url,
                "app_id": sim.world.app_id,
                "bot_user_id": sim.world.bot_user.id,
                "guild_count": len(sim.world.guilds),
                "identifies": sim.gateway.identifies,
                "resumes": sim.gateway.resumes,
                "ready": sim.gateway.is_ready(),
                "guilds": [self._guild_info(g) for g in list(sim.world.guilds)[:limit]],
            }
        )

    async def ready(self, request: web.Request) -> web.StreamResponse:
        await self.sim.wait_for_ready(float(request.query.get("timeout", 5.0)))
        return json_response({"ready": True})

    async def messages(self, request: web.Request) -> web.StreamResponse:
        views = self.sim.messages_in(int(request.match_info["channel_id"]))
        return json_response([v.raw for v in views])

    async def bot_messages(self, request: web.Request) -> web.StreamResponse:
        return json_response([v.raw for v in self.sim.bot_messages])

    async def listing(self, request: web.Request) -> web.StreamResponse:
        name = request.path.rsplit("/", 1)[1]
        sim = self.sim
        if name == "violations":
            return json_response([v.to_dict() for v in sim.violations])
        if name == "requests":
            return json_response([dataclasses.asdict(r) for r in sim.requests])
        if name == "faults":
            return json_response([f.to_dict() for f in sim.faults.active])
        return json_response(sim.interaction_timings())

    async def clearing(self, request: web.Request) -> web.StreamResponse:
        name = request.path.rsplit("/", 1)[1]
        {
            "violations": self.sim.violations.clear,
            "requests": self.sim.requests.clear,
            "faults": self.sim.faults.clear,
            "timings": self.sim.registry.clear,
        }[name]()
        return json_response({"cleared": name})
