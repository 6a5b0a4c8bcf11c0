"""The gateway: HELLO/heartbeat/IDENTIFY/RESUME, sharding, dispatch, replay and faults."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from aiohttp import WSMsgType, web

from .models import JSON
from .sharding import (
    DISCORD_GUILDS_PER_SHARD,
    INVALID_SHARD,
    SHARDING_REQUIRED,
    IdentifyLimiter,
    parse_shard,
)
from .world import World

log = logging.getLogger(__name__)

OnSent = Callable[[], None] | None
GUILDS, GUILD_MEMBERS, GUILD_MESSAGES, DIRECT_MESSAGES = 1 << 0, 1 << 1, 1 << 9, 1 << 12
MESSAGE_CONTENT = 1 << 15
_EVENT_INTENT = MappingProxyType(
    {
        "GUILD_MEMBER_ADD": GUILD_MEMBERS,
        "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
        "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    }
)
_GUILDS_EVENTS = ("GUILD_", "CHANNEL_", "THREAD_")
_MESSAGE_EVENTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE")


class NoGatewaySession(RuntimeError):
    """No connected bot session receives events for this guild."""


class Connection:
    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[tuple[str, OnSent] | None] = asyncio.Queue()
        self.session: GatewaySession | None = None
        self.task = asyncio.create_task(self._writer())

    def send(self, payload: JSON | str, on_sent: OnSent = None) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self.queue.put_nowait((text, on_sent))

    async def _writer(self) -> None:
        while True:
            item = await self.queue.get()
            if item is None or self.ws.closed:
                return
            text, on_sent = item
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return
            if on_sent is not None:
                on_sent()

    async def close(self, code: int = 1000, message: str = "") -> None:
        self.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=message.encode())


class GatewaySession:
    def __init__(self, shard: tuple[int, int], intents: int, buffer_size: int) -> None:
        self.id = uuid.uuid4().hex
        self.shard = shard
        self.intents = intents
        self.seq = 0
        self.buffer: deque[tuple[int, str, OnSent]] = deque(maxlen=buffer_size)
        self.conn: Connection | None = None
        self.invalid = False
        self.ready = asyncio.Event()

    def covers(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard[0] == 0
        return World.shard_of(guild_id, self.shard[1]) == self.shard[0]

    def push(self, event: str, data: JSON, on_sent: OnSent = None) -> None:
        self.seq += 1
        text = json.dumps({"op": 0, "t": event, "s": self.seq, "d": data})
        self.buffer.append((self.seq, text, on_sent))
        if self.conn is not None:
            self.conn.send(text, on_sent)


def _wanted(event: str, guild_id: int | None, intents: int) -> bool:
    if event in _EVENT_INTENT:
        return bool(intents & _EVENT_INTENT[event])
    if event in _MESSAGE_EVENTS:
        return bool(intents & (GUILD_MESSAGES if guild_id is not None else DIRECT_MESSAGES))
    if event.startswith(_GUILDS_EVENTS):
        return bool(intents & GUILDS)
    return True


HEARTBEAT_ACK_DELAY = 0.05  # seconds: a round trip to Discord


class Gateway:
    def __init__(
        self,
        world: World,
        token: str,
        *,
        heartbeat_interval_ms: int = 41250,
        shard_count: int = 1,
        buffer_size: int = 5000,
        max_concurrency: int = 16,
        identify_window: float = 0.0,
        guilds_per_shard: int = DISCORD_GUILDS_PER_SHARD,
    ) -> None:
        self.world = world
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.shard_count = shard_count
        self.limiter = IdentifyLimiter(max_concurrency=max_concurrency, window=identify_window)
        self.guilds_per_shard = guilds_per_shard
        self.buffer_size = buffer_size
        self.url = ""
        self.ack_heartbeats = True
        # Discord's HEARTBEAT_ACK crosses the network. Answered at once, it beat
        # discord.py's keep-alive thread to noting the heartbeat's send time: the latency
        # was then measured from the previous heartbeat (the whole interval), and past
        # 10 s discord.py warned "Can't keep up, websocket is N s behind".
        self.heartbeat_ack_delay = HEARTBEAT_ACK_DELAY
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[Connection] = set()
        self.identifies = 0
        self.interaction_shards: dict[int, tuple[int, int]] = {}  # interaction id -> shard
        self.resumes = 0
        self.failed_resumes = 0
        self.heartbeats = 0
        self.log: list[str] = []
        self._changed = asyncio.Event()
        world.listeners.append(self._on_world_event)

    # ---- connection handling -------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        conn.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    try:
                        frame = json.loads(msg.data)
                    except ValueError:
                        await conn.close(4002, "Decode error")
                        break
                    await self._on_frame(conn, frame)
                elif msg.type == WSMsgType.BINARY:
                    await conn.close(4002, "Decode error")
        finally:
            self.connections.discard(conn)
            conn.queue.put_nowait(None)
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            self._notify()
        return ws

    async def _on_frame(self, conn: Connection, frame: JSON) -> None:
        op, d = frame.get("op"), frame.get("d")
        if op == 1:
            self.heartbeats += 1
            if self.ack_heartbeats:
                asyncio.get_running_loop().call_later(
                    self.heartbeat_ack_delay, conn.send, {"op": 11}
                )
        elif op == 2:
            await self._identify(conn, d or {})
        elif op == 6:
            await self._resume(conn, d or {})
        elif op == 8:
            self._request_members(conn, d or {})

    def _check_token(self, token: Any) -> bool:
        return isinstance(token, str) and token.removeprefix("Bot ") == self.token

    async def _identify(self, conn: Connection, d: JSON) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if not self._check_token(d.get("token")):
            await conn.close(4004, "Authentication failed.")
            return
        shard = parse_shard(d.get("shard"))
        if shard is None:
            self.log.append(f"IDENTIFY invalid shard {d.get('shard')!r}")
            await conn.close(INVALID_SHARD, "Invalid shard.")
            return
        shard_id, count = shard
        covered = sum(1 for g in self.world.guilds if World.shard_of(g, count) == shard_id)
        if covered > self.guilds_per_shard:
            self.log.append(f"IDENTIFY shard={shard_id}/{count}: sharding required")
            await conn.close(SHARDING_REQUIRED, "Sharding required.")
            return
        if not self.limiter.admit(shard_id):
            # Discord answers an identify over max_concurrency with Invalid Session.
            self.log.append(f"IDENTIFY shard={shard_id}/{count} rate limited")
            conn.send({"op": 9, "d": False})
            return
        for old in list(self.sessions.values()):
            if old.shard == (shard_id, count) and old.conn is None:
                del self.sessions[old.id]
        session = GatewaySession((shard_id, count), int(d.get("intents", 0)), self.buffer_size)
        session.conn = conn
        conn.session = session
        self.sessions[session.id] = session
        self.identifies += 1
        self.log.append(f"IDENTIFY shard={shard_id}/{count}")
        large = min(int(d.get("large_threshold") or 50), 250)
        guilds = [g for g in self.world.guilds.values() if session.covers(g.id)]
        bot = self.world.bot_user.to_dict() | {"verified": True, "mfa_enabled": False}
        ready = {
            "v": 10,
            "user": bot,
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [shard_id, count],
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "application": {"id": str(self.world.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
        }
        session.push("READY", ready, None if guilds else session.ready.set)
        for i, guild in enumerate(guilds):
            last = session.ready.set if i == len(guilds) - 1 else None
            session.push("GUILD_CREATE", guild.to_gateway_dict(member_limit=large), last)
        self._notify()

    async def _resume(self, conn: Connection, d: JSON) -> None:
        session = self.sessions.get(str(d.get("session_id")))
        seq = d.get("seq") or 0
        ok = (
            session is not None
            and not session.invalid
            and self._check_token(d.get("token"))
            and (not session.buffer or session.buffer[0][0] <= seq + 1)
        )
        if not ok or session is None:
            self.failed_resumes += 1
            self.log.append("RESUME failed")
            conn.send({"op": 9, "d": False})
            return
        if session.conn is not None and session.conn is not conn:
            await session.conn.close(4000, "Session resumed elsewhere")
        session.conn = conn
        conn.session = session
        for s, text, on_sent in session.buffer:
            if s > seq:
                conn.send(text, on_sent)
        session.push("RESUMED", {})
        self.resumes += 1
        self.log.append(f"RESUME shard={session.shard[0]} from seq={seq}")
        self._notify()

    def _request_members(self, conn: Connection, d: JSON) -> None:
        session = conn.session
        guild = self.world.guilds.get(int(d.get("guild_id", 0)))
        if session is None or guild is None:
            return
        members = list(guild.members.values())
        if d.get("user_ids"):
            wanted = {int(u) for u in d["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif d.get("query"):
            members = [m for m in members if m.name.startswith(str(d["query"]))]
        limit = int(d.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunks = [members[i : i + 1000] for i in range(0, len(members), 1000)] or [[]]
        for index, chunk in enumerate(chunks):
            data: JSON = {
                "guild_id": str(guild.id),
                "members": [m.to_dict() for m in chunk],
                "chunk_index": index,
                "chunk_count": len(chunks),
            }
            if d.get("nonce"):
                data["nonce"] = d["nonce"]
            session.push("GUILD_MEMBERS_CHUNK", data)

    # ---- dispatch --------------------------------------------------------------------
    def live_sessions(self, guild_id: int | None) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if not s.invalid and s.covers(guild_id)]

    def dispatch(self, event: str, data: JSON, guild_id: int | None, on_sent: OnSent = None) -> int:
        sent = 0
        for session in self.live_sessions(guild_id):
            if not _wanted(event, guild_id, session.intents):
                continue
            payload = data
            if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and guild_id is not None:
                payload = self._content_for(data, session.intents)
            session.push(event, payload, on_sent)
            sent += 1
        return sent

    def dispatch_interaction(self, data: JSON, guild_id: int | None, on_sent: OnSent) -> None:
        sessions = self.live_sessions(guild_id)
        if not sessions:
            raise NoGatewaySession(
                f"no bot session is identified for guild {guild_id} (did the client connect?)"
            )
        # One session answers an interaction, as on Discord: the most recently connected one.
        connected = [s for s in sessions if s.conn is not None] or sessions
        chosen = connected[-1]
        chosen.push("INTERACTION_CREATE", data, on_sent)
        self.interaction_shards[int(data["id"])] = chosen.shard

    def rest_message(self, data: JSON) -> JSON:
        """A message fetched over REST: Discord empties its content (and embeds, files,
        components) for an app without the Message Content intent, as on the gateway.
        The intent is the app's: taken from its identified sessions (none: left as is)."""
        sessions = list(self.sessions.values())
        if not sessions or any(s.intents & MESSAGE_CONTENT for s in sessions):
            return data
        return self._content_for(data, 0)

    def _content_for(self, data: JSON, intents: int) -> JSON:
        if intents & MESSAGE_CONTENT:
            return data
        bot_id = str(self.world.bot_user.id)
        if data.get("author", {}).get("id") == bot_id:
            return data
        if any(u.get("id") == bot_id for u in data.get("mentions", [])):
            return data
        return data | {"content": "", "embeds": [], "attachments": [], "components": []}

    def _on_world_event(self, event: str, data: JSON, guild_id: int | None) -> None:
        if event == "GUILD_CREATE" and guild_id is not None:
            guild = self.world.guilds[guild_id]
            data = guild.to_gateway_dict(member_limit=250)
            # The bot joined a server while connected: Discord sends no `unavailable` (false
            # means an outage ended), so the client dispatches on_guild_join.
            data.pop("unavailable", None)
        self.dispatch(event, data, guild_id)

    # ---- readiness -------------------------------------------------------------------
    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def ready_shards(self) -> set[tuple[int, int]]:
        return {s.shard for s in self.sessions.values() if s.ready.is_set() and not s.invalid}

    def is_ready(self) -> bool:
        shards = self.ready_shards()
        if not shards:
            return False
        counts = {n for _, n in shards}
        return all({i for i, n in shards if n == c} == set(range(c)) for c in counts)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("gateway condition not reached in time")
            waiter = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter.wait(), min(remaining, 0.05))

    # ---- faults ----------------------------------------------------------------------
    def _targets(self, shard: int | None) -> list[Connection]:
        return [
            c
            for c in self.connections
            if c.session is not None and (shard is None or c.session.shard[0] == shard)
        ]

    async def send_reconnect(self, shard: int | None = None) -> None:
        """op 7: the client should reconnect and RESUME."""
        for conn in self._targets(shard):
            conn.send({"op": 7, "d": None})

    async def invalidate_session(self, resumable: bool, shard: int | None = None) -> None:
        """op 9 with d=resumable; a non-resumable session is dropped."""
        for conn in self._targets(shard):
            if not resumable and conn.session is not None:
                conn.session.invalid = True
            conn.send({"op": 9, "d": resumable})

    async def close_connections(self, code: int = 4000, shard: int | None = None) -> None:
        for conn in self._targets(shard):
            await conn.close(code, f"closed by simulator ({code})")

    async def stop(self) -> None:
        for conn in list(self.connections):
            await conn.close(1001, "simulator stopping")
        for conn in list(self.connections):
            conn.task.cancel()
        if self._on_world_event in self.world.listeners:
            self.world.listeners.remove(self._on_world_event)
