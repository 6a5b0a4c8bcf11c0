"""Caches kept coherent across processes that share one PostgreSQL database.

Each process keeps its caches in memory (`bot.wiring`); `bot.db.write_events` invalidates
them after a commit *in the process that wrote*. On PostgreSQL several processes may
serve the same server, so an invalidating write also says so to the others:

* publishing: the write's own transaction runs `SELECT pg_notify('nexus_cache', ...)`
  (once per flush, for the servers it touched), so the message is delivered if and only
  if the write commits, and after it is visible;
* listening: `CacheListener.run` keeps ONE dedicated asyncpg connection per process
  LISTENing on the channel and calls the cache's invalidation for every message sent by
  another process (a process's own messages are skipped: it invalidated at its commit);
* faults: messages sent while the listener is disconnected are lost, so each time it
  (re)connects it invalidates everything; a connection that dies is noticed at once (its
  termination) or by a ping every `PING_SECONDS` (a silent network cut), and reconnected
  with a growing delay. Until it is back the process hears nothing, so it forgets every
  cache each `DEGRADED_SECONDS` instead: still coherent within a second, at the price of
  rebuilding what is used (a warning in the log says so).

Why notifications rather than a version number read on every lookup: a lookup stays
zero database round trips when warm (autocomplete runs on every keystroke), and the cost
lands on the rare invalidating write instead (one statement per flush); bench/README.md
has the figures. SQLite serves one process: nothing here is wired for it.

A message is `<sender>:<kind>:<guild id>`; `kind` names the registered invalidation
("concepts", "challenges", "content"), `sender` is random per process.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from bot.db.write_events import publish_on_flush

log = logging.getLogger("nexus.coherence")

CHANNEL = "nexus_cache"
PING_SECONDS = 5.0
PING_TIMEOUT = 5.0
CONNECT_TIMEOUT = 10.0
RETRY_FIRST = 0.2
RETRY_MAX = 10.0
DEGRADED_SECONDS = 1.0
# pg_notify's payload limit is 8,000 bytes; a message here is under 60.
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', p) FROM unnest(CAST(:payloads AS text[])) AS p")

_ADAPTER_OPTIONS = (
    "async_creator_fn",
    "prepared_statement_cache_size",
    "prepared_statement_name_func",
)


@dataclass(frozen=True)
class _Handler:
    callback: Callable[[int], None]
    everything: int  # the key that means "every server"


class CacheListener:
    """One process's side of the channel: what to invalidate per kind, and the listener."""

    def __init__(self, connect_args: dict[str, Any]) -> None:
        self.connect_args = connect_args
        self.sender = secrets.token_hex(6)
        self._handlers: dict[str, list[_Handler]] = {}
        self.retry_first = RETRY_FIRST
        self.connections = 0  # successful LISTENs so far (reconnects = connections - 1)
        self.received = 0  # messages from other processes acted on
        self.server_pid: int | None = None  # the listening backend (tests terminate it)
        self._connected: asyncio.Event | None = None
        self._forgetting: asyncio.Task[None] | None = None  # while nobody listens

    @classmethod
    def for_engine(cls, engine: AsyncEngine) -> CacheListener:
        """A listener connecting like `engine`'s pool does (host, user, ssl... from its URL),
        less the options SQLAlchemy's asyncpg adapter keeps for itself."""
        _, kwargs = engine.dialect.create_connect_args(engine.url)
        for own in _ADAPTER_OPTIONS:
            kwargs.pop(own, None)
        return cls(dict(kwargs))

    def register(self, kind: str, callback: Callable[[int], None], *, everything: int) -> None:
        """Call `callback(guild_id)` when another process publishes `kind` for a server
        (registering the same callback for a kind again changes nothing)."""
        if ":" in kind:
            raise ValueError("a kind must not contain ':'")
        handlers = self._handlers.setdefault(kind, [])
        handler = _Handler(callback, everything)
        if handler not in handlers:
            handlers.append(handler)

    def attach(self, session_class: type[Session]) -> None:
        """Publish, inside each write transaction of `session_class`, what it invalidates."""
        publish_on_flush(session_class, self._publish)

    def _publish(self, session: Session, keys: list[tuple[str, int]]) -> None:
        payloads = [f"{self.sender}:{kind}:{guild_id}" for kind, guild_id in keys]
        session.connection().execute(_NOTIFY, {"payloads": payloads})

    def invalidate_everything(self) -> None:
        for handlers in self._handlers.values():
            for h in handlers:
                h.callback(h.everything)

    def _on_message(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        sender, _, rest = payload.partition(":")
        kind, _, guild = rest.partition(":")
        if sender == self.sender:
            return
        try:
            guild_id = int(guild)
        except ValueError:
            log.warning("ignored a malformed cache message %r", payload[:100])
            return
        self.received += 1
        for h in self._handlers.get(kind, ()):
            h.callback(guild_id)

    @property
    def connected(self) -> bool:
        return self._connected is not None and self._connected.is_set()

    async def wait_connected(self) -> None:
        """Wait until the listener is LISTENing (tests, start-up)."""
        await self._event().wait()

    def _event(self) -> asyncio.Event:
        if self._connected is None:
            self._connected = asyncio.Event()
        return self._connected

    async def run(self) -> None:
        """Listen until cancelled, reconnecting after any failure."""
        delay = self.retry_first
        try:
            while True:
                self._start_forgetting()  # nobody listens until _listen says otherwise
                try:
                    conn = await asyncpg.connect(**self.connect_args, timeout=CONNECT_TIMEOUT)
                except Exception as err:  # noqa: BLE001 - unreachable, refused, starting up...
                    log.warning(
                        "cache listener cannot connect (%s); retrying in %.1fs, caches are "
                        "dropped every %.0fs meanwhile",
                        err,
                        delay,
                        DEGRADED_SECONDS,
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX)
                    continue
                try:
                    await self._listen(conn)  # returns only by raising
                except asyncio.CancelledError:
                    raise
                except Exception as err:  # noqa: BLE001 - any failure: reconnect
                    self._start_forgetting()
                    log.warning(
                        "cache listener lost its connection (%s); reconnecting, caches are "
                        "dropped every %.0fs meanwhile",
                        err,
                        DEGRADED_SECONDS,
                    )
                finally:
                    self._event().clear()
                    conn.terminate()
                delay = self.retry_first  # it had connected: start again from a short wait
                await asyncio.sleep(delay)
        finally:
            self._stop_forgetting()

    def _start_forgetting(self) -> None:
        """From now until a listener is back, other processes' writes go unheard: every
        cache is forgotten now and each DEGRADED_SECONDS, through waits and through
        connection attempts that hang alike."""
        if self._forgetting is None:
            self._forgetting = asyncio.create_task(self._forget_every_while())

    def _stop_forgetting(self) -> None:
        if self._forgetting is not None:
            self._forgetting.cancel()
            self._forgetting = None

    async def _forget_every_while(self) -> None:
        while True:
            self.invalidate_everything()
            await asyncio.sleep(DEGRADED_SECONDS)

    async def _listen(self, conn: asyncpg.Connection) -> None:
        lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_lost(_conn: Any) -> None:
            if not lost.done():
                lost.set_result(None)

        conn.add_termination_listener(on_lost)
        await conn.add_listener(CHANNEL, self._on_message)
        self.server_pid = conn.get_server_pid()
        # Whatever was published while no listener was connected is lost: start afresh.
        self._stop_forgetting()
        self.invalidate_everything()
        self.connections += 1
        self._event().set()
        while True:
            await asyncio.wait([lost], timeout=PING_SECONDS)
            if lost.done():
                raise ConnectionError("the listening connection was closed")
            await conn.fetchval("SELECT 1", timeout=PING_TIMEOUT)
