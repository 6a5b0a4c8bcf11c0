"""Authors hear about their hidden entries by DM, with the moderator's reason; closed DMs
are recorded and not retried on every action."""

from __future__ import annotations

import re

from bot.db.models import MemberPrefs
from tests.e2e.curation_helpers import dms_to, mirrored, row
from tests.e2e.harness import Nexus
from tests.unit import curation_factory as f


def dm_attempts(nexus: Nexus, member: object) -> int:
    channel = nexus.world.dm_channel_of(member)  # type: ignore[arg-type]
    if channel is None:
        return 0
    path = re.compile(rf"^/channels/{channel.id}/messages$")
    return sum(1 for r in nexus.sim.requests if r.method == "POST" and path.match(r.path))


async def _hide(nexus: Nexus, kind: str, entry_id: int, reason: str) -> None:
    done = await nexus.sim.command(
        nexus.mod,
        "curate hide",
        {"kind": kind, "id": entry_id, "reason": reason},
        channel=nexus.general,
    )
    assert done.ephemeral and done.content.startswith("Hidden"), done.content
    await mirrored(nexus, f"{kind} #{entry_id}")


async def test_hiding_an_entry_tells_its_author_with_the_reason(nexus: Nexus) -> None:
    g = nexus.guild.id
    cid = await f.challenge(nexus.db, g, author=nexus.alice.id, title="Token in my logs")
    await _hide(nexus, "challenge", cid, "It shows a real API token")
    [dm] = dms_to(nexus, nexus.alice)
    assert "hidden" in dm and "It shows a real API token" in dm and "Token in my logs" in dm
    assert nexus.guild.name in dm
    # A moderator hiding their own entry is not told about it.
    own = await f.takeaway(nexus.db, g, author=nexus.mod.id)
    await _hide(nexus, "takeaway", own, "Outdated")
    assert dms_to(nexus, nexus.mod) == []


async def test_closed_dms_are_recorded_and_not_retried(nexus: Nexus) -> None:
    g = nexus.guild.id
    nexus.world.users[nexus.bob.id].dms_open = False  # Discord answers 403 / 50007
    first = await f.challenge(nexus.db, g, author=nexus.bob.id)
    second = await f.challenge(nexus.db, g, author=nexus.bob.id, title="Another")
    await _hide(nexus, "challenge", first, "Duplicate of #1")
    assert dm_attempts(nexus, nexus.bob) == 1
    prefs = await row(nexus, MemberPrefs, (g, nexus.bob.id))
    assert prefs is not None and prefs.dm_closed_at is not None
    await _hide(nexus, "challenge", second, "Duplicate of #1")
    assert dm_attempts(nexus, nexus.bob) == 1  # not tried again
    # Turning DMs on again clears the mark: the next hide is delivered once DMs are open.
    nexus.world.users[nexus.bob.id].dms_open = True
    on = await nexus.sim.command(nexus.bob, "notifications", {"dms": True}, channel=nexus.general)
    assert on.ephemeral
    prefs = await row(nexus, MemberPrefs, (g, nexus.bob.id))
    assert prefs is not None and prefs.dm_closed_at is None
    third = await f.challenge(nexus.db, g, author=nexus.bob.id, title="Third")
    await _hide(nexus, "challenge", third, "Off topic")
    assert [d for d in dms_to(nexus, nexus.bob) if "Off topic" in d]
