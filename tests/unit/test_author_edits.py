"""Authors edit their own entries (services on a real migrated database): one audit row
with before and after, the challenge's search text follows, refusals change nothing."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.db.models import Challenge, Takeaway
from bot.errors import Invalid, NotFound
from bot.services import challenges
from bot.services.moderation import Actor, edit_own, own_entry, withdraw
from tests.unit import curation_factory as f

ALICE, BOB, CAROL = Actor(f.ALICE, "Alice"), Actor(f.BOB, "Bob"), Actor(f.CAROL, "Carol")


async def test_edit_own_challenge_records_before_and_after(db: Database) -> None:
    cid = await f.challenge(db, author=f.ALICE, title="CORS error on fetch")
    entry = await own_entry(db, f.G1, f.ALICE, "challenge", cid)
    assert entry.values["title"] == "CORS error on fetch"
    done = await edit_own(db, f.G1, ALICE, "challenge", cid, {"title": "  Preflight   fails  "})
    assert done.before == {"title": "CORS error on fetch"}
    assert done.after == {"title": "Preflight fails"}
    row = await f.get(db, Challenge, cid)
    assert row.title == "Preflight fails" and "Preflight fails" in row.search_text
    [audit] = await f.audit_rows(db)
    assert (audit.action, audit.actor_id, audit.entry_id) == ("edit", f.ALICE, cid)
    found = await challenges.search_challenges(db, f.G1, "preflight", viewer_id=f.CAROL)
    assert [c.id for c in found.items] == [cid]


async def test_refusals_change_nothing(db: Database) -> None:
    cid = await f.challenge(db, author=f.ALICE)
    tid = await f.takeaway(db, author=f.CAROL, body="Read the network tab")
    with pytest.raises(NotFound):
        await edit_own(db, f.G1, BOB, "challenge", cid, {"title": "Mine now"})
    with pytest.raises(NotFound):
        await edit_own(db, f.G2, ALICE, "challenge", cid, {"title": "Other server"})
    with pytest.raises(Invalid):
        await edit_own(db, f.G1, CAROL, "takeaway", tid, {"body": "   "})
    with pytest.raises(Invalid):
        await edit_own(db, f.G1, CAROL, "takeaway", tid, {"body": "Read the network tab"})
    with pytest.raises(Invalid):
        await edit_own(db, f.G1, CAROL, "takeaway", tid, {"body": "x" * 1001})
    assert (await f.get(db, Takeaway, tid)).body == "Read the network tab"
    assert await f.audit_rows(db) == []
    await withdraw(db, f.G1, CAROL, "takeaway", tid)
    row = await f.get(db, Takeaway, tid)
    assert (row.status, row.body) == ("withdrawn", "")
    with pytest.raises(NotFound):
        await own_entry(db, f.G1, f.CAROL, "takeaway", tid)


@pytest.mark.parametrize("typed", ["a\x00b", "\x00", "²", "#³4", "٣"])
async def test_own_entries_autocomplete_takes_any_typing(db: Database, typed: str) -> None:
    """A NUL (PostgreSQL refuses it) or a digit that is not 0-9 (int() refuses it) once
    left the autocomplete unanswered."""
    from bot.services.moderation import own_entries

    assert await own_entries(db, f.G1, "challenge", f.ALICE, typed) == []


@pytest.mark.parametrize("typed", ["²", "١٢", "#³"])
async def test_lookups_and_searches_by_number_take_other_digits(db: Database, typed: str) -> None:
    from bot.services import concepts

    outcome = await concepts.lookup(db, f.G1, f.ALICE, typed)
    assert outcome.concept is None
    page = await challenges.search_challenges(db, f.G1, typed, viewer_id=f.ALICE)
    assert list(page.items) == []
