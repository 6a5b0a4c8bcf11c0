"""Flags: once per member per entry, scoped to the server, base concepts flaggable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Flag
from bot.errors import Conflict, Invalid, NotFound
from bot.services.moderation.flags import check_flaggable, flag_entry
from tests.unit import curation_factory as f


async def _flag_count(db: Database) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count(Flag.id))) or 0)


async def test_flag_once_per_member(db: Database) -> None:
    cid = await f.challenge(db)
    first = await flag_entry(db, f.G1, "challenge", cid, f.BOB, "outdated")
    assert first.open_flags == 1
    with pytest.raises(Conflict):
        await flag_entry(db, f.G1, "challenge", cid, f.BOB, "wrong")
    with pytest.raises(Conflict):
        await check_flaggable(db, f.G1, "challenge", cid, f.BOB)
    second = await flag_entry(db, f.G1, "challenge", cid, f.CAROL, "duplicate")
    assert second.open_flags == 2
    assert await _flag_count(db) == 2
    async with db.reader() as s:
        reasons = sorted((await s.scalars(select(Flag.reason))).all())
    assert reasons == ["duplicate", "outdated"]


async def test_flag_other_server_entry_is_unknown(db: Database) -> None:
    cid = await f.challenge(db, guild=f.G2)
    sid = await f.solution(db, cid, guild=f.G2)
    tid = await f.takeaway(db, guild=f.G2)
    kid = await f.concept(db, guild=f.G2)
    for kind, entry_id in (
        ("challenge", cid),
        ("solution", sid),
        ("takeaway", tid),
        ("concept", kid),
    ):
        with pytest.raises(NotFound):
            await check_flaggable(db, f.G1, kind, entry_id, f.BOB)
        with pytest.raises(NotFound):
            await flag_entry(db, f.G1, kind, entry_id, f.BOB, "wrong")
    with pytest.raises(NotFound):
        await flag_entry(db, f.G1, "challenge", 987654, f.BOB, "wrong")
    assert await _flag_count(db) == 0


async def test_base_concept_flagged_within_server(db: Database) -> None:
    base = await f.base_concept_id(db)
    await flag_entry(db, f.G1, "concept", base, f.BOB, "outdated")
    # The same member may flag it in another server: flags belong to a server.
    await flag_entry(db, f.G2, "concept", base, f.BOB, "outdated")
    async with db.reader() as s:
        guilds = sorted((await s.scalars(select(Flag.guild_id))).all())
    assert guilds == [f.G1, f.G2]


async def test_flag_rejects_bad_reason_and_kind(db: Database) -> None:
    cid = await f.challenge(db)
    with pytest.raises(Invalid):
        await flag_entry(db, f.G1, "challenge", cid, f.BOB, "boring")
    with pytest.raises(Invalid):
        await flag_entry(db, f.G1, "pair", cid, f.BOB, "wrong")
    hidden = await f.challenge(db, status="hidden")
    with pytest.raises(NotFound):
        await flag_entry(db, f.G1, "challenge", hidden, f.BOB, "wrong")
    assert await _flag_count(db) == 0


def test_flag_button_custom_id_round_trip() -> None:
    from bot.ui.flag import FLAG_TEMPLATE, REASON_TEMPLATE, FlagButton, FlagReasonSelect

    button = FlagButton("takeaway", 42, label="Flag as outdated")
    assert button.item.custom_id == "nexus:flag:takeaway:42"
    assert button.item.label == "Flag as outdated"
    import re

    assert re.fullmatch(FLAG_TEMPLATE, "nexus:flag:concept:7")
    assert not re.fullmatch(FLAG_TEMPLATE, "nexus:flag:pair:7")
    select = FlagReasonSelect("concept", 7)
    assert re.fullmatch(REASON_TEMPLATE, select.item.custom_id or "")
    assert {o.value for o in select.item.options} == {
        "outdated",
        "wrong",
        "duplicate",
        "inappropriate",
    }
