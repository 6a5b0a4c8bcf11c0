"""The Simulator: a local Discord (REST v10 + gateway) the real discord.py client talks to."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from .actions import Actor
from .faults import Faults
from .forum_actions import ForumActions
from .gateway import Gateway
from .guild import Guild
from .interactions import InteractionRecord, InteractionRegistry, Violation
from .limits import MentionPolicy, check_request
from .load_actions import LoadActions
from .models import DM, Channel, Message
from .redirect import redirect_discord
from .reply import MessageView
from .rest import API, RequestRecord, make_middleware, not_found
from .rest_core import CoreRoutes
from .rest_interactions import InteractionRoutes
from .rest_messages import MessageRoutes
from .sharding import DISCORD_GUILDS_PER_SHARD
from .spec import FieldError, SpecValidator
from .world import World

log = logging.getLogger(__name__)
_CALLBACK = re.compile(r"^/interactions/(\d+)/[^/]+/callback$")
_WEBHOOK = re.compile(r"^/webhooks/\d+/([^/]+)")
_CHANNEL_BODY = re.compile(r"^/channels/(\d+)(/threads)?$")


class Simulator(LoadActions, ForumActions):
    """`sim = Simulator(token="test-token"); await sim.start(); sim.redirect_client()`."""

    def __init__(
        self,
        token: str = "test-token",
        *,
        world: World | None = None,
        spec_path: Path | str | None = None,
        validate_schema: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        heartbeat_interval_ms: int = 41250,
        shard_count: int = 1,
        max_concurrency: int = 16,
        identify_window: float = 0.0,
        guilds_per_shard: int = DISCORD_GUILDS_PER_SHARD,
        interaction_window: float | None = 3.0,
        reply_timeout: float = 5.0,
        violation_grace: float = 0.5,
        control_api: bool = True,
    ) -> None:
        self.token = token
        self.world = world if world is not None else World()
        self.host, self._port = host, port
        self.spec = SpecValidator(spec_path) if validate_schema else None
        self.mention_policy = MentionPolicy()
        self.faults = Faults()
        self.violations: list[Violation] = []
        self.requests: list[RequestRecord] = []
        self.registry = InteractionRegistry()
        self.interaction_window = interaction_window
        self.reply_timeout = reply_timeout
        self.violation_grace = violation_grace
        self.nonce_hits = 0
        self.internal_errors: list[str] = []
        self.commands_synced = 0
        self._bot_messages: list[Message] = []
        self._bot_message_event = asyncio.Event()
        self.gateway = Gateway(
            self.world,
            token,
            heartbeat_interval_ms=heartbeat_interval_ms,
            shard_count=shard_count,
            max_concurrency=max_concurrency,
            identify_window=identify_window,
            guilds_per_shard=guilds_per_shard,
        )
        self._control_api = control_api
        self._runner: web.AppRunner | None = None
        self._restore_client: Callable[[], None] | None = None

    # ---- lifecycle ---------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    @property
    def rest_url(self) -> str:
        return self.base_url + API

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self._port}/gateway"

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[make_middleware(self)], client_max_size=64 * 1024**2)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/", self.gateway.handle)
        CoreRoutes(self).register(app.router)
        MessageRoutes(self).register(app.router)
        InteractionRoutes(self).register(app.router)
        if self._control_api:
            from .control import ControlRoutes

            ControlRoutes(self).register(app.router)
        app.router.add_route("*", API + "/{tail:.*}", not_found)
        return app

    async def start(self) -> Simulator:
        runner = web.AppRunner(
            self.build_app(), handle_signals=False, access_log=None, shutdown_timeout=0.1
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._runner = runner
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            self._port = server.sockets[0].getsockname()[1]
        self.gateway.url = self.gateway_url
        return self

    async def stop(self) -> None:
        self.restore_client()
        await self.gateway.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Simulator:
        return await self.start()

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def redirect_client(self) -> None:
        """Point discord.py (in this process) at this simulator; undone by stop()."""
        if self._restore_client is None:
            self._restore_client = redirect_discord(self.rest_url, self.gateway_url)
        else:
            redirect_discord(self.rest_url, self.gateway_url)

    def restore_client(self) -> None:
        if self._restore_client is not None:
            self._restore_client()
            self._restore_client = None

    async def wait_for_ready(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until the client identified (every shard) and was sent all its guilds."""
        try:
            await self.gateway.wait_until(self.gateway.is_ready, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no client became ready within {timeout} s (identifies={self.gateway.identifies})"
            ) from None

    # ---- hooks used by the REST layer --------------------------------------------------
    def validate(self, method: str, path: str, body: Any) -> list[FieldError]:
        errors: list[FieldError] = []
        if self.spec is not None:
            branch = self._body_schema(method, path)
            if branch is None:
                errors = self.spec.validate(method, path, body)
            else:
                errors = self.spec.validate_object(f"components/schemas/{branch}", body)
        return errors + check_request(method, path, body, self.mention_policy)

    def _body_schema(self, method: str, path: str) -> str | None:
        """For the request bodies the spec gives as a union of loose objects (any body
        matches one of them), the member that applies to the target channel, as Discord
        decides it: a thread, a DM or a guild channel; a post in a forum or a thread."""
        m = _CHANNEL_BODY.match(path)
        ch = self.world.channel(int(m.group(1))) if m else None
        if m is None or ch is None:
            return None
        if method == "PATCH" and not m.group(2):
            if ch.is_thread:
                return "UpdateThreadRequestPartial"
            return "UpdateDMRequestPartial" if ch.type == DM else "UpdateGuildChannelRequestPartial"
        if method == "POST" and m.group(2):
            if ch.is_forum:
                return "CreateForumThreadRequest"
            return "CreateTextThreadWithoutMessageRequest"
        return None

    def _record_for(self, path: str) -> InteractionRecord | None:
        if m := _CALLBACK.match(path):
            return self.registry.by_id.get(int(m.group(1)))
        if m := _WEBHOOK.match(path):
            return self.registry.by_token.get(m.group(1))
        return None

    def record_violation(self, method: str, path: str, errors: list[FieldError], body: Any) -> None:
        reason = "; ".join(e.describe() for e in errors)
        violation = Violation(method, path, reason, [e.__dict__ for e in errors], body)
        self.violations.append(violation)
        log.warning("simulator rejected %s %s: %s", method, path, reason)
        record = self._record_for(path)
        if record is not None:
            record.violations.append(violation)
            record.touch()

    def note_rejection(self, method: str, path: str, what: str) -> None:
        record = self._record_for(path)
        if record is not None:
            record.rejections.append(f"{method} {path} -> {what}")
            record.touch()

    def note_arrival(self, method: str, path: str, arrived: float) -> None:
        if method == "POST" and (m := _CALLBACK.match(path)):
            record = self.registry.by_id.get(int(m.group(1)))
            if record is not None and record.first_response_at is None:
                record.first_response_at = arrived

    def note_bot_message(self, msg: Message) -> None:
        self._bot_messages.append(msg)
        self._bot_message_event.set()
        self._bot_message_event = asyncio.Event()

    def note_commands_synced(self) -> None:
        self.commands_synced += 1

    # ---- queries -----------------------------------------------------------------------
    def messages_in(self, channel: Channel | int) -> list[MessageView]:
        cid = channel if isinstance(channel, int) else channel.id
        return [MessageView.from_dict(m.to_dict()) for m in self.world.messages_in(cid)]

    def threads(self, guild: Guild | int) -> list[Channel]:
        g = self.world.guilds[guild if isinstance(guild, int) else guild.id]
        return g.threads

    def dms_to(self, user: Actor) -> list[MessageView]:
        ch = self.world.dm_channel_of(user if isinstance(user, int) else user.id)
        return [] if ch is None else self.messages_in(ch.id)

    @property
    def bot_messages(self) -> list[MessageView]:
        """Every message the bot created anywhere (channels, DMs, interaction responses)."""
        return [MessageView.from_dict(m.to_dict()) for m in self._bot_messages]

    def interaction_timings(self) -> list[dict[str, Any]]:
        return self.registry.timings()

    async def wait_for_message(
        self,
        predicate: Callable[[MessageView], bool] | None = None,
        *,
        channel: Channel | int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        include_sent: bool = False,
    ) -> MessageView:
        """The next bot message matching channel/predicate (or an earlier one: include_sent)."""
        cid = channel if isinstance(channel, int | None) else channel.id
        deadline = time.monotonic() + timeout
        checked = 0 if include_sent else len(self._bot_messages)
        while True:
            for msg in self._bot_messages[checked:]:
                view = MessageView.from_dict(msg.to_dict())
                if (cid is None or msg.channel_id == cid) and (
                    predicate is None or predicate(view)
                ):
                    return view
            checked = len(self._bot_messages)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the bot sent no matching message within {timeout} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._bot_message_event.wait(), remaining)
