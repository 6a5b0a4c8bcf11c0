"""Search on the hub: the very ranking and typo tolerance of /concept search and
/challenge search (their services), then only what the hub publishes."""

from __future__ import annotations

from bot.db import Database
from bot.errors import Invalid
from bot.services import challenges, concepts
from bot.services.web.concept_pages import concept_briefs
from bot.services.web.entries import challenge_briefs
from bot.services.web.types import Hub, SearchResults

QUERY_MAX = 200
CONCEPTS_SHOWN = 25  # /concept search's largest page
CHALLENGES_SHOWN = 20
# Nobody's id: the challenge search then returns published entries only (a viewer also
# sees their own unpublished ones).
NO_VIEWER = 0


async def search_hub(db: Database, hub: Hub, query: str) -> SearchResults:
    query = " ".join(query.split())
    if not query:
        return SearchResults(query, (), ())
    if len(query) > QUERY_MAX:
        return SearchResults(
            query[:QUERY_MAX], (), (), problem=f"Searches are at most {QUERY_MAX} characters."
        )
    found = await concepts.search_concepts(db, hub.guild_id, query, per_page=CONCEPTS_SHOWN)
    ids = [c.id for c in found.items]
    shown = await concept_briefs(db, hub, ids)
    try:
        page = await challenges.search_challenges(
            db, hub.guild_id, query, viewer_id=NO_VIEWER, per_page=CHALLENGES_SHOWN
        )
    except Invalid as err:
        return SearchResults(query, tuple(shown[i] for i in ids if i in shown), (), str(err))
    cids = [c.id for c in page.items]
    cshown = await challenge_briefs(db, hub, cids)
    return SearchResults(
        query,
        tuple(shown[i] for i in ids if i in shown),
        tuple(cshown[i] for i in cids if i in cshown),
    )
