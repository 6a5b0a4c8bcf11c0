"""After a merge nothing is lost: the duplicate's names, aliases and ids lead to the survivor
(lookup, autocomplete, search, views), through the real bot and the simulator."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import BASE_GUILD_ID, Concept
from tests.e2e.harness import Nexus
from tests.unit import curation_factory as f


async def _concept(nexus: Nexus, guild: int, slug: str, name: str, aliases: list[str]) -> int:
    return await f.add(
        nexus.db,
        Concept(
            guild_id=guild,
            slug=slug,
            name=name,
            aliases=aliases,
            category="tool",
            tracks="backend",
            summary=f"{name} in one line",
            body=f"{name} explained",
            search_text=f"{name} {' '.join(aliases)} explained",
            status="published",
            author_id=nexus.alice.id,
            author_name="Alice",
        ),
    )


async def _merge(nexus: Nexus, kind: str, source: int, target: int) -> None:
    reply = await nexus.sim.command(
        nexus.mod,
        "curate merge",
        {"kind": kind, "source": source, "target": target, "reason": "Duplicate"},
        channel=nexus.general,
    )
    text = reply.followups[0].content if reply.followups else reply.text
    assert f"Merged {kind} #{source}" in text, text


async def _lookup(nexus: Nexus, name: str | int) -> tuple[str, str]:
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": str(name)}, channel=nexus.general
    )
    assert reply.embeds, reply.content
    return reply.embeds[0]["title"], reply.content or ""


async def test_a_merged_concepts_names_aliases_and_id_lead_to_the_survivor(nexus: Nexus) -> None:
    g = nexus.guild.id
    dup = await _concept(nexus, g, "layer-caching", "Docker layer caching", ["layer cache"])
    keep = await _concept(nexus, g, "build-cache", "Build cache", ["buildkit cache"])
    await _merge(nexus, "concept", dup, keep)

    for asked in ("Docker layer caching", "docker LAYER caching", "layer cache", "layer-caching"):
        title, note = await _lookup(nexus, asked)
        assert title == "Build cache", asked
        assert "Docker layer caching" in note and "merged into" in note and f"#{keep}" in note
    title, note = await _lookup(nexus, dup)  # an old id, e.g. from a message or a link
    assert title == "Build cache" and f"#{dup}" in note and "merged into" in note
    title, note = await _lookup(nexus, "Build cache")
    assert title == "Build cache" and "merged" not in note

    choices = await nexus.sim.autocomplete(
        nexus.alice, "concept lookup", {"name": "docker lay"}, focused="name", channel=nexus.general
    )
    assert choices and choices[0]["value"] == str(keep)
    assert "Build cache" in choices[0]["name"] and "Docker layer caching" in choices[0]["name"]

    found = await nexus.sim.command(
        nexus.alice, "concept search", {"query": "docker layer caching"}, channel=nexus.general
    )
    assert "Build cache" in found.embeds[0]["description"]


async def test_a_merged_base_concept_leads_to_the_servers_survivor(nexus: Nexus) -> None:
    g = nexus.guild.id
    async with nexus.db.reader() as s:
        base = (
            await s.execute(
                select(Concept.id, Concept.name).where(
                    Concept.guild_id == BASE_GUILD_ID, Concept.slug == "docker"
                )
            )
        ).one()
    keep = await _concept(nexus, g, "containers", "Containers", [])
    await _merge(nexus, "concept", base.id, keep)
    for asked in (base.name, base.id):
        title, note = await _lookup(nexus, asked)
        assert title == "Containers" and "merged into" in note, asked


async def test_a_merged_challenge_redirects_to_the_survivor(nexus: Nexus) -> None:
    g = nexus.guild.id
    src = await f.challenge(nexus.db, g, title="CORS broken", author=nexus.alice.id)
    dst = await f.challenge(nexus.db, g, title="CORS error on fetch", author=nexus.bob.id)
    await _merge(nexus, "challenge", src, dst)
    shown = await nexus.sim.command(
        nexus.carol, "challenge view", {"id": src}, channel=nexus.general
    )
    assert "can't find" not in shown.text
    assert f"Challenge #{src}" in shown.content and f"merged into #{dst}" in shown.content
    assert "https://discord.com/channels/1/5/6" in shown.content  # the survivor's message
    assert shown.embeds[0]["title"].startswith(f"#{dst}")
    choices = await nexus.sim.autocomplete(
        nexus.carol, "challenge view", {"id": "CORS"}, focused="id", channel=nexus.general
    )
    assert src not in [c["value"] for c in choices]  # the hidden duplicate is not offered
