"""Private threads are seen only by their members and by those who may manage threads,
as on Discord: for everyone else they have no permissions at all."""

from __future__ import annotations

from bot.simulator import World


def test_a_private_thread_is_for_its_members_and_thread_managers() -> None:
    world = World()
    guild = world.create_guild("Learners")
    alice, bob, carol = (guild.add_member(n) for n in ("alice", "bob", "carol"))
    mod = guild.add_member("mod", permissions=["MANAGE_THREADS"])
    thread = guild.create_thread(guild.general, "Pair: Alice & Bob", private=True)
    guild.add_thread_member(thread, alice.id)
    guild.add_thread_member(thread, bob.id)
    for member, sees in ((alice, True), (bob, True), (carol, False), (mod, True)):
        assert guild.can(member, "VIEW_CHANNEL", thread) is sees, member.user.username
        assert guild.can(member, "SEND_MESSAGES_IN_THREADS", thread) is sees
    public = guild.create_thread(guild.general, "Open question")
    assert guild.can(carol, "VIEW_CHANNEL", public)
    assert guild.can(world.bot_user.id, "VIEW_CHANNEL", thread)  # the creator is a member
