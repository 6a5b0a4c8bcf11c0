"""Solutions end-to-end: /solution add, "Save as solution", Accept and This helped me
(second clicks, clicks by members who may not, and after a restart)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Challenge, Solution
from tests.e2e.challenges_helpers import add_solution, button, challenge_id, share
from tests.e2e.harness import Nexus


async def _solution_rows(nexus: Nexus) -> list[Solution]:
    async with nexus.db.reader() as s:
        return list((await s.scalars(select(Solution).order_by(Solution.id))).all())


async def test_add_solution_with_autocomplete(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Gunicorn 502 behind nginx", "502"))
    choices = await nexus.sim.autocomplete(
        nexus.bob,
        "solution add",
        {"challenge": "gunicorn"},
        focused="challenge",
        channel=nexus.general,
    )
    assert choices[0]["value"] == cid
    form = await nexus.sim.command(
        nexus.bob, "solution add", {"challenge": cid}, channel=nexus.general
    )
    assert form.modal is not None and form.modal.fields[0].max_length == 1800
    reply = await nexus.sim.submit_modal(nexus.bob, form, {"body": "Bind to 0.0.0.0 <@1>"})
    assert not reply.ephemeral and reply.message is not None and not reply.message.pings
    assert "Solution #1 by Bob" in reply.text and "Bind to 0.0.0.0" in reply.text
    assert {b.label for b in reply.buttons} >= {"Accept #1", "This helped me · #1"}
    blank = await add_solution(nexus, nexus.bob, cid, "    ")
    assert blank.ephemeral and "can't be empty" in blank.content
    theirs = await nexus.sim.command(
        nexus.other_member, "solution add", {"challenge": cid}, channel=nexus.other.general
    )
    assert theirs.ephemeral and theirs.modal is None and "can't find" in theirs.content
    assert len(await _solution_rows(nexus)) == 1


async def test_save_as_solution_picks_the_most_similar_open_challenge(nexus: Nexus) -> None:
    await share(nexus, nexus.alice, "Flexbox centering", "div not centered")
    target = challenge_id(
        await share(nexus, nexus.carol, "JWT refresh token expired", "users get logged out")
    )
    msg = await nexus.sim.say(
        nexus.bob, nexus.general, "Rotate the refresh token and retry when the JWT expired"
    )
    pick = await nexus.sim.context_menu(nexus.dave, "Save as solution", message=msg)
    assert pick.ephemeral and len(pick.selects) == 1
    options = pick.selects[0].options
    assert len(options) == 2 and options[0]["value"] == str(target)
    assert all(len(o["label"]) <= 100 for o in options)
    saved = await nexus.sim.select(nexus.dave, pick, values=[str(target)])
    assert "New solution #1" in saved.text and "JWT refresh token expired" in saved.text
    (row,) = await _solution_rows(nexus)
    assert (row.author_id, row.author_name, row.challenge_id) == (nexus.bob.id, "Bob", target)
    assert row.jump_url and row.jump_url.endswith(f"/{nexus.general.id}/{msg.id}")


async def test_save_as_solution_refusals(nexus: Nexus) -> None:
    msg = await nexus.sim.say(nexus.bob, nexus.general, "Try turning it off and on")
    none = await nexus.sim.context_menu(nexus.dave, "Save as solution", message=msg)
    assert none.ephemeral and "no open challenges" in none.content
    await share(nexus, nexus.alice, "Something", "broken")
    empty = nexus.world.create_message(nexus.general, nexus.world.users[nexus.bob.id], "")
    refused = await nexus.sim.context_menu(nexus.dave, "Save as solution", message=empty.id)
    assert refused.ephemeral and "no text" in refused.content and not refused.selects
    assert await _solution_rows(nexus) == []


async def test_accept_permissions_switch_and_second_click(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Slow ORM query", "N+1"))
    first = await add_solution(nexus, nexus.bob, cid, "select_related")
    second = await add_solution(nexus, nexus.carol, cid, "prefetch_related")
    accept_first = button(first, "nexus:solution:accept:")
    refused = await nexus.sim.click(nexus.mallory, first, accept_first)
    assert refused.ephemeral and "Only the member who shared" in refused.content
    accepted = await nexus.sim.click(nexus.alice, first, accept_first)
    assert "Accepted solution #1" in accepted.text and "✅ solved" in accepted.text
    note = await accepted.wait_followups(1)
    assert note[0].ephemeral and "marked solved" in note[0].content
    # The accepted button is gone from the edited page; an older copy still shows it.
    assert accept_first not in [b.custom_id for b in accepted.buttons]
    again = await nexus.sim.click(nexus.alice, second, accept_first)
    assert again.ephemeral and "already the accepted one" in again.content
    switched = await nexus.sim.click(nexus.mod, second, "nexus:solution:accept:2")
    fields = [f["name"] for f in switched.embeds[0]["fields"]]
    sols = [n for n in fields if "Solution" in n or "solution" in n]
    assert sols[0].startswith("✅ Accepted solution #2") and sols[1].startswith("Solution #1")
    async with nexus.db.reader() as s:
        row = await s.get(Challenge, cid)
        assert row is not None and row.solved and row.accepted_solution_id == 2
        assert row.solved_at is not None


async def test_helped_once_and_not_by_the_author(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Vite HMR not working", "no reload"))
    reply = await add_solution(nexus, nexus.bob, cid, "Set server.watch.usePolling")
    helped = button(reply, "nexus:solution:helped:")
    first = await nexus.sim.click(nexus.carol, reply, helped)
    assert "helped 1" in first.text
    second = await nexus.sim.click(nexus.carol, reply, helped)
    assert second.ephemeral and "counted once" in second.content
    own = await nexus.sim.click(nexus.bob, reply, helped)
    assert own.ephemeral and "your own solution" in own.content
    (row,) = await _solution_rows(nexus)
    assert row.helped_count == 1


async def test_buttons_survive_a_restart(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Docker volume permissions", "EACCES"))
    reply = await add_solution(nexus, nexus.bob, cid, "chown in the Dockerfile")
    await nexus.restart()
    helped = await nexus.sim.click(nexus.dave, reply, button(reply, "nexus:solution:helped:"))
    assert "helped 1" in helped.text
    accepted = await nexus.sim.click(nexus.alice, reply, button(reply, "nexus:solution:accept:"))
    assert "✅ solved" in accepted.text


async def test_long_entries_stay_within_discord_limits(nexus: Nexus) -> None:
    long_title = "Why " + "very " * 40 + "long"
    msg = await nexus.sim.say(nexus.bob, nexus.general, (long_title + "\n" + "x " * 1990)[:3990])
    saved = await nexus.sim.context_menu(nexus.alice, "Save as challenge", message=msg)
    cid = challenge_id(saved)
    for i in range(9):
        member = (nexus.carol, nexus.dave, nexus.erin)[i % 3]
        await add_solution(nexus, member, cid, f"{i} " + "y" * 1795)
    page = await nexus.sim.command(
        nexus.mallory, "challenge view", {"id": cid}, channel=nexus.general
    )
    embed = page.embeds[0]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    assert len(embed["fields"]) <= 25 and all(len(f["value"]) <= 1024 for f in embed["fields"])
    choices = await nexus.sim.autocomplete(
        nexus.bob,
        "solution add",
        {"challenge": "very"},
        focused="challenge",
        channel=nexus.general,
    )
    assert choices and all(1 <= len(c["name"]) <= 100 for c in choices)
    pick_msg = await nexus.sim.say(nexus.erin, nexus.general, "very long answer")
    pick = await nexus.sim.context_menu(nexus.erin, "Save as solution", message=pick_msg)
    assert all(len(o["label"]) <= 100 for o in pick.selects[0].options)
    # the simulator rejects any payload over a limit: the fixture asserts none happened


async def test_buttons_keep_their_places_after_accept(nexus: Nexus) -> None:
    """The member's cursor is where "Accept" was: "This helped me" must not move under it."""
    cid = challenge_id(await share(nexus, nexus.alice, "Flaky test", "fails at random"))
    page = await add_solution(nexus, nexus.bob, cid, "freeze the clock")
    accept = button(page, "nexus:solution:accept:")
    before = [b.label for b in page.buttons]
    accepted = await nexus.sim.click(nexus.alice, page, accept)
    after = accepted.buttons
    assert len(after) == len(before)
    assert [b.label for b in after][1:] == before[1:]  # nothing shifted
    assert (after[0].label or "").startswith("Accepted") and after[0].disabled
