"""Importing Nexus changes nothing: no listeners, no threads, no module-level mutable state.

Every module of bot/ and cogs/ is imported in a fresh interpreter, which then reports what
the imports left behind. Caches, buffers and their invalidation listeners exist only once
`bot.wiring.open_database()` builds them for one database.

Allowed, and checked to be only that:
- read-only tables (tuple, frozenset, MappingProxyType) and immutable values;
- memoised pure functions (`functools.cache`/`lru_cache`) that take no runtime state:
  they return compiled SQL or time-zone hour maps derivable from their arguments;
- the ORM models' own `before_insert`/`before_update` hooks, declared with the model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = r"""
import collections, importlib, json, logging, pkgutil, sys, threading, weakref
from sqlalchemy.orm import Session
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool
from sqlalchemy.ext.asyncio import AsyncSession

roots_before = list(logging.getLogger().handlers)
threads_before = threading.active_count()
import bot, cogs
names = []
for pkg in (bot, cogs):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        names.append(info.name)
modules = [importlib.import_module(n) for n in sorted(names)]

MUTABLE = (dict, list, set, bytearray, collections.deque, weakref.WeakKeyDictionary,
           weakref.WeakValueDictionary, weakref.WeakSet)
report = {"modules": len(modules), "mutable": [], "listeners": [], "threads": 0,
          "handlers": 0}
for mod in modules:
    for key, value in vars(mod).items():
        if key.startswith("__") or isinstance(value, type(sys)):
            continue
        stdlib = type(value).__module__ in ("builtins", "collections", "weakref")
        if isinstance(value, MUTABLE) and stdlib:
            report["mutable"].append(f"{mod.__name__}.{key}: {type(value).__name__}")
for target in (Session, Engine, Pool):
    dispatch = target.dispatch
    for event_name in dir(dispatch):
        coll = getattr(dispatch, event_name, None)
        for cls, fns in getattr(coll, "_clslevel", {}).items():
            for fn in fns:
                what = getattr(fn, "__qualname__", fn)
                report["listeners"].append(f"{cls.__name__}.{event_name}: {what}")
report["threads"] = threading.active_count() - threads_before
report["handlers"] = len(logging.getLogger().handlers) - len(roots_before)
print(json.dumps(report))
"""


def _probe() -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_every_module_registers_and_mutates_nothing() -> None:
    report = _probe()
    assert int(str(report["modules"])) > 150  # every module was imported
    assert report["listeners"] == [], (
        "an import registered SQLAlchemy session/engine/pool listeners"
    )
    assert report["mutable"] == [], (
        "module-level mutable state (make tables read-only: tuple, frozenset, "
        "MappingProxyType; keep caches on wired per-database objects)"
    )
    assert report["threads"] == 0, "an import started a thread"
    assert report["handlers"] == 0, "an import configured logging"


def test_the_probe_sees_listeners_and_state_when_they_exist(tmp_path: Path) -> None:
    """The probe is not blind: the same checks, after wiring a database, find its listeners."""
    probe = PROBE.replace(
        "print(json.dumps(report))",
        "from bot.wiring import open_database\n"
        f'open_database("sqlite+aiosqlite:///{tmp_path / "x.db"}")\n'
        'report["listeners"] = []\n'
        "for target in (Session,):\n"
        "    for event_name in dir(target.dispatch):\n"
        "        coll = getattr(target.dispatch, event_name, None)\n"
        '        for cls, fns in getattr(coll, "_clslevel", {}).items():\n'
        '            report["listeners"] += [event_name for _ in fns]\n'
        "print(json.dumps(report))",
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert "after_commit" in report["listeners"]  # the wired database's own session class
