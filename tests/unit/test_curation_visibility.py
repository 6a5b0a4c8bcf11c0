"""Feature / hide / restore: effects and one audit row each."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.db.models import Challenge, Concept, Takeaway
from bot.errors import Conflict, Invalid
from bot.services.moderation import visibility as vis
from tests.unit import curation_factory as f
from tests.unit.curation_factory import ACTOR


async def test_feature_toggles_and_feeds_digest(db: Database) -> None:
    tid = await f.takeaway(db)
    on = await vis.toggle_feature(db, f.G1, ACTOR, "takeaway", tid)
    assert on.action == "feature" and on.featured
    assert (await vis.featured_ids(db, f.G1))["takeaway"] == [tid]
    assert (await vis.featured_ids(db, f.G2))["takeaway"] == []
    off = await vis.toggle_feature(db, f.G1, ACTOR, "takeaway", tid)
    assert off.action == "unfeature" and not off.featured
    assert not (await f.get(db, Takeaway, tid)).featured
    audits = await f.audit_rows(db)
    assert [(a.action, a.before, a.after) for a in audits] == [
        ("feature", {"featured": False}, {"featured": True}),
        ("unfeature", {"featured": True}, {"featured": False}),
    ]
    pending = await f.challenge(db, status="pending")
    with pytest.raises(Invalid):
        await vis.toggle_feature(db, f.G1, ACTOR, "challenge", pending)


async def test_feature_base_concept_uses_override(db: Database) -> None:
    base = await f.base_concept_id(db)
    result = await vis.toggle_feature(db, f.G1, ACTOR, "concept", base)
    assert result.entry_id != base
    assert not (await f.get(db, Concept, base)).featured
    assert (await vis.featured_ids(db, f.G1))["concept"] == [result.entry_id]


async def test_hide_and_restore(db: Database) -> None:
    cid = await f.challenge(db)
    await f.flag(db, "challenge", cid, f.BOB)
    hidden = await vis.hide(db, f.G1, ACTOR, "challenge", cid, "spam")
    assert hidden.status == "hidden" and hidden.flags_resolved == 1
    with pytest.raises(Conflict):
        await vis.hide(db, f.G1, ACTOR, "challenge", cid, "spam")
    restored = await vis.restore(db, f.G1, ACTOR, "challenge", cid)
    assert restored.status == "published"
    assert (await f.get(db, Challenge, cid)).status == "published"
    with pytest.raises(Conflict):
        await vis.restore(db, f.G1, ACTOR, "challenge", cid)
    with pytest.raises(Invalid):
        await vis.hide(db, f.G1, ACTOR, "challenge", cid, " ")
    audits = await f.audit_rows(db)
    assert [(a.action, a.reason, a.before, a.after) for a in audits] == [
        ("hide", "spam", {"status": "published"}, {"status": "hidden"}),
        ("restore", None, {"status": "hidden"}, {"status": "published"}),
    ]


async def test_hide_and_restore_base_concept_never_touches_base(db: Database) -> None:
    base = await f.base_concept_id(db)
    hidden = await vis.hide(db, f.G1, ACTOR, "concept", base, "not for this server")
    override = await f.get(db, Concept, hidden.entry_id)
    assert override.status == "hidden" and override.overrides_id == base
    assert (await f.get(db, Concept, base)).status == "published"
    restored = await vis.restore(db, f.G1, ACTOR, "concept", base)
    assert restored.entry_id == override.id
    assert (await f.get(db, Concept, override.id)).status == "published"
