"""The import contracts hold, and they are not blind: each kind of forbidden import, put
into a copy of the tree, breaks its contract and the report names the import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract", "named"),
    [
        (
            "bot/services/guilds/policy.py",
            "import discord",
            "Services import neither discord nor the cogs",
            "bot.services.guilds.policy -> discord",
        ),
        (
            "cogs/concepts/render.py",
            "from bot.services.concepts.index import ConceptIndex",
            "Features use each other only through their package's public API",
            "cogs.concepts.render -> bot.services.concepts.index",
        ),
        (
            "bot/services/digest/period.py",
            "from bot.services.challenges.load import load_challenges",
            "Features use each other only through their package's public API",
            "bot.services.digest.period -> bot.services.challenges.load",
        ),
        (
            "bot/simulator/limits.py",
            "from bot.services import guilds",
            "The simulator never imports the bot",
            "bot.simulator.limits -> bot.services",
        ),
        (
            "bot/db/types.py",
            "from bot.services import concepts",
            "The database layer imports no service",
            "bot.db.types -> bot.services",
        ),
        (
            "bot/services/takeaways/votes.py",
            "from bot.db.sqlite_driver import run_on_thread",
            "Services reach SQLite's connection thread only through units of work",
            "bot.services.takeaways.votes -> bot.db.sqlite_driver",
        ),
        (
            "bot/services/guilds/settings.py",
            "from bot.services import takeaways",
            "No import cycles between feature packages",
            ".guilds -> .takeaways",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract_and_is_named(
    tmp_path: Path, module: str, line: str, contract: str, named: str
) -> None:
    for part in ("bot", "cogs"):
        shutil.copytree(REPO / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    text = target.read_text(encoding="utf-8")
    # After the module docstring and `from __future__`, where an import would go.
    anchor = "from __future__ import annotations\n"
    assert anchor in text
    target.write_text(text.replace(anchor, f"{anchor}\n{line}\n", 1), encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout[-3000:]
    assert named in broken, result.stdout[-3000:]
