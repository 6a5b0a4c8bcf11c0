"""What the rerank reads from an entry's body: the questions it says it answers
(asked.py) and the phrases its inline code quotes (verbatim.py).

Bodies are read from the database only for a query that needs them (a question typed as
a sentence, or a pasted error), and only once per index: an index is replaced whenever
a concept of its server changes, and with it what was read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Concept
from bot.services.concepts import asked, verbatim
from bot.services.concepts.guild_index import GuildIndex


class EntryText(NamedTuple):
    questions: asked.Questions
    quotes: verbatim.Quotes


class Signals(NamedTuple):
    """For one query: each candidate's quoted share (a pasted error) and questions (a
    sentence); at most one of them is filled."""

    quoted: Mapping[int, float]
    questions: Mapping[int, asked.Questions]


NOTHING = Signals({}, {})


async def entry_texts(db: Database, index: GuildIndex, ids: Sequence[int]) -> dict[int, EntryText]:
    """Each concept's EntryText, from the index's memory or read once."""
    memo = index.ranking_memo
    missing = [cid for cid in dict.fromkeys(ids) if ("text", cid) not in memo]
    if missing:
        async with db.reader() as s:
            rows = (
                await s.execute(select(Concept.id, Concept.body).where(Concept.id.in_(missing)))
            ).all()
        for cid, body in rows:
            memo[("text", cid)] = EntryText(
                asked.questions_in(body or ""), verbatim.quotes_in(body or "")
            )
    return {cid: memo[("text", cid)] for cid in ids if ("text", cid) in memo}


async def signals(
    db: Database, index: GuildIndex, ids: Sequence[int], text: str, idf: Callable[[str], float]
) -> Signals:
    """A pasted error is matched by what entries quote, a question by what they ask;
    keywords by neither (nothing is read)."""
    pasted = verbatim.looks_pasted(text)
    if not ids or not (pasted or asked.reads_as_sentence(text)):
        return NOTHING
    texts = await entry_texts(db, index, ids)
    if pasted:
        query = verbatim.query_words(text)
        shares = {cid: verbatim.quoted_share(query, t.quotes, idf) for cid, t in texts.items()}
        return Signals({cid: v for cid, v in shares.items() if v > 0}, {})
    return Signals({}, {cid: t.questions for cid, t in texts.items() if t.questions})
