"""The hub's pages: each handler asks bot.services.web for plain data and renders it."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

import aiohttp_jinja2
from aiohttp import web

from bot.db import Database
from bot.services import concepts
from bot.services import web as hub_service
from bot.web.context import DB, SETTINGS, plain

PER_PAGE = 50


def _db(request: web.Request) -> Database:
    return request.app[DB]


def _page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) <= 5 and int(raw) > 0 else 1


def _render(request: web.Request, template: str, **context: Any) -> web.Response:
    context.setdefault("hub", None)
    context.setdefault("query", "")
    return aiohttp_jinja2.render_template(template, request, context)


async def _hub(request: web.Request) -> hub_service.Hub:
    return await hub_service.get_hub(_db(request), request.match_info["hub"])


def _moved(location: str) -> web.HTTPMovedPermanently:
    return web.HTTPMovedPermanently(location)


async def index(request: web.Request) -> web.Response:
    hubs = await hub_service.list_hubs(_db(request))
    return _render(
        request,
        "index.html",
        title="Nexus knowledge hubs",
        description="What learner communities on Discord learned: concepts, solved "
        "challenges and takeaways, readable and searchable.",
        hubs=hubs,
    )


async def hub_home(request: web.Request) -> web.Response:
    hub = await _hub(request)
    home = await hub_service.hub_home(_db(request), hub)
    return _render(
        request,
        "home.html",
        title=hub.title,
        description=f"What {hub.title} learned: concepts, solved challenges, takeaways "
        "and the weekly digest.",
        hub=hub,
        home=home,
    )


async def hub_root(request: web.Request) -> web.Response:
    raise _moved(hub_service.hub_path(request.match_info["hub"], ""))


async def concept_list(request: web.Request) -> web.Response:
    hub = await _hub(request)
    track = request.query.get("track") or None
    category = request.query.get("category") or None
    items = await hub_service.list_hub_concepts(_db(request), hub, track=track, category=category)
    groups: dict[str, list[hub_service.WebConceptBrief]] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    scope = " ".join(x for x in (track, category) if x)
    return _render(
        request,
        "concepts.html",
        title=f"Concepts{' · ' + scope if scope else ''} · {hub.title}",
        description=f"{len(items)} concepts of {hub.title}, by track and category.",
        hub=hub,
        groups=groups,
        track=track,
        category=category,
        tracks=("frontend", "backend"),
        categories=concepts.CATEGORIES,
    )


async def concept_page(request: web.Request) -> web.Response:
    hub = await _hub(request)
    found = await hub_service.get_hub_concept(_db(request), hub, request.match_info["slug"])
    if isinstance(found, hub_service.Moved):
        raise _moved(hub_service.concept_path(hub.slug, found.to))
    return _render(
        request,
        "concept.html",
        title=f"{found.name} · {hub.title}",
        description=plain(found.summary),
        hub=hub,
        concept=found,
    )


async def challenge_list(request: web.Request) -> web.Response:
    hub = await _hub(request)
    page = _page_number(request)
    items, has_next = await hub_service.list_hub_challenges(
        _db(request), hub, page=page - 1, per_page=PER_PAGE
    )
    return _render(
        request,
        "challenges.html",
        title=f"Challenges · {hub.title}" + (f" · page {page}" if page > 1 else ""),
        description=f"Challenges {hub.title} worked on, newest first, with their solutions.",
        hub=hub,
        items=items,
        page=page,
        has_next=has_next,
    )


async def challenge_page(request: web.Request) -> web.Response:
    hub = await _hub(request)
    raw = request.match_info["id"]
    challenge_id = int(raw) if len(raw) <= 10 else 0  # 0: never an id, a 404
    found = await hub_service.get_hub_challenge(_db(request), hub, challenge_id)
    if isinstance(found, hub_service.Moved):
        raise _moved(hub_service.challenge_path(hub.slug, int(found.to)))
    return _render(
        request,
        "challenge.html",
        title=f"{plain(found.title, 80)} · {hub.title}",
        description=plain(found.problem) or plain(found.title),
        hub=hub,
        challenge=found,
    )


async def takeaway_list(request: web.Request) -> web.Response:
    hub = await _hub(request)
    page = _page_number(request)
    items = await hub_service.top_takeaways(
        _db(request), hub, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE
    )
    return _render(
        request,
        "takeaways.html",
        title=f"Takeaways · {hub.title}" + (f" · page {page}" if page > 1 else ""),
        description=f"Lessons and best practices members of {hub.title} shared, most voted first.",
        hub=hub,
        items=items[:PER_PAGE],
        page=page,
        has_next=len(items) > PER_PAGE,
    )


async def digest_list(request: web.Request) -> web.Response:
    hub = await _hub(request)
    periods = await hub_service.digest_periods(_db(request), hub)
    return _render(
        request,
        "digests.html",
        title=f"Weekly digests · {hub.title}",
        description=f"Every week {hub.title} learned something: the digest archive.",
        hub=hub,
        periods=periods,
    )


async def digest_page(request: web.Request) -> web.Response:
    hub = await _hub(request)
    week = await hub_service.digest_week(_db(request), hub, request.match_info["period"])
    return _render(
        request,
        "digest.html",
        title=f"Week of {week.period} · {hub.title}",
        description=f"What {hub.title} learned in the week of {week.period}.",
        hub=hub,
        week=week,
    )


async def search(request: web.Request) -> web.Response:
    hub = await _hub(request)
    query = request.query.get("q", "")
    found = await hub_service.search_hub(_db(request), hub, query)
    return _render(
        request,
        "search.html",
        title=f"Search{': ' + plain(found.query, 60) if found.query else ''} · {hub.title}",
        description=f"Search the concepts and challenges of {hub.title}.",
        hub=hub,
        found=found,
        query=found.query,
    )


def _origin(request: web.Request) -> str:
    configured = request.app[SETTINGS].base_url
    return configured or str(request.url.origin())


async def sitemap(request: web.Request) -> web.Response:
    db, origin = _db(request), _origin(request)
    urls = [origin + "/"]
    for hub in await hub_service.list_hubs(db):
        urls += [origin + p for p in await hub_service.hub_paths(db, hub)]
    body = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls[: hub_service.SITEMAP_MAX])
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
    )
    return web.Response(text=xml, content_type="application/xml")


async def robots(request: web.Request) -> web.Response:
    return web.Response(
        text=f"User-agent: *\nAllow: /\nSitemap: {_origin(request)}/sitemap.xml\n",
        content_type="text/plain",
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/", index),
        web.get("/sitemap.xml", sitemap),
        web.get("/robots.txt", robots),
        web.get("/s/{hub}", hub_root),
        web.get("/s/{hub}/", hub_home),
        web.get("/s/{hub}/concepts", concept_list),
        web.get("/s/{hub}/concepts/{slug}", concept_page),
        web.get("/s/{hub}/challenges", challenge_list),
        web.get(r"/s/{hub}/challenges/{id:\d+}", challenge_page),
        web.get("/s/{hub}/takeaways", takeaway_list),
        web.get("/s/{hub}/digests", digest_list),
        web.get("/s/{hub}/digests/{period}", digest_page),
        web.get("/s/{hub}/search", search),
    ]
