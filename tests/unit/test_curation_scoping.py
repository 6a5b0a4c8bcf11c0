"""Server scoping on every curation path: an id from server B used in server A is unknown."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.db.models import Challenge, Concept, ConceptEdit, Solution, Takeaway
from bot.errors import NotFound
from bot.services.moderation import actions
from bot.services.moderation import visibility as vis
from bot.services.moderation.merging import merge
from bot.services.moderation.queue import get_entry, queue_order, search_entries
from tests.unit import curation_factory as f
from tests.unit.curation_factory import ACTOR


async def test_other_servers_ids_are_unknown_everywhere(db: Database) -> None:
    b_ch = await f.challenge(db, guild=f.G2, status="pending")
    b_sol = await f.solution(db, b_ch, guild=f.G2, status="pending")
    b_tk = await f.takeaway(db, guild=f.G2, status="pending")
    b_con = await f.concept(db, guild=f.G2, status="pending")
    b_edit = await f.concept_edit(db, b_con, guild=f.G2)
    a_ch = await f.challenge(db)
    a_con = await f.concept(db, slug="a-concept")
    entries = [
        ("challenge", b_ch, Challenge),
        ("solution", b_sol, Solution),
        ("takeaway", b_tk, Takeaway),
        ("concept", b_con, Concept),
    ]
    calls = []
    for kind, entry_id, _ in entries:
        calls += [
            actions.approve(db, f.G1, ACTOR, kind, entry_id),
            actions.reject(db, f.G1, ACTOR, kind, entry_id, "no"),
            actions.edit(
                db,
                f.G1,
                ACTOR,
                kind,
                entry_id,
                {"body": "x"}
                if kind in ("solution", "takeaway")
                else ({"title": "x"} if kind == "challenge" else {"name": "x"}),
            ),
            vis.toggle_feature(db, f.G1, ACTOR, kind, entry_id),
            vis.hide(db, f.G1, ACTOR, kind, entry_id, "no"),
            vis.restore(db, f.G1, ACTOR, kind, entry_id),
            get_entry(db, f.G1, kind, entry_id),
        ]
    calls += [
        actions.approve(db, f.G1, ACTOR, "concept_edit", b_edit),
        actions.reject(db, f.G1, ACTOR, "concept_edit", b_edit, "no"),
        actions.edit(db, f.G1, ACTOR, "concept_edit", b_edit, {"summary": "x"}),
        merge(db, f.G1, ACTOR, "challenge", b_ch, a_ch),
        merge(db, f.G1, ACTOR, "challenge", a_ch, b_ch),
        merge(db, f.G1, ACTOR, "concept", b_con, a_con),
        merge(db, f.G1, ACTOR, "concept", a_con, b_con),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            await call
    for _kind, entry_id, model in entries:
        assert (await f.get(db, model, entry_id)).status == "pending"
    assert (await f.get(db, ConceptEdit, b_edit)).status == "pending"
    assert await f.audit_rows(db) == []
    assert await queue_order(db, f.G1) == []
    assert len(await queue_order(db, f.G2)) == 5
    for kind, entry_id, _ in entries:
        assert entry_id not in [i for i, _ in await search_entries(db, f.G1, kind, "")]
        assert entry_id not in [i for i, _ in await search_entries(db, f.G1, kind, str(entry_id))]
