"""The concepts a challenge names (proposed on capture): names spelled out as words of
their own, aliases only when the ranking backs them; noise proposes nothing."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.services.concepts import concepts_in_text

G = 4242
CASES = [
    (
        "CORS error when my React app calls the Django API\n"
        "The browser blocks the request: no Access-Control-Allow-Origin header",
        {"CORS", "React", "Django"},  # not "Role-Based Access Control" (a header name)
    ),
    ("jwt expired but the user is still logged in after a refresh", {"JWT"}),
    ("Postgres index not used for my LIKE query", {"PostgreSQL", "Database Indexes"}),
    ("Flaky Jest timers\nfake timers hang", {"Jest"}),
    ("Help please, nothing works\nsince this morning", set()),
    # "explain" is an alias of EXPLAIN (SQL) and an everyday word: only as code it names it
    ("Can someone explain this to me?\nI don't get why my query is slow", set()),
    (
        "Postgres EXPLAIN shows a seq scan\nwhy is my query slow",
        {"PostgreSQL", "EXPLAIN and Query Plans"},
    ),
    # so are "post", "put" (HTTP POST, PUT): a blog's posts are not a request method
    ("My Django page runs 100 queries\nto show a list of posts", {"Django"}),
    ("Is it dangerous to put user input into my SQL string?", set()),
    ("My POST request returns 405 from Django", {"HTTP Methods", "Django"}),
    # a one-word alias ("container" of Docker) names a concept the writing is about only
    (
        "site looks perfect on laptop, totally broken on my phone\neverything is tiny and "
        "you can scroll sideways. I used fixed widths like width: 1200px on the container "
        "and px for all the font sizes. how do people make one site work on every screen?",
        set(),
    ),
    ("!!! ??? ...", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
async def test_concepts_named_by_a_challenge(db: Database, text: str, expected: set[str]) -> None:
    found = await concepts_in_text(db, G, text)
    assert {c.name for c in found} == expected


async def test_limit_and_exclusions(db: Database) -> None:
    text = "CORS error when my React app calls the Django API"
    every = await concepts_in_text(db, G, text)
    assert len(await concepts_in_text(db, G, text, limit=1)) == 1
    rest = await concepts_in_text(db, G, text, exclude=frozenset({every[0].id}))
    assert every[0].id not in {c.id for c in rest} and len(rest) == len(every) - 1


async def test_a_concept_named_late_in_a_long_problem(db: Database) -> None:
    filler = " ".join(f"word{i}" for i in range(60))
    found = await concepts_in_text(db, G, f"Something odd\n{filler} and then Docker crashed")
    assert "Docker" in {c.name for c in found}
