"""Concept search: FTS5 / PostgreSQL / LIKE paths, hostile input, scoping, pagination."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.db import Database
from bot.services.concepts import ranking
from bot.services.concepts import search as concept_search
from bot.services.concepts import service as concepts
from bot.services.concepts.index import index_for
from tests.dbutil import backend_name
from tests.unit.test_concepts_lookup import add_concept, base_id

A, B = 1001, 2002
HOSTILE = [
    '"',
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    "NEAR(a b",
    "-x",
    "*",
    "(",
    ")",
    "^",
    ":",
    "name:redis",
    "\U0001f600",
    "\U0001f600 cache",
    '"cache',
    "a OR",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "\x00cache",
    "x" * 6000,
    "cache " * 1000,
    "",
    "   ",
]


def backends(db: Database) -> list[str | None]:
    return [None, "like"] if db.is_sqlite else [None]


async def test_sqlite_uses_fts5_when_present(db: Database) -> None:
    if not db.is_sqlite:
        return
    assert await concept_search.fts_available(db)


async def test_hostile_queries_never_raise(db: Database) -> None:
    for backend in backends(db):
        for q in HOSTILE:
            page = await concept_search.search_concepts(db, A, q, backend=backend)
            assert page.total >= 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=300))
async def test_any_text_never_raises(db: Database, q: str) -> None:
    for backend in backends(db):
        await concept_search.search_concepts(db, A, q, backend=backend)
    await concepts.autocomplete(db, A, q)


async def test_search_covers_names_aliases_and_bodies(db: Database) -> None:
    for backend in backends(db):
        by_name = await concept_search.search_concepts(db, A, "redis", backend=backend)
        assert by_name.items[0].name == "Redis", backend
        by_alias = await concept_search.search_concepts(db, A, "k8s", backend=backend)
        assert "Kubernetes" in {c.name for c in by_alias.items}, backend
        # a word that appears only in the body of the Caching entry
        by_body = await concept_search.search_concepts(db, A, "expires", backend=backend)
        assert by_body.total >= 1, backend


async def test_name_matches_rank_first(db: Database) -> None:
    await add_concept(db, A, "Zebra", body="nothing relevant")
    await add_concept(db, A, "Stripes Guide", body="zebra zebra zebra zebra zebra zebra")
    for backend in backends(db):
        page = await concept_search.search_concepts(db, A, "zebra", backend=backend)
        assert [c.name for c in page.items][:2] == ["Zebra", "Stripes Guide"], backend


async def test_search_is_scoped_and_respects_overrides(db: Database) -> None:
    await add_concept(db, B, "Plumbus Protocol", body="plumbus grumbo")
    docker = await base_id(db, "docker")
    mine = await add_concept(
        db, A, "Docker", slug="docker", overrides_id=docker, body="flurbo containers"
    )
    await add_concept(db, A, "Pending Plumbus", status="pending", body="plumbus")
    for backend in backends(db):
        assert (await concept_search.search_concepts(db, A, "plumbus", backend=backend)).total == 0
        b = await concept_search.search_concepts(db, B, "plumbus", backend=backend)
        assert [c.name for c in b.items] == ["Plumbus Protocol"]
        a = await concept_search.search_concepts(db, A, "docker", per_page=25, backend=backend)
        ids = {c.id for c in a.items}
        assert mine in ids and docker not in ids, backend
        assert (await concept_search.search_concepts(db, A, "flurbo", backend=backend)).total == 1
        other = await concept_search.search_concepts(db, B, "docker", per_page=25, backend=backend)
        assert docker in {c.id for c in other.items} and mine not in {c.id for c in other.items}


async def test_pagination(db: Database) -> None:
    for i in range(12):
        await add_concept(db, A, f"Wombat {i:02d}", body="wombat facts")
    seen: list[int] = []
    for backend in backends(db):
        seen = []
        page = await concept_search.search_concepts(db, A, "wombat", per_page=5, backend=backend)
        assert page.total == 12 and page.pages == 3 and page.has_next
        for p in range(3):
            current = await concept_search.search_concepts(
                db, A, "wombat", page=p, per_page=5, backend=backend
            )
            seen += [c.id for c in current.items]
        assert len(seen) == len(set(seen)) == 12
        last = await concept_search.search_concepts(
            db, A, "wombat", page=2, per_page=5, backend=backend
        )
        assert not last.has_next
        past = await concept_search.search_concepts(
            db, A, "wombat", page=7, per_page=5, backend=backend
        )
        assert past.items == () and past.total == 12, backend  # still says how many


async def test_fallback_to_like_when_fts_is_missing(db: Database) -> None:
    if not db.is_sqlite:
        return
    async with db.sessions.begin() as s:
        for name in ("concepts_fts_ai", "concepts_fts_ad", "concepts_fts_au"):
            await s.execute(text(f"DROP TRIGGER {name}"))
        await s.execute(text("DROP TABLE concepts_fts"))
    index_for(db).fts_available = None
    assert not await concept_search.fts_available(db)
    await add_concept(db, A, "Quokka Patterns", body="quokka")
    page = await concept_search.search_concepts(db, A, "quokka")
    assert [c.name for c in page.items] == ["Quokka Patterns"]
    for q in HOSTILE:
        await concept_search.search_concepts(db, A, q)


async def test_fts_stays_in_sync_with_edits(db: Database) -> None:
    cid = await add_concept(db, A, "Narwhal", body="tusk")
    from bot.db.models import Concept

    async with db.sessions.begin() as s:
        row = await s.get(Concept, cid)
        assert row is not None
        row.body = "horn"
    assert (await concept_search.search_concepts(db, A, "tusk")).total == 0
    assert (await concept_search.search_concepts(db, A, "horn")).items[0].id == cid


def test_fts_query_is_only_quoted_tokens() -> None:
    tokens = concept_search.search_tokens('"x" AND -y* NEAR(z) \U0001f600 caf\u00e9')
    assert tokens == ["x", "and", "y", "near", "z", "caf\u00e9"]
    groups = [("x",), ("and", "an")]
    # Words of two letters or fewer match whole ("re" of "re-render" is not "react").
    assert ranking.fts5_match(groups) == '("x") AND ("and"* OR "an")'
    assert ranking.fts5_match(groups, any_group=True) == '("x") OR ("and"* OR "an")'
    assert concept_search.search_tokens("!!! \U0001f600 ***") == []
    assert backend_name() in ("sqlite", "postgresql")


async def test_search_answers_are_cached_until_the_concepts_change(db: Database) -> None:
    await concepts.autocomplete(db, A, "ca")  # a warm index keeps the server's answers
    assert (await concept_search.search_concepts(db, A, "walrus")).total == 0
    index = index_for(db).cached(A)
    assert index is not None and index.searches.misses == 1
    hits = index.searches.hits
    assert (await concept_search.search_concepts(db, A, "  WALRUS ")).total == 0
    assert index.searches.hits == hits + 1  # same question, answered from memory
    cid = await add_concept(db, A, "Walrus Operator")
    found = await concept_search.search_concepts(db, A, "walrus")
    assert [c.id for c in found.items] == [cid]  # the write replaced the cached answers
    await add_concept(db, B, "Walrus Elsewhere")
    assert [c.id for c in (await concept_search.search_concepts(db, A, "walrus")).items] == [cid]


async def test_a_one_letter_typo_still_finds_the_concept(db: Database) -> None:
    page = await concept_search.search_concepts(db, A, "cachng")
    assert page.items and page.items[0].slug == "caching"


async def test_a_question_is_answered_by_the_concept_not_dozens_of_weak_hits(
    db: Database,
) -> None:
    page = await concept_search.search_concepts(db, A, "how do I deploy to the cloud?")
    assert page.items[0].slug == "cloud-deployment"
    assert page.total <= 5


async def test_abbreviations_from_the_synonym_table(db: Database) -> None:
    page = await concept_search.search_concepts(db, A, "k8s pods")
    assert page.items[0].slug == "kubernetes"


async def test_a_name_spelled_out_in_the_query_ranks_first(db: Database) -> None:
    page = await concept_search.search_concepts(db, A, "slow query database index")
    assert page.items[0].slug == "database-indexes"
