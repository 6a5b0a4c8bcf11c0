"""Mention markup (<@id>, <#id>, <@&id>) never shows where Discord does not render it:
embed titles, field names, footers, select options, autocomplete choices, form labels.
Names stand there instead (or "@member" / "#channel" when unknown), nobody is pinged, and
the entry's own text keeps the markup where Discord renders it (descriptions, values)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update

from bot.db.models import Challenge
from bot.simulator.reply import Reply
from tests.e2e.challenges_helpers import challenge_id, share
from tests.e2e.harness import Nexus

RAW = re.compile(r"<(?:@[!&]?|#)\d+>")


def plain_text_places(reply: Reply) -> list[str]:
    """Every text of a reply that Discord shows without rendering mentions."""
    out: list[str] = []
    for embed in reply.embeds:
        out.append(embed.get("title") or "")
        out.append((embed.get("footer") or {}).get("text") or "")
        out.append((embed.get("author") or {}).get("name") or "")
        out += [f.get("name") or "" for f in embed.get("fields") or []]
    for menu in reply.selects:
        out.append(menu.placeholder or "")
        out += [o.get("label", "") + " " + o.get("description", "") for o in menu.options]
    out += [b.label or "" for b in reply.buttons]
    out += [c["name"] for c in reply.choices or []]
    if reply.modal is not None:
        out.append(reply.modal.title)
        out += [f.label or "" for f in reply.modal.fields]
    return out


def assert_no_raw_markup(reply: Reply) -> None:
    raw = [t for t in plain_text_places(reply) if RAW.search(t)]
    assert not raw, raw


async def test_captured_title_shows_names_and_nobody_is_pinged(nexus: Nexus) -> None:
    text = (
        f"<@{nexus.alice.id}> <#{nexus.pairing.id}> <@&{nexus.mod_role.id}> migrations fail\n"
        "relation does not exist"
    )
    said = await nexus.sim.say(nexus.bob, nexus.general, text)
    saved = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=said)
    assert saved.message is not None and not saved.message.pings
    assert_no_raw_markup(saved)
    title = saved.embeds[0]["title"]
    assert title.endswith("@Alice #pairing @Moderator migrations fail"), title
    # The entry's text keeps the markup: Discord renders it in the description.
    assert f"<@{nexus.alice.id}>" in saved.embeds[0]["description"]
    cid = challenge_id(saved)
    listed = await nexus.sim.command(nexus.dave, "challenge list", {}, channel=nexus.general)
    assert_no_raw_markup(listed)
    choices = await nexus.sim.autocomplete(
        nexus.dave, "challenge view", {"id": "migrations"}, focused="id", channel=nexus.general
    )
    assert choices and not any(RAW.search(c["name"]) for c in choices)
    form = await nexus.sim.command(nexus.dave, "solution add", {"challenge": cid})
    assert_no_raw_markup(form)


async def test_typed_titles_and_old_rows_show_placeholders(nexus: Nexus) -> None:
    unknown = 112233445566778899
    typed = await share(
        nexus, nexus.alice, f"Ask <@{unknown}> about <#{nexus.pairing.id}>", "details"
    )
    assert_no_raw_markup(typed)
    assert typed.embeds[0]["title"].endswith("Ask @member about #pairing")
    cid = challenge_id(typed)
    # A title stored before names were rendered (or edited in by hand) still shows none.
    async with nexus.db.sessions.begin() as s:
        await s.execute(
            update(Challenge)
            .where(Challenge.id == cid)
            .values(title=f"Ping <@!{unknown}> <@&{unknown}> <#{unknown}> now")
        )
    viewed = await nexus.sim.command(nexus.bob, "challenge view", {"id": cid})
    assert_no_raw_markup(viewed)
    assert viewed.embeds[0]["title"].endswith("Ping @member @role #channel now")
    said = await nexus.sim.say(nexus.bob, nexus.general, "run the migration again, it works")
    pick = await nexus.sim.context_menu(nexus.bob, "Save as solution", message=said)
    assert pick.selects, pick.content
    assert_no_raw_markup(pick)
    labels: list[Any] = [o["label"] for o in pick.selects[0].options]
    assert any("Ping @member @role #channel now" in label for label in labels), labels
