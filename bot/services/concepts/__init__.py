"""Concepts: lookups, autocomplete, full-text search, edits, seeding and the missed-lookup log."""

from bot.services.concepts.answers import concept_answering
from bot.services.concepts.complete import warm_indexes
from bot.services.concepts.edits import (
    ALIASES_INPUT_MAX,
    BODY_MAX,
    LINKS_INPUT_MAX,
    NAME_MAX,
    NAME_MIN,
    SUMMARY_MAX,
    parse_draft,
    propose_edit,
    suggest_concept,
)
from bot.services.concepts.index import ConceptIndex
from bot.services.concepts.lookup_log import LookupBuffer
from bot.services.concepts.lookup_log import flush as flush_lookup_log
from bot.services.concepts.missed import MISSED_DAYS, add_alias, open_misses
from bot.services.concepts.search import concepts_in_text, search_concepts, search_tokens
from bot.services.concepts.seed import seed_if_needed
from bot.services.concepts.service import (
    CATEGORIES,
    TRACKS,
    all_visible,
    autocomplete,
    existing_override,
    find_concept,
    get_concept,
    guild_concept,
    list_concepts,
    lookup,
    open_concept,
)
from bot.services.concepts.sharing import (
    SHARE_LIMIT,
    SHARE_WINDOW,
    ShareLimits,
    ShareSlot,
    confirm_share,
    release_share,
    reserve_share,
)
from bot.services.concepts.tags import (
    concept_tags,
    concept_tags_in_unit,
    resolve_concepts,
    track_for,
)
from bot.services.concepts.types import (
    ConceptDetail,
    ConceptPage,
    LookupOutcome,
    MergedFrom,
    MissCount,
    RelatedRef,
    SuggestResult,
    visible_clause,
)

__all__ = [
    "ALIASES_INPUT_MAX",
    "BODY_MAX",
    "CATEGORIES",
    "ConceptDetail",
    "ConceptPage",
    "LINKS_INPUT_MAX",
    "LookupOutcome",
    "MergedFrom",
    "NAME_MAX",
    "NAME_MIN",
    "SUMMARY_MAX",
    "SuggestResult",
    "visible_clause",
    "TRACKS",
    "all_visible",
    "autocomplete",
    "concept_answering",
    "concept_tags",
    "concept_tags_in_unit",
    "concepts_in_text",
    "existing_override",
    "find_concept",
    "get_concept",
    "flush_lookup_log",
    "guild_concept",
    "list_concepts",
    "lookup",
    "open_concept",
    "parse_draft",
    "propose_edit",
    "resolve_concepts",
    "search_concepts",
    "search_tokens",
    "seed_if_needed",
    "suggest_concept",
    "track_for",
    "warm_indexes",
    "ConceptIndex",
    "LookupBuffer",
    "add_alias",
    "open_misses",
    "MISSED_DAYS",
    "MissCount",
    "RelatedRef",
    "SHARE_LIMIT",
    "SHARE_WINDOW",
    "ShareLimits",
    "ShareSlot",
    "confirm_share",
    "release_share",
    "reserve_share",
]
