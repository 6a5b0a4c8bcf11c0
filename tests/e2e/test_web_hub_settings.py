"""The web hub's switches in Discord: a server owner opts in with /setup (off by
default), a member keeps their entries off it with /privacy, and a message saved from a
private thread is never published there even once its author agrees."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from bot.db.models import Challenge
from bot.services import web
from bot.services.guilds import settings as guilds
from tests.e2e.challenges_helpers import challenge_id, share
from tests.e2e.harness import Nexus


async def test_setup_turns_the_hub_on_with_an_address_from_the_server_name(nexus: Nexus) -> None:
    shown = await nexus.sim.command(nexus.admin, "setup", channel=nexus.general)
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Web hub"].startswith("off")
    assert (await guilds.get_settings(nexus.db, nexus.guild.id)).web_enabled is False
    on = await nexus.sim.command(nexus.admin, "setup", {"web_hub": True}, channel=nexus.general)
    assert on.ephemeral and "saved" in on.content
    cfg = await guilds.get_settings(nexus.db, nexus.guild.id)
    assert cfg.web_enabled and not cfg.web_show_names
    assert cfg.web_slug == guilds.web_slug_for(nexus.guild.name)
    assert cfg.web_title == nexus.guild.name
    fields = {f["name"]: f["value"] for f in on.embeds[0]["fields"]}
    assert f"`{cfg.web_slug}`" in fields["Web hub"] and "names hidden" in fields["Web hub"]
    named = await nexus.sim.command(
        nexus.admin,
        "setup",
        {"web_names": True, "web_address": "learners-hub"},
        channel=nexus.general,
    )
    assert "saved" in named.content
    hub = await web.get_hub(nexus.db, "learners-hub")
    assert hub.show_names and hub.title == nexus.guild.name


async def test_bad_web_address_is_explained_and_nothing_changes(nexus: Nexus) -> None:
    before = await guilds.get_settings(nexus.db, nexus.guild.id)
    bad = await nexus.sim.command(
        nexus.admin, "setup", {"web_hub": True, "web_address": "No Spaces!"}
    )
    assert bad.ephemeral and "lowercase letters" in bad.content
    assert await guilds.get_settings(nexus.db, nexus.guild.id) == before


async def test_privacy_keeps_a_members_entries_off_the_hub(nexus: Nexus) -> None:
    off = await nexus.sim.command(nexus.bob, "privacy", {"web": False}, channel=nexus.general)
    assert off.ephemeral and "kept off" in off.content
    assert await web.is_web_hidden(nexus.db, nexus.guild.id, nexus.bob.id)
    on = await nexus.sim.command(nexus.bob, "privacy", {"web": True}, channel=nexus.general)
    assert on.ephemeral and "may appear" in on.content
    assert not await web.is_web_hidden(nexus.db, nexus.guild.id, nexus.bob.id)


async def test_own_capture_in_a_private_thread_is_marked_private(nexus: Nexus) -> None:
    thread = nexus.guild.create_thread(nexus.pairing, "Pair", owner=nexus.bob, private=True)
    said = await nexus.sim.say(nexus.bob, thread, "Webpack chunk names collide in prod")
    saved = await nexus.sim.context_menu(nexus.bob, "Save as challenge", message=said)
    cid = challenge_id(saved)
    public = await nexus.sim.say(nexus.bob, nexus.general, "Vite preview ignores base path")
    kept = await nexus.sim.context_menu(nexus.bob, "Save as challenge", message=public)
    pid = challenge_id(kept)
    typed = challenge_id(
        await share(nexus, nexus.bob, "Typed in the thread", "Secret details", channel=thread)
    )
    async with nexus.db.reader() as s:
        rows = {r.id: r for r in await s.scalars(select(Challenge))}
    assert rows[cid].status == "published" and rows[cid].source_private
    assert rows[typed].status == "published" and rows[typed].source_private
    assert not rows[pid].source_private
    await guilds.update_settings(nexus.db, nexus.guild.id, web_enabled=True, web_slug="hub")
    hub = await web.get_hub(nexus.db, "hub")
    listed, _ = await web.list_hub_challenges(nexus.db, hub)
    assert [c.id for c in listed] == [pid]


def _web_buttons(reply: Any) -> list[str]:
    return [
        str(c["url"])
        for row in reply.components
        for c in row.get("components", [])
        if c.get("label") == "View on the web"
    ]


async def test_view_on_the_web_only_when_the_hub_shows_the_entry(nexus: Nexus) -> None:
    saved = await share(nexus, nexus.alice, "Docker layer cache misses", "Every build is cold")
    cid = challenge_id(saved)
    bobs = challenge_id(await share(nexus, nexus.bob, "Bob's question", "Why"))
    lookup = {"name": "idempotency"}
    # The hub is off and no address is configured: no button.
    reply = await nexus.sim.command(nexus.dave, "concept lookup", lookup, channel=nexus.general)
    assert _web_buttons(reply) == []
    await nexus.sim.command(nexus.admin, "setup", {"web_hub": True, "web_address": "learners"})
    reply = await nexus.sim.command(nexus.dave, "concept lookup", lookup, channel=nexus.general)
    assert _web_buttons(reply) == []  # WEB_BASE_URL is not set
    nexus.settings = replace(nexus.settings, web_base_url="https://hub.example.org")
    await nexus.restart()
    reply = await nexus.sim.command(nexus.dave, "concept lookup", lookup, channel=nexus.general)
    assert _web_buttons(reply) == ["https://hub.example.org/s/learners/concepts/idempotency"]
    view = await nexus.sim.command(nexus.dave, "challenge view", {"id": cid})
    assert _web_buttons(view) == [f"https://hub.example.org/s/learners/challenges/{cid}"]
    # Bob keeps his entries off the hub: his challenge has no button.
    await nexus.sim.command(nexus.bob, "privacy", {"web": False}, channel=nexus.general)
    view = await nexus.sim.command(nexus.dave, "challenge view", {"id": bobs})
    assert "Bob's question" in view.text and _web_buttons(view) == []
    # The owner switches the hub off: no buttons anywhere.
    await nexus.sim.command(nexus.admin, "setup", {"web_hub": False})
    view = await nexus.sim.command(nexus.dave, "challenge view", {"id": cid})
    assert _web_buttons(view) == []
