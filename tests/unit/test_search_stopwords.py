"""Searches made only of common words still find entries (PostgreSQL drops stop words)."""

from __future__ import annotations

from bot.db import Database
from bot.services.challenges import record
from bot.services.challenges import service as challenges
from bot.services.concepts.search import search_concepts


async def test_challenge_search_and_autocomplete_with_stop_words_only(db: Database) -> None:
    await record.share_challenge(
        db,
        1,
        author_id=7,
        author_name="Ada",
        title="How to do it very well",
        problem="It is what it is",
    )
    found = await challenges.search_challenges(db, 1, "how to", viewer_id=8)
    assert [c.title for c in found.items] == ["How to do it very well"]
    choices = await challenges.challenge_suggestions(db, 1, "very", viewer_id=8)
    assert [c.title for c in choices] == ["How to do it very well"]
    assert await challenges.challenge_suggestions(db, 2, "very", viewer_id=8) == []


async def test_concept_search_with_stop_words_only(db: Database) -> None:
    # Seeded base concepts are visible to every server; "when" is an English stop word.
    page = await search_concepts(db, 1, "when")
    assert page.total > 0
