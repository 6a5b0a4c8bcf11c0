"""Cold autocomplete: a large server's first keystroke is answered by SQL, never by
waiting for the index build; later keystrokes use the warm index."""

from __future__ import annotations

from sqlalchemy import update

from bot.db import Database
from bot.db.models import Concept
from bot.services.concepts import service as concepts
from bot.services.concepts.complete import cold_complete, warm_indexes
from bot.services.concepts.index import index_for
from tests.unit.test_concepts_lookup import A, B, add_concept, base_id


async def _force_cold(db: Database) -> None:
    index = index_for(db)
    index.sync_build_max = 0  # every server counts as large: the cold path is taken
    index.invalidate(A)
    index.invalidate(B)


async def test_cold_answer_is_scoped_bounded_and_ranked(db: Database) -> None:
    await add_concept(db, B, "Cache Secret Of B", aliases=["cachesecret"])
    for i in range(30):
        await add_concept(db, A, f"Cachezz {i:02d} " + "y" * 88)
    await add_concept(db, A, "Kafka Streams", aliases=["Cache Stream"])  # case ignored
    await _force_cold(db)
    for text in ("cach", "c", "", "cachesecret", "cache stream", "%", "_", '"'):
        got = await cold_complete(db, A, text)
        assert len(got) <= 25
        assert all(1 <= len(c.name) <= 100 and c.value.isdigit() for c in got)
        assert not any("Secret Of B" in c.name for c in got), text
    names = [c.name for c in await cold_complete(db, A, "cach")]
    assert len(names) == 25 and all(n.lower().startswith("cach") for n in names)
    assert names == sorted(names, key=str.casefold)
    aliases = [c.name for c in await cold_complete(db, A, "cache str")]
    assert aliases == ["Kafka Streams (Cache Stream)"]
    assert [c.name for c in await cold_complete(db, B, "cachesecret")] == [
        "Cache Secret Of B (cachesecret)"
    ]


async def test_cold_answer_applies_overrides(db: Database) -> None:
    base = await base_id(db, "docker")
    mine = await add_concept(db, A, "Docker", slug="docker", overrides_id=base)
    await _force_cold(db)

    async def ids(guild: int) -> list[int]:
        return [int(c.value) for c in await cold_complete(db, guild, "docker")]

    assert mine in await ids(A) and base not in await ids(A)
    assert base in await ids(B) and mine not in await ids(B)
    async with db.sessions.begin() as s:  # a hidden override hides the base row in A
        await s.execute(update(Concept).where(Concept.id == mine).values(status="hidden"))
    assert mine not in await ids(A) and base not in await ids(A)
    assert base in await ids(B)


async def test_cold_keystroke_starts_one_background_build_then_warm(db: Database) -> None:
    await _force_cold(db)
    index = index_for(db)
    builds = index.builds
    first = await concepts.autocomplete(db, A, "cachng")  # a typo: SQL cannot match it
    assert first == [] and index.cached(A) is None
    await concepts.autocomplete(db, A, "cach")  # the build is running: no second one
    await index.get(db, A)  # joins the running build
    assert index.builds == builds + 1
    assert (await concepts.autocomplete(db, A, "cachng"))[0].name == "Caching"  # warm


async def test_write_invalidates_then_rebuilds(db: Database) -> None:
    index = index_for(db)
    index.sync_build_max = 0
    await add_concept(db, A, "Cachet Library")  # before any index: the cold SQL answer
    cold = [c.name for c in await concepts.autocomplete(db, A, "cachet")]
    assert cold == ["Cachet Library"]
    await index.get(db, A)
    builds = index.builds
    await add_concept(db, A, "Cachet Plugin")
    assert index.cached(A) is None and index.stale(A) is not None
    # Right after the write a large server is answered at once from its previous index
    # (ranked and typo-tolerant), while the new one builds in the background.
    before = [c.name for c in await concepts.autocomplete(db, A, "cachet")]
    assert before[0] == "Cachet Library" and "Cachet Plugin" not in before
    await index.get(db, A)
    assert index.builds == builds + 1 and index.cached(A) is not None
    assert index.stale(A) is None
    after = [c.name for c in await concepts.autocomplete(db, A, "cachet")]
    assert after[:2] == ["Cachet Library", "Cachet Plugin"]


async def test_small_servers_never_answer_from_a_stale_index(db: Database) -> None:
    index = index_for(db)
    await index.get(db, A)  # the test server is small: rebuilt synchronously after writes
    await add_concept(db, A, "Cachet Plugin")
    assert index.stale(A) is None
    assert "Cachet Plugin" in [c.name for c in await concepts.autocomplete(db, A, "cachet")]


async def test_warm_indexes_builds_large_servers_only(db: Database) -> None:
    index = index_for(db)
    index.sync_build_max = 0
    assert await warm_indexes(db, [A, B, A]) == 2
    assert index.cached(A) is not None and index.cached(B) is not None
    index.invalidate(A)
    index.sync_build_max = 10**9
    assert await warm_indexes(db, [A]) == 0 and index.cached(A) is None
