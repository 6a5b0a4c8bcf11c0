"""Shared text-search tools: fuzzy matching and the small LRU used by search caches."""

from bot.services.search.fuzzy import RatioMatcher
from bot.services.search.lru import CacheSlice, Lru

__all__ = [
    "CacheSlice",
    "Lru",
    "RatioMatcher",
]
