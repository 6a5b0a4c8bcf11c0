"""Suggesting concepts and edits: policy, collisions, overrides, applying edits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept, ConceptEdit
from bot.errors import Conflict, Invalid, NotFound
from bot.services.concepts import service as concepts
from bot.services.concepts.edits import (
    BODY_MAX,
    parse_draft,
    pending_edits,
    propose_edit,
    suggest_concept,
)
from bot.services.guilds import settings as guilds
from bot.services.moderation import actions as curation_actions
from bot.services.moderation.entries import Actor
from tests.unit.test_concepts_lookup import add_concept, base_id

A, B = 1001, 2002


def draft(name: str = "Event Sourcing", **kw: str):  # type: ignore[no-untyped-def]
    return parse_draft(
        name,
        kw.get("summary", "Store every change as an event."),
        kw.get("body", "Rebuild state by replaying events.\n```py\nreplay(events)\n```"),
        kw.get("aliases", "ES, event store"),
        kw.get("links", "Fowler | https://martinfowler.com/eaaDev/EventSourcing.html"),
    )


def test_parse_draft_validates_everything() -> None:
    d = parse_draft(
        " Event   Sourcing ",
        "s",
        "b",
        "ES, es, , Event Sourcing, log",
        "https://a.example/x\nTitle | http://b.example",
    )
    assert d.name == "Event Sourcing"
    assert d.aliases == ("ES", "log")
    assert [link.title for link in d.links] == ["a.example", "Title"]
    bad = [
        ("", "s", "b", "", ""),
        ("   ", "s", "b", "", ""),
        ("x", "s", "b", "", ""),
        ("Name", "", "b", "", ""),
        ("Name", "s" * 201, "b", "", ""),
        ("Name", "s", "b" * (BODY_MAX + 1), "", ""),
        ("Name", "s", "  ", "", ""),
        ("Name", "s", "b", "", "not a link"),
        ("Name", "s", "b", "", "javascript:alert(1)"),
        ("Name", "s", "b", ",".join(f"a{i}" for i in range(11)), ""),
        ("Name", "s", "b", "a" * 51, ""),
        ("Name", "s", "b", "", "\n".join(f"https://x.example/{i}" for i in range(6))),
        ("!!!", "s", "b", "", ""),
    ]
    for args in bad:
        with pytest.raises(Invalid):
            parse_draft(*args)
    with pytest.raises(Invalid):
        parse_draft("Name", "s", "b", category="nope")


async def test_member_suggestion_is_pending_by_default(db: Database) -> None:
    result = await suggest_concept(db, A, 5, "alice", draft())
    assert result.kind == "created" and result.status == "pending"
    assert (await concepts.lookup(db, A, 5, "Event Sourcing")).concept is None
    async with db.reader() as s:
        row = await s.get(Concept, result.concept_id)
    assert row is not None and row.guild_id == A and row.author_name == "alice"
    assert row.aliases == ["ES", "event store"] and row.slug == "event-sourcing"
    assert row.links[0]["url"].startswith("https://martinfowler.com")
    with pytest.raises(Conflict, match="waiting"):
        await suggest_concept(db, A, 6, "bob", draft("event sourcing"))
    other = await suggest_concept(db, B, 5, "alice", draft())  # another server is separate
    assert other.concept_id != result.concept_id


async def test_category_and_track_are_kept(db: Database) -> None:
    d = parse_draft("Event Sourcing", "s", "b", category="practice", tracks="backend")
    result = await suggest_concept(db, A, 5, "alice", d)
    async with db.reader() as s:
        row = await s.get(Concept, result.concept_id)
    assert row is not None and (row.category, row.tracks) == ("practice", "backend")


async def test_policy_and_moderators_publish_directly(db: Database) -> None:
    mod = await suggest_concept(db, A, 9, "mod", draft(), by_moderator=True)
    assert mod.status == "published"
    hit = await concepts.lookup(db, A, 1, "ES")
    assert hit.concept is not None and hit.concept.verified_by_name == "mod"
    await guilds.update_settings(db, B, review_concepts=False)
    open_server = await suggest_concept(db, B, 5, "alice", draft("CQRS"))
    assert open_server.status == "published"


async def test_name_collisions_are_conflicts(db: Database) -> None:
    for name, aliases in (("Caching", ""), ("caching", ""), ("K8S", ""), ("Fresh", "redis")):
        with pytest.raises(Conflict, match="already exists"):
            await suggest_concept(
                db, A, 5, "alice", draft(name, aliases=aliases), by_moderator=True
            )
    await suggest_concept(db, A, 9, "mod", draft("Mine Only"), by_moderator=True)
    with pytest.raises(Conflict):
        await suggest_concept(db, A, 9, "mod", draft("mine only"), by_moderator=True)
    # the same name is free in another server
    await suggest_concept(db, B, 9, "mod", draft("Mine Only"), by_moderator=True)


async def test_member_edit_becomes_pending_edit(db: Database) -> None:
    redis = await base_id(db, "redis")
    edit = await propose_edit(db, A, redis, 5, "alice", draft("Redis", summary="Fast KV."))
    assert edit.kind == "edit_pending" and edit.edit_id is not None
    again = await propose_edit(db, A, redis, 5, "alice", draft("Redis", summary="Faster KV."))
    assert again.edit_id == edit.edit_id  # one pending proposal per member and concept
    pending = await pending_edits(db, A)
    assert [(p.concept_name, p.proposed["summary"]) for p in pending] == [("Redis", "Faster KV.")]
    assert await pending_edits(db, B) == []
    assert (await concepts.lookup(db, A, 1, "redis")).concept.summary != "Faster KV."  # type: ignore[union-attr]
    # Moderators approve proposed edits in the curation queue: the one path that applies them.
    applied = await curation_actions.approve(db, A, Actor(9, "mod"), "concept_edit", edit.edit_id)
    assert applied.status == "published" and applied.entry_id != redis
    mine = await concepts.lookup(db, A, 1, "redis")
    assert mine.concept is not None and mine.concept.summary == "Faster KV."
    assert mine.concept.overrides_id == redis and mine.concept.verified_by_name == "mod"
    base = await concepts.lookup(db, B, 1, "redis")
    assert base.concept is not None and base.concept.id == redis
    assert base.concept.summary != "Faster KV."
    with pytest.raises(Conflict):
        await curation_actions.approve(db, A, Actor(9, "mod"), "concept_edit", edit.edit_id)
    with pytest.raises(NotFound):
        await curation_actions.approve(db, B, Actor(9, "mod"), "concept_edit", edit.edit_id)
    async with db.reader() as s:
        status = await s.scalar(select(ConceptEdit.status).where(ConceptEdit.id == edit.edit_id))
    assert status == "published"


async def test_moderator_edit_of_base_creates_override_once(db: Database) -> None:
    redis = await base_id(db, "redis")
    first = await propose_edit(
        db, A, redis, 9, "mod", draft("Redis", summary="One."), by_moderator=True
    )
    second = await propose_edit(
        db, A, redis, 9, "mod", draft("Redis", summary="Two."), by_moderator=True
    )
    assert first.concept_id == second.concept_id != redis
    async with db.reader() as s:
        rows = (await s.scalars(select(Concept).where(Concept.slug == "redis"))).all()
    assert sorted((r.guild_id, r.summary) for r in rows)[0][0] == BASE_GUILD_ID
    assert [r.summary for r in rows if r.guild_id == A] == ["Two."]
    assert [r.guild_id for r in rows].count(A) == 1
    with pytest.raises(Invalid, match="same"):
        await propose_edit(
            db, A, redis, 9, "mod", draft("Redis", summary="Two."), by_moderator=True
        )
    with pytest.raises(Conflict):
        await propose_edit(db, A, redis, 9, "mod", draft("Docker", summary="x"), by_moderator=True)


async def test_edit_of_server_concept_in_place_and_scoping(db: Database) -> None:
    own = await add_concept(db, A, "Our Thing")
    done = await propose_edit(
        db, A, own, 9, "mod", draft("Our Thing", summary="New."), by_moderator=True
    )
    assert done.concept_id == own
    with pytest.raises(NotFound):
        await propose_edit(
            db, B, own, 9, "mod", draft("Our Thing", summary="Hack."), by_moderator=True
        )
    with pytest.raises(NotFound):
        await propose_edit(db, B, own, 5, "eve", draft("Our Thing", summary="Hack."))


async def test_a_servers_override_keeps_the_track_angles(db: Database) -> None:
    cors = await base_id(db, "cors")
    done = await propose_edit(
        db, A, cors, 9, "mod", draft("CORS", summary="Our words."), by_moderator=True
    )
    async with db.reader() as s:
        base = await s.get(Concept, cors)
        mine = await s.get(Concept, done.concept_id)
    assert base is not None and mine is not None and mine.overrides_id == cors
    assert base.frontend_angle and mine.frontend_angle == base.frontend_angle
    assert base.backend_angle and mine.backend_angle == base.backend_angle
