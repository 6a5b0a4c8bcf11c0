"""/me: a member's contributions in this server, only to them: counts, recent entries of
each kind (accepted solutions marked, takeaways with votes), "helped" counts and pairing
history; removed entries and other servers left out; long lists cut with a pointer."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import Pair, PairMember, PairProfile, PairRound
from bot.db.types import utcnow
from tests.e2e.challenges_helpers import add_solution, button, challenge_id, share, share_takeaway
from tests.e2e.harness import Nexus


async def _paired(nexus: Nexus, *members: tuple[int, str]) -> None:
    """One past pairing round in which the members were a pair (as the runner writes it)."""
    g = nexus.guild.id
    now = utcnow()
    async with nexus.db.sessions.begin() as s:
        rnd = PairRound(
            guild_id=g,
            period_key="2026-W47",
            status="closed",
            started_at=now - timedelta(days=14),
            midpoint_at=now - timedelta(days=11),
            ends_at=now - timedelta(days=7),
        )
        s.add(rnd)
        await s.flush()
        pair = Pair(guild_id=g, round_id=rnd.id, outcome="met")
        s.add(pair)
        await s.flush()
        for i, (user_id, name) in enumerate(members):
            s.add(PairProfile(guild_id=g, user_id=user_id, display_name=name, track="backend"))
            s.add(
                PairMember(
                    pair_id=pair.id,
                    user_id=user_id,
                    guild_id=g,
                    side=("frontend", "backend")[i % 2],
                )
            )


async def test_me_shows_contributions_helped_counts_and_pairings(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Gradle daemon OOM", "builds die"))
    page = await add_solution(nexus, nexus.bob, cid, "Raise org.gradle.jvmargs")
    await nexus.sim.click(nexus.alice, page, button(page, "nexus:solution:accept:1"))
    await nexus.sim.click(nexus.carol, page, button(page, "nexus:solution:helped:1"))
    shared = await share_takeaway(nexus, nexus.bob, "Profile before you tune the JVM")
    await nexus.sim.click(nexus.dave, shared, button(shared, "nexus:takeaway:vote:"))
    await _paired(nexus, (nexus.bob.id, "Bob"), (nexus.carol.id, "Carol"))
    me = await nexus.sim.command(nexus.bob, "me", {}, channel=nexus.general)
    assert me.ephemeral, me.text
    text = me.text
    assert "**1** solution(s), 1 accepted" in text and "helped **1** time(s)" in text
    assert f"`#1` to #{cid} Gradle daemon OOM · \u2705 accepted · helped 1" in text
    assert "**1** takeaway(s), \u25b2 1" in text and "\u25b2 1 · Profile before you tune" in text
    assert "**1** pairing round(s)" in text and "with Carol · you met" in text
    assert "**0** challenge(s)" in text
    carol = await nexus.sim.command(nexus.carol, "me", {}, channel=nexus.general)
    assert "you said 1 solution(s) helped you" in carol.text and "with Bob" in carol.text
    alice = await nexus.sim.command(nexus.alice, "me", {}, channel=nexus.general)
    assert "`#1` Gradle daemon OOM · \u2705 solved · 1 solution(s)" in alice.text


async def test_me_truncates_hides_removed_and_stays_in_its_server(nexus: Nexus) -> None:
    for i in range(7):
        await share(nexus, nexus.alice, f"Question number {i}", "details")
    ask = await nexus.sim.command(nexus.alice, "challenge remove", {"id": 7})
    await nexus.sim.click(nexus.alice, ask, ask.buttons[0].custom_id)
    me = await nexus.sim.command(nexus.alice, "me", {}, channel=nexus.general)
    assert "**6** challenge(s)" in me.text
    assert "Question number 6" not in me.text and "Question number 5" in me.text
    assert "Question number 0" not in me.text  # only the newest five are listed
    assert "… and 1 more: `/me show:challenges`" in me.text
    for i in range(7, 12):
        await share(nexus, nexus.alice, f"Question number {i}", "details")
    pages = await nexus.sim.command(nexus.alice, "me", {"show": "challenges"})
    assert pages.ephemeral and "Question number 11" in pages.text
    # 11 left (one was removed): ten on the first page, the oldest on the next.
    assert "Question number 1 ·" in pages.text and "Question number 0 ·" not in pages.text
    assert "Question number 6 ·" not in pages.text  # removed
    nxt = next(b for b in pages.buttons if b.label == "Next")
    turned = await nexus.sim.click(nexus.alice, pages, nxt.custom_id)
    assert "Question number 0 ·" in turned.text and "Question number 1 ·" not in turned.text
    none = await nexus.sim.command(nexus.alice, "me", {"show": "pairings"})
    assert "No pairings here yet." in none.text
    nobody = await nexus.sim.command(nexus.erin, "me", {}, channel=nexus.general)
    assert nobody.ephemeral and "Nothing here yet" in nobody.text
    elsewhere = await nexus.sim.command(nexus.other_member, "me", {}, channel=nexus.other.general)
    assert elsewhere.ephemeral and "Nothing here yet" in elsewhere.text
