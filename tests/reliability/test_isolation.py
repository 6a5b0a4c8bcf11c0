"""Isolation: two servers with overlapping names and content; nothing of B is readable from A.

Server B's content carries the marker word "Zebra" next to words A uses too (CORS, caching,
Docker). A property test walks every read path from A and never sees the marker; ids from
B used in A behave exactly like ids that never existed; DMs are refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.services.export.service import export_guild
from bot.simulator.models import Member
from bot.simulator.reply import Reply
from bot.tree import DM_REFUSAL
from tests.e2e.challenges_helpers import share, share_takeaway
from tests.e2e.harness import Nexus
from tests.reliability.conftest import fuzz_settings
from tests.reliability.support import (
    all_text,
    answer_text,
    dm_command,
    press,
    registered,
    snapshot,
)

MARK = "zebra7"  # queries say "Zebra"/"zeb": an echo of the query never contains it
PAIR = {"track": "backend", "timezone": "Europe/Berlin", "availability": "weekdays 18-21"}


def _id(reply: Reply) -> int:
    found = re.search(r"#(\d+)", reply.embeds[0]["title"])
    assert found, reply.embeds
    return int(found.group(1))


async def _populate(nexus: Nexus) -> dict[str, Any]:
    """The same shapes in both servers; B's text adds the marker."""
    sim = nexus.sim
    oscar = nexus.other.add_member("oscar", permissions=["MANAGE_GUILD"], global_name="Oscar")
    ids: dict[str, Any] = {"oscar": oscar}
    for tag, member, admin, channel in (
        ("a", nexus.alice, nexus.admin, nexus.general),
        ("b", nexus.other_member, oscar, nexus.other.general),
    ):
        mark = " Zebra7" if tag == "b" else ""
        ch = await share(
            nexus, member, f"CORS caching Docker{mark}", f"Docker build{mark}", channel=channel
        )
        ids[f"{tag}_challenge"] = _id(ch)
        sol = await _solution(nexus, admin, ids[f"{tag}_challenge"], f"Docker fix{mark}", channel)
        ids[f"{tag}_solution"] = sol
        tk = await sim.command(
            member,
            "takeaway share",
            {"kind": "practice", "text": f"CORS caching tip{mark}"},
            channel=channel,
        )
        ids[f"{tag}_takeaway"] = _id(tk)
        form = await sim.command(
            admin, "concept suggest", {"category": "technology"}, channel=channel
        )
        assert form.modal is not None
        done = await sim.submit_modal(
            admin,
            form,
            {
                "name": f"Caching Layer{mark}",
                "summary": f"A cache{mark} in front of Docker.",
                "body": f"Caching{mark} explained with CORS and Docker.\n```py\nx = 1\n```",
            },
        )
        assert done.ephemeral
        joined = await sim.command(
            member, "pair join", {**PAIR, "stack": f"Docker{mark}"}, channel=channel
        )
        assert joined.embeds, joined.content
    ids["b_concept"] = await _concept_id(nexus, nexus.other.id, "Caching Layer Zebra7")
    return ids


async def _solution(nexus: Nexus, who: Member, cid: int, body: str, channel: Any) -> int:
    form = await nexus.sim.command(who, "solution add", {"challenge": cid}, channel=channel)
    assert form.modal is not None, form.content
    done = await nexus.sim.submit_modal(who, form, {"body": body})
    found = re.search(r"solution #(\d+)", done.content)
    assert found, done.content
    return int(found.group(1))


async def _concept_id(nexus: Nexus, guild_id: int, name: str) -> int:
    from sqlalchemy import select

    from bot.db.models import Concept

    async with nexus.db.reader() as s:
        cid = await s.scalar(
            select(Concept.id).where(Concept.guild_id == guild_id, Concept.name == name)
        )
    assert cid is not None, name
    return int(cid)


QUERIES = ["CORS", "caching", "Docker", "Zebra", "zeb", "cach", "Caching Layer", "c", ""]
READS = [
    "concept lookup",
    "concept search",
    "concept list",
    "challenge search",
    "challenge list",
    "challenge list mine",
    "takeaway list",
    "takeaway list new",
    "challenge view",
    "takeaway view",
    "digest preview",
    "pair profile",
    "pair stats",
    "curate queue",
    "curate log",
    "autocomplete concept",
    "autocomplete challenge",
    "autocomplete solution add",
    "autocomplete curate",
    "export",
]


async def _read(
    nexus: Nexus, path: str, q: str, who: Member, ids: dict[str, Any], tmp: Path
) -> str:
    sim, g = nexus.sim, nexus.general
    word = q or "c"
    simple: dict[str, tuple[str, dict[str, Any]]] = {
        "concept lookup": ("concept lookup", {"name": word}),
        "concept search": ("concept search", {"query": word}),
        "concept list": ("concept list", {}),
        "challenge search": ("challenge search", {"query": word}),
        "challenge list": ("challenge list", {}),
        "challenge list mine": ("challenge list", {"filter": "mine"}),
        "takeaway list": ("takeaway list", {}),
        "takeaway list new": ("takeaway list", {"sort": "new"}),
        "challenge view": ("challenge view", {"id": ids["a_challenge"]}),
        "takeaway view": ("takeaway view", {"id": ids["a_takeaway"]}),
        "digest preview": ("digest preview", {}),
        "pair profile": ("pair profile", {}),
        "pair stats": ("pair stats", {}),
        "curate queue": ("curate queue", {}),
        "curate log": ("curate log", {}),
    }
    if path in simple:
        name, options = simple[path]
        reply = await sim.command(who, name, options, channel=g)
        if reply.deferred:
            await reply.wait_followups(1)
        await answer_text(reply)
        text = all_text(reply)
        pages = [b for b in reply.buttons if b.label == "Next" and not b.disabled]
        if pages:
            text += all_text(await sim.click(who, reply, pages[0].custom_id))
        return text
    if path.startswith("autocomplete"):
        which = {
            "autocomplete concept": ("concept lookup", {}, "name"),
            "autocomplete challenge": ("challenge view", {}, "id"),
            "autocomplete solution add": ("solution add", {}, "challenge"),
            "autocomplete curate": ("curate hide", {"kind": "challenge"}, "id"),
        }[path]
        name, base, focus = which
        choices = await sim.autocomplete(
            nexus.mod, name, {**base, focus: q}, focused=focus, channel=g
        )
        return "\n".join(f"{c['name']} {c['value']}" for c in choices)
    assert path == "export"
    files = await export_guild(nexus.db, nexus.guild.id, tmp)
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


@given(data=st.data())
@fuzz_settings(quick=25, soak=250)
async def test_no_read_path_shows_the_other_server(
    nexus: Nexus, data: st.DataObject, tmp_path: Path
) -> None:
    ids = getattr(nexus, "_iso", None)
    if ids is None:
        ids = await _populate(nexus)
        nexus._iso = ids  # type: ignore[attr-defined]
    path = data.draw(st.sampled_from(READS), label="read path")
    q = data.draw(st.sampled_from(QUERIES), label="query")
    who = data.draw(st.sampled_from([nexus.alice, nexus.mod, nexus.admin]), label="who")
    text = await _read(nexus, path, q, who, ids, tmp_path)
    assert MARK not in text.lower(), (path, q, text)


def _normal(text: str, *numbers: int) -> str:
    for n in numbers:
        text = text.replace(str(n), "N")
    return text


async def test_ids_from_another_server_behave_like_unknown_ids(nexus: Nexus) -> None:
    ids = await _populate(nexus)
    sim, g = nexus.sim, nexus.general
    ghost = 987_654_321
    before = await snapshot(nexus.db)
    commands: list[tuple[Member, str, dict[str, Any], str]] = [
        (nexus.alice, "challenge view", {"id": ids["b_challenge"]}, "id"),
        (nexus.alice, "takeaway view", {"id": ids["b_takeaway"]}, "id"),
        (nexus.alice, "solution add", {"challenge": ids["b_challenge"]}, "challenge"),
        (nexus.mod, "curate edit", {"kind": "challenge", "id": ids["b_challenge"]}, "id"),
        (nexus.mod, "curate feature", {"kind": "takeaway", "id": ids["b_takeaway"]}, "id"),
        (
            nexus.mod,
            "curate hide",
            {"kind": "solution", "id": ids["b_solution"], "reason": "spam"},
            "id",
        ),
        (nexus.mod, "curate restore", {"kind": "concept", "id": ids["b_concept"]}, "id"),
        (
            nexus.mod,
            "curate merge",
            {"kind": "challenge", "source": ids["b_challenge"], "target": ids["a_challenge"]},
            "source",
        ),
    ]
    for who, name, options, key in commands:
        foreign = await sim.command(who, name, options, channel=g)
        unknown = await sim.command(who, name, {**options, key: ghost}, channel=g)
        got = _normal(await answer_text(foreign), options[key])
        want = _normal(await answer_text(unknown), ghost)
        assert foreign.ephemeral and foreign.modal is None, (name, got)
        assert got == want, (name, got, want)
    anchor = await share_takeaway(nexus, nexus.bob, "A message to click on")
    assert anchor.message is not None
    buttons = [
        (nexus.alice, "nexus:takeaway:vote:{}", ids["b_takeaway"]),
        (nexus.alice, "nexus:solution:helped:{}", ids["b_solution"]),
        (nexus.mod, "nexus:solution:accept:{}", ids["b_solution"]),
        (nexus.alice, "nexus:flag:challenge:{}", ids["b_challenge"]),
        (nexus.alice, "nexus:concept:open:{}", ids["b_concept"]),
        (nexus.mod, "nexus:curate:approve:challenge:{}", ids["b_challenge"]),
        (nexus.mod, "nexus:curate:reject:takeaway:{}", ids["b_takeaway"]),
        (nexus.mod, "nexus:curate:edit:concept:{}", ids["b_concept"]),
    ]
    for who, template, foreign_id in buttons:
        foreign = await press(nexus, who, anchor.message.id, template.format(foreign_id))
        unknown = await press(nexus, who, anchor.message.id, template.format(ghost))
        got, want = _normal(all_text(foreign), foreign_id), _normal(all_text(unknown), ghost)
        assert foreign.ephemeral and foreign.modal is None, (template, got)
        assert got == want, (template, got, want)
    after = await snapshot(nexus.db)
    after["takeaways"] = [
        r
        for r in after["takeaways"]
        if r not in before["takeaways"] and "A message to click on" not in str(r)
    ] + before["takeaways"]
    assert sorted(map(repr, after["takeaways"])) == sorted(map(repr, before["takeaways"]))
    for table in (
        "challenges",
        "solutions",
        "concepts",
        "flags",
        "audit_log",
        "solution_helped",
        "takeaway_votes",
    ):
        assert after[table] == before[table], table


async def test_commands_are_guild_only_and_dms_are_refused(nexus: Nexus) -> None:
    for cmd in registered(nexus):
        assert cmd.get("contexts") == [0], (cmd["name"], cmd.get("contexts"))
    for who, name, options in (
        (nexus.alice, "concept lookup", {"name": "caching"}),
        (nexus.alice, "takeaway share", {"kind": "practice", "text": "from a DM"}),
        (nexus.alice, "pair join", PAIR),
        (nexus.mod, "curate queue", {}),
        (nexus.admin, "setup", {}),
        (nexus.alice, "digest preview", {}),
    ):
        before = await snapshot(nexus.db)
        reply = await dm_command(nexus, who, name, options)
        assert reply.ephemeral and reply.content == DM_REFUSAL, (name, reply.content)
        assert await snapshot(nexus.db) == before, name
