"""Point an in-process discord.py client at a simulator (two class attributes)."""

from __future__ import annotations

from collections.abc import Callable


def redirect_discord(rest_url: str, gateway_url: str) -> Callable[[], None]:
    """Set discord.http.Route.BASE and DiscordWebSocket.DEFAULT_GATEWAY; returns an undo."""
    import discord.gateway
    import discord.http
    import yarl

    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = rest_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore() -> None:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved

    return restore
