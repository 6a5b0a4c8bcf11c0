"""Notification kinds and the rate limit, on a real migrated database."""

from __future__ import annotations

from datetime import timedelta

from bot.db import Database
from bot.db.types import utcnow
from bot.services import moderation
from bot.services.moderation import NOTICE_WINDOW, claim_notice, release_notice

G, ALICE, BOB = 1, 10, 20


async def test_own_action_muted_kind_and_dms_off_are_skipped(empty_db: Database) -> None:
    now = utcnow()
    assert not (await claim_notice(empty_db, G, ALICE, "helped", now, actor_id=ALICE)).send
    await moderation.set_notice_kinds(empty_db, G, ALICE, {"helped": False})
    assert not (await claim_notice(empty_db, G, ALICE, "helped", now, actor_id=BOB)).send
    assert (await claim_notice(empty_db, G, ALICE, "accepted", now, actor_id=BOB)).send
    kinds = await moderation.notice_kinds(empty_db, G, ALICE)
    assert kinds == {"solution": True, "accepted": True, "helped": False, "moderation": True}
    await moderation.set_dm_notifications(empty_db, G, BOB, False)
    assert not (await claim_notice(empty_db, G, BOB, "solution", now, actor_id=ALICE)).send


async def test_window_holds_and_counts_then_summarises(empty_db: Database) -> None:
    now = utcnow()
    first = await claim_notice(empty_db, G, ALICE, "solution", now, actor_id=BOB)
    assert first.send and first.held == 0
    for i in range(3):
        held = await claim_notice(
            empty_db, G, ALICE, "solution", now + timedelta(minutes=i), actor_id=BOB
        )
        assert not held.send
    other = await claim_notice(empty_db, G, ALICE, "accepted", now, actor_id=BOB)
    assert other.send  # kinds are limited separately
    later = await claim_notice(empty_db, G, ALICE, "solution", now + NOTICE_WINDOW, actor_id=BOB)
    assert later.send and later.held == 3
    # The DM failed: the window did not start and the held events wait for the next one.
    await release_notice(empty_db, G, ALICE, "solution", later)
    again = await claim_notice(empty_db, G, ALICE, "solution", now + NOTICE_WINDOW, actor_id=BOB)
    assert again.send and again.held == 3
