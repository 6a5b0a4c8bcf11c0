"""Members hear by DM about what happens to their contributions: a solution to their
challenge, their solution accepted or helping someone, a moderator hiding their entry.
Each kind can be muted; at most one DM per kind per window (the rest summed up in the
next one); never about their own action; closed DMs recorded, the action unharmed."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import MemberPrefs
from bot.services.guilds import settings as guilds
from bot.services.moderation import NOTICE_WINDOW
from bot.simulator.models import Member
from bot.simulator.reply import Reply
from cogs.moderation.held import send_held
from tests.e2e.challenges_helpers import add_solution, button, challenge_id, share
from tests.e2e.curation_helpers import dms_to, queue, row
from tests.e2e.harness import Nexus
from tests.e2e.notice_helpers import handlers_done
from tests.e2e.test_curation_dms import dm_attempts
from tests.unit import curation_factory as f


async def _dms(nexus: Nexus, member: Member) -> list[str]:
    await handlers_done(nexus)
    return dms_to(nexus, member)


async def _sweep(nexus: Nexus) -> int:
    """The scheduled sweep of held notifications, run now."""
    assert nexus.bot is not None
    return await send_held(nexus.bot)


async def _helped(nexus: Nexus, who: Member, page: Reply, sid: int = 1) -> None:
    done = await nexus.sim.click(who, page, button(page, f"nexus:solution:helped:{sid}"))
    assert "Thanks!" in done.text or "helped" in done.text, done.text


async def test_author_hears_of_solutions_solver_of_accept_and_help(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Vite HMR drops state", "reloads"))
    own = await add_solution(nexus, nexus.alice, cid, "Answering my own question")
    assert not own.ephemeral
    assert await _dms(nexus, nexus.alice) == []  # never about their own action
    page = await add_solution(nexus, nexus.bob, cid, "Wrap the store in import.meta.hot")
    [posted] = await _dms(nexus, nexus.alice)
    assert "Bob posted solution #2" in posted and "Vite HMR drops state" in posted
    assert nexus.guild.name in posted and "/challenge view id:" in posted
    assert "new_solutions:False" in posted
    accepted = await nexus.sim.click(nexus.alice, page, button(page, "nexus:solution:accept:2"))
    assert "Accepted solution #2" in accepted.text
    [yes] = await _dms(nexus, nexus.bob)
    assert "solution #2" in yes and "was accepted" in yes
    await _helped(nexus, nexus.carol, page, 2)
    bob = await _dms(nexus, nexus.bob)
    assert len(bob) == 2 and "helped someone: 1 member(s)" in bob[1]
    # The challenge's author accepting their own solution: nobody is told.
    await nexus.sim.click(nexus.alice, own, button(own, "nexus:solution:accept:1"))
    assert len(await _dms(nexus, nexus.alice)) == 1


async def test_bursts_are_rate_limited_and_summed_up(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Docker layer cache", "slow builds"))
    page = await add_solution(nexus, nexus.bob, cid, "Copy the lockfile first")
    for who in (nexus.carol, nexus.dave, nexus.erin):
        await _helped(nexus, who, page)
    bob = await _dms(nexus, nexus.bob)
    assert len(bob) == 1 and "1 member(s)" in bob[0]  # one DM for the burst
    nexus.clock.advance(NOTICE_WINDOW + timedelta(seconds=1))
    await _helped(nexus, nexus.mallory, page)
    bob = await _dms(nexus, nexus.bob)
    assert len(bob) == 2 and "4 member(s)" in bob[1]
    assert "Your solutions helped 2 more time(s) since my last message" in bob[1]
    # Kinds are limited separately: a solution notice right after still goes to alice,
    # whose own window for that kind started with Bob's solution.
    await add_solution(nexus, nexus.carol, cid, "Use BuildKit cache mounts")
    assert len(await _dms(nexus, nexus.alice)) == 2


async def test_each_kind_can_be_muted_and_settings_are_shown(nexus: Nexus) -> None:
    shown = await nexus.sim.command(nexus.bob, "notifications", {}, channel=nexus.general)
    assert shown.ephemeral and "your solution helped someone: **on** (`helped`)" in shown.text
    off = await nexus.sim.command(
        nexus.bob, "notifications", {"helped": False}, channel=nexus.general
    )
    assert off.ephemeral and "Saved" in off.text and "helped someone: **off**" in off.text
    assert "is accepted: **on**" in off.text
    cid = challenge_id(await share(nexus, nexus.alice, "Pytest fixtures leak", "state"))
    page = await add_solution(nexus, nexus.bob, cid, "Use function scope")
    await _helped(nexus, nexus.carol, page)
    assert await _dms(nexus, nexus.bob) == []  # muted kind
    await nexus.sim.click(nexus.alice, page, button(page, "nexus:solution:accept:"))
    [accepted] = await _dms(nexus, nexus.bob)
    assert "was accepted" in accepted
    # dms:False still silences every kind; the DM already sent stays the only one.
    none = await nexus.sim.command(nexus.alice, "notifications", {"dms": False})
    assert none.ephemeral and "won't DM you" in none.text
    await add_solution(nexus, nexus.dave, cid, "Or reset the state in a finaliser")
    assert len(await _dms(nexus, nexus.alice)) == 1
    # A moderator's hide with the kind muted: the hide happens, no DM.
    await nexus.sim.command(nexus.carol, "notifications", {"moderation": False})
    tid = await f.takeaway(nexus.db, nexus.guild.id, author=nexus.carol.id)
    hidden = await nexus.sim.command(
        nexus.mod, "curate hide", {"kind": "takeaway", "id": tid, "reason": "Spam"}
    )
    assert hidden.ephemeral and hidden.content.startswith("Hidden")
    assert await _dms(nexus, nexus.carol) == []


async def test_closed_dms_do_not_fail_the_action_and_are_not_retried(nexus: Nexus) -> None:
    nexus.world.users[nexus.alice.id].dms_open = False
    cid = challenge_id(await share(nexus, nexus.alice, "Celery tasks vanish", "no error"))
    page = await add_solution(nexus, nexus.bob, cid, "Set acks_late")
    assert not page.ephemeral and "New solution #1" in page.text  # the action succeeded
    await handlers_done(nexus)
    assert dm_attempts(nexus, nexus.alice) == 1
    prefs = await row(nexus, MemberPrefs, (nexus.guild.id, nexus.alice.id))
    assert prefs is not None and prefs.dm_closed_at is not None
    nexus.clock.advance(NOTICE_WINDOW * 2)
    await add_solution(nexus, nexus.carol, cid, "Check the visibility timeout")
    await handlers_done(nexus)
    assert dm_attempts(nexus, nexus.alice) == 1  # not tried again


async def test_moderation_notices_are_limited_too(nexus: Nexus) -> None:
    g = nexus.guild.id
    ids = [await f.takeaway(nexus.db, g, author=nexus.dave.id, body=f"Spam {i}") for i in range(3)]
    for tid in ids:
        done = await nexus.sim.command(
            nexus.mod, "curate hide", {"kind": "takeaway", "id": tid, "reason": "Spam"}
        )
        assert done.ephemeral and done.content.startswith("Hidden")
    [first] = await _dms(nexus, nexus.dave)
    assert "Reason: Spam" in first and "moderation:False" in first
    nexus.clock.advance(NOTICE_WINDOW)
    cid = await f.challenge(nexus.db, g, author=nexus.dave.id, title="Real question")
    await nexus.sim.command(
        nexus.mod, "curate hide", {"kind": "challenge", "id": cid, "reason": "Duplicate"}
    )
    dave = await _dms(nexus, nexus.dave)
    assert len(dave) == 2 and "Real question" in dave[1]
    assert "hid or declined 2 more of your entries" in dave[1]


async def test_a_solution_held_for_review_is_announced_when_published(nexus: Nexus) -> None:
    await guilds.update_settings(nexus.db, nexus.guild.id, review_solutions=True)
    cid = challenge_id(await share(nexus, nexus.alice, "Kafka consumer lag", "grows"))
    held = await add_solution(nexus, nexus.bob, cid, "Add partitions and consumers")
    assert held.ephemeral and "Held for review" in held.text
    assert await _dms(nexus, nexus.alice) == []  # nothing public yet: nothing to tell
    board = await queue(nexus)
    approved = await nexus.sim.click(
        nexus.mod, board, button(board, "nexus:curate:approve:solution:")
    )
    assert "pproved" in approved.text, approved.text
    [posted] = await _dms(nexus, nexus.alice)
    assert "Bob posted solution #1" in posted and "Kafka consumer lag" in posted


async def test_held_events_are_summed_up_even_when_no_event_follows(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Celery beat twice", "duplicate runs"))
    page = await add_solution(nexus, nexus.bob, cid, "Run one beat process only")
    for who in (nexus.carol, nexus.dave, nexus.erin):
        await _helped(nexus, who, page)
    assert len(await _dms(nexus, nexus.bob)) == 1  # one DM for the burst, two held
    # Within the window the sweep leaves them held ...
    assert await _sweep(nexus) == 0
    # ... once it has passed, the summary goes out on its own, once.
    nexus.clock.advance(NOTICE_WINDOW + timedelta(seconds=1))
    assert await _sweep(nexus) == 1
    bob = await _dms(nexus, nexus.bob)
    assert len(bob) == 2, bob
    assert "helped 2 more time(s)" in bob[1] and nexus.guild.name in bob[1]
    assert "/notifications helped:False" in bob[1]
    assert await _sweep(nexus) == 0
    nexus.clock.advance(NOTICE_WINDOW * 2)
    assert await _sweep(nexus) == 0 and len(await _dms(nexus, nexus.bob)) == 2


async def test_held_events_of_a_member_who_turned_dms_off_are_dropped(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Gunicorn timeouts", "workers die"))
    page = await add_solution(nexus, nexus.bob, cid, "Raise --timeout for slow views")
    for who in (nexus.carol, nexus.dave):
        await _helped(nexus, who, page)
    assert len(await _dms(nexus, nexus.bob)) == 1
    off = await nexus.sim.command(nexus.bob, "notifications", {"dms": False}, channel=nexus.general)
    assert off.ephemeral
    nexus.clock.advance(NOTICE_WINDOW * 2)
    assert await _sweep(nexus) == 0
    assert len(await _dms(nexus, nexus.bob)) == 1
