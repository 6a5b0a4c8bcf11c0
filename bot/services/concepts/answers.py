"""The concept that answers the question a help-forum post asks.

Learners often ask without knowing the name of what they hit ("why does my page show
old data after i update it?", "my django page runs 100 queries for a list"): the concepts
a post names (`concepts_in_text`) are its tools, not its answer. This proposes at most
one concept, when the post's title reads as a sentence with at least WORDS_MIN meaningful
words, and the search ranks first a concept one of whose entry's own questions
("Learners ask:", asked.py) holds at least ASKED_MIN of the title's weighted words,
LEAD_MIN ahead of the next. A wrong proposal in a member's post is worse than none, so
the rule is strict; `nexus eval-search` measures it (data/eval/forum_posts.yaml).
"""

from __future__ import annotations

from bot.db import Database
from bot.services.concepts import asked, rerank, search
from bot.services.concepts.query_text import clean_query
from bot.services.concepts.types import RelatedRef
from bot.services.search import meaningful, words

ASKED_MIN = 0.4  # of the title's weighted words, in one of the entry's own questions
LEAD_MIN = 0.5  # the first concept's score ahead of the second's
WORDS_MIN = 2  # meaningful words in the title ("why is my code not working?" has one)
TITLE_MAX = 200


async def concept_answering(db: Database, guild_id: int, title: str) -> RelatedRef | None:
    """The concept whose entry answers the question `title` asks, or None."""
    question = clean_query(title, TITLE_MAX)
    if not asked.reads_as_sentence(question) or len(meaningful(words(question))) < WORDS_MIN:
        return None
    backend = await search.backend_of(db)
    rows = await search.scored(db, guild_id, question, backend)
    kept = {b.id for b in rerank.cut(rows, backend)}
    best = [r for r in rows if r.brief.id in kept][:2]
    if not best or best[0].asked < ASKED_MIN:
        return None
    if len(best) > 1 and best[0].total - best[1].total < LEAD_MIN:
        return None
    return RelatedRef(best[0].brief.id, best[0].brief.name)
