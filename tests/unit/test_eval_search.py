"""`nexus eval-search`: figures per kind and track, misses listed, regressions fail; the
help forum's proposals over a set of posts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.eval_search import regressions, run

REPO = Path(__file__).resolve().parents[2]
QUERIES = """
- {q: "cachng", expect: [caching], kind: lookup, track: backend, style: misspelling}
- {q: "Fetch API", expect: [fetch-api], kind: lookup, track: frontend, style: exact-ish}
- {q: "preflight request blocked", expect: [cors], kind: search, track: frontend,
   style: error-message}
- {q: "zzqx", expect: [redis], kind: search, track: backend, style: misspelling}
"""


POSTS = """
- {title: "users double click Pay and get charged twice", body: "slow network",
   expect: [idempotency], track: backend, style: statement}
- {title: "help pls", body: "nothing works", expect: [], track: frontend, style: vague}
"""


def _queries(tmp_path: Path, text: str = QUERIES) -> Path:
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _posts(tmp_path: Path, text: str = POSTS) -> Path:
    path = tmp_path / "posts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_figures_and_misses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results.json"
    posts = _posts(tmp_path)
    assert (
        run(_queries(tmp_path), results, check=False, record=True, as_json=False, posts=posts) == 0
    )
    out = capsys.readouterr().out
    assert "lookup / frontend" in out and "search / backend" in out
    assert "'zzqx' [misspelling] wants redis; got" in out  # a miss is listed
    recorded = json.loads(results.read_text())
    assert recorded["lookup/frontend"]["top1"] == 100.0
    assert recorded["search/backend"]["top1"] == 0.0 and recorded["search/backend"]["n"] == 1
    assert "answering" in out and "concepts named" in out
    answering = recorded["forum/answering"]
    assert answering["posts"] == 2 and answering["right"] == 1 and answering["wrong"] == 0


def test_check_fails_only_on_a_drop_of_more_than_two_points() -> None:
    recorded = {
        "lookup/backend": {"top1": 96.0},
        "search/frontend": {"top3": 98.0},
        "forum/answering": {"precision": 100.0},
        "forum/named": {"precision": 40.0},  # no target: a baseline
    }
    same = {
        "lookup/backend": {"top1": 94.5},
        "search/frontend": {"top3": 98.0},
        "forum/answering": {"precision": 98.0},
        "forum/named": {"precision": 10.0},
    }
    worse = {
        "lookup/backend": {"top1": 93.0},
        "search/frontend": {"top3": 95.9},
        "forum/answering": {"precision": 90.0},
        "forum/named": {"precision": 10.0},
    }
    assert regressions(same, recorded) == []
    assert len(regressions(worse, recorded)) == 3


def test_check_against_a_better_record_exits_1(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"search/backend": {"top3": 100.0}}))
    posts = _posts(tmp_path)
    assert (
        run(_queries(tmp_path), results, check=True, record=False, as_json=True, posts=posts) == 1
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "eval-search", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_set_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = _queries(tmp_path, "- {q: x, expect: [no-such-concept], kind: lookup, track: backend}\n")
    proc = _cli("--queries", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no-such-concept" in proc.stderr


def test_a_bad_forum_set_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = _posts(
        tmp_path, "- {title: x, expect: [no-such-concept], track: backend, style: vague}\n"
    )
    proc = _cli("--queries", str(_queries(tmp_path)), "--posts", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no-such-concept" in proc.stderr
