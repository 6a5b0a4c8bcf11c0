"""Concepts proposed when a challenge is recorded (any path): only concepts the challenge
names, privately to whoever recorded it, one click per concept links it; re-checked on
click (who, the challenge still there), and nothing proposed when nothing convinces."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db.models import ChallengeConcept, Concept
from bot.simulator.reply import MessageView, Reply
from tests.e2e.challenges_helpers import challenge_id, share
from tests.e2e.harness import Nexus

LINK = "nexus:challenge:link:"


async def _proposal(reply: Reply) -> MessageView:
    [offer] = await reply.wait_followups(1)
    assert offer.ephemeral
    return offer


def _links(message: MessageView | Reply) -> dict[str, str]:
    return {
        str(b.label).removeprefix("Link "): str(b.custom_id)
        for b in message.buttons
        if (b.custom_id or "").startswith(LINK)
    }


async def _linked(nexus: Nexus, cid: int) -> set[str]:
    async with nexus.db.reader() as s:
        rows = await s.scalars(
            select(Concept.name)
            .join(ChallengeConcept, ChallengeConcept.concept_id == Concept.id)
            .where(ChallengeConcept.challenge_id == cid)
        )
        return set(rows.all())


async def test_share_proposes_the_concepts_it_names(nexus: Nexus) -> None:
    reply = await share(
        nexus,
        nexus.alice,
        "CORS error when my React app calls the Django API",
        "The browser blocks it: no Access-Control-Allow-Origin header",
    )
    cid = challenge_id(reply)
    offer = await _proposal(reply)
    links = _links(offer)
    assert set(links) == {"CORS", "React", "Django"}, offer.content
    assert f"#{cid}" in offer.content and "CORS" in offer.content
    assert await _linked(nexus, cid) == set()  # nothing is linked before the click
    await nexus.restart()  # the buttons work after a restart
    done = await nexus.sim.click(nexus.alice, offer, links["CORS"])
    assert "Linked **CORS**" in done.text and set(_links(done)) == {"React", "Django"}
    assert await _linked(nexus, cid) == {"CORS"}
    listed = await nexus.sim.command(nexus.bob, "challenge list", {"concept": "CORS"})
    assert f"#{cid}" in listed.text
    last = await nexus.sim.click(nexus.alice, done, _links(done)["Django"])
    final = await nexus.sim.click(nexus.alice, last, _links(last)["React"])
    assert "Linked **React**" in final.text and not final.buttons
    assert await _linked(nexus, cid) == {"CORS", "React", "Django"}


async def test_tagged_concepts_are_not_proposed_again(nexus: Nexus) -> None:
    reply = await share(
        nexus,
        nexus.bob,
        "Docker build cache never hits on CI",
        "every layer rebuilds",
        concept1="Docker",
    )
    offer = await _proposal(reply)
    assert "Docker" not in _links(offer) and "CI/CD" in _links(offer)


async def test_nothing_convincing_proposes_nothing(nexus: Nexus) -> None:
    reply = await share(nexus, nexus.carol, "Help please, nothing works", "since this morning")
    challenge_id(reply)
    await asyncio.sleep(0.5)
    assert not [m for m in nexus.sim.bot_messages if LINK in str(m.components)]


async def test_save_as_challenge_proposes_to_the_saver_and_checks_on_click(nexus: Nexus) -> None:
    said = await nexus.sim.say(nexus.dave, nexus.general, "Redis TTL keys never expire, why?")
    saved = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=said)
    cid = challenge_id(saved)
    offer = await _proposal(saved)
    links = _links(offer)
    assert "Redis" in links
    # Someone else than the author, the saver or a moderator: refused, nothing linked.
    refused = await nexus.sim.click(nexus.mallory, offer, links["Redis"])
    assert refused.ephemeral and "Only the challenge's author" in refused.content
    assert await _linked(nexus, cid) == set()
    done = await nexus.sim.click(nexus.carol, offer, links["Redis"])  # the saver may
    assert "Linked **Redis**" in done.text and await _linked(nexus, cid) == {"Redis"}
    # The author removes the challenge: a later click says so and links nothing.
    ask = await nexus.sim.command(nexus.dave, "challenge remove", {"id": cid})
    removed = await nexus.sim.click(nexus.dave, ask, str(ask.buttons[0].custom_id))
    assert "Removed" in removed.text
    rest = _links(done)
    assert rest, done.text
    gone = await nexus.sim.click(nexus.carol, done, next(iter(rest.values())))
    assert gone.ephemeral and "no longer here" in gone.content
    assert await _linked(nexus, cid) == {"Redis"}
