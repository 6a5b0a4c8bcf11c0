"""The benchmark data generators are reproducible: the same seed gives the same rows."""

from __future__ import annotations

from itertools import islice

from bench.generators import DigestSpec, KbSpec, tables_for
from bench.simproc import build_world, target_guild_id


def _sample(spec: KbSpec | DigestSpec) -> dict[str, list[dict[str, object]]]:
    return {name: list(islice(rows, 50)) for name, (_, rows) in tables_for(spec).items()}


def test_same_seed_same_rows() -> None:
    spec = KbSpec(challenges=200, target_challenges=100, solutions=50, concepts=40)
    assert _sample(spec) == _sample(spec)
    other = KbSpec(challenges=200, target_challenges=100, solutions=50, concepts=40, seed=9)
    assert _sample(other)["challenges"] != _sample(spec)["challenges"]


def test_counts_match_rows_and_guilds() -> None:
    spec = DigestSpec(busy_entries=100, servers=5)
    for name, (count, rows) in tables_for(spec).items():
        assert sum(1 for _ in rows) == count, name
    guilds = {r["guild_id"] for r in tables_for(spec)["challenges"][1]}
    assert target_guild_id() in guilds and len(guilds) == 6


def test_bench_world_has_fixed_guild_ids() -> None:
    a, b = build_world(3, 2, None, None), build_world(3, 2, None, None)
    assert list(a.guilds) == list(b.guilds)
    assert next(iter(a.guilds)) == target_guild_id()
