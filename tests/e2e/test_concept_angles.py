"""A concept both tracks meet shows the asker's track's angle, the other a click away."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import Nexus

FRONTEND, BACKEND = "The frontend angle", "The backend angle"


def _fields(embed: dict[str, Any]) -> list[str]:
    return [f["name"] for f in embed.get("fields", [])]


async def test_the_track_option_shows_that_angle_and_the_other_is_one_click_away(
    nexus: Nexus,
) -> None:
    reply = await nexus.sim.command(
        nexus.alice,
        "concept lookup",
        {"name": "CORS", "track": "frontend"},
        channel=nexus.general,
    )
    embed = reply.embeds[0]
    assert embed["title"] == "CORS"
    assert FRONTEND in _fields(embed) and BACKEND not in _fields(embed)
    other = next(b for b in reply.buttons if b.label == "Backend angle")
    shown = await nexus.sim.click(nexus.bob, reply, other.custom_id)
    assert shown.ephemeral
    assert shown.embeds[0]["title"] == "CORS: the backend angle"
    assert "origin" in shown.embeds[0]["description"].lower()


async def test_the_pairing_profile_track_is_the_default(nexus: Nexus) -> None:
    joined = await nexus.sim.command(
        nexus.bob,
        "pair join",
        {"track": "backend", "timezone": "Europe/Berlin", "availability": "Mon 18-21"},
        channel=nexus.general,
    )
    assert joined.ephemeral
    reply = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "JWT"}, channel=nexus.general
    )
    assert BACKEND in _fields(reply.embeds[0]) and FRONTEND not in _fields(reply.embeds[0])
    assert any(b.label == "Frontend angle" for b in reply.buttons)


async def test_without_a_track_both_angles_are_shown(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.carol, "concept lookup", {"name": "Pagination"}, channel=nexus.general
    )
    fields = _fields(reply.embeds[0])
    assert FRONTEND in fields and BACKEND in fields
    assert not any(b.label.endswith(" angle") for b in reply.buttons if b.label)


async def test_a_single_track_concept_has_no_angles(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice,
        "concept lookup",
        {"name": "Celery", "track": "frontend"},
        channel=nexus.general,
    )
    assert not {FRONTEND, BACKEND} & set(_fields(reply.embeds[0]))
