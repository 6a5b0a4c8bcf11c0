"""Concepts end-to-end: autocomplete, lookup embed + buttons, did-you-mean, search, list,
suggest modal — the real bot through the local Discord simulator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import Concept, ConceptEdit, ConceptLookup, MissedLookup
from bot.services.concepts import lookup_log
from tests.e2e.harness import Nexus


async def test_autocomplete_offers_ranked_choices(nexus: Nexus) -> None:
    choices = await nexus.sim.autocomplete(
        nexus.alice,
        "concept lookup",
        {"name": "cachng"},
        focused="name",
        channel=nexus.general,
    )
    assert 1 <= len(choices) <= 25
    assert choices[0]["name"] == "Caching" and choices[0]["value"].isdigit()
    k8s = await nexus.sim.autocomplete(
        nexus.alice, "concept lookup", {"name": "k8s"}, focused="name", channel=nexus.general
    )
    assert k8s[0]["name"].startswith("Kubernetes")


async def test_lookup_embed_related_button_and_flag(nexus: Nexus) -> None:
    choices = await nexus.sim.autocomplete(
        nexus.alice, "concept lookup", {"name": "redis"}, focused="name", channel=nexus.general
    )
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": choices[0]["value"]}, channel=nexus.general
    )
    assert reply.ephemeral  # private; "Post in channel" shares it (test_concept_share)
    embed = reply.embeds[0]
    assert embed["title"] == "Redis"
    assert embed["description"].count("```") % 2 == 0
    labels = {b.label: b for b in reply.buttons}
    assert "Flag as outdated" in labels
    assert (labels["Flag as outdated"].custom_id or "").startswith("nexus:flag:concept:")
    related = [b for b in reply.buttons if (b.custom_id or "").startswith("nexus:concept:open:")]
    assert related, reply.buttons
    assert any(b.url for b in reply.buttons)  # documentation link buttons
    opened = await nexus.sim.click(nexus.bob, reply, related[0].custom_id)
    assert opened.ephemeral and opened.embeds[0]["title"] == related[0].label
    await lookup_log.flush(nexus.db)  # statistics are written in batches
    async with nexus.db.reader() as s:
        n = len((await s.scalars(select(ConceptLookup))).all())
    assert n == 2  # the command and the related click


async def test_related_button_survives_restart(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": "Docker"}, channel=nexus.general
    )
    button = next(b for b in reply.buttons if (b.custom_id or "").startswith("nexus:concept:"))
    await nexus.restart()
    opened = await nexus.sim.click(nexus.carol, reply, button.custom_id)
    assert opened.ephemeral and opened.embeds[0]["title"] == button.label


async def test_did_you_mean_and_miss_recorded(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": "redis cache"}, channel=nexus.general
    )
    assert reply.ephemeral and "Did you mean" in reply.content
    assert "Redis" in reply.content
    pick = next(b for b in reply.buttons if b.label == "Redis")
    opened = await nexus.sim.click(nexus.alice, reply, pick.custom_id)
    assert opened.embeds[0]["title"] == "Redis"
    await lookup_log.flush(nexus.db)  # statistics are written in batches
    async with nexus.db.reader() as s:
        misses = (await s.scalars(select(MissedLookup.query))).all()
    assert misses == ["redis cache"]


async def test_a_question_typed_into_lookup_is_answered_by_a_search(nexus: Nexus) -> None:
    # Names that look like "how do i center a div" are not what was meant.
    reply = await nexus.sim.command(
        nexus.alice,
        "concept lookup",
        {"name": "how do i center a div with css"},
        channel=nexus.general,
    )
    assert reply.ephemeral and "may answer it" in reply.content, reply.content
    labels = [b.label for b in reply.buttons]
    assert {"Flexbox", "CSS Grid"} & set(labels), labels
    pick = next(b for b in reply.buttons if b.label in {"Flexbox", "CSS Grid"})
    opened = await nexus.sim.click(nexus.alice, reply, pick.custom_id)
    assert opened.ephemeral and opened.embeds[0]["title"] == pick.label
    # Still a missed lookup for moderators (/curate missed).
    await lookup_log.flush(nexus.db)
    async with nexus.db.reader() as s:
        misses = (await s.scalars(select(MissedLookup.query))).all()
    assert misses == ["how do i center a div with css"]


async def test_other_servers_concept_is_unknown(nexus: Nexus) -> None:
    async with nexus.db.sessions.begin() as s:
        row = Concept(
            guild_id=nexus.other.id,
            slug="olivias-secret",
            name="Olivias Secret",
            aliases=[],
            category="tool",
            tracks="both",
            related=[],
            summary="s",
            body="b",
            links=[],
            status="published",
        )
        s.add(row)
        await s.flush()
        secret = row.id
    choices = await nexus.sim.autocomplete(
        nexus.alice, "concept lookup", {"name": "olivias"}, focused="name", channel=nexus.general
    )
    assert str(secret) not in {c["value"] for c in choices}
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": str(secret)}, channel=nexus.general
    )
    assert reply.ephemeral and "don't know" in reply.content and not reply.embeds


async def test_search_paginates(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept search", {"query": "django"}, channel=nexus.general
    )
    assert reply.ephemeral
    first = reply.embeds[0]
    assert "Page 1/" in first["footer"]["text"]
    nxt = next(b for b in reply.buttons if b.label == "Next")
    prev = next(b for b in reply.buttons if b.label == "Previous")
    assert prev.disabled and not nxt.disabled
    page2 = await nexus.sim.click(nexus.alice, reply, nxt.custom_id)
    assert "Page 2/" in page2.embeds[0]["footer"]["text"]
    assert page2.embeds[0]["description"] != first["description"]
    back = await nexus.sim.click(
        nexus.alice, page2, next(b for b in page2.buttons if b.label == "Previous").custom_id
    )
    assert back.embeds[0]["description"] == first["description"]
    hostile = await nexus.sim.command(
        nexus.alice, "concept search", {"query": '" AND NEAR( -x *'}, channel=nexus.general
    )
    assert hostile.embeds  # answered, never an error
    wordless = await nexus.sim.command(
        nexus.alice, "concept search", {"query": " ?! "}, channel=nexus.general
    )
    assert wordless.ephemeral and "Type a word or two" in wordless.text, wordless.text


def _opened(reply: Any) -> list[str]:
    return [b.label for b in reply.buttons if b.label not in ("Previous", "Next")]


async def test_each_result_opens_in_one_click(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept search", {"query": "django"}, channel=nexus.general
    )
    names = [line.split("**")[1] for line in reply.embeds[0]["description"].split("\n\n")]
    assert _opened(reply) == names and "open one below" in reply.embeds[0]["footer"]["text"]
    opened = await nexus.sim.click(nexus.alice, reply, index=3)
    assert opened.ephemeral and opened.embeds[0]["title"].startswith(names[0])
    page2 = await nexus.sim.click(
        nexus.alice, reply, next(b for b in reply.buttons if b.label == "Next").custom_id
    )
    later = [line.split("**")[1] for line in page2.embeds[0]["description"].split("\n\n")]
    assert _opened(page2) == later and later != names
    one = await nexus.sim.command(
        nexus.alice, "concept search", {"query": "kubernetes pods"}, channel=nexus.general
    )
    assert "Kubernetes" in _opened(one)  # a single page has its buttons too
    listing = await nexus.sim.command(nexus.alice, "concept list", channel=nexus.general)
    assert len(_opened(listing)) == 10


async def test_list_with_filters(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept list", {"category": "tool"}, channel=nexus.general
    )
    assert reply.ephemeral and "tool" in reply.embeds[0]["title"]
    assert "GitHub Actions" in reply.embeds[0]["description"]
    everything = await nexus.sim.command(nexus.alice, "concept list", channel=nexus.general)
    assert any(b.label == "Next" for b in everything.buttons)


async def test_suggest_modal_creates_pending_concept(nexus: Nexus) -> None:
    shown = await nexus.sim.command(
        nexus.alice, "concept suggest", {"category": "practice"}, channel=nexus.general
    )
    assert shown.modal is not None
    done = await nexus.sim.submit_modal(
        nexus.alice,
        shown,
        {
            "name": "Event Sourcing",
            "summary": "Store every change as an event. @everyone",
            "body": "Replay events.\n```py\nreplay(events)\n```",
            "aliases": "ES, event store",
            "links": "Fowler | https://martinfowler.com/eaaDev/EventSourcing.html",
        },
    )
    assert done.ephemeral and "waiting for a moderator" in done.content
    async with nexus.db.reader() as s:
        row = await s.scalar(select(Concept).where(Concept.slug == "event-sourcing"))
    assert row is not None and row.status == "pending" and row.guild_id == nexus.guild.id
    assert row.category == "practice" and "@everyone" in row.summary
    miss = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "Event Sourcing"}, channel=nexus.general
    )
    assert "don't know" in miss.content


async def test_suggest_edit_member_pending_moderator_applies(nexus: Nexus) -> None:
    shown = await nexus.sim.command(
        nexus.alice, "concept suggest", {"name": "redis"}, channel=nexus.general
    )
    assert shown.modal is not None and shown.modal.fields[0].value == "Redis"
    summary_id = "summary"
    done = await nexus.sim.submit_modal(nexus.alice, shown, {summary_id: "An in-memory store."})
    assert "edit to **Redis** is waiting" in done.content
    async with nexus.db.reader() as s:
        assert len((await s.scalars(select(ConceptEdit))).all()) == 1
    shown = await nexus.sim.command(
        nexus.mod, "concept suggest", {"name": "redis"}, channel=nexus.general
    )
    done = await nexus.sim.submit_modal(nexus.mod, shown, {summary_id: "Moderated summary."})
    assert "Updated **Redis**" in done.content
    here = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "redis"}, channel=nexus.general
    )
    assert "Moderated summary." in here.embeds[0]["description"]
    assert "Last verified by" in here.embeds[0]["footer"]["text"]
    there = await nexus.sim.command(
        nexus.other_member, "concept lookup", {"name": "redis"}, channel=nexus.other.general
    )
    assert "Moderated summary." not in there.embeds[0]["description"]


async def test_editing_a_long_entry_keeps_all_of_its_body(nexus: Nexus) -> None:
    # Django's entry (with its common errors and questions) is longer than a member's
    # new concept may be: a form prefilled with it must not cut it.
    before = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "django"}, channel=nexus.general
    )
    async with nexus.db.reader() as s:
        body = (await s.scalars(select(Concept.body).where(Concept.slug == "django"))).first()
    assert body is not None and len(body) > 2000
    shown = await nexus.sim.command(
        nexus.mod, "concept suggest", {"name": "django"}, channel=nexus.general
    )
    assert shown.modal is not None and shown.modal.field("body").value == body
    done = await nexus.sim.submit_modal(nexus.mod, shown, {"summary": "The web framework."})
    assert "Updated **Django**" in done.content, done.content
    after = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "django"}, channel=nexus.general
    )
    assert "The web framework." in after.embeds[0]["description"]
    assert after.embeds[0]["description"].endswith(before.embeds[0]["description"][-80:])
    async with nexus.db.reader() as s:
        edited = (
            await s.scalars(
                select(Concept.body).where(
                    Concept.slug == "django", Concept.guild_id == nexus.guild.id
                )
            )
        ).one()
    assert edited == body


async def test_suggest_validation_and_conflict(nexus: Nexus) -> None:
    shown = await nexus.sim.command(nexus.alice, "concept suggest", channel=nexus.general)
    assert shown.modal is not None
    clash = await nexus.sim.submit_modal(
        nexus.alice, shown, {"name": "caching", "summary": "dup", "body": "dup body"}
    )
    assert clash.ephemeral and "already exists" in clash.content
    shown = await nexus.sim.command(nexus.alice, "concept suggest", channel=nexus.general)
    bad = await nexus.sim.submit_modal(
        nexus.alice,
        shown,
        {"name": "Good Name", "summary": "ok", "body": "   ", "links": "not a url"},
    )
    assert bad.ephemeral and ("empty" in bad.content or "link" in bad.content)
    unknown = await nexus.sim.command(
        nexus.alice, "concept suggest", {"name": "nope nope"}, channel=nexus.general
    )
    assert unknown.ephemeral and unknown.modal is None


async def test_start_up_heap_is_set_aside_after_warm_up_and_released_on_close(
    nexus: Nexus,
) -> None:
    import asyncio
    import gc

    from bot.client import FULL_COLLECTION_EVERY

    before = gc.get_threshold()
    for _ in range(100):  # on_ready starts the warm-up; it ends by settling the heap
        if gc.get_freeze_count() > 0:
            break
        await asyncio.sleep(0.05)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[2] == FULL_COLLECTION_EVERY  # full collections rarer
    reply = await nexus.sim.command(nexus.alice, "concept lookup", {"name": "caching"})
    assert reply.embeds[0]["title"] == "Caching"  # the bot answers as before
    await nexus.stop_bot()
    assert gc.get_freeze_count() == 0  # nothing stays set aside after close
    assert gc.get_threshold() == before


async def test_a_typo_with_one_close_match_answers_with_it(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": "dokcer"}, channel=nexus.general
    )
    assert reply.ephemeral
    assert reply.embeds[0]["title"] == "Docker"
    assert reply.content == "Showing **Docker** for `dokcer`."


async def test_plurals_and_abbreviations_find_the_concept(nexus: Nexus) -> None:
    for typed, title in (("jwts", "JWT"), ("env vars", "Environment Variables")):
        reply = await nexus.sim.command(
            nexus.alice, "concept lookup", {"name": typed}, channel=nexus.general
        )
        assert reply.embeds and reply.embeds[0]["title"] == title, (typed, reply.content)
        assert not reply.content  # a sure match: no "showing ... for" note
