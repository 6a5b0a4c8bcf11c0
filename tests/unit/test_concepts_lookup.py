"""Concept resolution: ranking, typos, scoping between servers, overrides, recording."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept, ConceptLookup, MissedLookup
from bot.db.types import utcnow
from bot.errors import Invalid, NotFound
from bot.services.concepts import lookup_log
from bot.services.concepts import service as concepts
from bot.services.concepts.index import index_for
from bot.services.concepts.types import ConceptBrief

A, B = 1001, 2002


async def add_concept(db: Database, guild_id: int, name: str, **kw: Any) -> int:
    values: dict[str, Any] = {
        "slug": name.lower().replace(" ", "-"),
        "aliases": [],
        "category": "technology",
        "tracks": "both",
        "related": [],
        "summary": f"About {name}.",
        "body": f"{name} body text.",
        "links": [],
        "status": "published",
    }
    values.update(kw)
    async with db.sessions.begin() as s:
        row = Concept(guild_id=guild_id, name=name, **values)
        s.add(row)
        await s.flush()
        return row.id


async def base_id(db: Database, slug: str) -> int:
    async with db.reader() as s:
        found = await s.scalar(
            select(Concept.id).where(Concept.guild_id == BASE_GUILD_ID, Concept.slug == slug)
        )
    assert found is not None
    return int(found)


async def names(db: Database, guild: int, text: str) -> list[str]:
    return [c.name for c in await concepts.autocomplete(db, guild, text)]


async def test_autocomplete_ranks_prefix_then_alias_then_fuzzy(db: Database) -> None:
    await add_concept(db, A, "Kafka Streams", aliases=["cache stream"])
    await add_concept(db, A, "Queue Cacher")
    got = await names(db, A, "cach")
    assert got[0] == "Cache Invalidation"
    assert got[1] == "Caching"
    prefix_end = max(i for i, n in enumerate(got) if n.lower().startswith("cach"))
    alias_at = got.index("Kafka Streams (cache stream)")
    assert alias_at > prefix_end
    fuzzy_at = got.index("Queue Cacher")  # only a substring match: fuzzy tier, last
    assert fuzzy_at > alias_at


async def test_autocomplete_tolerates_typos_and_aliases(db: Database) -> None:
    assert (await names(db, A, "cachng"))[0] == "Caching"
    assert (await names(db, A, "postgress"))[0] == "PostgreSQL"
    assert (await names(db, A, "k8s"))[0].startswith("Kubernetes")
    assert (await names(db, A, "KUBERNETS"))[0] == "Kubernetes"


async def test_autocomplete_limits_and_values(db: Database) -> None:
    for i in range(40):
        await add_concept(db, A, f"Zeta {i:02d} " + "x" * 90)
    choices = await concepts.autocomplete(db, A, "zeta")
    assert len(choices) == 25
    for c in choices:
        assert 1 <= len(c.name) <= 100 and 1 <= len(c.value) <= 100
        assert c.value.isdigit()
    assert len(await concepts.autocomplete(db, A, "")) == 25
    assert await concepts.autocomplete(db, A, "\x00 ☃☃☃ " * 50) is not None


async def test_autocomplete_is_served_from_memory_and_invalidated_on_writes(
    db: Database,
) -> None:
    index = index_for(db)
    await concepts.autocomplete(db, A, "ca")
    builds = index.builds
    for text in ("c", "ca", "cac", "cach"):
        await concepts.autocomplete(db, A, text)
    assert index.builds == builds  # warm: no database work
    await add_concept(db, A, "Cachet Library")  # an ORM write to server A
    assert "Cachet Library" in await names(db, A, "cachet")
    assert index.builds == builds + 1
    await add_concept(db, B, "Cachet Other")  # B's write leaves A's index warm
    await concepts.autocomplete(db, A, "ca")
    assert index.builds == builds + 1


async def test_concurrent_cold_keystrokes_share_one_build(db: Database) -> None:
    index = index_for(db)
    builds = index.builds
    results = await asyncio.gather(*(concepts.autocomplete(db, A, t) for t in "cachng"))
    assert index.builds == builds + 1
    assert all(isinstance(r, list) for r in results)


async def test_other_servers_are_never_visible(db: Database) -> None:
    secret = await add_concept(db, B, "Bee Secret Sauce", aliases=["bss"])
    assert "Bee Secret Sauce" in await names(db, B, "bee")
    assert not any("Bee Secret" in n for n in await names(db, A, "bee secret sauce"))
    assert not any("Bee Secret" in n for n in await names(db, A, "bss"))
    miss = await concepts.lookup(db, A, 7, str(secret))
    assert miss.concept is None
    assert miss.suggestions == () or all(s.id != secret for s in miss.suggestions)
    assert (await concepts.lookup(db, A, 7, "Bee Secret Sauce")).concept is None
    try:
        await concepts.open_concept(db, A, 7, secret)
        raise AssertionError("opened another server's concept")
    except NotFound:
        pass
    page = await concepts.list_concepts(db, A, per_page=25)
    everything: list[ConceptBrief] = []
    for p in range(page.pages):
        everything += (await concepts.list_concepts(db, A, page=p, per_page=25)).items
    assert secret not in {c.id for c in everything}
    hit = await concepts.lookup(db, B, 7, str(secret))
    assert hit.concept is not None and hit.concept.name == "Bee Secret Sauce"


async def test_lookup_by_id_name_alias_slug_records_lookups(db: Database) -> None:
    redis = await base_id(db, "redis")
    for text in (str(redis), "redis", "REDIS", "  Redis  "):
        outcome = await concepts.lookup(db, A, 42, text)
        assert outcome.concept is not None and outcome.concept.id == redis
    k8s = await concepts.lookup(db, A, 42, "k8s")
    assert k8s.concept is not None and k8s.concept.name == "Kubernetes"
    slug = await concepts.lookup(db, A, 42, "n-plus-1-query-problem")
    assert slug.concept is not None
    detail = k8s.concept
    assert {r.name for r in detail.related} >= {"Docker"}
    assert all(r.id != detail.id for r in detail.related)
    await lookup_log.flush(db)  # statistics are written in batches
    async with db.reader() as s:
        n = await s.scalar(select(func.count()).where(ConceptLookup.guild_id == A))
    assert n == 6


async def test_miss_suggests_and_records(db: Database) -> None:
    outcome = await concepts.lookup(db, A, 42, "redis cache")  # two concepts: ask
    assert outcome.concept is None
    assert 1 <= len(outcome.suggestions) <= 3
    assert {s.name for s in outcome.suggestions[:2]} == {"Redis", "Caching"}
    await concepts.lookup(db, A, 43, "Quantum Pasta")
    await concepts.lookup(db, A, 44, "quantum pasta")
    await lookup_log.flush(db)  # statistics are written in batches
    async with db.reader() as s:
        rows = (await s.scalars(select(MissedLookup).where(MissedLookup.guild_id == A))).all()
    assert sorted(r.query for r in rows) == ["Quantum Pasta", "quantum pasta", "redis cache"]
    now = utcnow()
    misses = await concepts.top_misses(db, A, now - timedelta(hours=1), now + timedelta(1))
    assert misses[0].query == "quantum pasta" and misses[0].count == 2
    assert await concepts.top_misses(db, B, now - timedelta(hours=1), now + timedelta(1)) == []


async def test_lookup_rejects_empty_and_clips_long_input(db: Database) -> None:
    for text in ("", "   ", "\x00\x01"):
        try:
            await concepts.lookup(db, A, 1, text)
            raise AssertionError("empty lookup accepted")
        except Invalid:
            pass
    outcome = await concepts.lookup(db, A, 1, "y" * 6000)
    assert outcome.concept is None
    await lookup_log.flush(db)  # statistics are written in batches
    async with db.reader() as s:
        stored = await s.scalar(select(MissedLookup.query).where(MissedLookup.guild_id == A))
    assert stored is not None and len(stored) <= 100


async def test_override_replaces_base_for_that_server_only(db: Database) -> None:
    base = await base_id(db, "docker")
    mine = await add_concept(
        db, A, "Docker", slug="docker", overrides_id=base, summary="A's Docker."
    )
    a = await concepts.lookup(db, A, 1, str(base))  # the base id resolves to A's override
    assert a.concept is not None and a.concept.id == mine
    assert (await concepts.lookup(db, A, 1, "docker")).concept.summary == "A's Docker."  # type: ignore[union-attr]
    assert [c.value for c in await concepts.autocomplete(db, A, "docker")].count(str(base)) == 0
    b = await concepts.lookup(db, B, 1, "docker")
    assert b.concept is not None and b.concept.id == base
    # a hidden override hides the concept in A; pending ones do not shadow
    async with db.sessions.begin() as s:
        row = await s.get(Concept, mine)
        assert row is not None
        row.status = "hidden"
    assert (await concepts.lookup(db, A, 1, "docker")).concept is None
    async with db.sessions.begin() as s:
        row = await s.get(Concept, mine)
        assert row is not None
        row.status = "pending"
    again = await concepts.lookup(db, A, 1, "docker")
    assert again.concept is not None and again.concept.id == base


async def test_unpublished_server_rows_are_not_looked_up(db: Database) -> None:
    pending = await add_concept(db, A, "Pending Thing", status="pending")
    assert (await concepts.lookup(db, A, 1, str(pending))).concept is None
    assert "Pending Thing" not in await names(db, A, "pending")
    detail = await concepts.get_concept(db, A, pending, include_unpublished=True)
    assert detail.status == "pending"


async def test_list_filters_and_paginates(db: Database) -> None:
    tools = await concepts.list_concepts(db, A, category="tool", per_page=3)
    assert tools.total >= 3 and len(tools.items) == 3
    assert all(c.category == "tool" for c in tools.items)
    front = await concepts.list_concepts(db, A, track="frontend", per_page=25)
    assert all(c.tracks in ("frontend", "both") for c in front.items)
    p0 = await concepts.list_concepts(db, A, per_page=10)
    p1 = await concepts.list_concepts(db, A, page=1, per_page=10)
    assert p0.has_next and not {c.id for c in p0.items} & {c.id for c in p1.items}
    assert [c.name.lower() for c in p0.items] == sorted(c.name.lower() for c in p0.items)
    try:
        await concepts.list_concepts(db, A, category="nonsense")
        raise AssertionError("bad category accepted")
    except Invalid:
        pass


async def test_digest_helpers(db: Database) -> None:
    start = utcnow() - timedelta(minutes=5)
    await add_concept(db, A, "Fresh Idea")
    await add_concept(db, B, "Not Mine")
    for _ in range(3):
        await concepts.lookup(db, A, 5, "redis")
    await concepts.lookup(db, A, 5, "docker")
    await concepts.lookup(db, B, 5, "docker")
    end = utcnow() + timedelta(minutes=5)
    top = await concepts.top_lookups(db, A, start, end)
    assert [(t.name, t.count) for t in top] == [("Redis", 3), ("Docker", 1)]
    assert [c.name for c in await concepts.new_concepts(db, A, start, end)] == ["Fresh Idea"]
    assert await concepts.top_lookups(db, A, end, end + timedelta(days=1)) == []
    everything = await concepts.all_visible(db, A)
    assert "Fresh Idea" in {c.name for c in everything}
    assert "Not Mine" not in {c.name for c in everything}


async def test_lookups_are_served_from_memory_until_the_concepts_change(db: Database) -> None:
    cid = await add_concept(db, A, "Narwhal Pattern", summary="Old summary.")
    first = await concepts.lookup(db, A, 1, "narwhal pattern")
    assert first.concept is not None and first.concept.summary == "Old summary."
    index = index_for(db).cached(A)
    assert index is not None
    hits = index.details.hits
    again = await concepts.lookup(db, A, 2, "Narwhal Pattern")
    assert again.concept == first.concept
    assert index.details.hits == hits + 1  # answered without reading the row again
    await lookup_log.flush(db)
    async with db.reader() as s:
        counted = await s.scalar(
            select(func.count()).select_from(ConceptLookup).where(ConceptLookup.concept_id == cid)
        )
    assert counted == 2  # a cached answer is still a recorded lookup

    await add_concept(db, B, "Narwhal Elsewhere")  # another server's write: A stays warm
    assert index_for(db).cached(A) is index
    async with db.sessions.begin() as s:
        row = await s.get(Concept, cid)
        assert row is not None
        row.summary = "New summary."
    edited = await concepts.lookup(db, A, 1, "narwhal pattern")
    assert edited.concept is not None and edited.concept.summary == "New summary."
    opened = await concepts.open_concept(db, A, 1, cid)
    assert opened.concept is not None and opened.concept.summary == "New summary."
    async with db.sessions.begin() as s:
        row = await s.get(Concept, cid)
        assert row is not None
        row.status = "hidden"
    assert (await concepts.lookup(db, A, 1, "narwhal pattern")).concept is None
    with pytest.raises(NotFound):
        await concepts.get_concept(db, A, cid)


async def test_a_bulk_statement_on_concepts_drops_every_index(db: Database) -> None:
    from sqlalchemy import update

    cid = await add_concept(db, A, "Bulk Renamed")
    assert (await concepts.lookup(db, A, 1, "bulk renamed")).concept is not None
    assert index_for(db).cached(A) is not None
    async with db.sessions.begin() as s:
        await s.execute(update(Concept).where(Concept.id == cid).values(name="Bulk Fresh"))
    assert index_for(db).cached(A) is None
    found = await concepts.lookup(db, A, 1, "bulk fresh")
    assert found.concept is not None and found.concept.id == cid
