"""The bounded caches behind concept lookups and searches."""

from __future__ import annotations

from bot.services.search.lru import CacheSlice, Lru


def test_least_recently_used_goes_first() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)
    assert lru.get("b") is None and lru.get("a") == 1 and lru.get("c") == 3
    assert len(lru) == 2


def test_slices_of_one_cache_never_see_each_other() -> None:
    shared: Lru[tuple[int, str], int] = Lru(3)
    old, new = CacheSlice(shared, 1), CacheSlice(shared, 2)
    old.put("q", 10)
    assert new.get("q") is None and new.misses == 1  # a replaced index's answers are orphans
    new.put("q", 20)
    assert old.get("q") == 10 and new.get("q") == 20 and new.hits == 1
    for i in range(3):  # the total stays bounded: orphans age out
        new.put(f"k{i}", i)
    assert old.get("q") is None and len(shared) == 3
