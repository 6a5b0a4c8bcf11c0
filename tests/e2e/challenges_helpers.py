"""Shared steps for the challenges, solutions and takeaways end-to-end tests."""

from __future__ import annotations

from typing import Any

from bot.simulator.models import Channel, Member
from bot.simulator.reply import Reply
from tests.e2e.harness import Nexus


async def share(
    nexus: Nexus,
    who: Member,
    title: str,
    problem: str,
    tried: str = "",
    *,
    channel: Channel | None = None,
    **options: Any,
) -> Reply:
    """/challenge share [options] -> the form -> submit."""
    form = await nexus.sim.command(
        who, "challenge share", options, channel=channel or nexus.general
    )
    assert form.modal is not None, form
    values = {"title": title, "problem": problem}
    if tried:
        values["tried"] = tried
    return await nexus.sim.submit_modal(who, form, values)


def challenge_id(reply: Reply) -> int:
    title = reply.embeds[0]["title"]
    return int(title.split(" ", 1)[0].lstrip("#"))


async def add_solution(nexus: Nexus, who: Member, cid: int, body: str) -> Reply:
    form = await nexus.sim.command(who, "solution add", {"challenge": cid}, channel=nexus.general)
    assert form.modal is not None, form
    return await nexus.sim.submit_modal(who, form, {"body": body})


def button(reply: Reply, prefix: str) -> str:
    found = [b.custom_id for b in reply.buttons if (b.custom_id or "").startswith(prefix)]
    assert found, (prefix, [b.custom_id for b in reply.buttons])
    return str(found[0])


async def share_takeaway(
    nexus: Nexus, who: Member, text: str, kind: str = "practice", **options: Any
) -> Reply:
    return await nexus.sim.command(
        who, "takeaway share", {"kind": kind, "text": text, **options}, channel=nexus.general
    )
