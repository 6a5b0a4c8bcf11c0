"""Every interaction kind round-trips between the simulator and a plain discord.py bot."""

from __future__ import annotations

import pytest

from bot.simulator import InvalidInput, UnknownCommand, World
from bot.simulator.testing import running

from .conftest import Env
from .plain_bot import PlainBot


async def test_startup_uses_only_the_two_redirects(env: Env) -> None:
    calls = [(r.method, r.path) for r in env.sim.requests]
    app = env.world.app_id
    assert calls[:3] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{app}/commands"),
    ]
    assert env.bot.user is not None and env.bot.user.id == env.world.bot_user.id
    assert [g.id for g in env.bot.guilds] == [env.guild.id]
    assert env.bot.get_channel(env.pairing.id) is not None
    assert env.sim.gateway.identifies == 1


async def test_slash_command(env: Env) -> None:
    reply = await env.sim.command(env.alice, "concept", {"name": "caching"}, channel=env.general)
    assert reply.content == "concept: caching" and not reply.ephemeral
    assert reply.response_type == 4 and reply.message is not None
    assert env.sim.messages_in(env.general)[-1].content == "concept: caching"


async def test_subcommand_group_path_and_ephemeral(env: Env) -> None:
    private = await env.sim.command(env.alice, "challenge share", {"title": "FizzBuzz"})
    assert private.content == "shared FizzBuzz" and private.ephemeral
    assert all(m.content != "shared FizzBuzz" for m in env.sim.messages_in(env.general))
    public = await env.sim.command(env.alice, "challenge share", {"title": "Trees", "public": True})
    assert not public.ephemeral
    assert (await env.sim.command(env.bob, "challenge list")).content == "no challenges yet"


async def test_unknown_command_and_bad_options_raise_at_once(env: Env) -> None:
    with pytest.raises(UnknownCommand, match="nope"):
        await env.sim.command(env.alice, "nope")
    with pytest.raises(UnknownCommand, match="needs a subcommand, one of: share, list"):
        await env.sim.command(env.alice, "challenge")
    with pytest.raises(UnknownCommand, match="'new' is not a subcommand of /challenge; it has: "):
        await env.sim.command(env.alice, "challenge new")
    with pytest.raises(InvalidInput, match="required"):
        await env.sim.command(env.alice, "concept", {})
    with pytest.raises(InvalidInput, match="no option"):
        await env.sim.command(env.alice, "concept", {"name": "x", "colour": "red"})


async def test_resolved_options(env: Env) -> None:
    reply = await env.sim.command(
        env.mod,
        "info",
        {
            "user": env.alice,
            "role": env.mod_role,
            "channel": env.pairing,
            "count": 3,
            "ratio": 0.5,
            "flag": True,
        },
    )
    assert reply.content == "Alice|Moderator|pairing|3|0.5|True|True"
    plain = await env.sim.command(
        env.alice,
        "info",
        {
            "user": env.bob.id,
            "role": env.mod_role.id,
            "channel": env.general.id,
            "count": 1,
            "ratio": 2,
            "flag": False,
        },
    )
    assert plain.content == "bob|Moderator|general|1|2.0|False|False"


async def test_autocomplete(env: Env) -> None:
    choices = await env.sim.autocomplete(env.alice, "concept", {"name": "cach"}, focused="name")
    assert [c["value"] for c in choices] == ["caching", "cache invalidation"]


async def test_message_and_user_context_menus(env: Env) -> None:
    msg = await env.sim.say(env.bob, env.general, "How do closures capture?")
    saved = await env.sim.context_menu(env.alice, "Save as challenge", message=msg)
    assert saved.content == "saved: How do closures capture?" and saved.ephemeral
    greet = await env.sim.context_menu(env.alice, "Greet", target=env.bob, channel=env.general)
    assert greet.content == "hi bob"


async def test_buttons_update_defer_and_edit(env: Env) -> None:
    reply = await env.sim.command(env.alice, "ping")
    assert [b.label for b in reply.buttons] == ["Again", "Later", "Docs", "Chan", "Off"]
    again = await env.sim.click(env.alice, reply, index=1)
    assert again.response_type == 7 and again.content == "pong again"
    assert again.message is not None and again.message.id == reply.message.id  # type: ignore[union-attr]
    later = await env.sim.click(env.bob, again, custom_id="later")
    assert later.deferred and later.content == "edited later" and later.components == []
    with pytest.raises(InvalidInput, match="no such button"):
        await env.sim.click(env.alice, later, index=1)


async def test_deferred_update_answered_by_a_channel_edit(env: Env) -> None:
    reply = await env.sim.command(env.alice, "ping")
    edited = await env.sim.click(env.alice, reply, custom_id="chan")
    assert edited.deferred and edited.response_type == 6
    assert edited.content == "edited via channel"


async def test_disabled_and_link_buttons_cannot_be_clicked(env: Env) -> None:
    reply = await env.sim.command(env.alice, "ping")
    with pytest.raises(InvalidInput, match="disabled"):
        await env.sim.click(env.alice, reply, custom_id="off")
    with pytest.raises(InvalidInput, match="link"):
        await env.sim.click(env.alice, reply, index=3)


async def test_select_menu(env: Env) -> None:
    reply = await env.sim.command(env.alice, "pick")
    assert [o["value"] for o in reply.selects[0].options] == ["red", "green", "blue"]
    picked = await env.sim.select(env.alice, reply, "colour", ["green"])
    assert picked.content == "picked green" and picked.ephemeral
    with pytest.raises(InvalidInput, match="not options"):
        await env.sim.select(env.alice, reply, "colour", ["purple"])


async def test_modal(env: Env) -> None:
    reply = await env.sim.command(env.alice, "feedback")
    assert reply.modal is not None and reply.modal.title == "Feedback"
    assert [(f.custom_id, f.label, f.required) for f in reply.modal.fields] == [
        ("title", "Title", True),
        ("body", "Body", False),
    ]
    with pytest.raises(InvalidInput, match="required"):
        await env.sim.submit_modal(env.alice, reply.modal, {"body": "only body"})
    done = await env.sim.submit_modal(env.alice, reply.modal, {"title": "Docs", "body": "nice"})
    assert done.content == "thanks for Docs: nice" and done.ephemeral


async def test_modal_with_labels(env: Env) -> None:
    reply = await env.sim.command(env.alice, "report")
    assert reply.modal is not None
    fields = {f.custom_id: f for f in reply.modal.fields}
    assert fields["reason"].label == "Reason" and fields["reason"].min_length == 3
    assert fields["severity"].type == 3 and [o["value"] for o in fields["severity"].options] == [
        "low",
        "high",
    ]
    with pytest.raises(InvalidInput, match="characters"):
        await env.sim.submit_modal(env.alice, reply, {"reason": "no", "severity": ["low"]})
    done = await env.sim.submit_modal(env.alice, reply, {"reason": "spam", "severity": ["high"]})
    assert done.content == "report spam (high)"


async def test_defer_then_followups(env: Env) -> None:
    reply = await env.sim.command(env.alice, "slow")
    assert reply.deferred and reply.content == "done" and not reply.ephemeral
    followups = await reply.wait_followups(2, timeout=2)
    assert [f.content for f in followups] == ["done", "second"]
    assert followups[1].ephemeral


async def test_private_thread_with_added_member(env: Env) -> None:
    reply = await env.sim.command(env.alice, "pair", {"partner": env.bob}, channel=env.pairing)
    [thread] = env.sim.threads(env.guild)
    assert reply.content == f"thread {thread.id}" and thread.type == 12
    assert thread.parent_id == env.pairing.id and env.bob.id in thread.thread_members
    [welcome] = env.sim.messages_in(thread)
    assert welcome.content == f"welcome <@{env.bob.id}>" and welcome.mentions == [env.bob.id]
    assert env.bot.get_channel(thread.id) is not None  # THREAD_CREATE reached the client


async def test_dm_from_command_and_command_in_dm(env: Env) -> None:
    reply = await env.sim.command(env.alice, "dm")
    assert reply.content == "sent"
    assert [m.content for m in env.sim.dms_to(env.alice)] == ["hello in DM"]
    in_dm = await env.sim.command(env.alice.user, "concept", {"name": "cors"}, dm=True)
    assert in_dm.content == "concept: cors"
    assert in_dm.message is not None and in_dm.message.guild_id is None


async def test_chat_message_reaches_the_bot(env: Env) -> None:
    await env.sim.say(env.alice, env.general, "!hello")
    answer = await env.sim.wait_for_message(channel=env.general, timeout=2)
    assert answer.content == "hello Alice"
    assert env.bot.seen_messages[-1].content == "!hello"


async def test_nothing_the_bot_sent_pings_unless_asked(env: Env) -> None:
    await env.sim.command(env.alice, "concept", {"name": f"<@{env.bob.id}> and @everyone"})
    await env.sim.command(env.alice, "pair", {"partner": env.bob}, channel=env.pairing)
    pinging = [m for m in env.sim.bot_messages if m.pings]
    assert [m.content for m in pinging] == [f"welcome <@{env.bob.id}>"]
    assert not env.sim.violations


async def test_guild_registered_commands() -> None:
    world = World()
    g = world.create_guild("Guild commands")
    alice = g.add_member("alice")
    async with running(PlainBot(sync_guild=g.id), world=world) as sim:
        assert not world.global_commands and world.guild_commands[g.id]
        reply = await sim.command(alice, "concept", {"name": "x"})
        assert reply.content == "concept: x"
        with pytest.raises(UnknownCommand):
            await sim.command(alice.user, "concept", {"name": "x"}, dm=True)


async def test_fire_at_a_fixed_rate_records_timings(env: Env) -> None:
    timings = await env.sim.fire(env.alice, "concept", {"name": "bench"}, count=10, rate=100)
    assert [t["error"] for t in timings] == [None] * 10
    assert all(t["created_at"] <= t["dispatched_at"] <= t["first_response_at"] for t in timings)
    assert len(env.sim.interaction_timings()) == 10


async def test_fire_autocompletes_and_clicks_by_members_in_turn(env: Env) -> None:
    typed = [{"name": "cach"}, {"name": "cor"}]
    timings = await env.sim.fire(
        env.alice,
        "concept",
        count=4,
        rate=200,
        variants=typed,
        focused="name",
        members=[env.alice, env.bob],
    )
    assert [t["error"] for t in timings] == [None] * 4
    records = list(env.sim.registry.by_id.values())[-4:]
    assert [r.user_id for r in records] == [env.alice.id, env.bob.id] * 2
    assert all(r.choices for r in records)  # answered with choices: autocomplete
    reply = await env.sim.command(env.alice, "ping")
    clicks = await env.sim.fire_clicks([env.bob, env.alice], reply, "again", count=4, rate=200)
    assert [t["error"] for t in clicks] == [None] * 4
    assert all(t["response_type"] == 7 for t in clicks)
    by = [r.user_id for r in list(env.sim.registry.by_id.values())[-4:]]
    assert by == [env.bob.id, env.alice.id] * 2


async def test_people_cannot_post_where_they_may_not(env: Env) -> None:
    env.guild.set_overwrite(env.pairing, env.guild.everyone, deny=["SEND_MESSAGES"])
    with pytest.raises(InvalidInput, match="cannot send"):
        await env.sim.say(env.alice, env.pairing, "hi")
