"""Caches stay coherent across processes on one PostgreSQL database (bot.db.coherence).

Two Database objects on the same database stand for two bot processes: a moderator's
edit, hide or merge through one is seen by the other's lookups and autocomplete within a
second; a listener that lost its connection reconnects and starts afresh; a rolled-back
write tells nobody."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest

from bot.db import Database, coherence
from bot.db.coherence import CacheListener
from bot.db.models import Concept
from bot.services import concepts, moderation
from bot.wiring import open_database
from tests.dbutil import backend_name
from tests.unit import curation_factory as f
from tests.unit.curation_factory import ACTOR

pg_only = pytest.mark.skipif(backend_name() != "postgresql", reason="PostgreSQL only")

WITHIN = 1.0


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """A second process's view of `db`'s database, listening."""
    second = open_database(_url(db), listen=True)
    try:
        async with asyncio.timeout(10):
            await second.part(CacheListener).wait_connected()
        yield second
    finally:
        await second.dispose()


async def _seen_within(check: Callable[[], Awaitable[bool]], seconds: float = WITHIN) -> float:
    """How long until `check()` held (fails if not within `seconds`)."""
    start = time.monotonic()
    while not await check():
        assert time.monotonic() - start < seconds, "not seen within the deadline"
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def _concept(db: Database, other: Database, slug: str, name: str) -> int:
    """A new concept, once `other` has heard of it (so that what `other` builds next is not
    dropped by this creation's own late message)."""
    listener = other.part(CacheListener)
    before = listener.received
    cid = await f.concept(db, slug=slug, name=name)
    await _seen_within(lambda: _true(listener.received >= before + 2))  # concepts + content
    return cid


async def _true(value: bool) -> bool:
    return value


async def _offers(db: Database, typed: str, concept_id: int) -> bool:
    """Whether autocomplete (answered from the in-memory index only) offers the concept first."""
    choices = await concepts.autocomplete(db, f.G1, typed)
    return bool(choices) and choices[0].value == str(concept_id)


async def _name(db: Database, text: str) -> str | None:
    found = await concepts.lookup(db, f.G1, f.ALICE, text)
    return found.concept.name if found.concept is not None else None


@pg_only
async def test_an_edit_through_one_process_is_seen_by_the_others_lookups(
    db: Database, other: Database
) -> None:
    cid = await _concept(db, other, "event-loop", "Event loop")
    assert await _name(other, "Event loop") == "Event loop"  # other's index is warm
    builds = other.part(concepts.ConceptIndex).builds

    await moderation.edit(db, f.G1, ACTOR, "concept", cid, {"name": "Reactor pattern"})

    async def renamed() -> bool:  # by the new name: only a rebuilt index knows it
        return await _offers(other, "reactor pat", cid)

    await _seen_within(renamed)
    assert await _name(other, "Reactor pattern") == "Reactor pattern"
    assert other.part(concepts.ConceptIndex).builds > builds
    assert other.part(CacheListener).received >= 1
    assert db.part(CacheListener).received == 0  # a process skips its own messages


@pg_only
async def test_hide_and_merge_through_one_process_are_seen_by_the_others(
    db: Database, other: Database
) -> None:
    keep = await _concept(db, other, "promise", "Promise")
    dup = await _concept(db, other, "promises-js", "JS promises")
    gone = await _concept(db, other, "callback-hell", "Callback hell")
    for name in ("Promise", "JS promises", "Callback hell"):
        assert await _name(other, name) == name

    await moderation.merge(db, f.G1, ACTOR, "concept", dup, keep, "duplicate")
    await moderation.hide(db, f.G1, ACTOR, "concept", gone, "off topic")

    async def both() -> bool:
        merged = await concepts.lookup(other, f.G1, f.ALICE, "JS promises")
        hidden = await concepts.lookup(other, f.G1, f.ALICE, "Callback hell")
        return (
            merged.concept is not None
            and merged.concept.id == keep
            and merged.merged_from is not None
            and (hidden.concept is None or hidden.concept.id != gone)
        )

    await _seen_within(both)
    choices = await concepts.autocomplete(other, f.G1, "callback h")
    assert str(gone) not in [c.value for c in choices]


@pg_only
async def test_a_lost_listener_reconnects_and_forgets_what_it_may_have_missed(
    db: Database, other: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coherence, "DEGRADED_SECONDS", 60.0)  # only the reconnect forgets
    connect = asyncpg.connect

    async def slow_connect(*args: object, **kwargs: object) -> asyncpg.Connection:
        await asyncio.sleep(0.4)  # a loaded machine: reconnecting takes a while
        return await connect(*args, **kwargs)

    cid = await _concept(db, other, "closure", "Closure")
    assert await _name(other, "Closure") == "Closure"
    listener = other.part(CacheListener)
    listener.retry_first = 0.5  # the write below lands while nobody listens
    monkeypatch.setattr(coherence.asyncpg, "connect", slow_connect)
    await _terminate(db, listener)

    async def noticed() -> bool:
        return not listener.connected

    await _seen_within(noticed, 2.0)
    assert await _name(other, "Closure") == "Closure"  # warm again after the loss
    await moderation.edit(db, f.G1, ACTOR, "concept", cid, {"name": "Lexical capture"})

    async def renamed() -> bool:
        return await _offers(other, "lexical capt", cid)

    await _seen_within(renamed, 3.0)
    assert listener.connections == 2  # the reconnect forgot, not the wait before it


@pg_only
async def test_while_the_listener_cannot_reconnect_the_caches_hold_for_a_second_at_most(
    db: Database, other: Database
) -> None:
    """A listener that cannot get its connection back (a proxy refusing, a firewall) hears
    nothing: meanwhile the process forgets its caches every second, so the promise holds."""
    cid = await _concept(db, other, "decorator", "Decorator")
    assert await _name(other, "Decorator") == "Decorator"
    listener = other.part(CacheListener)
    listener.retry_first = 60.0  # no reconnect during this test
    await _terminate(db, listener)

    async def noticed() -> bool:
        return not listener.connected

    await _seen_within(noticed, 2.0)
    assert await _name(other, "Decorator") == "Decorator"  # warm again after the loss
    await moderation.edit(db, f.G1, ACTOR, "concept", cid, {"name": "Function wrapper"})

    async def renamed() -> bool:
        return await _offers(other, "function wrap", cid)

    await _seen_within(renamed, 1.5)
    assert listener.connections == 1


@pg_only
async def test_while_a_reconnect_hangs_the_caches_still_hold_for_a_second_at_most(
    db: Database, other: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reconnect that hangs (a firewall dropping packets: up to CONNECT_TIMEOUT) is time
    without a listener too: the process keeps forgetting its caches every second."""
    connect = asyncpg.connect

    async def hanging_connect(*args: object, **kwargs: object) -> asyncpg.Connection:
        await asyncio.sleep(4.0)
        return await connect(*args, **kwargs)

    cid = await _concept(db, other, "iterator", "Iterator")
    assert await _name(other, "Iterator") == "Iterator"
    listener = other.part(CacheListener)
    listener.retry_first = 0.05  # straight into the hanging reconnect
    monkeypatch.setattr(coherence.asyncpg, "connect", hanging_connect)
    await _terminate(db, listener)

    async def noticed() -> bool:
        return not listener.connected

    await _seen_within(noticed, 2.0)
    await asyncio.sleep(0.1)  # the reconnect is under way
    assert await _name(other, "Iterator") == "Iterator"  # warm again, nobody listening
    await moderation.edit(db, f.G1, ACTOR, "concept", cid, {"name": "Cursor protocol"})

    async def renamed() -> bool:
        return await _offers(other, "cursor prot", cid)

    await _seen_within(renamed, 1.5)
    assert listener.connections == 1  # still reconnecting


async def _terminate(db: Database, listener: CacheListener) -> None:
    """What a server restart or a network cut does to the listening connection."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(False)
    killer = await asyncpg.connect(url)
    try:
        assert await killer.fetchval("SELECT pg_terminate_backend($1)", listener.server_pid)
    finally:
        await killer.close()


@pg_only
async def test_a_rolled_back_write_tells_no_other_process(db: Database, other: Database) -> None:
    cid = await _concept(db, other, "generator", "Generator")
    assert await _name(other, "Generator") == "Generator"
    listener = other.part(CacheListener)
    before = listener.received
    with pytest.raises(RuntimeError):
        async with db.sessions.begin() as s:
            row = await s.get(Concept, cid)
            assert row is not None
            row.name = "Generators"
            await s.flush()  # the message is queued inside the transaction...
            raise RuntimeError("...which then rolls back")
    await asyncio.sleep(0.3)
    assert listener.received == before
    await moderation.edit(db, f.G1, ACTOR, "concept", cid, {"summary": "Yield it"})

    async def summary() -> bool:
        found = await concepts.lookup(other, f.G1, f.ALICE, "Generator")
        return found.concept is not None and found.concept.summary == "Yield it"

    await _seen_within(summary)


async def test_sqlite_publishes_and_listens_to_nothing(empty_db: Database) -> None:
    if not empty_db.is_sqlite:
        pytest.skip("SQLite only")
    with pytest.raises(RuntimeError, match="not wired"):
        empty_db.part(CacheListener)
    async with empty_db.sessions.begin() as s:
        s.add(
            Concept(
                guild_id=f.G1,
                slug="x",
                name="X",
                category="backend",
                tracks="backend",
                summary="s",
                body="b",
                search_text="X",
                status="published",
                author_id=1,
                author_name="a",
            )
        )
        await s.flush()
        assert "nexus_outbox" not in s.info  # nothing queued: zero extra cost


def test_messages_reach_each_invalidation_once_and_never_the_sender() -> None:
    listener = CacheListener({})
    seen: list[tuple[str, int]] = []

    def concepts_changed(guild_id: int) -> None:
        seen.append(("concepts", guild_id))

    def content_changed(guild_id: int) -> None:
        seen.append(("content", guild_id))

    listener.register("concepts", concepts_changed, everything=0)
    for _ in range(3):  # three models share this invalidation
        listener.register("content", content_changed, everything=-1)
    for payload in ("other:content:42", "other:concepts:7", f"{listener.sender}:concepts:9"):
        listener._on_message(None, 0, "nexus_cache", payload)
    listener._on_message(None, 0, "nexus_cache", "other:concepts:not-a-number")
    assert seen == [("content", 42), ("concepts", 7)]
    listener.invalidate_everything()
    assert seen[2:] == [("concepts", 0), ("content", -1)]


def test_the_listener_connects_like_the_pool_without_the_adapters_own_options() -> None:
    db = Database.create(
        "postgresql+asyncpg://nexus:secret@db.example:6543/nexus"
        "?prepared_statement_cache_size=0&ssl=require"
    )
    listener = CacheListener.for_engine(db.engine)
    assert listener.connect_args == {
        "host": "db.example",
        "port": 6543,
        "user": "nexus",
        "password": "secret",
        "database": "nexus",
        "ssl": "require",
    }
