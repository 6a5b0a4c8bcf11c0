"""Missed lookups feed the knowledge base: moderators see what was asked and found
nothing, most asked first, and answer a miss in one step (an alias, or a draft concept)."""

from __future__ import annotations

from bot.simulator import Member
from tests.e2e.harness import Nexus

ASKED = "kubectl apply"


async def _miss(nexus: Nexus, who: Member, query: str) -> None:
    reply = await nexus.sim.command(who, "concept lookup", {"name": query}, channel=nexus.general)
    assert reply.ephemeral and "don't know" in reply.content, reply.content


async def test_a_missed_lookup_becomes_an_alias_in_one_step(nexus: Nexus) -> None:
    await _miss(nexus, nexus.alice, ASKED)
    await _miss(nexus, nexus.bob, "Kubectl Apply")
    await _miss(nexus, nexus.carol, "quantum pasta")
    shown = await nexus.sim.command(nexus.mod, "curate missed", channel=nexus.general)
    assert shown.ephemeral
    listed = shown.embeds[0]["fields"][0]["value"].splitlines()
    assert listed[0] == f"`{ASKED}` — 2×" and listed[1] == "`quantum pasta` — 1×"
    picked = await nexus.sim.select(nexus.mod, shown, shown.selects[0].custom_id, ["0"])
    alias = next(b for b in picked.buttons if b.label == "Make it an alias…")
    modal = await nexus.sim.click(nexus.mod, picked, alias.custom_id)
    assert modal.modal is not None
    field = modal.modal.fields[0].custom_id
    done = await nexus.sim.submit_modal(nexus.mod, modal, {field: "Kubernetes"})
    assert done.ephemeral and done.content == f"`{ASKED}` now finds **Kubernetes**."
    found = await nexus.sim.command(
        nexus.dave, "concept lookup", {"name": "KUBECTL apply"}, channel=nexus.general
    )
    assert found.embeds[0]["title"] == "Kubernetes"
    again = await nexus.sim.command(nexus.mod, "curate missed", channel=nexus.general)
    assert ASKED not in again.embeds[0]["fields"][0]["value"]


async def test_a_missed_lookup_becomes_a_draft_concept(nexus: Nexus) -> None:
    await _miss(nexus, nexus.alice, "event sourcing")
    shown = await nexus.sim.command(nexus.mod, "curate missed", channel=nexus.general)
    picked = await nexus.sim.select(nexus.mod, shown, shown.selects[0].custom_id, ["0"])
    draft = next(b for b in picked.buttons if b.label == "Draft a concept")
    modal = await nexus.sim.click(nexus.mod, picked, draft.custom_id)
    assert modal.modal is not None and modal.modal.fields[0].value == "event sourcing"


async def test_an_unknown_concept_for_the_alias_is_a_clear_answer(nexus: Nexus) -> None:
    await _miss(nexus, nexus.alice, "dockerized stack")
    shown = await nexus.sim.command(nexus.mod, "curate missed", channel=nexus.general)
    picked = await nexus.sim.select(nexus.mod, shown, shown.selects[0].custom_id, ["0"])
    alias = next(b for b in picked.buttons if b.label == "Make it an alias…")
    modal = await nexus.sim.click(nexus.mod, picked, alias.custom_id)
    assert modal.modal is not None
    done = await nexus.sim.submit_modal(
        nexus.mod, modal, {modal.modal.fields[0].custom_id: "no such concept at all"}
    )
    assert done.ephemeral and "don't know" in done.content


async def test_members_cannot_see_the_missed_lookups(nexus: Nexus) -> None:
    reply = await nexus.sim.command(nexus.alice, "curate missed", channel=nexus.general)
    assert reply.ephemeral and not reply.embeds
