"""The hub as an aiohttp application: pages, a static stylesheet, headers and limits."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.db import Database
from bot.errors import Invalid, NotFound
from bot.services.web import hub_path
from bot.web.context import DB, SETTINGS, WebConfig
from bot.web.markdown import MarkdownRenderer, web_url
from bot.web.pages import routes
from bot.web.security import (
    Handler,
    RateLimiter,
    add_security_headers,
    rate_limit_middleware,
)

log = logging.getLogger("nexus.web")
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"


def _error_page(request: web.Request, status: int, message: str) -> web.Response:
    title = "Not found" if status == 404 else "Bad request"
    context = {"title": title, "description": message, "message": message, "hub": None}
    context["query"] = ""
    return aiohttp_jinja2.render_template("error.html", request, context, status=status)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unknown servers, ids and paths: a proper 404 page; bad filters: 400."""
    try:
        return await handler(request)
    except NotFound as err:
        return _error_page(request, 404, str(err))
    except Invalid as err:
        return _error_page(request, 400, str(err))
    except web.HTTPNotFound:
        return _error_page(request, 404, "There is no page at this address.")


def create_app(db: Database, config: WebConfig | None = None) -> web.Application:
    """The hub reading `db` (open it read-only: bot.web.database.open_read_only)."""
    config = config or WebConfig()
    middlewares: list[Middleware] = [errors]
    if config.per_minute > 0:
        limiter = RateLimiter(per_minute=config.per_minute, burst=config.burst)
        middlewares.insert(0, rate_limit_middleware(limiter, config.behind_proxy))
    app = web.Application(middlewares=middlewares)
    app[DB] = db
    app[SETTINGS] = config
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = MarkdownRenderer()
    env.filters["web_url"] = web_url
    env.globals["hub_path"] = hub_path
    app.add_routes(routes())
    app.router.add_static("/static", STATIC, append_version=False)
    app.on_response_prepare.append(add_security_headers)
    return app
