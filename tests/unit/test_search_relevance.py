"""Relevance rules of /concept search and lookup (issue #21): pasted errors, words only
in a body or an angle, the track a query names, word order in a lookup. Each runs on
every search path of the database (SQLite: FTS5 and the LIKE fallback; PostgreSQL)."""

from __future__ import annotations

from bot.db import Database
from bot.services.concepts import asked, ranking, verbatim
from bot.services.concepts import search as concept_search
from bot.services.concepts import service as concepts
from bot.services.search import code_words, identifier_parts
from tests.unit.test_concepts_lookup import add_concept

A = 1001


def backends(db: Database) -> list[str | None]:
    return [None, "like"] if db.is_sqlite else [None]


async def first_slugs(db: Database, query: str, backend: str | None, n: int = 3) -> list[str]:
    page = await concept_search.search_concepts(db, A, query, per_page=n, backend=backend)
    return [c.slug for c in page.items]


def test_identifiers_are_split_into_their_words() -> None:
    assert identifier_parts("UndefinedTable") == ["undefined", "table"]
    assert identifier_parts("JSONDecodeError") == ["json", "decode"]
    assert identifier_parts("useEffect") == ["effect"]
    assert identifier_parts("cors") == [] and identifier_parts("CORS") == []
    groups = ranking.groups_for("getStaticProps")
    assert groups[0][0] == "getstaticprops" and "static" in groups[0]


def test_code_words_are_what_a_pasted_error_names() -> None:
    found = code_words("json.decoder.JSONDecodeError: Expecting value: line 1 column 1")
    assert {"json", "decoder", "jsondecodeerror", "decode"} <= found
    assert not {"expecting", "value", "line", "column"} & found
    # "TypeError" says only that something went wrong: its one part is not telling.
    assert code_words("Uncaught TypeError: Failed to fetch") == {"typeerror"}
    assert code_words("why is my CORS request blocked") == {"cors"}


def test_short_numbers_in_a_longer_text_are_noise() -> None:
    heads = [g[0] for g in ranking.groups_for("Expecting value: line 1 column 1 (char 0)")]
    assert "1" not in heads and "0" not in heads
    assert [g[0] for g in ranking.groups_for("http 404")] == ["http", "404"]


async def test_a_pasted_python_error_finds_the_concept_its_identifier_names(
    db: Database,
) -> None:
    for backend in backends(db):
        # The exception's name spells out the concept: JSONDecodeError -> "json decode".
        got = await first_slugs(db, "JSONDecodeError", backend)
        assert got[0] == "json", (backend, got)


async def test_words_only_in_an_angle_are_searched(db: Database) -> None:
    cid = await add_concept(
        db,
        A,
        "Gizmo Protocol",
        tracks="both",
        frontend_angle="Browsers show it as a wobblefrump in the network panel.",
        backend_angle="Servers log it as a grumbleknot.",
    )
    for backend in backends(db):
        for word in ("wobblefrump", "grumbleknot"):
            page = await concept_search.search_concepts(db, A, word, backend=backend)
            assert [c.id for c in page.items] == [cid], (backend, word)


async def test_body_words_rank_below_a_name(db: Database) -> None:
    named = await add_concept(db, A, "Snorkel Cache", body="Keeps things.")
    await add_concept(db, A, "Other Thing", body="Mentions a snorkel once, in passing.")
    for backend in backends(db):
        page = await concept_search.search_concepts(db, A, "snorkel", backend=backend)
        assert page.items[0].id == named, backend


async def test_the_track_a_query_names_breaks_the_tie(db: Database) -> None:
    for backend in backends(db):
        react = await first_slugs(db, "react event loop blocking", backend)
        assert react[0] == "javascript-event-loop", (backend, react)
        django = await first_slugs(db, "django event loop blocking", backend)
        assert django[0] == "async-and-await", (backend, django)


async def test_a_lookup_reads_words_in_any_order(db: Database) -> None:
    outcome = await concepts.lookup(db, A, 42, "javascript await async")
    assert outcome.concept is not None and outcome.concept.slug == "async-await-javascript"
    # Two concepts with the same words in other orders: no confident answer, a choice.
    await add_concept(db, A, "Alpha Beta Gamma")
    await add_concept(db, A, "Gamma Beta Alpha")
    ambiguous = await concepts.lookup(db, A, 42, "beta alpha gamma")
    assert ambiguous.concept is None
    assert {s.name for s in ambiguous.suggestions} >= {"Alpha Beta Gamma", "Gamma Beta Alpha"}


async def test_word_statistics_follow_the_knowledge_base(db: Database) -> None:
    """A word's weight comes from the concepts' text, read once (not per search) and
    again after a write to a database small enough to read whole."""
    from bot.services.concepts.corpus import corpus_stats

    before = await corpus_stats(db)
    assert await corpus_stats(db) is before  # kept between searches
    assert before.df.get("snorkelwax", 0) == 0
    await add_concept(db, A, "Snorkelwax", body="Snorkelwax keeps snorkels shiny.")
    after = await corpus_stats(db)
    assert after.documents == before.documents + 1 and after.df["snorkelwax"] == 1
    assert after.idf("snorkelwax") > after.idf("database")


async def test_searches_arriving_together_read_the_statistics_once(db: Database) -> None:
    import asyncio

    from bot.services.concepts.corpus import corpus_stats
    from bot.services.concepts.index import index_for

    index_for(db).corpus = None
    first, second = await asyncio.gather(corpus_stats(db), corpus_stats(db))
    assert first is second


async def test_a_pasted_error_is_answered_by_a_few_concepts(db: Database) -> None:
    for backend in backends(db):
        page = await concept_search.search_concepts(
            db, A, "Access to fetch has been blocked by CORS policy", backend=backend
        )
        assert page.items[0].slug == "cors" and page.total <= 5, (backend, page.total)
        # Its one telling word ("named") is the lesser part of it: concepts that merely
        # hold that word are not kept for holding it.
        page = await concept_search.search_concepts(
            db, A, "ModuleNotFoundError: No module named 'requests'", backend=backend
        )
        first = page.items[0].slug
        assert first == "virtual-environments" and page.total <= 12, (backend, page.total)


async def test_old_statistics_serve_while_they_are_read_again(db: Database) -> None:
    from bot.services.concepts.corpus import corpus_stats
    from bot.services.concepts.index import index_for

    index = index_for(db)
    old = await corpus_stats(db)
    index.corpus = old._replace(built_at=old.built_at - index.ttl - 1)  # expired
    assert (await corpus_stats(db)).built_at == old.built_at - index.ttl - 1  # no wait
    assert index.corpus_pending is not None
    await index.corpus_pending
    assert (await corpus_stats(db)).built_at > old.built_at - index.ttl - 1


def test_pasted_text_is_told_from_typed_words() -> None:
    assert verbatim.looks_pasted("ModuleNotFoundError: No module named 'django'")
    assert verbatim.looks_pasted("bash: cd: src: No such file or directory")
    assert not verbatim.looks_pasted("how do i center a div")
    assert not verbatim.looks_pasted("CORS error")  # too short to be pasted output
    # A question naming code is still a question typed by hand.
    assert not verbatim.looks_pasted("why does my for loop print the same i in setTimeout")
    assert verbatim.looks_pasted('Cannot query field "email" on type "User".')


def test_only_what_an_entry_quotes_counts_as_quoting_an_error() -> None:
    query = ["modulenotfounderror", "no", "module", "named", "django"]
    quoted = "Common errors:\n- `ModuleNotFoundError: No module named 'django'`: activate it."
    prose = "When Python says no module named django, activate the environment."
    assert verbatim.quoted_share(query, verbatim.quotes_in(quoted), lambda w: 1.0) == 1.0
    assert verbatim.quoted_share(query, verbatim.quotes_in(prose), lambda w: 1.0) == 0.0
    # Two stop words side by side ("on the") are no phrase of their own.
    assert (
        verbatim.quoted_share(
            ["on", "the", "table"], verbatim.quotes_in("`on the chair`"), lambda w: 1.0
        )
        == 0.0
    )


def test_an_entrys_questions_are_its_learners_ask_line() -> None:
    body = "Prose about it.\n\nLearners ask: Why does my list forget things? How do I keep them?"
    assert asked.questions_in(body) == (
        frozenset({"list", "forget"}),
        frozenset({"them"}),
    )
    assert asked.questions_in("No such line. Why? Because.") == ()


async def test_a_pasted_error_finds_the_entry_that_quotes_it(db: Database) -> None:
    # The error names another concept (as "No module named 'django'" names Django); only
    # one entry quotes the error itself.
    named = await add_concept(db, A, "Wibble", summary="Where quux registries are kept.")
    quoting = await add_concept(
        db,
        A,
        "Frobnication",
        summary="Turning knobs.",
        body="Turning knobs.\n\nCommon errors:\n- `FrobError: wibble not found in quux"
        " registry`: the knob was never turned; turn it first.",
    )
    for backend in backends(db):
        page = await concept_search.search_concepts(
            db, A, "FrobError: wibble not found in quux registry", backend=backend
        )
        ids = [c.id for c in page.items]
        assert ids[0] == quoting and named in ids, (backend, ids)


async def test_a_question_finds_the_entry_that_asks_it(db: Database) -> None:
    # Both concepts hold the question's words; one says it answers that question.
    await add_concept(
        db,
        A,
        "Deli Counter",
        summary="Serving lunch.",
        body="Nobody can forget a sandwich with toppings.",
    )
    asking = await add_concept(
        db,
        A,
        "Crumb Retention",
        summary="Holding state across reloads.",
        body="Holding state across reloads.\n\nLearners ask: Why does my sandwich list"
        " forget the toppings after a reload? How do I keep crumbs?",
    )
    for backend in backends(db):
        page = await concept_search.search_concepts(
            db, A, "why does my sandwich forget its toppings", backend=backend
        )
        assert page.items[0].id == asking, (backend, [c.slug for c in page.items])
    # Keywords are matched by names and prose, not by an entry's questions.
    assert not asked.reads_as_sentence("sandwich forget toppings")
