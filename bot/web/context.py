"""What the hub's handlers share: the application's keys and its configuration."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.db import Database
from bot.web.markdown import plain

__all__ = ["DB", "SETTINGS", "WebConfig", "plain"]


@dataclass(frozen=True)
class WebConfig:
    """`base_url`: the hub's public address (for the sitemap), else the request's origin.
    Rate limit: `per_minute` requests a minute per client on average, bursts of `burst`;
    0 switches it off (the benchmark's floor). `behind_proxy`: the peer is a reverse proxy,
    and the client is the last address it added to X-Forwarded-For (never trusted
    otherwise: any client can send that header)."""

    base_url: str | None = None
    per_minute: float = 120.0
    burst: int = 40
    behind_proxy: bool = False


DB = web.AppKey("nexus_db", Database)
SETTINGS = web.AppKey("nexus_web_config", WebConfig)
