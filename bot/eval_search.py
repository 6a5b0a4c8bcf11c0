"""`nexus eval-search`: how well lookups and searches find the right concept.

Runs the evaluation set (data/eval/queries.yaml) against the seed concepts in a throwaway
SQLite database, prints top-1, top-3 and MRR for lookup and search per track, and lists
the misses. `--check` compares with the figures recorded in data/eval/results.json and
exits 1 when one falls more than 2 points below them (CI runs it); `--record` writes the
current figures there.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

from bot.db.migrate import upgrade
from bot.db.models import BASE_GUILD_ID, Concept
from bot.services.concepts import evaluation as ev
from bot.services.concepts import seed_if_needed
from bot.settings import REPO_ROOT
from bot.wiring import open_database

DEFAULT_QUERIES = REPO_ROOT / "data" / "eval" / "queries.yaml"
DEFAULT_RESULTS = REPO_ROOT / "data" / "eval" / "results.json"
EVAL_GUILD_ID = 424242  # a server with no concepts of its own: it sees the base


async def _scores(queries_path: Path) -> dict[tuple[str, str], ev.Score]:
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
            queries = ev.load_queries(queries_path, slugs)
            return await ev.evaluate(db, EVAL_GUILD_ID, queries)
        finally:
            await db.dispose()


def _print(scores: dict[tuple[str, str], ev.Score], misses: bool) -> None:
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


def run(queries: Path, results: Path, *, check: bool, record: bool, as_json: bool) -> int:
    try:
        scores = asyncio.run(_scores(queries))
    except (OSError, ev.EvalSetError) as exc:
        print(f"nexus: error: {exc}", file=sys.stderr)
        return 2
    current = ev.as_json(scores)
    if as_json:
        print(json.dumps(current, indent=2))
    else:
        _print(scores, misses=not check)
    status = 0
    if check:
        if not results.is_file():
            print(f"nexus: error: no recorded figures at {results} (run --record)", file=sys.stderr)
            return 2
        recorded = json.loads(results.read_text(encoding="utf-8"))
        worse = ev.regressions(current, recorded)
        for line in worse:
            print(f"regression: {line}", file=sys.stderr)
        status = 1 if worse else 0
    below = ev.below_target(current)
    if below and not as_json:
        print("\nBelow target: " + "; ".join(below))
    if record:
        results.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
        print(f"recorded in {results}")
    return status
