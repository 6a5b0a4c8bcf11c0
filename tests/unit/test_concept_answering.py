"""The concept a help-forum question asks about (concepts.concept_answering): one, only
when the entry's own questions clearly hold the title's words; vague, off-topic or
keyword titles get none."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.services.concepts import concept_answering

G = 4242
CASES = [
    ("user clicked pay twice and got charged two times, how do i stop that?", "Idempotency"),
    ("my django list page makes hundreds of queries, why?", "N+1 Query Problem"),
    ("how to make sure my file closes even when an exception happens?", "Context Managers"),
    ("why is my code not working?", None),  # one meaningful word: any question holds it
    ("anyone want to pair on the weekend?", None),
    ("help pls", None),
    ("postgres slow query index", None),  # keywords, not a question: search answers those
]


@pytest.mark.parametrize(("title", "expected"), CASES)
async def test_the_concept_a_question_asks_about(
    db: Database, title: str, expected: str | None
) -> None:
    found = await concept_answering(db, G, title)
    assert (found.name if found else None) == expected
