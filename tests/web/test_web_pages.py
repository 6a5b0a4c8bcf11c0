"""The hub's pages through aiohttp's test client, on a real database opened read-only."""

from __future__ import annotations

import hashlib
import re

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bot.db import Database
from bot.db.base import Base
from bot.services import guilds
from bot.web.context import DB, WebConfig
from bot.web.security import HEADERS
from tests.web.conftest import MakeClient
from tests.web.support import (
    BOB,
    WEEK,
    G,
    challenge,
    concept,
    open_hub,
    posted_digest,
    solution,
    takeaway,
)


async def _fill(db: Database) -> dict[str, int]:
    await open_hub(db, names=False)
    c = await challenge(db, "Webpack chunk names collide", solved=True)
    await solution(db, c, "Set `output.chunkFilename`", accepted=True, minutes=5)
    await solution(db, c, "Try a clean build first", helped=3)
    merged = await challenge(db, "Chunks collide again", status="hidden", merged_into_id=c)
    await concept(db, "Caching Layer", frontend="Browser cache", backend="Redis", related=["memo"])
    await concept(db, "Memo", related=["caching-layer"])
    survivor = await concept(db, "Memo Table")
    await concept(db, "Memo Old", status="hidden", merged_into_id=survivor)
    await takeaway(db, "Read the **error** first", votes=4)
    await posted_digest(db)
    return {"challenge": c, "merged": merged}


PAGES = (
    "/",
    "/s/learners/",
    "/s/learners/concepts",
    "/s/learners/concepts?track=frontend",
    "/s/learners/concepts?category=tool&track=backend",
    "/s/learners/concepts/caching-layer",
    "/s/learners/challenges",
    "/s/learners/challenges/{challenge}",
    "/s/learners/takeaways",
    "/s/learners/digests",
    f"/s/learners/digests/{WEEK}",
    "/s/learners/search?q=cachng",
)


async def test_every_page_has_a_title_a_description_and_the_security_headers(
    db: Database, hub_client: MakeClient
) -> None:
    ids = await _fill(db)
    client = await hub_client()
    titles = set()
    for path in PAGES:
        resp = await client.get(path.format(**ids))
        body = await resp.text()
        assert resp.status == 200, (path, body[:500])
        assert resp.content_type == "text/html"
        for name, value in HEADERS.items():
            assert resp.headers[name] == value
        title = re.search(r"<title>(.+?)</title>", body)
        assert title and title.group(1).strip(), path
        titles.add(title.group(1))
        assert re.search(r'<meta name="description" content="[^"]+">', body), path
        assert "<script" not in body and " style=" not in body
        assert str(G) not in body and "discord.com/channels" not in body
    assert len(titles) == len(PAGES)  # every page its own title
    assert "aiohttp" not in resp.headers["Server"]
    css = await client.get("/static/hub.css")
    assert css.status == 200 and css.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in css.headers["Content-Security-Policy"]


async def test_challenge_page_shows_the_accepted_solution_first_without_names(
    db: Database, hub_client: MakeClient
) -> None:
    ids = await _fill(db)
    client = await hub_client()
    body = await (await client.get(f"/s/learners/challenges/{ids['challenge']}")).text()
    assert body.index("Accepted solution") < body.index("Try a clean build first")
    assert "Alice" not in body and "Bob" not in body and "a member" in body
    await guilds.update_settings(db, G, web_show_names=True)
    body = await (await client.get(f"/s/learners/challenges/{ids['challenge']}")).text()
    assert "asked by Alice" in body and "by Bob" in body


async def test_concept_page_has_both_angles_and_related_links(
    db: Database, hub_client: MakeClient
) -> None:
    await _fill(db)
    client = await hub_client()
    body = await (await client.get("/s/learners/concepts/caching-layer")).text()
    assert "Browser cache" in body and "Redis" in body
    assert 'href="/s/learners/concepts/memo"' in body


async def test_merged_entries_redirect_permanently_to_the_survivor(
    db: Database, hub_client: MakeClient
) -> None:
    ids = await _fill(db)
    client = await hub_client()
    moved = await client.get(f"/s/learners/challenges/{ids['merged']}", allow_redirects=False)
    assert moved.status == 301
    assert moved.headers["Location"] == f"/s/learners/challenges/{ids['challenge']}"
    moved = await client.get("/s/learners/concepts/memo-old", allow_redirects=False)
    assert (moved.status, moved.headers["Location"]) == (301, "/s/learners/concepts/memo-table")
    slash = await client.get("/s/learners", allow_redirects=False)
    assert (slash.status, slash.headers["Location"]) == (301, "/s/learners/")


@pytest.mark.parametrize(
    "path",
    [
        "/s/nowhere/",
        "/s/learners/challenges/987654",
        "/s/learners/challenges/99999999999999999999",
        "/s/learners/concepts/no-such-thing",
        "/s/learners/digests/2020-01-06",
        "/s/learners/digests/not-a-date",
        "/s/learners/nothing-here",
        "/nothing",
    ],
)
async def test_unknown_servers_ids_and_paths_get_a_404_page(
    db: Database, hub_client: MakeClient, path: str
) -> None:
    await _fill(db)
    client = await hub_client()
    resp = await client.get(path)
    body = await resp.text()
    assert resp.status == 404 and resp.content_type == "text/html"
    assert "<h1>Not found</h1>" in body
    assert resp.headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]


async def test_a_server_that_switches_the_hub_off_is_gone(
    db: Database, hub_client: MakeClient
) -> None:
    await _fill(db)
    client = await hub_client()
    assert (await client.get("/s/learners/")).status == 200
    await guilds.update_settings(db, G, web_enabled=False)
    assert (await client.get("/s/learners/")).status == 404
    assert "/s/learners/" not in await (await client.get("/sitemap.xml")).text()


async def test_bad_filter_is_a_400_page(db: Database, hub_client: MakeClient) -> None:
    await _fill(db)
    client = await hub_client()
    resp = await client.get("/s/learners/concepts?track=<script>")
    body = await resp.text()
    assert resp.status == 400 and "Track must be one of" in body and "<script>" not in body


async def test_sitemap_lists_published_pages_only(db: Database, hub_client: MakeClient) -> None:
    ids = await _fill(db)
    hidden = await challenge(db, "Not for the web", status="hidden")
    client = await hub_client(WebConfig(base_url="https://hub.example.org"))
    resp = await client.get("/sitemap.xml")
    xml = await resp.text()
    assert resp.status == 200 and resp.content_type == "application/xml"
    assert f"<loc>https://hub.example.org/s/learners/challenges/{ids['challenge']}</loc>" in xml
    assert "/s/learners/concepts/caching-layer</loc>" in xml
    assert f"/challenges/{hidden}<" not in xml and f"/challenges/{ids['merged']}<" not in xml
    robots = await (await client.get("/robots.txt")).text()
    assert "Sitemap: https://hub.example.org/sitemap.xml" in robots


async def test_search_with_a_typo_finds_the_concept_and_the_challenge(
    db: Database, hub_client: MakeClient
) -> None:
    await _fill(db)
    client = await hub_client()
    body = await (await client.get("/s/learners/search?q=idempotncy")).text()
    assert 'href="/s/learners/concepts/idempotency"' in body
    body = await (await client.get("/s/learners/search?q=webpack")).text()
    assert "Webpack chunk names collide" in body
    body = await (await client.get("/s/learners/search?q=" + "a" * 300)).text()
    assert "at most 200 characters" in body


async def _snapshot(db: Database) -> str:
    digest = hashlib.sha256()
    async with db.reader() as s:
        for table in Base.metadata.sorted_tables:
            rows = (await s.execute(select(table))).all()
            digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


async def test_page_views_leave_the_database_unchanged(
    db: Database, hub_client: MakeClient
) -> None:
    ids = await _fill(db)
    await guilds.get_settings(db, BOB)  # every row the bot would create exists already
    before = await _snapshot(db)
    client = await hub_client()
    for path in PAGES + ("/sitemap.xml", "/s/nowhere/", "/s/learners/concepts/memo-old"):
        await client.get(path.format(**ids))
    assert await _snapshot(db) == before
    # And it could not write if it tried: the hub's connections are read-only.
    assert isinstance(client.server, TestServer)
    reader = client.server.app[DB]
    with pytest.raises(DBAPIError):
        async with reader.sessions.begin() as s:
            await s.execute(text("UPDATE guild_settings SET web_title = 'x'"))


async def test_requests_are_rate_limited_per_client(db: Database, hub_client: MakeClient) -> None:
    await _fill(db)
    client = await hub_client(WebConfig(per_minute=60, burst=3))
    statuses = [(await client.get("/static/hub.css")).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = await client.get("/s/learners/")
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["X-Content-Type-Options"] == "nosniff"


async def test_behind_a_proxy_clients_are_told_apart_by_the_proxys_address(
    db: Database, hub_client: MakeClient
) -> None:
    await _fill(db)
    client = await hub_client(WebConfig(per_minute=60, burst=2, behind_proxy=True))
    one, two = {"X-Forwarded-For": "1.1.1.1"}, {"X-Forwarded-For": "9.9.9.9, 2.2.2.2"}
    assert [(await client.get("/", headers=one)).status for _ in range(3)] == [200, 200, 429]
    assert (await client.get("/", headers=two)).status == 200  # another client
    # A client cannot dodge the limit by sending its own first hop.
    spoofed = {"X-Forwarded-For": "7.7.7.7, 1.1.1.1"}
    assert (await client.get("/", headers=spoofed)).status == 429
