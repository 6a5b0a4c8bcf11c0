"""Benchmark databases: seeded rows for every table a scenario reads, bulk loaded.

Two datasets:
- `kb`: one server (the simulator's first guild) holding many challenges, solutions and
  concepts, plus other servers' challenges so the full-text index is multi-tenant.
- `digest`: one busy server with many entries in the digest week, plus many small servers.

Rows come from `rows_*` generators (pure, seeded: same seed -> same rows). SQLite files are
cached under bench/.cache/ keyed by (dataset, sizes, seed, alembic head); PostgreSQL
databases are kept under a name carrying the same key (see bench/pg.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.simproc import target_guild_id
from bench.textgen import NOW, WEEK_START, Text, concept_names

Row = dict[str, Any]
CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR_VERSION = 1
TRACKS = ("frontend", "backend", "fullstack", None)
CATEGORIES = ("technology", "backend concept", "practice", "tool")


@dataclass(frozen=True)
class KbSpec:
    challenges: int  # in total, every server
    target_challenges: int  # of which in the target server
    solutions: int  # in the target server
    concepts: int  # the target server's own published concepts
    other_guilds: int = 9
    seed: int = 1

    name = "kb"


@dataclass(frozen=True)
class DigestSpec:
    busy_entries: int  # challenges + solutions + takeaways in the week, one server
    servers: int  # other servers, each with a few entries in the week
    per_server: int = 10
    seed: int = 2

    name = "digest"


Spec = KbSpec | DigestSpec


def alembic_head() -> str:
    from alembic.script import ScriptDirectory

    from bot.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return str(head)


def cache_key(spec: Spec) -> str:
    raw = json.dumps([spec.name, asdict(spec), alembic_head(), GENERATOR_VERSION])
    return f"{spec.name}-{hashlib.sha256(raw.encode()).hexdigest()[:12]}"


# -- rows ---------------------------------------------------------------------------------


def _stamps(when: Any) -> Row:
    return {"created_at": when, "updated_at": when}


def rows_concepts(guild_id: int, n: int, seed: int, first_id: int = 1) -> Iterator[Row]:
    t = Text(seed)
    names = concept_names(n, seed)
    for i, name in enumerate(names):
        slug = name.lower().replace(" ", "-")[:100]
        aliases = [name.lower().replace(" ", "")[:40]] if t.rng.random() < 0.4 else []
        summary, body = t.sentence(6, 14)[:200], t.sentence(20, 60)
        search = "\n".join(p for p in (name, " ".join(aliases), summary, body) if p)
        related = [t.rng.choice(names) for _ in range(t.rng.randint(0, 3))]
        yield {
            "id": first_id + i,
            "guild_id": guild_id,
            "slug": slug,
            "name": name[:100],
            "aliases": aliases,
            "category": t.rng.choice(CATEGORIES),
            "tracks": t.rng.choice(("frontend", "backend", "both")),
            "related": related,
            "summary": summary,
            "body": body,
            "links": [],
            "search_text": search,
            "status": "published",
            "featured": False,
            **_stamps(t.between(NOW - timedelta(days=700), WEEK_START)),
        }


def _challenge(t: Text, cid: int, guild_id: int, when: Any, solved: bool) -> Row:
    title, tried, problem = t.sentence(4, 8), t.sentence(5, 15), t.sentence(8, 25)
    author = 10_000 + t.rng.randrange(5000)
    return {
        "id": cid,
        "guild_id": guild_id,
        "title": title[:200],
        "tried": tried,
        "problem": problem,
        "search_text": f"{title}\n{tried}\n{problem}",
        "track": t.rng.choice(TRACKS),
        "author_id": author,
        "author_name": f"member{author}",
        "status": "published",
        "solved": solved,
        "solved_at": when + timedelta(hours=5) if solved else None,
        "featured": False,
        **_stamps(when),
    }


def _solution(t: Text, sid: int, guild_id: int, cid: int, when: Any, accepted: bool) -> Row:
    author = 10_000 + t.rng.randrange(5000)
    return {
        "id": sid,
        "guild_id": guild_id,
        "challenge_id": cid,
        "body": t.sentence(10, 40),
        "author_id": author,
        "author_name": f"member{author}",
        "status": "published",
        "accepted": accepted,
        "accepted_at": when + timedelta(hours=1) if accepted else None,
        "helped_count": 0,
        "featured": False,
        **_stamps(when),
    }


def _takeaway(t: Text, tid: int, guild_id: int, when: Any, votes: int) -> Row:
    author = 10_000 + t.rng.randrange(5000)
    return {
        "id": tid,
        "guild_id": guild_id,
        "kind": t.rng.choice(("lesson", "practice")),
        "body": t.sentence(8, 30),
        "author_id": author,
        "author_name": f"member{author}",
        "source": "command",
        "status": "published",
        "votes": votes,
        "featured": False,
        **_stamps(when),
    }


def kb_tables(spec: KbSpec) -> dict[str, tuple[int, Iterator[Row]]]:
    """Table -> (row count, rows) for the `kb` dataset."""
    target = target_guild_id()
    others = [target + 1_000_000 + k for k in range(spec.other_guilds)]
    old = NOW - timedelta(days=730)

    def challenges() -> Iterator[Row]:
        t = Text(spec.seed)
        for cid in range(1, spec.challenges + 1):
            in_target = cid <= spec.target_challenges
            gid = target if in_target else others[cid % len(others)]
            yield _challenge(t, cid, gid, t.between(old, NOW), t.rng.random() < 0.3)

    def solutions() -> Iterator[Row]:
        t = Text(spec.seed + 1)
        for sid in range(1, spec.solutions + 1):
            cid = t.rng.randint(1, spec.target_challenges)
            yield _solution(t, sid, target, cid, t.between(old, NOW), t.rng.random() < 0.2)

    return {
        "concepts": (spec.concepts, rows_concepts(target, spec.concepts, spec.seed + 2)),
        "challenges": (spec.challenges, challenges()),
        "solutions": (spec.solutions, solutions()),
    }


def digest_tables(spec: DigestSpec) -> dict[str, tuple[int, Iterator[Row]]]:
    """Table -> (row count, rows) for the `digest` dataset (busy server first)."""
    busy = target_guild_id()
    guilds = [(busy, spec.busy_entries)] + [
        (busy + 1_000_000 + k, spec.per_server) for k in range(spec.servers)
    ]
    n_concepts = 200

    def week(t: Text) -> Any:
        return t.between(WEEK_START, NOW - timedelta(hours=6))

    def plan(share: float) -> Iterator[tuple[int, int]]:
        """(guild, how many rows of this kind) so every server gets its share."""
        for gid, n in guilds:
            yield gid, max(1, int(n * share))

    def challenges() -> Iterator[Row]:
        t, cid = Text(spec.seed), 0
        for gid, n in plan(0.4):
            for _ in range(n):
                cid += 1
                yield _challenge(t, cid, gid, week(t), t.rng.random() < 0.4)

    counts = {"challenges": sum(n for _, n in plan(0.4))}

    def solutions() -> Iterator[Row]:
        t, sid, first = Text(spec.seed + 1), 0, 1
        for gid, n in plan(0.4):
            k = max(1, int(n * 0.75))
            for _ in range(k):
                sid += 1
                cid = first + t.rng.randrange(n)
                yield _solution(t, sid, gid, cid, week(t), t.rng.random() < 0.3)
            first += n

    counts["solutions"] = sum(max(1, int(n * 0.75)) for _, n in plan(0.4))

    def takeaways() -> Iterator[Row]:
        t, tid = Text(spec.seed + 2), 0
        for gid, n in plan(0.3):
            for _ in range(n):
                tid += 1
                yield _takeaway(t, tid, gid, week(t), t.rng.randint(0, 9))

    counts["takeaways"] = sum(n for _, n in plan(0.3))
    busy_takeaways = max(1, int(spec.busy_entries * 0.3))

    def votes() -> Iterator[Row]:
        t = Text(spec.seed + 3)
        for tid in range(1, busy_takeaways + 1, 3):
            for user in t.rng.sample(range(20_000, 20_100), 3):
                yield {"takeaway_id": tid, "user_id": user, "created_at": week(t)}

    def lookups() -> Iterator[Row]:
        t = Text(spec.seed + 4)
        for lid in range(1, busy_takeaways + 1):
            yield {
                "id": lid,
                "guild_id": busy,
                "concept_id": t.rng.randint(1, n_concepts),
                "user_id": 20_000 + t.rng.randrange(500),
                "created_at": week(t),
            }

    return {
        "concepts": (n_concepts, rows_concepts(busy, n_concepts, spec.seed + 5)),
        "challenges": (counts["challenges"], challenges()),
        "solutions": (counts["solutions"], solutions()),
        "takeaways": (counts["takeaways"], takeaways()),
        "takeaway_votes": (len(range(1, busy_takeaways + 1, 3)) * 3, votes()),
        "concept_lookups": (busy_takeaways, lookups()),
    }


def tables_for(spec: Spec) -> dict[str, tuple[int, Iterator[Row]]]:
    return kb_tables(spec) if isinstance(spec, KbSpec) else digest_tables(spec)


def batched(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
