"""Closed DMs are remembered for a while, then tried again; opting in again forgets them."""

from __future__ import annotations

from datetime import timedelta

from bot.db import Database
from bot.db.types import utcnow
from bot.services.moderation import (
    DM_RETRY_AFTER,
    dm_wanted,
    record_dm_closed,
    record_dm_delivered,
    set_dm_notifications,
)
from tests.unit import curation_factory as f


async def test_closed_dms_wait_then_retry(db: Database) -> None:
    t0 = utcnow()
    assert await dm_wanted(db, f.G1, f.ALICE, t0)
    await record_dm_closed(db, f.G1, f.ALICE, t0)
    assert not await dm_wanted(db, f.G1, f.ALICE, t0 + timedelta(days=1))
    assert await dm_wanted(db, f.G2, f.ALICE, t0)  # DM settings are per server
    assert await dm_wanted(db, f.G1, f.ALICE, t0 + DM_RETRY_AFTER)
    await record_dm_delivered(db, f.G1, f.ALICE)
    assert await dm_wanted(db, f.G1, f.ALICE, t0)


async def test_opting_in_again_forgets_closed_dms(db: Database) -> None:
    t0 = utcnow()
    await record_dm_closed(db, f.G1, f.BOB, t0)
    await set_dm_notifications(db, f.G1, f.BOB, False)
    assert not await dm_wanted(db, f.G1, f.BOB, t0 + DM_RETRY_AFTER)  # opted out wins
    await set_dm_notifications(db, f.G1, f.BOB, True)
    assert await dm_wanted(db, f.G1, f.BOB, t0)
