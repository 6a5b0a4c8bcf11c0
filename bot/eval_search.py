"""`nexus eval-search`: how well lookups and searches find the right concept.

Runs the evaluation set (data/eval/queries.yaml) against the seed concepts in a throwaway
SQLite database, prints top-1, top-3 and MRR for lookup and search per track, and lists
the misses. `--check` compares with the figures recorded in data/eval/results.json and
exits 1 when one falls more than 2 points below them (CI runs it); `--record` writes the
current figures there.

Search relevance, measured: the evaluation set in data/eval/queries.yaml against the
concepts as a server sees them.

Each query says what a learner typed, which concept(s) answer it, whether it was typed
into `/concept lookup` (a name, an abbreviation, a misspelling) or `/concept search`
(words, a question, a pasted error), and the asker's track. The set was written before
the ranking was tuned; it is never tuned by adding a query's words to an entry.

- lookup: rank 1 is the concept the lookup answers with at once; a miss's "did you
  mean" suggestions follow in their order (they are one click away).
- search: the first RESULTS_CONSIDERED results of `/concept search`, in order.

Scores per (kind, track): top-1, top-3 and MRR (mean reciprocal rank, over the first
RESULTS_CONSIDERED places).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from sqlalchemy import select

from bot.db import Database
from bot.db.migrate import upgrade
from bot.db.models import BASE_GUILD_ID, Concept
from bot.eval_forum import (
    DEFAULT_POSTS,
    ForumSetError,
    Tally,
    evaluate_forum,
    load_posts,
    print_forum,
)
from bot.services.concepts import lookup, search_concepts, seed_if_needed
from bot.settings import REPO_ROOT
from bot.wiring import open_database

KINDS = ("lookup", "search")
TRACKS = ("frontend", "backend")
RESULTS_CONSIDERED = 10
EVAL_USER_ID = 1  # lookups record statistics: the evaluation runs on a throwaway database


class EvalSetError(Exception):
    """The evaluation file is malformed; the message names the entry."""


@dataclass(frozen=True)
class EvalQuery:
    q: str
    expect: tuple[str, ...]
    kind: str
    track: str
    style: str


@dataclass(frozen=True)
class Miss:
    query: EvalQuery
    got: tuple[str, ...]  # the slugs ranked, best first (at most 3 shown)


@dataclass
class Score:
    n: int = 0
    top1: int = 0
    top3: int = 0
    rr: float = 0.0
    misses: list[Miss] = field(default_factory=list)

    def percent(self, hits: int) -> float:
        return 100.0 * hits / self.n if self.n else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "top1": round(self.percent(self.top1), 1),
            "top3": round(self.percent(self.top3), 1),
            "mrr": round(self.rr / self.n, 3) if self.n else 0.0,
        }


def load_queries(path: Path, known_slugs: Iterable[str] | None = None) -> list[EvalQuery]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise EvalSetError(f"{path.name}: expected a list of queries")
    known = set(known_slugs) if known_slugs is not None else None
    out = []
    for i, item in enumerate(data, 1):
        where = f"{path.name}: entry {i}"
        if not isinstance(item, dict):
            raise EvalSetError(f"{where}: expected a mapping")
        expect = item.get("expect")
        expect = [expect] if isinstance(expect, str) else expect
        query = EvalQuery(
            q=str(item.get("q", "")),
            expect=tuple(str(e) for e in (expect or [])),
            kind=str(item.get("kind", "")),
            track=str(item.get("track", "")),
            style=str(item.get("style", "")),
        )
        if not query.q.strip() or not query.expect:
            raise EvalSetError(f"{where}: needs `q` and `expect`")
        if query.kind not in KINDS or query.track not in TRACKS:
            raise EvalSetError(f"{where}: `kind` must be lookup|search, `track` frontend|backend")
        if known is not None and (unknown := set(query.expect) - known):
            raise EvalSetError(f"{where} ({query.q!r}): unknown concept(s) {sorted(unknown)}")
        out.append(query)
    return out


async def _slugs(db: Database, guild_id: int) -> dict[int, str]:
    async with db.reader() as s:
        rows = await s.execute(select(Concept.id, Concept.slug))
        return {cid: slug for cid, slug in rows}


async def ranked(db: Database, guild_id: int, query: EvalQuery, slugs: dict[int, str]) -> list[str]:
    """What the member sees, as slugs, best first."""
    if query.kind == "lookup":
        outcome = await lookup(db, guild_id, EVAL_USER_ID, query.q)
        if outcome.concept is not None:
            return [outcome.concept.slug]
        return [slugs[s.id] for s in outcome.suggestions if s.id in slugs]
    page = await search_concepts(db, guild_id, query.q, per_page=RESULTS_CONSIDERED)
    return [item.slug for item in page.items]


async def evaluate(
    db: Database, guild_id: int, queries: Sequence[EvalQuery]
) -> dict[tuple[str, str], Score]:
    slugs = await _slugs(db, guild_id)
    scores = {(k, t): Score() for k in KINDS for t in TRACKS}
    for query in queries:
        got = (await ranked(db, guild_id, query, slugs))[:RESULTS_CONSIDERED]
        score = scores[(query.kind, query.track)]
        score.n += 1
        rank = next((i for i, slug in enumerate(got, 1) if slug in query.expect), None)
        if rank is not None:
            score.rr += 1.0 / rank
            score.top1 += rank == 1
            score.top3 += rank <= 3
        if rank != 1:
            score.misses.append(Miss(query, tuple(got[:3])))
    return scores


def figures(scores: dict[tuple[str, str], Score]) -> dict[str, dict[str, Any]]:
    return {f"{kind}/{track}": s.as_dict() for (kind, track), s in scores.items()}


# The targets (issue #21) and the regression rule checked in CI.
TARGETS = MappingProxyType(
    {"lookup": ("top1", 95.0), "search": ("top3", 97.0), "forum/answering": ("precision", 90.0)}
)


def _target(key: str) -> tuple[str, float] | None:
    """The metric and target of a figure ("search/frontend" -> search's), if it has one."""
    return TARGETS.get(key) or TARGETS.get(key.split("/", 1)[0])


ALLOWED_DROP = 2.0


def regressions(
    current: dict[str, dict[str, Any]], recorded: dict[str, dict[str, Any]]
) -> list[str]:
    """Each (kind, track) whose target metric fell more than ALLOWED_DROP points below the
    figure recorded in the repository."""
    out = []
    for key, now in current.items():
        target = _target(key)
        if target is None:
            continue
        metric = target[0]
        before = recorded.get(key, {}).get(metric)
        if before is not None and now[metric] < before - ALLOWED_DROP:
            out.append(
                f"{key} {metric} {now[metric]:.1f}% < recorded {before:.1f}% - {ALLOWED_DROP}"
            )
    return out


def below_target(current: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    for key, now in current.items():
        found = _target(key)
        if found is None:
            continue
        metric, target = found
        if now[metric] < target:
            out.append(f"{key} {metric} {now[metric]:.1f}% (target {target:.0f}%)")
    return out


DEFAULT_QUERIES = REPO_ROOT / "data" / "eval" / "queries.yaml"
DEFAULT_RESULTS = REPO_ROOT / "data" / "eval" / "results.json"
EVAL_GUILD_ID = 424242  # a server with no concepts of its own: it sees the base


async def _scores(
    queries_path: Path, posts_path: Path
) -> tuple[dict[tuple[str, str], Score], dict[str, Tally]]:
    with tempfile.TemporaryDirectory(prefix="nexus-eval-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'eval.db'}"
        await upgrade(url)
        db = open_database(url)
        try:
            await seed_if_needed(db)
            async with db.reader() as s:
                slugs = set(
                    await s.scalars(select(Concept.slug).where(Concept.guild_id == BASE_GUILD_ID))
                )
            queries = load_queries(queries_path, slugs)
            posts = load_posts(posts_path, slugs)
            scores = await evaluate(db, EVAL_GUILD_ID, queries)
            forum = await evaluate_forum(db, EVAL_GUILD_ID, posts, await _slugs(db, EVAL_GUILD_ID))
            return scores, forum
        finally:
            await db.dispose()


def _print(scores: dict[tuple[str, str], Score], misses: bool) -> None:
    print(f"{'':18}{'n':>5}{'top-1':>9}{'top-3':>9}{'MRR':>8}")
    for (kind, track), s in scores.items():
        d = s.as_dict()
        label = f"{kind} / {track}"
        top1, top3 = f"{d['top1']:.1f}%", f"{d['top3']:.1f}%"
        print(f"{label:18}{d['n']:>5}{top1:>9}{top3:>9}{d['mrr']:>8.3f}")
    if not misses:
        return
    for (kind, track), s in scores.items():
        if s.misses:
            print(f"\nMisses, {kind} / {track} (not ranked first):")
        for m in s.misses:
            got = ", ".join(m.got) or "nothing"
            print(f"  {m.query.q!r} [{m.query.style}] wants {'/'.join(m.query.expect)}; got {got}")


def run(
    queries: Path,
    results: Path,
    *,
    check: bool,
    record: bool,
    as_json: bool,
    posts: Path = DEFAULT_POSTS,
) -> int:
    try:
        scores, forum = asyncio.run(_scores(queries, posts))
    except (OSError, EvalSetError, ForumSetError) as exc:
        print(f"nexus: error: {exc}", file=sys.stderr)
        return 2
    current = figures(scores)
    current.update({f"forum/{name}": tally.as_dict() for name, tally in forum.items()})
    if as_json:
        print(json.dumps(current, indent=2))
    else:
        _print(scores, misses=not check)
        print_forum(forum, misses=not check)
    status = 0
    if check:
        if not results.is_file():
            print(f"nexus: error: no recorded figures at {results} (run --record)", file=sys.stderr)
            return 2
        recorded = json.loads(results.read_text(encoding="utf-8"))
        worse = regressions(current, recorded)
        for line in worse:
            print(f"regression: {line}", file=sys.stderr)
        status = 1 if worse else 0
    below = below_target(current)
    if below and not as_json:
        print("\nBelow target: " + "; ".join(below))
    if record:
        results.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
        print(f"recorded in {results}")
    return status
