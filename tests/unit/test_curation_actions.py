"""Approve / reject / edit: effects, exactly one audit row each, base concepts untouched."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import (
    AuditLog,
    Challenge,
    Concept,
    ConceptEdit,
    Flag,
    MemberPrefs,
    Solution,
    Takeaway,
)
from bot.errors import Conflict, Invalid
from bot.services.moderation import actions
from bot.services.moderation.notify import set_dm_notifications
from tests.unit import curation_factory as f
from tests.unit.curation_factory import ACTOR


async def test_approve_every_pending_kind(db: Database) -> None:
    cid = await f.challenge(db, status="pending")
    sid = await f.solution(db, cid, status="pending")
    tid = await f.takeaway(db, status="pending")
    kid = await f.concept(db, status="pending")
    for kind, entry_id, model in (
        ("challenge", cid, Challenge),
        ("solution", sid, Solution),
        ("takeaway", tid, Takeaway),
        ("concept", kid, Concept),
    ):
        result = await actions.approve(db, f.G1, ACTOR, kind, entry_id)
        assert result.action == "approve" and result.status == "published"
        assert (await f.get(db, model, entry_id)).status == "published"
        with pytest.raises(Conflict):  # same click twice changes nothing twice
            await actions.approve(db, f.G1, ACTOR, kind, entry_id)
    audits = await f.audit_rows(db)
    assert [(a.action, a.entry_kind) for a in audits] == [
        ("approve", "challenge"),
        ("approve", "solution"),
        ("approve", "takeaway"),
        ("approve", "concept"),
    ]
    assert all(a.before == {"status": "pending", "open_flags": 0} for a in audits)
    assert all(a.after == {"status": "published", "open_flags": 0} for a in audits)
    concept = await f.get(db, Concept, kid)
    assert concept.verified_by_id == f.MOD and concept.verified_by_name == "Moddy"
    assert concept.verified_at is not None


async def test_approve_flagged_published_keeps_and_resolves(db: Database) -> None:
    cid = await f.challenge(db)
    await f.flag(db, "challenge", cid, f.BOB)
    await f.flag(db, "challenge", cid, f.CAROL, "outdated")
    result = await actions.approve(db, f.G1, ACTOR, "challenge", cid)
    assert result.action == "keep" and result.flags_resolved == 2
    async with db.reader() as s:
        assert (
            await s.scalar(select(func.count()).select_from(Flag).where(Flag.resolved.is_(False)))
            == 0
        )
    [audit] = await f.audit_rows(db)
    assert audit.before == {"status": "published", "open_flags": 2}
    assert audit.after == {"status": "published", "open_flags": 0}


async def test_approve_concept_edit_on_base_creates_override(db: Database) -> None:
    base = await f.base_concept_id(db)
    before_base = await f.get(db, Concept, base)
    eid = await f.concept_edit(db, base, proposed={"summary": "Sharper summary"})
    other = await f.concept_edit(db, base, guild=f.G2, proposed={"summary": "G2 idea"})
    result = await actions.approve(db, f.G1, ACTOR, "concept_edit", eid)
    override = await f.get(db, Concept, result.entry_id)
    assert override.guild_id == f.G1 and override.overrides_id == base
    assert override.summary == "Sharper summary" and override.name == before_base.name
    assert override.verified_by_id == f.MOD
    after_base = await f.get(db, Concept, base)
    assert after_base.summary == before_base.summary and after_base.verified_by_id is None
    assert (await f.get(db, ConceptEdit, eid)).status == "published"
    assert (await f.get(db, ConceptEdit, other)).status == "pending"
    # A second approved edit updates the same override row, never a second one.
    eid2 = await f.concept_edit(db, base, proposed={"body": "New body"})
    again = await actions.approve(db, f.G1, ACTOR, "concept_edit", eid2)
    assert again.entry_id == override.id
    async with db.reader() as s:
        assert (
            await s.scalar(
                select(func.count()).select_from(Concept).where(Concept.overrides_id == base)
            )
            == 1
        )
    audits = await f.audit_rows(db)
    assert len(audits) == 2 and audits[0].before == {"summary": before_base.summary}
    assert audits[0].after == {"summary": "Sharper summary", "concept_id": override.id}


async def test_approve_concept_edit_on_server_concept_applies_in_place(db: Database) -> None:
    kid = await f.concept(db)
    eid = await f.concept_edit(db, kid, proposed={"name": "Better name", "summary": "S"})
    result = await actions.approve(db, f.G1, ACTOR, "concept_edit", eid)
    assert result.entry_id == kid
    row = await f.get(db, Concept, kid)
    assert (row.name, row.summary) == ("Better name", "S")
    assert "Better name" in row.search_text


async def test_reject_pending_notifies_author_and_respects_prefs(db: Database) -> None:
    tid = await f.takeaway(db, status="pending", author=f.CAROL)
    result = await actions.reject(db, f.G1, ACTOR, "takeaway", tid, "  Too vague  ")
    assert result.status == "rejected" and result.notify_user_id == f.CAROL
    assert result.reason == "Too vague"
    [audit] = await f.audit_rows(db)
    assert (audit.action, audit.reason, audit.before, audit.after) == (
        "reject",
        "Too vague",
        {"status": "pending"},
        {"status": "rejected"},
    )
    with pytest.raises(Conflict):
        await actions.reject(db, f.G1, ACTOR, "takeaway", tid, "again")
    await set_dm_notifications(db, f.G1, f.ALICE, False)
    cid = await f.challenge(db, status="pending", author=f.ALICE)
    quiet = await actions.reject(db, f.G1, ACTOR, "challenge", cid, "duplicate")
    assert quiet.notify_user_id is None
    async with db.reader() as s:
        prefs = await s.get(MemberPrefs, (f.G1, f.ALICE))
    assert prefs is not None and prefs.dm_notifications is False


async def test_reject_published_flagged_hides(db: Database) -> None:
    sid = await f.solution(db, await f.challenge(db))
    await f.flag(db, "solution", sid, f.DAVE, "inappropriate")
    result = await actions.reject(db, f.G1, ACTOR, "solution", sid, "Rude")
    assert result.status == "hidden" and result.flags_resolved == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
async def test_reject_needs_a_bounded_reason(db: Database, reason: str) -> None:
    cid = await f.challenge(db, status="pending")
    with pytest.raises(Invalid):
        await actions.reject(db, f.G1, ACTOR, "challenge", cid, reason)
    assert (await f.get(db, Challenge, cid)).status == "pending"
    assert await f.audit_rows(db) == []


async def test_reject_concept_edit(db: Database) -> None:
    eid = await f.concept_edit(db, await f.base_concept_id(db), author=f.BOB)
    result = await actions.reject(db, f.G1, ACTOR, "concept_edit", eid, "Not accurate")
    assert result.notify_user_id == f.BOB
    assert (await f.get(db, ConceptEdit, eid)).status == "rejected"


async def test_edit_each_kind_records_changed_fields(db: Database) -> None:
    cid = await f.challenge(db)
    sid = await f.solution(db, cid)
    tid = await f.takeaway(db)
    await actions.edit(
        db,
        f.G1,
        ACTOR,
        "challenge",
        cid,
        {"title": "CORS preflight fails", "problem": "The browser blocks my request", "tried": ""},
    )
    await actions.edit(db, f.G1, ACTOR, "solution", sid, {"body": "Use a proxy"})
    await actions.edit(db, f.G1, ACTOR, "takeaway", tid, {"body": "Read the console"})
    ch = await f.get(db, Challenge, cid)
    assert (ch.title, ch.tried) == ("CORS preflight fails", "")
    assert "preflight" in ch.search_text
    audits = await f.audit_rows(db)
    assert [a.action for a in audits] == ["edit"] * 3
    assert audits[0].before == {"title": "CORS error on fetch", "tried": "Adding headers"}
    assert audits[0].after == {"title": "CORS preflight fails", "tried": ""}
    assert audits[1].after == {"body": "Use a proxy"}
    with pytest.raises(Invalid):  # nothing changed -> nothing written
        await actions.edit(db, f.G1, ACTOR, "solution", sid, {"body": "Use a proxy"})
    for bad in ({"body": "   "}, {"body": "x" * 4001}, {"title": "t"}):
        with pytest.raises(Invalid):
            await actions.edit(db, f.G1, ACTOR, "solution", sid, bad)
    assert len(await f.audit_rows(db)) == 3


async def test_edit_base_concept_writes_override_only(db: Database) -> None:
    base = await f.base_concept_id(db)
    original = await f.get(db, Concept, base)
    result = await actions.edit(
        db,
        f.G1,
        ACTOR,
        "concept",
        base,
        {"name": original.name, "summary": "Server view", "body": original.body},
    )
    assert result.entry_id != base
    assert (await f.get(db, Concept, base)).summary == original.summary
    override = await f.get(db, Concept, result.entry_id)
    assert (override.summary, override.verified_by_name) == ("Server view", "Moddy")
    [audit] = await f.audit_rows(db)
    assert audit.before == {"summary": original.summary}
    assert audit.after == {"summary": "Server view", "override_id": override.id}


async def test_edit_pending_concept_edit_changes_proposal(db: Database) -> None:
    eid = await f.concept_edit(db, await f.concept(db), proposed={"summary": "Draft"})
    await actions.edit(db, f.G1, ACTOR, "concept_edit", eid, {"summary": "Polished"})
    assert (await f.get(db, ConceptEdit, eid)).proposed == {"summary": "Polished"}
    async with db.reader() as s:
        assert await s.scalar(select(func.count(AuditLog.id))) == 1


async def test_every_action_writes_exactly_one_audit_row(db: Database) -> None:
    from bot.services.moderation import visibility as vis
    from bot.services.moderation.merging import merge

    pending = await f.challenge(db, status="pending")
    other = await f.challenge(db, status="pending")
    tid = await f.takeaway(db)
    dup = await f.challenge(db)
    steps = [
        ("approve", actions.approve(db, f.G1, ACTOR, "challenge", pending)),
        ("reject", actions.reject(db, f.G1, ACTOR, "challenge", other, "no")),
        ("edit", actions.edit(db, f.G1, ACTOR, "takeaway", tid, {"body": "new"})),
        ("feature", vis.toggle_feature(db, f.G1, ACTOR, "takeaway", tid)),
        ("hide", vis.hide(db, f.G1, ACTOR, "takeaway", tid, "old")),
        ("restore", vis.restore(db, f.G1, ACTOR, "takeaway", tid)),
        ("merge", merge(db, f.G1, ACTOR, "challenge", dup, pending)),
    ]
    for expected, step in steps:
        before = len(await f.audit_rows(db))
        await step
        rows = await f.audit_rows(db)
        assert len(rows) == before + 1, expected
        last = rows[-1]
        assert last.action == expected and last.actor_id == f.MOD and last.guild_id == f.G1
        assert last.before and last.after and last.before != last.after, expected
