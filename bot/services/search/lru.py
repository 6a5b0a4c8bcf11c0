"""A bounded least-recently-used map, and one reader's slice of a shared one."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A small least-recently-used map (bounded, no expiry of its own)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class CacheSlice(Generic[K, V]):
    """One index's part of a cache shared by every server's index (bounded in total)."""

    def __init__(self, lru: Lru[tuple[int, K], V], token: int) -> None:
        self._lru = lru
        self._token = token
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        value = self._lru.get((self._token, key))
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: K, value: V) -> None:
        self._lru.put((self._token, key), value)
