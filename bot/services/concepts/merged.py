"""Merged duplicates in the concept index: their ids, names and aliases lead to the survivor.

A merge hides the duplicate (merged_into_id set) but members keep typing its name, and old
messages keep its id. Each server's GuildIndex therefore carries its merged duplicates
whose final survivor it can see: a chain (B into A, later A into C) is followed, and a
base survivor the server has since overridden is found through the override's slug. They
rank after every live name, slug and alias, so a new concept may take a merged name.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy import Text, cast, select

from bot.db.models import Concept
from bot.db.types import Status

# (id, base id, slug, name, aliases JSON, final survivor id) of a merged duplicate
MergedRow = tuple[int, int | None, str, str, str | None, int]
MERGE_HOPS_MAX = 20  # a chain of merges is followed this far


class MergedName(NamedTuple):
    """A merged duplicate of this server: its id(s) and names lead to `survivor`."""

    id: int
    base_id: int | None  # the base concept it overrode, if any (that id is merged too)
    name: str
    names: tuple[str, ...]  # name, slug, then aliases
    survivor: int  # index into GuildIndex.entries


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class MergedNames:
    """Lookup structures over one server's merged duplicates (usually none or a few)."""

    def __init__(self, merged: list[MergedName]) -> None:
        self.merged = merged
        self._ids: dict[int, MergedName] = {}
        self._exact: dict[str, MergedName] = {}
        for m in merged:
            self._ids[m.id] = m
            if m.base_id is not None:
                self._ids.setdefault(m.base_id, m)
            for text in m.names:
                self._exact.setdefault(_fold(text), m)
        # Names and aliases (not slugs) for autocomplete prefixes.
        self._keys = sorted(
            (_fold(t), i) for i, m in enumerate(merged) for t in (m.name, *m.names[2:])
        )

    def __len__(self) -> int:
        return len(self.merged)

    def find(self, key: str) -> MergedName | None:
        return self._exact.get(key)

    def by_id(self, concept_id: int) -> MergedName | None:
        return self._ids.get(concept_id)

    def starting_with(self, prefix: str) -> Iterator[MergedName]:
        k = bisect_left(self._keys, (prefix,))
        while k < len(self._keys) and self._keys[k][0].startswith(prefix):
            yield self.merged[self._keys[k][1]]
            k += 1

    def matching(self, tokens: list[str]) -> list[int]:
        """Survivors (entry indexes) of duplicates whose name or an alias has a word
        starting with each token: a duplicate's own words still find its survivor."""
        out: list[int] = []
        for m in self.merged:
            for text in (m.name, *m.names[2:]):
                words = _fold(text).replace("-", " ").split()
                if all(any(w.startswith(t) for w in words) for t in tokens):
                    if m.survivor not in out:
                        out.append(m.survivor)
                    break
        return out


async def merged_rows(conn: Any, guild_id: int, visible: set[int]) -> list[MergedRow]:
    """This server's merged duplicates whose (final) survivor is visible to it."""
    k = Concept
    rows = (
        await conn.execute(
            select(
                k.id, k.overrides_id, k.slug, k.name, cast(k.aliases, Text), k.merged_into_id
            ).where(k.guild_id == guild_id, k.merged_into_id.is_not(None))
        )
    ).all()
    if not rows:
        return []
    into: dict[int, int] = {}
    for r in rows:
        into[r[0]] = r[5]
        if r[1] is not None:
            into.setdefault(r[1], r[5])  # the base row it overrode went the same way
    final: dict[int, int] = {}
    for r in rows:
        target, hops = r[5], 0
        while target in into and target not in visible and hops < MERGE_HOPS_MAX:
            target, hops = into[target], hops + 1
        final[r[0]] = target
    missing = {t for t in final.values() if t not in visible}
    if missing:  # e.g. a base survivor the server edited later: its override is visible
        slugs = dict((await conn.execute(select(k.id, k.slug).where(k.id.in_(missing)))).all())
        own = (
            await conn.execute(
                select(k.slug, k.id).where(
                    k.guild_id == guild_id,
                    k.status == Status.PUBLISHED.value,
                    k.slug.in_(set(slugs.values())),
                )
            )
        ).all()
        shadows = {slug: cid for slug, cid in own if cid in visible}
        final = {m: shadows.get(slugs.get(t, ""), t) for m, t in final.items()}
    return [(r[0], r[1], r[2], r[3], r[4], final[r[0]]) for r in rows if final[r[0]] in visible]
