"""Full-text search: safe queries, ranking, similar challenges, scoping, FTS upkeep."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update

from bot.db import Database
from bot.db.models import Challenge
from bot.services.challenges import record
from bot.services.challenges import search as entry_search
from bot.services.challenges import search_fts as entry_search_fts
from bot.services.challenges import service as svc
from bot.services.challenges.search import fts_expression, tokenize
from bot.services.challenges.search_cache import search_cache
from tests.dbutil import backend_name
from tests.unit.entries_support import ALICE, BOB, OTHER, G, challenge

sqlite_only = pytest.mark.skipif(backend_name() != "sqlite", reason="FTS5 is SQLite's")

HOSTILE = [
    '"',
    'say "hi',
    "AND",
    "x AND",
    "-x",
    "NEAR(",
    "NEAR(a b",
    "*",
    "a*",
    "🎉🔥",
    "title:foo",
    "{title}: x",
    "OR OR",
    "(((",
    "'; DROP TABLE challenges; --",
    "^start",
    "%_\\",
    "NOT",
    "\x00",
]


def test_tokens_are_quoted_words_only() -> None:
    assert tokenize('How do I fix "CORS" -errors in NEAR(fetch*)?') == [
        "fix",
        "cors",
        "errors",
        "near",
        "fetch",
    ]
    assert tokenize("the and of") == ["the", "and", "of"]  # only stop words: keep them
    assert tokenize("🎉 * -") == []
    expr = fts_expression(["a", "b"], "any")
    assert expr == '{title tried problem} : ("a" OR "b")'


@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_queries_never_raise(db: Database, query: str) -> None:
    await challenge(db, 'AND NEAR title with quotes "x"', "problem -x * 🎉")
    if not query.strip("\x00").strip():
        return
    result = await svc.search_challenges(db, G, query, viewer_id=ALICE)
    assert len(result.items) <= 5
    await svc.similar_challenges(db, G, query)
    await svc.challenge_suggestions(db, G, query, viewer_id=ALICE)
    await svc.solution_targets(db, G, query, viewer_id=ALICE)


async def test_title_match_ranks_above_body_match(db: Database) -> None:
    body = await challenge(db, "Something else", "my docker container exits", minutes=2)
    title = await challenge(db, "Docker container exits at once", "help", minutes=1)
    await challenge(db, "Unrelated", "nothing here", minutes=3)
    found = await svc.search_challenges(db, G, "docker container", viewer_id=BOB)
    assert [c.id for c in found.items] == [title.id, body.id]


async def test_stemming_and_all_words_required(db: Database) -> None:
    a = await challenge(db, "Deploying Django to a VPS", "gunicorn crashes")
    await challenge(db, "Django admin styles", "css missing")
    assert [
        c.id for c in (await svc.search_challenges(db, G, "deploy django", viewer_id=1)).items
    ] == [a.id]
    assert (await svc.search_challenges(db, G, "deploy kubernetes", viewer_id=1)).items == ()


async def test_search_pages(db: Database) -> None:
    made = [await challenge(db, f"redis cache problem {i}", minutes=i) for i in range(7)]
    seen: list[int] = []
    page = 0
    while True:
        result = await svc.search_challenges(db, G, "redis", viewer_id=1, page=page, per_page=3)
        seen += [c.id for c in result.items]
        if not result.has_next:
            break
        page += 1
    assert sorted(seen) == sorted(c.id for c in made) and page == 2


async def test_similar_challenges_ranked_scoped_and_solved_marked(db: Database) -> None:
    close = await challenge(db, "CORS error when calling my API from React", "blocked", minutes=1)
    partial = await challenge(db, "React state not updating", "useState", minutes=2)
    await challenge(db, "Postgres vacuum", "slow", minutes=3)
    await challenge(db, "CORS error React API", "same", guild_id=OTHER, minutes=4)
    async with db.sessions.begin() as s:
        await s.execute(update(Challenge).where(Challenge.id == close.id).values(solved=True))
    rec = await record.share_challenge(
        db,
        G,
        author_id=BOB,
        author_name="Bob",
        title="React fetch gets a CORS error",
        problem="The API call is blocked by CORS policy",
    )
    ids = [c.id for c in rec.similar]
    assert ids[0] == close.id and rec.similar[0].solved
    assert partial.id in ids and rec.challenge.id not in ids
    assert len(ids) <= 3 and all(c.guild_id == G for c in rec.similar)


async def test_solution_targets_are_open_and_ranked(db: Database) -> None:
    solved = await challenge(db, "nginx 502 bad gateway", minutes=1)
    target = await challenge(db, "nginx returns 502 for gunicorn", minutes=2)
    other = await challenge(db, "flexbox gap", minutes=3)
    async with db.sessions.begin() as s:
        await s.execute(update(Challenge).where(Challenge.id == solved.id).values(solved=True))
    got = await svc.solution_targets(db, G, "restart gunicorn to fix the nginx 502", viewer_id=BOB)
    assert [c.id for c in got] == [target.id, other.id]


@sqlite_only
async def test_crowded_window_still_finds_this_servers_rows(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entry_search_fts, "WINDOW", 4)
    mine = await challenge(db, "kafka consumer lag", minutes=0)
    for i in range(10):
        await challenge(db, f"kafka consumer lag {i}", guild_id=OTHER, minutes=i + 1)
    for mode in ("all", "any"):
        async with db.reader() as s:
            ids = await entry_search.ranked_challenge_ids(
                s, G, "kafka lag", memo=search_cache(db).fts, mode=mode
            )
        assert ids == [mine.id]


@sqlite_only
async def test_common_words_do_not_filter_at_scale(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entry_search_fts, "COUNT_CAP", 3)
    for i in range(5):
        await challenge(db, f"python error {i}", minutes=i)
    rare = await challenge(db, "python segfault", minutes=9)
    async with db.reader() as s:
        ids = await entry_search.ranked_challenge_ids(
            s, G, "python segfault", memo=search_cache(db).fts
        )
        assert ids == [rare.id]
        # "python" is common now: it neither filters nor ranks.
        ids = await entry_search.ranked_challenge_ids(
            s, G, "python segfault crash", memo=search_cache(db).fts
        )
        assert ids == []
        ids = await entry_search.ranked_challenge_ids(
            s, G, "python", memo=search_cache(db).fts, limit=10
        )
        assert len(ids) == 6


@sqlite_only
async def test_fts_follows_updates_and_deletes(db: Database) -> None:
    c = await challenge(db, "webpack build slow", "very slow")
    async with db.sessions.begin() as s:
        await s.execute(update(Challenge).where(Challenge.id == c.id).values(title="vite build"))
    assert (await svc.search_challenges(db, G, "webpack", viewer_id=1)).items == ()
    assert (await svc.search_challenges(db, G, "vite", viewer_id=1)).items
    async with db.sessions.begin() as s:
        await s.execute(delete(Challenge).where(Challenge.id == c.id))
    again = await challenge(db, "another build question", "vite")
    result = await svc.search_challenges(db, G, "vite", viewer_id=1)
    assert [x.id for x in result.items] == [again.id]
    async with db.sessions.begin() as s:
        await s.execute(
            text("INSERT INTO challenges_fts(challenges_fts) VALUES ('integrity-check')")
        )


@sqlite_only
async def test_like_fallback_without_fts5(db: Database) -> None:
    async with db.sessions.begin() as s:
        for name in ("challenges_fts_ai", "challenges_fts_ad", "challenges_fts_au"):
            await s.execute(text(f"DROP TRIGGER {name}"))
        await s.execute(text("DROP TABLE challenges_fts"))
    a = await challenge(db, "Celery tasks stuck", "redis broker 100%")
    assert [x.id for x in (await svc.search_challenges(db, G, "celery", viewer_id=1)).items] == [
        a.id
    ]
    assert (await svc.search_challenges(db, G, '% _ "', viewer_id=1)).items == ()
    rec = await record.share_challenge(
        db, G, author_id=2, author_name="B", title="celery beat", problem="stuck"
    )
    assert [x.id for x in rec.similar] == [a.id]


async def test_ranked_answers_are_shared_until_the_servers_challenges_change(
    db: Database,
) -> None:
    from bot.services.challenges.search_cache import search_cache

    cache = search_cache(db)
    first = await challenge(db, "Docker container exits", "on start", minutes=1)
    found = await svc.search_challenges(db, G, "docker container", viewer_id=BOB)
    assert [c.id for c in found.items] == [first.id]
    hits = cache.hits
    again = await svc.search_challenges(db, G, "Docker  CONTAINER", viewer_id=BOB + 1)
    assert [c.id for c in again.items] == [first.id] and cache.hits == hits + 1
    await challenge(db, "Unrelated", "elsewhere", guild_id=OTHER)  # another server's write
    await svc.search_challenges(db, G, "docker container", viewer_id=BOB)
    assert cache.hits == hits + 2
    second = await challenge(db, "Docker container restarts", "loops", minutes=2)
    found = await svc.search_challenges(db, G, "docker container", viewer_id=BOB)
    assert {c.id for c in found.items} == {first.id, second.id}  # the write is seen at once
    async with db.sessions.begin() as s:  # a bulk statement: every answer is dropped
        await s.execute(update(Challenge).where(Challenge.id == first.id).values(status="hidden"))
    found = await svc.search_challenges(db, G, "docker container", viewer_id=BOB)
    assert [c.id for c in found.items] == [second.id]


async def test_shown_challenges_are_remembered_until_what_they_show_changes(
    db: Database,
) -> None:
    from sqlalchemy import event, insert

    from bot.db.models import ChallengeConcept, Concept
    from bot.services.challenges import solutions
    from tests.unit.entries_support import add_concept

    docker = await add_concept(db, "Quokkaform")
    compose = await add_concept(db, "Wombatkit", guild_id=G)
    first = await challenge(db, "Docker container exits", "on start", concepts=("Quokkaform",))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)

    async def shown() -> tuple[int, tuple[str, ...]]:
        found = await svc.search_challenges(db, G, "docker container", viewer_id=BOB)
        assert [c.id for c in found.items] == [first.id]
        return found.items[0].solution_count, tuple(t.name for t in found.items[0].concepts)

    assert await shown() == (0, ("Quokkaform",))
    statements.clear()
    assert await shown() == (0, ("Quokkaform",))
    assert statements == []  # a repeated search costs no query at all
    await solutions.add_solution(
        db, G, first.id, author_id=BOB, author_name="Bob", body="Add a CMD to the image."
    )
    assert await shown() == (1, ("Quokkaform",))  # the new solution is counted at once
    async with db.sessions.begin() as s:  # a base concept (every server's) is renamed
        row = await s.get(Concept, docker)
        assert row is not None
        row.name = "Quokkaform Engine"
    assert await shown() == (1, ("Quokkaform Engine",))
    async with db.sessions.begin() as s:  # a link added by a bulk statement
        link = {"challenge_id": first.id, "concept_id": compose}
        await s.execute(insert(ChallengeConcept), [link])
    assert await shown() == (1, ("Quokkaform Engine", "Wombatkit"))
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def test_a_members_unpublished_challenges_never_reach_other_members(db: Database) -> None:
    shown = await challenge(db, "Redis cache stampede", "thundering herd", author=BOB)
    mine = await challenge(db, "Redis cache warming", "cold start", author=ALICE, minutes=1)
    assert len((await svc.search_challenges(db, G, "redis cache", viewer_id=BOB)).items) == 2
    async with db.sessions.begin() as s:
        row = await s.get(Challenge, mine.id)
        assert row is not None
        row.status = "pending"
    as_alice = await svc.search_challenges(db, G, "redis cache", viewer_id=ALICE)
    assert {c.id for c in as_alice.items} == {shown.id, mine.id}  # her own, with its status
    for viewer in (BOB, BOB + 7):
        others = await svc.search_challenges(db, G, "redis cache", viewer_id=viewer)
        assert [c.id for c in others.items] == [shown.id]


async def test_each_search_returns_only_its_scope(db: Database) -> None:
    shown = await challenge(db, "kafka offsets reset", author=BOB, minutes=4)
    solved = await challenge(db, "kafka broker down", author=BOB, minutes=3)
    own = await challenge(db, "kafka consumer stuck", author=ALICE, minutes=2)
    others = await challenge(db, "kafka topic missing", author=BOB, minutes=1)
    async with db.sessions.begin() as s:
        await s.execute(update(Challenge).where(Challenge.id == solved.id).values(solved=True))
        await s.execute(
            update(Challenge).where(Challenge.id.in_([own.id, others.id])).values(status="pending")
        )
    # What Alice may act on: published, or her own pending; open ones only for a solution.
    suggested = await svc.challenge_suggestions(db, G, "kafka", viewer_id=ALICE)
    assert {c.id for c in suggested} == {shown.id, solved.id, own.id}
    targets = await svc.solution_targets(db, G, "kafka", viewer_id=ALICE)
    assert {c.id for c in targets} == {shown.id, own.id}
    # Similar challenges: published only, never the one being shared.
    similar = await svc.similar_challenges(db, G, "kafka", exclude_id=shown.id)
    assert [c.id for c in similar] == [solved.id]


@sqlite_only
async def test_ranking_a_search_is_one_trip_to_the_database_thread(
    db: Database, hand_offs: list[str]
) -> None:
    await challenge(db, "grpc deadline exceeded", minutes=1)
    await challenge(db, "grpc stream closed", minutes=2)
    hand_offs.clear()
    async with db.reader() as s:
        ids = await entry_search.ranked_challenge_ids(
            s, G, "grpc deadline stream", memo=search_cache(db).fts, mode="any"
        )
    # Counting, the window, the scope filter and bm25: one function on the thread.
    assert len(ids) == 2 and hand_offs.count("_call") == 1 and "_run" not in hand_offs
