"""Shared text-search tools: fuzzy matching and the small LRU used by search caches."""
