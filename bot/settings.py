"""Settings, built once from the environment (and `.env`) in `main()` and passed in.

Nothing here is read at import time. Invalid configuration raises `SettingsError`, whose
message names the setting and never contains the token.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "data" / "nexus.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SQLITE_MIN = (3, 35, 0)  # UPDATE ... RETURNING, WITH ... AS MATERIALIZED


class SettingsError(Exception):
    """A setting is missing or invalid. The message is one line, safe to print."""


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}"


@dataclass(frozen=True)
class Settings:
    """Typed configuration. `token` is excluded from repr so it never reaches a log."""

    token: str = field(default="", repr=False)
    database_url: str = field(default_factory=_default_database_url)
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    application_id: int | None = None
    digest_grace_hours: int = 24
    auto_migrate: bool = True
    auto_seed: bool = True
    sync_on_start: bool = True
    shard_count: int | None = None
    # Discord's privileged Message Content intent (enable it in the Developer Portal too):
    # without it a help-forum post becomes a challenge from its title alone.
    message_content_intent: bool = False
    # The web hub's public address (`nexus web` behind a proxy), e.g. https://hub.example.org:
    # Discord answers get a "View on the web" button when it is set and the server opted in.
    web_base_url: str | None = None
    shard_ids: tuple[int, ...] | None = None  # None: this process runs every shard
    job_takeover: bool = False  # run the due jobs of servers whose process is gone

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_backend(self) -> str:
        return "SQLite" if self.is_sqlite else "PostgreSQL"

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        require_token: bool = True,
        dotenv_path: Path | None = None,
    ) -> Settings:
        """Build settings from `env` (default: os.environ after loading `.env`)."""
        if env is None:
            from dotenv import load_dotenv

            load_dotenv(dotenv_path or (Path.cwd() / ".env"), override=False)
            env = os.environ
        token = env.get("DISCORD_TOKEN", "").strip()
        if require_token and not token:
            raise SettingsError(
                "DISCORD_TOKEN is not set: put your bot token in the environment or .env "
                "(or try `nexus playground`, which needs no token)"
            )
        if token and (len(token) < 20 or any(c.isspace() for c in token)):
            raise SettingsError("DISCORD_TOKEN does not look like a bot token")
        database_url = env.get("DATABASE_URL", "").strip() or _default_database_url()
        database_url = normalise_database_url(database_url)
        log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if log_level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        from bot.shards import shard_plan

        plan = shard_plan(env, is_sqlite=database_url.startswith("sqlite"))
        return cls(
            token=token,
            database_url=database_url,
            log_level=log_level,
            dev_guild_id=_optional_int(env, "DEV_GUILD_ID", minimum=1),
            application_id=_optional_int(env, "APPLICATION_ID", minimum=1),
            digest_grace_hours=_optional_int(env, "DIGEST_GRACE_HOURS", minimum=0) or 24,
            auto_migrate=_bool(env, "AUTO_MIGRATE", True),
            auto_seed=_bool(env, "AUTO_SEED", True),
            sync_on_start=_bool(env, "SYNC_ON_START", True),
            shard_count=plan.shard_count,
            shard_ids=plan.shard_ids,
            job_takeover=_bool(env, "JOB_TAKEOVER", False),
            message_content_intent=_bool(env, "MESSAGE_CONTENT_INTENT", False),
            web_base_url=_web_base_url(env.get("WEB_BASE_URL", "")),
        )

    def logging_level(self) -> int:
        return int(getattr(logging, self.log_level))


def _web_base_url(raw: str) -> str | None:
    text = raw.strip().rstrip("/")
    if not text:
        return None
    parsed = urlsplit(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query:
        raise SettingsError("WEB_BASE_URL must be the hub's address, e.g. https://hub.example.org")
    return text


def normalise_database_url(raw: str) -> str:
    """Validate DATABASE_URL and pick the async driver; errors never echo a password.

    A plain file path (no `scheme://`) is a SQLite database file."""
    if raw.strip() and ":" not in raw:
        raw = f"sqlite+aiosqlite:///{Path(raw.strip()).expanduser().absolute()}"
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise SettingsError(
            "DATABASE_URL is not a valid database URL "
            "(expected sqlite+aiosqlite:///path.db or postgresql://user:pass@host/db)"
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.drivername not in ("sqlite", "sqlite+aiosqlite"):
            raise SettingsError("DATABASE_URL: SQLite must use the aiosqlite driver")
        url = url.set(drivername="sqlite+aiosqlite")
        if sqlite3.sqlite_version_info < SQLITE_MIN:
            raise SettingsError(
                f"this Python's SQLite is {sqlite3.sqlite_version}; Nexus needs "
                f"{'.'.join(map(str, SQLITE_MIN))} or newer (RETURNING, MATERIALIZED): "
                "use a newer Python build or PostgreSQL via DATABASE_URL"
            )
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    elif backend in ("postgresql", "postgres"):
        if url.drivername not in ("postgresql", "postgres", "postgresql+asyncpg"):
            raise SettingsError("DATABASE_URL: PostgreSQL must use the asyncpg driver")
        url = url.set(drivername="postgresql+asyncpg")
        if not url.database:
            raise SettingsError("DATABASE_URL: the PostgreSQL URL names no database")
    else:
        raise SettingsError("DATABASE_URL must be a sqlite or postgresql URL")
    return url.render_as_string(hide_password=False)


def _optional_int(env: Mapping[str, str], name: str, *, minimum: int) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false")
