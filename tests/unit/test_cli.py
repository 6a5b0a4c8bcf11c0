"""The command line as a newcomer meets it: one-line errors, nothing destroyed by accident,
plain paths accepted, help with examples, no irrelevant warnings."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.settings import SettingsError, normalise_database_url
from tests.unit.cli_support import nexus as _nexus

SUBCOMMANDS = [
    "run",
    "playground",
    "db",
    "seed",
    "sync",
    "export",
    "web",
    "eval-search",
    "invite-url",
]


def _migrated(tmp_path: Path) -> dict[str, str]:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'nexus.db'}"}
    assert _nexus("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    return env


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_an_unknown_revision_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    result = _nexus("db", "downgrade", "nonsense", "--yes", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "nonsense" in lines[0] and "revision" in lines[0]
    assert "concepts" in _tables(tmp_path / "nexus.db")


def test_a_downgrade_without_yes_says_what_is_lost_and_changes_nothing(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    before = _tables(tmp_path / "nexus.db")
    result = _nexus("db", "downgrade", "base", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "--yes" in result.stdout + result.stderr
    assert "concepts" in result.stdout  # the tables (and their rows) that would go
    assert _tables(tmp_path / "nexus.db") == before


def test_a_confirmed_downgrade_runs(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    result = _nexus("db", "downgrade", "base", "--yes", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "concepts" not in _tables(tmp_path / "nexus.db")


def test_export_of_a_server_without_data_says_so(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    result = _nexus("export", "--guild", "123456789", "--out", str(tmp_path / "hub"), env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "123456789" in lines[0] and "has no data" in lines[0]
    assert not (tmp_path / "hub").exists()


def test_a_plain_path_is_a_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "nexus.db"
    assert normalise_database_url(str(path)) == f"sqlite+aiosqlite:///{path}"
    assert normalise_database_url("nexus.db").startswith("sqlite+aiosqlite:///")
    result = _nexus("db", "upgrade", env={"DATABASE_URL": str(path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "concepts" in _tables(path)
    for bad in ("mysql://u@h/db", "::::"):
        with pytest.raises(SettingsError):
            normalise_database_url(bad)


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_explains_itself_with_an_example(command: str) -> None:
    result = _nexus(command, "--help")
    assert result.returncode == 0
    assert "example" in result.stdout.lower(), result.stdout
    assert "nexus " + command in result.stdout.split("xample", 1)[1]


def test_top_level_help_lists_every_command_with_what_it_does() -> None:
    out = _nexus("--help").stdout
    for command in SUBCOMMANDS:
        assert command in out


def test_starting_the_client_does_not_warn_about_voice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import discord

    from bot.logs import setup_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:  # the handler writes to this test's captured stderr, closed after it
        setup_logging(logging.INFO)

        async def make() -> None:
            client = discord.Client(intents=discord.Intents.none())
            await client.close()

        asyncio.run(make())
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert "voice will NOT be supported" not in capsys.readouterr().err
