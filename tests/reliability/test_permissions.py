"""Permissions: a member without rights (mallory) tries every moderator/admin entry point.

Commands are enumerated from the REGISTERED tree: everything not in MEMBER_COMMANDS must
refuse mallory, so a new moderator command without a run-time check fails this test (and a
new command nobody classified fails it too, with a message saying where to add it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import Pair
from bot.ui.checks import ADMIN_REFUSAL, MOD_REFUSAL
from tests.e2e.challenges_helpers import add_solution, share, share_takeaway
from tests.e2e.harness import Nexus
from tests.reliability.support import (
    all_text,
    answer_text,
    diff,
    press,
    slash_leaves,
    snapshot,
)
from tests.unit import curation_factory as f

MEMBER_COMMANDS = {
    "nexus about",
    "notifications",
    "privacy",
    "concept lookup",
    "concept search",
    "concept list",
    "concept suggest",
    "challenge share",
    "challenge view",
    "challenge search",
    "challenge list",
    "challenge remove",  # only the member's own entries (tests/e2e/test_capture_privacy.py)
    "solution add",
    "solution remove",
    "challenge edit",  # own entries only (tests/e2e/test_own_entries.py)
    "solution edit",
    "takeaway edit",
    "takeaway remove",
    "me",  # the member's own contributions
    "takeaway share",
    "takeaway list",
    "takeaway view",
    "pair join",
    "pair profile",
    "pair pause",
    "pair skip-next",
    "pair avoid",
    "pair unavoid",
    "pair resume",
    "pair leave",
    "digest preview",
    "help",
}
PRIVILEGED_EXTRA = {"setup": ADMIN_REFUSAL}  # admin-only (Manage Server); others: moderators


def _mod_calls(ids: dict[str, int], nexus: Nexus) -> dict[str, list[dict[str, Any]]]:
    """Options mallory passes to each privileged command (valid ones: only the check stops
    her). Every variant that could change something is listed."""
    c, t, s = ids["challenge"], ids["takeaway"], ids["solution"]
    return {
        "setup": [
            {},
            {"timezone": "Asia/Tokyo", "moderator_role": nexus.mod_role.id},
            {
                "digest_enabled": False,
                "pairing_enabled": True,
                "review_takeaways": "review",
                "private_channel": nexus.general.id,
            },
        ],
        "curate queue": [{}],
        "curate missed": [{}],
        "curate edit": [{"kind": "challenge", "id": c}],
        "curate feature": [{"kind": "takeaway", "id": t}],
        "curate merge": [
            {"kind": "challenge", "source": ids["pending"], "target": c, "reason": "dup"}
        ],
        "curate hide": [{"kind": "solution", "id": s, "reason": "spam"}],
        "curate restore": [{"kind": "challenge", "id": ids["hidden"]}],
        "curate log": [{}, {"page": 2}],
        "digest now": [{}],
        "digest settings": [{}, {"enabled": False, "hour": 3, "channel": nexus.general.id}],
        "pair round": [{}, {"preview": True}],
        "pair stats": [{}],
    }


async def _world(nexus: Nexus) -> dict[str, int]:
    g = nexus.guild.id
    made = await share(nexus, nexus.alice, "Flexbox overflow", "Items overflow the row")
    cid = int(made.embeds[0]["title"].split(" ", 1)[0].lstrip("#"))
    sol = await add_solution(nexus, nexus.carol, cid, "Use min-width: 0")
    assert "New solution" in sol.content, sol.content
    sid = int(sol.content.split("#", 1)[1].split(" ", 1)[0])
    tk = await share_takeaway(nexus, nexus.bob, "Name things well")
    tid = int(tk.embeds[0]["title"].rsplit("#", 1)[1])
    for who, track in ((nexus.alice, "frontend"), (nexus.bob, "backend")):
        joined = await nexus.sim.command(
            who,
            "pair join",
            {"track": track, "timezone": "Europe/Berlin", "availability": "weekdays 18-21"},
            channel=nexus.general,
        )
        assert joined.embeds, joined.content
    ran = await nexus.sim.command(nexus.mod, "pair round", {}, channel=nexus.general)
    await answer_text(ran)
    async with nexus.db.reader() as s:
        pair_id = await s.scalar(select(Pair.id).where(Pair.guild_id == g))
    assert pair_id is not None
    return {
        "challenge": cid,
        "solution": sid,
        "takeaway": tid,
        "pair": int(pair_id),
        "pending": await f.challenge(nexus.db, g, status="pending", author=nexus.dave.id),
        "hidden": await f.challenge(nexus.db, g, status="hidden", author=nexus.erin.id),
        "pending_takeaway": await f.takeaway(nexus.db, g, status="pending", author=nexus.dave.id),
        "message": tk.message.id if tk.message else 0,
    }


async def test_every_privileged_command_refuses_a_member_without_rights(nexus: Nexus) -> None:
    ids = await _world(nexus)
    calls = _mod_calls(ids, nexus)
    leaves = sorted(leaf.path for leaf in slash_leaves(nexus))
    unclassified = [p for p in leaves if p not in MEMBER_COMMANDS and p not in calls]
    assert not unclassified, (
        f"new commands {unclassified}: add them to MEMBER_COMMANDS (anyone may run them) or "
        "to _mod_calls (moderators/admins only) in tests/reliability/test_permissions.py"
    )
    before = await snapshot(nexus.db)
    for path in leaves:
        if path in MEMBER_COMMANDS:
            continue
        want = PRIVILEGED_EXTRA.get(path, MOD_REFUSAL)
        for options in calls[path]:
            reply = await nexus.sim.command(nexus.mallory, path, options, channel=nexus.general)
            text = await answer_text(reply)
            assert reply.ephemeral and reply.modal is None, (path, options, text)
            assert text == want, (path, options, text)
    for path in ("curate edit", "curate hide", "curate merge"):
        focus = "source" if path == "curate merge" else "id"
        choices = await nexus.sim.autocomplete(
            nexus.mallory,
            path,
            {"kind": "challenge", focus: ""},
            focused=focus,
            channel=nexus.general,
        )
        assert choices == [], path
    assert not diff(before, await snapshot(nexus.db))


async def test_moderator_buttons_modals_and_pair_follow_ups_refuse_others(nexus: Nexus) -> None:
    ids = await _world(nexus)
    anchor = ids["message"]
    before = await snapshot(nexus.db)
    mod_buttons = [
        f"nexus:curate:approve:challenge:{ids['pending']}",
        f"nexus:curate:reject:challenge:{ids['pending']}",
        f"nexus:curate:edit:challenge:{ids['challenge']}",
        f"nexus:curate:approve:takeaway:{ids['pending_takeaway']}",
        "nexus:curate:page:next:1",
        "nexus:curate:page:prev:0",
        "nexus:curate:log:next:1::",
        "nexus:curate:log:prev:0:challenge:edit",
    ]
    for custom_id in mod_buttons:
        reply = await press(nexus, nexus.mallory, anchor, custom_id)
        assert reply.ephemeral and reply.modal is None, custom_id
        assert reply.content == MOD_REFUSAL, (custom_id, reply.content)
    # Accepting a solution: only the challenge's author (alice) or a moderator.
    for who in (nexus.mallory, nexus.carol):  # carol wrote the solution, not the challenge
        reply = await press(nexus, who, anchor, f"nexus:solution:accept:{ids['solution']}")
        assert reply.ephemeral and "accepted" not in all_text(reply).lower().split(":")[0], (
            all_text(reply)
        )
    # Pair follow-ups: only the two members of the pair.
    for action in ("met", "notyet", "skip", "learn"):
        reply = await press(nexus, nexus.mallory, anchor, f"nexus:pair:{action}:{ids['pair']}")
        assert reply.ephemeral and reply.modal is None, (action, reply.content)
    # Forms a moderator opened, submitted by mallory.
    reject = await press(
        nexus, nexus.mod, anchor, f"nexus:curate:reject:challenge:{ids['pending']}"
    )
    edit = await nexus.sim.command(
        nexus.mod,
        "curate edit",
        {"kind": "challenge", "id": ids["challenge"]},
        channel=nexus.general,
    )
    assert reject.modal is not None and edit.modal is not None
    sneaky = await nexus.sim.submit_modal(
        nexus.mallory, reject, {reject.modal.fields[0].custom_id: "spam"}
    )
    assert sneaky.ephemeral and sneaky.content == MOD_REFUSAL
    sneaky = await nexus.sim.submit_modal(nexus.mallory, edit, {"title": "Owned by mallory"})
    assert sneaky.ephemeral and sneaky.content == MOD_REFUSAL
    assert not diff(before, await snapshot(nexus.db))
    # The same accept by the challenge's author works (the check is not just "refuse all").
    ok = await press(nexus, nexus.alice, anchor, f"nexus:solution:accept:{ids['solution']}")
    assert "Accepted" in all_text(ok) or ok.followups or not ok.ephemeral
