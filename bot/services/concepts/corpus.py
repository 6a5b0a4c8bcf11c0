"""How ordinary a word is in the knowledge base's prose (search reranking).

A pasted error or a long question is mostly ordinary words ("value", "line", "file",
"next"); the words that tell ("zustand", "celery", "useEffect") are rare in the
concepts' text. The reranker weighs each query word by its inverse document frequency
over a sample of the database's published concepts (name, aliases, summary, body and
angles: `search_text`), read once and kept with the database's ConceptIndex: no
per-query pass over bodies, and the same figures on every database engine.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import NamedTuple

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Concept
from bot.db.types import Status
from bot.services.concepts.index import index_for
from bot.services.search import singular, word_sequence

log = logging.getLogger("nexus.concepts")

# Enough text for stable word statistics; a larger database is sampled (by id).
CORPUS_SAMPLE = 2000


class CorpusStats(NamedTuple):
    """Word statistics over (a sample of) the database's concepts."""

    documents: int
    df: dict[str, int]  # singular word -> documents holding it
    built_at: float
    complete: bool  # every published concept was read (not a sample)

    def idf(self, word: str) -> float:
        """Higher for rarer words; an unseen word weighs most."""
        return math.log(1.0 + self.documents / (1.0 + self.df.get(word, 0)))


def _count(texts: list[str], now: float) -> CorpusStats:
    df: dict[str, int] = {}
    for text in texts:
        for word in {singular(w) for w in word_sequence(text)}:
            df[word] = df.get(word, 0) + 1
    return CorpusStats(len(texts), df, now, complete=len(texts) < CORPUS_SAMPLE)


async def corpus_stats(db: Database) -> CorpusStats:
    """The database's word statistics, built on first use and after writes (see
    ConceptIndex.invalidate). Searches arriving while they are read share that read;
    statistics older than the index time-to-live are still used while they are read
    again (word frequencies drift slowly: a search never waits for a refresh)."""
    index = index_for(db)
    stats = index.corpus
    fresh = isinstance(stats, CorpusStats) and index.clock() - stats.built_at < index.ttl
    if fresh:
        return stats
    pending = index.corpus_pending
    if pending is None or pending.done():
        pending = db.spawn(_build(db), name="concept-corpus")
        pending.add_done_callback(_log_failure)
        index.corpus_pending = pending
    if isinstance(stats, CorpusStats):
        return stats
    built: CorpusStats = await asyncio.shield(pending)
    return built


def _log_failure(task: asyncio.Future[CorpusStats]) -> None:
    if not task.cancelled() and task.exception() is not None:  # retrieved, then logged
        log.warning("reading the search word statistics failed", exc_info=task.exception())


async def _build(db: Database) -> CorpusStats:
    index = index_for(db)
    version = index.corpus_version
    query = (
        select(Concept.search_text)
        .where(Concept.status == Status.PUBLISHED.value)
        .order_by(Concept.id)
        .limit(CORPUS_SAMPLE)
    )
    async with db.reader() as session:
        texts = [t or "" for t in (await session.scalars(query)).all()]
    stats = await asyncio.to_thread(_count, texts, index.clock())
    if version == index.corpus_version:  # no write dropped them while they were read
        index.corpus = stats
    return stats
