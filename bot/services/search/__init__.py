"""Shared text-search tools: words of a query, the synonym table, fuzzy matching and the
small LRU used by search caches. Concepts and challenges rank by these same rules."""

from bot.services.search.fuzzy import RatioMatcher, WRatioMatcher
from bot.services.search.lru import CacheSlice, Lru
from bot.services.search.query_words import (
    STOPWORDS,
    code_words,
    identifier_parts,
    identifiers,
    meaningful,
    singular,
    word_sequence,
    words,
)
from bot.services.search.synonyms import (
    SynonymError,
    alternatives,
    expand,
    load_synonyms,
    synonyms_path,
)

__all__ = [
    "STOPWORDS",
    "CacheSlice",
    "Lru",
    "RatioMatcher",
    "SynonymError",
    "WRatioMatcher",
    "alternatives",
    "code_words",
    "expand",
    "identifier_parts",
    "identifiers",
    "load_synonyms",
    "meaningful",
    "singular",
    "synonyms_path",
    "word_sequence",
    "words",
]
