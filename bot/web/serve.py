"""`nexus web`: serve the hub until interrupted."""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.services import web as hub_service
from bot.web.app import create_app
from bot.web.context import WebConfig
from bot.web.database import open_read_only

log = logging.getLogger("nexus.web")


class NotReady(RuntimeError):
    """The database cannot be read as the hub needs (missing or not upgraded)."""


async def build(url: str, config: WebConfig) -> web.Application:
    db = open_read_only(url)
    try:
        hubs = await hub_service.list_hubs(db)
    except SQLAlchemyError as err:
        await db.dispose()
        raise NotReady(
            "the database cannot be read: start the bot once or run `nexus db upgrade` "
            f"({err.__class__.__name__})"
        ) from err
    log.info("web hub: %d server(s) opted in", len(hubs))
    app = create_app(db, config)

    async def close(_app: web.Application) -> None:
        await db.dispose()

    app.on_cleanup.append(close)
    return app


def run(url: str, host: str, port: int, config: WebConfig) -> None:
    web.run_app(
        build(url, config),
        host=host,
        port=port,
        access_log=None,
        print=lambda _text: print(f"Nexus web hub on http://{host}:{port}/ (Ctrl+C to stop)"),
    )
