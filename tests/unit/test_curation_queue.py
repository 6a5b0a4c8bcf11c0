"""Queue contents and order (flags weighted), audit log paging, and autocomplete search."""

from __future__ import annotations

from bot.db import Database
from bot.db.models import Concept
from bot.services.moderation import actions
from bot.services.moderation import visibility as vis
from bot.services.moderation.audit import list_audit
from bot.services.moderation.queue import (
    FLAG_WEIGHT,
    get_entry,
    get_queue_page,
    queue_order,
    search_entries,
)
from tests.unit import curation_factory as f
from tests.unit.curation_factory import ACTOR


async def test_queue_lists_every_pending_kind(db: Database) -> None:
    cid = await f.challenge(db, status="pending", age_hours=50)
    sid = await f.solution(db, cid, status="pending", age_hours=40)
    tid = await f.takeaway(db, status="pending", age_hours=30)
    kid = await f.concept(db, status="pending", age_hours=20)
    eid = await f.concept_edit(db, await f.base_concept_id(db), age_hours=10)
    await f.challenge(db, status="published")  # not queued: published, no flags
    await f.challenge(db, status="hidden")
    assert await queue_order(db, f.G1) == [
        ("challenge", cid),
        ("solution", sid),
        ("takeaway", tid),
        ("concept", kid),
        ("concept_edit", eid),
    ]
    page = await get_queue_page(db, f.G1, 4)
    assert page.total == 5 and page.item is not None and page.item.kind == "concept_edit"
    assert page.item.proposal and page.item.proposal[0][0] == "summary"
    clamped = await get_queue_page(db, f.G1, 99)
    assert clamped.index == 4


async def test_flags_weigh_entries_forward(db: Database) -> None:
    hours = FLAG_WEIGHT.total_seconds() / 3600
    old_pending = await f.takeaway(db, status="pending", age_hours=3.2 * hours)
    newer_pending = await f.takeaway(db, status="pending", age_hours=hours / 2)
    # A published entry flagged just now by three members: key = now - 3 weights.
    flagged = await f.challenge(db, age_hours=500)
    for user in (f.ALICE, f.BOB, f.CAROL):
        await f.flag(db, "challenge", flagged, user)
    # One flag an hour ago on a published takeaway: key = 1h ago - 1 weight.
    one_flag = await f.takeaway(db)
    await f.flag(db, "takeaway", one_flag, f.DAVE, age_hours=1)
    # A flagged pending entry: its own age minus one weight.
    flagged_pending = await f.takeaway(db, status="pending", age_hours=2.5 * hours)
    await f.flag(db, "takeaway", flagged_pending, f.ALICE)
    assert await queue_order(db, f.G1) == [
        ("takeaway", flagged_pending),  # 3.5 weights
        ("takeaway", old_pending),  # 3.2 weights
        ("challenge", flagged),  # 3 weights (500 h old, but flagged only now)
        ("takeaway", one_flag),  # ~1 weight
        ("takeaway", newer_pending),  # 0.5 weight
    ]
    item = await get_entry(db, f.G1, "challenge", flagged)
    assert item.open_flags == 3 and item.flag_reasons == (("wrong", 3),)
    await actions.approve(db, f.G1, ACTOR, "challenge", flagged)  # keep: leaves the queue
    assert ("challenge", flagged) not in await queue_order(db, f.G1)


async def test_flagged_base_concept_is_queued_in_that_server_only(db: Database) -> None:
    base = await f.base_concept_id(db)
    await f.flag(db, "concept", base, f.BOB, "outdated")
    assert await queue_order(db, f.G1) == [("concept", base)]
    assert await queue_order(db, f.G2) == []
    item = (await get_queue_page(db, f.G1, 0)).item
    assert item is not None and item.is_base and item.flag_reasons == (("outdated", 1),)


async def test_audit_log_newest_first_with_filters(db: Database) -> None:
    tid = await f.takeaway(db)
    cid = await f.challenge(db, status="pending")
    await vis.toggle_feature(db, f.G1, ACTOR, "takeaway", tid)
    await actions.approve(db, f.G1, ACTOR, "challenge", cid)
    await vis.hide(db, f.G1, ACTOR, "takeaway", tid, "old")
    page = await list_audit(db, f.G1, 0, page_size=2)
    assert [e.action for e in page.entries] == ["hide", "approve"]
    assert page.total == 3 and page.has_next
    second = await list_audit(db, f.G1, 1, page_size=2)
    assert [e.action for e in second.entries] == ["feature"] and not second.has_next
    only = await list_audit(db, f.G1, 0, kind="takeaway")
    assert [e.action for e in only.entries] == ["hide", "feature"]
    assert [e.action for e in (await list_audit(db, f.G1, 0, action="approve")).entries] == [
        "approve"
    ]
    assert (await list_audit(db, f.G2, 0)).total == 0


async def test_search_entries_is_scoped(db: Database) -> None:
    mine = await f.challenge(db, title="Docker build slow")
    await f.challenge(db, guild=f.G2, title="Docker build slow too")
    found = await search_entries(db, f.G1, "challenge", "docker")
    assert [i for i, _ in found] == [mine]
    assert all(1 <= len(label) <= 100 for _, label in found)
    by_id = await search_entries(db, f.G1, "challenge", f"#{mine}")
    assert [i for i, _ in by_id] == [mine]
    base = await f.base_concept_id(db)
    name = (await f.get(db, Concept, base)).name
    concepts = await search_entries(db, f.G1, "concept", name)
    assert base in [i for i, _ in concepts]
    assert len(await search_entries(db, f.G1, "concept", "")) <= 25


async def test_search_entries_takes_control_characters(db: Database) -> None:
    """PostgreSQL refuses a NUL in a text parameter: a pasted one must not break autocomplete."""
    assert await search_entries(db, f.G1, "challenge", "dock\x00er\x07") == []
    assert isinstance(await search_entries(db, f.G1, "concept", "\x00"), list)
