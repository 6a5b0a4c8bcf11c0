"""/help: a short private guide per role (learner, moderator, admin) whose buttons start
the main flows and re-check who clicks; the set-up guide Nexus posts once when it joins
a server (to the owner by DM, else the system channel, never twice)."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select

from bot.db.models import BotState, MemberPrefs
from bot.simulator.reply import MessageView, Reply
from bot.ui.checks import ADMIN_REFUSAL, MOD_REFUSAL
from tests.e2e.challenges_helpers import challenge_id
from tests.e2e.harness import Nexus


def _labels(reply: Reply) -> list[str]:
    return [str(b.label) for b in reply.buttons]


def _id(reply: Reply, label: str) -> str:
    return str(next(b.custom_id for b in reply.buttons if b.label == label))


async def test_learner_guide_and_its_buttons(nexus: Nexus) -> None:
    guide = await nexus.sim.command(nexus.alice, "help", channel=nexus.general)
    assert guide.ephemeral and "/concept lookup" in guide.text and "/challenge share" in guide.text
    assert "/curate queue" not in guide.text and "/setup" not in guide.text
    assert _labels(guide) == ["Look up a concept", "Share a challenge", "Pairing profile"]
    form = await nexus.sim.click(nexus.alice, guide, _id(guide, "Look up a concept"))
    assert form.modal is not None
    found = await nexus.sim.submit_modal(nexus.alice, form, {"name": "redis"})
    assert found.ephemeral and found.embeds[0]["title"] == "Redis"
    assert any(b.label == "Post in channel" for b in found.buttons)
    missed = await nexus.sim.submit_modal(
        nexus.alice,
        await nexus.sim.click(nexus.alice, guide, _id(guide, "Look up a concept")),
        {"name": "zzqx frobnicator"},
    )
    assert missed.ephemeral and not missed.embeds  # "I don't know ..." / did you mean
    share = await nexus.sim.click(nexus.alice, guide, _id(guide, "Share a challenge"))
    assert share.modal is not None
    saved = await nexus.sim.submit_modal(
        nexus.alice, share, {"title": "Vite dev server 404 on refresh", "problem": "SPA routes"}
    )
    assert challenge_id(saved) > 0
    profile = await nexus.sim.click(nexus.alice, guide, _id(guide, "Pairing profile"))
    assert profile.ephemeral and "/pair join" in profile.content  # not joined yet
    # A moderator's or admin's button pressed by a learner is refused like the command.
    for custom_id, refusal in (("nexus:help:queue", MOD_REFUSAL), ("nexus:help:setup", None)):
        mod_guide = await nexus.sim.command(nexus.admin, "help", channel=nexus.general)
        refused = await nexus.sim.click(nexus.mallory, mod_guide, custom_id)
        assert refused.ephemeral and refused.content == (refusal or ADMIN_REFUSAL)


async def test_moderator_and_admin_guides(nexus: Nexus) -> None:
    mod = await nexus.sim.command(nexus.mod, "help", channel=nexus.general)
    assert mod.ephemeral and "/curate queue" in mod.text and "Nexus for moderators" in mod.text
    assert "Moderator queue" in _labels(mod) and "Server settings" not in _labels(mod)
    queue = await nexus.sim.click(nexus.mod, mod, _id(mod, "Moderator queue"))
    assert queue.ephemeral and queue.embeds
    admin = await nexus.sim.command(nexus.admin, "help", channel=nexus.general)
    assert "/setup" in admin.text and "Nexus for server admins" in admin.text
    assert _labels(admin)[-2:] == ["Moderator queue", "Server settings"]
    settings = await nexus.sim.click(nexus.admin, admin, _id(admin, "Server settings"))
    assert settings.ephemeral and settings.embeds[0]["title"] == "Nexus settings for this server"
    assert "/setup" in settings.content
    await nexus.restart()  # the guide's buttons hold no state: they work after a restart
    again = await nexus.sim.click(nexus.mod, mod, _id(mod, "Moderator queue"))
    assert again.ephemeral and again.embeds


def _guides(nexus: Nexus) -> list[MessageView]:
    return [m for m in nexus.sim.bot_messages if "`/setup moderator_role:`" in m.content]


async def _stored(nexus: Nexus, guild_id: int, expected: str | None = None) -> str | None:
    """The record of the guide (waiting a moment for `expected`: it is written after the
    guide was sent)."""
    for _ in range(40):
        async with nexus.db.reader() as s:
            value = await s.scalar(
                select(BotState.value).where(BotState.key == f"setup-guide:{guild_id}")
            )
        if expected is None or value == expected:
            break
        await asyncio.sleep(0.05)
    return value


async def test_joining_a_server_dms_the_owner_its_set_up_guide_once(nexus: Nexus) -> None:
    owner = nexus.world.create_user("newowner", "Nia")
    guild = nexus.world.create_guild("Newcomers", owner=owner)
    dm = await nexus.sim.wait_for_message(lambda m: "`/setup moderator_role:`" in m.content)
    assert dm.channel_id == nexus.world.dm_channel(owner).id and "Newcomers" in dm.content
    assert "/help" in dm.content and not dm.pings
    assert await _stored(nexus, guild.id, "sent to owner-dm") == "sent to owner-dm"
    # Discord says "joined" again (the bot was removed and re-added, or a second process
    # saw it): no second guide.
    live = nexus.client.get_guild(guild.id)
    assert live is not None
    nexus.client.dispatch("guild_join", live)
    await nexus.restart()
    await asyncio.sleep(0.3)
    assert len(_guides(nexus)) == 1


async def test_owner_with_closed_dms_gets_it_in_the_system_channel(nexus: Nexus) -> None:
    owner = nexus.world.create_user("shy-owner")
    owner.dms_open = False
    guild = nexus.world.create_guild("Quiet Learners", owner=owner)
    posted = await nexus.sim.wait_for_message(lambda m: "`/setup moderator_role:`" in m.content)
    assert posted.channel_id == guild.system_channel_id and "couldn't DM" in posted.content
    assert not posted.pings
    assert await _stored(nexus, guild.id, "sent to system-channel") == "sent to system-channel"


async def test_guide_delivered_nowhere_is_tried_on_the_next_join(nexus: Nexus) -> None:
    owner = nexus.world.create_user("locked-owner")
    owner.dms_open = False
    guild = nexus.world.create_guild("Read Only", owner=owner, system_channel=False)
    for _ in range(100):  # the join is handled in the background
        if nexus.client.get_guild(guild.id) is not None:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    assert not _guides(nexus), [(m.channel_id, m.content[:40]) for m in _guides(nexus)]
    assert await _stored(nexus, guild.id) is None
    # The owner opens their DMs; Nexus is added again.
    owner.dms_open = True
    async with nexus.db.sessions.begin() as s:  # (the refusal was remembered for 30 days)
        await s.execute(delete(MemberPrefs).where(MemberPrefs.user_id == owner.id))
    live = nexus.client.get_guild(guild.id)
    assert live is not None
    nexus.client.dispatch("guild_join", live)
    dm = await nexus.sim.wait_for_message(lambda m: "`/setup moderator_role:`" in m.content)
    assert dm.channel_id == nexus.world.dm_channel(owner).id
    assert await _stored(nexus, guild.id, "sent to owner-dm") == "sent to owner-dm"
