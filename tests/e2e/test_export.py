"""`nexus export` after activity created through the bot: the hub shows what members
published, by display name, escaped; nothing held, hidden or from another server."""

from __future__ import annotations

from pathlib import Path

from bot.services.export.service import export_guild
from bot.services.guilds import settings as guilds
from tests.e2e.challenges_helpers import add_solution, button, challenge_id, share, share_takeaway
from tests.e2e.harness import Nexus


async def test_export_after_bot_activity(nexus: Nexus, tmp_path: Path) -> None:
    cid = challenge_id(
        await share(nexus, nexus.alice, "Nginx | 502 <b>gateway</b>", "# upstream closed\n- twice")
    )
    first = await add_solution(nexus, nexus.bob, cid, "Raise proxy_read_timeout")
    second = await add_solution(nexus, nexus.carol, cid, "Fix the *worker* crash")
    await nexus.sim.click(nexus.alice, second, button(second, "nexus:solution:accept:2"))
    await nexus.sim.click(nexus.dave, first, button(first, "nexus:solution:helped:"))
    msg = await nexus.sim.say(nexus.erin, nexus.general, "Why does my CSS grid overflow?")
    await nexus.sim.context_menu(nexus.alice, "Save as challenge", message=msg)
    tip = await share_takeaway(nexus, nexus.bob, "Log request ids")
    await share_takeaway(nexus, nexus.carol, "Timeouts need retries", kind="lesson")
    await nexus.sim.click(nexus.alice, tip, button(tip, "nexus:takeaway:vote:"))
    await share(nexus, nexus.other_member, "OTHER SERVER", "secret", channel=nexus.other.general)
    await guilds.update_settings(nexus.db, nexus.guild.id, review_takeaways=True)
    await share_takeaway(nexus, nexus.dave, "HELD TAKEAWAY")

    files = await export_guild(nexus.db, nexus.guild.id, tmp_path / "hub")
    text = {f.name: f.read_text(encoding="utf-8") for f in files}
    everything = "\n".join(text.values())
    ch = text["challenges.md"]
    assert f"### #{cid} · Nginx \\| 502 \\<b\\>gateway\\</b\\>" in ch
    assert "> \\# upstream closed\n> \\- twice" in ch
    assert ch.index("Accepted solution by Carol") < ch.index("Solution by Bob · 1 member")
    assert "> Fix the \\*worker\\* crash" in ch
    assert "Asked by **Erin**" in ch and "Why does my CSS grid overflow?" in ch
    tk = text["takeaways.md"]
    assert "**1 upvote** · by Bob" in tk and "Timeouts need retries" in tk
    for absent in ("OTHER SERVER", "HELD TAKEAWAY", str(nexus.alice.id), str(nexus.bob.id)):
        assert absent not in everything
    assert "2 challenges, 1 solved" in text["index.md"]
    assert "Caching" in text["concepts.md"]  # the seeded base is visible to the server
