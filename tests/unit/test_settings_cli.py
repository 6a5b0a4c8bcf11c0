"""Settings and the CLI's contract: clear one-line errors, exit code 2, no token leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.permissions import REQUIRED, required_permissions
from bot.settings import Settings, SettingsError
from tests.unit.cli_support import nexus as _nexus

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secretsecretsecretsecret"


def test_missing_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _nexus("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "::::", "postgresql+psycopg2://u@h/db"])
def test_malformed_database_url_names_the_setting(tmp_path: Path, url: str) -> None:
    result = _nexus("run", env={"DISCORD_TOKEN": TOKEN, "DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_token_never_in_repr() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)


def test_invalid_values_name_their_setting() -> None:
    with pytest.raises(SettingsError, match="LOG_LEVEL"):
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"})
    with pytest.raises(SettingsError, match="DEV_GUILD_ID"):
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "DEV_GUILD_ID": "abc"})
    with pytest.raises(SettingsError, match="DISCORD_TOKEN") as info:
        Settings.from_env({"DISCORD_TOKEN": "short"})
    assert "short" not in str(info.value)


def test_too_old_sqlite_is_named_and_postgresql_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(SettingsError, match=r"SQLite is 3\.31\.1; Nexus needs 3\.35\.0"):
        Settings.from_env({"DISCORD_TOKEN": TOKEN})
    pg = Settings.from_env({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "postgresql://u:p@h:5/n"})
    assert pg.database_backend == "PostgreSQL"


def test_defaults_use_sqlite_under_data() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.database_url.endswith("data/nexus.db")
    pg = Settings.from_env({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "postgresql://u:p@h:5/n"})
    assert pg.database_url.startswith("postgresql+asyncpg://")
    assert pg.database_backend == "PostgreSQL"


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=bogus://\n")
    result = _nexus("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


def test_invite_url_has_scopes_and_minimal_permissions() -> None:
    result = _nexus("invite-url", "--application-id", "123")
    assert result.returncode == 0
    url = result.stdout.strip()
    assert "client_id=123" in url
    assert "scope=bot+applications.commands" in url
    perms = required_permissions()
    assert f"permissions={perms.value}" in url
    assert not perms.administrator and not perms.manage_guild and not perms.mention_everyone
    assert len(REQUIRED) == sum(1 for _ in perms if _[1])


def test_db_upgrade_twice_on_a_new_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = _nexus("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = _nexus("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Running upgrade" in first.stderr and "Running upgrade" not in second.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["db"],
        ["db", "upgrade"],
        ["sync"],
        ["export"],
        ["invite-url"],
        ["playground"],
        ["seed"],
    ],
)
def test_help_everywhere(args: list[str]) -> None:
    result = _nexus(*args, "--help")
    assert result.returncode == 0 and "usage: nexus" in result.stdout


def test_version() -> None:
    from bot import __version__

    result = _nexus("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_token_is_redacted_from_logs(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from bot.logs import setup_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        setup_logging(logging.INFO, TOKEN)
        logging.getLogger("discord.http").warning("request failed with Bot %s", TOKEN)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    assert "request failed" in err and TOKEN not in err and "[redacted]" in err
