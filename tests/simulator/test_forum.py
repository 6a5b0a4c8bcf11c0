"""Forum channels as Discord has them, seen by the real discord.py client: a ForumChannel with
its tags, posts (a public thread whose id is its first message's), applied tags, archiving,
locking, the limits (20 tags per forum, 5 per post) and the thread gateway events."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
import pytest

from bot.simulator import PERMISSIONS, InvalidInput, Simulator, World
from bot.simulator.spec import SpecValidator, default_spec_path
from bot.simulator.testing import fast_client_options, running

SPEC_PRESENT = SpecValidator().available
MSG = {"content": "x", "allowed_mentions": {"parse": []}}
needs_spec = pytest.mark.skipif(
    not SPEC_PRESENT,
    reason=f"Discord OpenAPI spec absent at {default_spec_path()} (set NEXUS_DISCORD_SPEC)",
)


class ForumBot(discord.Client):
    """A plain client that records the thread events it sees."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents, **fast_client_options())
        self.events: list[tuple[str, Any]] = []

    async def on_thread_create(self, thread: discord.Thread) -> None:
        self.events.append(("create", thread))

    async def on_thread_update(self, before: discord.Thread, after: discord.Thread) -> None:
        self.events.append(("update", after))

    async def on_thread_delete(self, thread: discord.Thread) -> None:
        self.events.append(("delete", thread))

    async def on_thread_join(self, thread: discord.Thread) -> None:
        self.events.append(("join", thread))

    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        self.events.append(("raw_delete", payload.thread_id))

    async def on_message(self, message: discord.Message) -> None:
        self.events.append(("message", message))

    async def wait_for_event(self, kind: str, n: int = 1) -> list[Any]:
        for _ in range(200):
            found = [e for k, e in self.events if k == kind]
            if len(found) >= n:
                return found
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no {kind} event ({self.events})")


def _world() -> tuple[World, Any]:
    world = World()
    g = world.create_guild("Learners", owner="owner")
    g.edit_role(g.bot_role, permissions=g.bot_role.permissions | PERMISSIONS["MANAGE_CHANNELS"])
    forum = g.create_forum_channel(
        "help-forum", tags=["Frontend", {"name": "Solved", "moderated": True, "emoji_name": "✅"}]
    )
    return world, (
        g,
        forum,
        g.add_member("alice"),
        g.add_member("mod", permissions=["MANAGE_THREADS"]),
    )


async def _call(sim: Simulator, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {sim.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.request(method, sim.rest_url + path, json=body, headers=headers) as resp:
            return resp.status, (await resp.json() if resp.status != 204 else None)


async def test_the_client_sees_a_forum_and_creates_a_post_with_tags() -> None:
    world, (g, forum, alice, _) = _world()
    bot = ForumBot()
    async with running(bot, world=world, interaction_window=None) as sim:
        channel = bot.get_channel(forum.id)
        assert isinstance(channel, discord.ForumChannel)
        assert [t.name for t in channel.available_tags] == ["Frontend", "Solved"]
        solved = next(t for t in channel.available_tags if t.name == "Solved")
        assert solved.moderated and str(solved.emoji) == "✅"
        frontend = channel.get_tag(int(forum.available_tags[0]["id"]))
        assert frontend is not None
        thread, message = await channel.create_thread(
            name="Why is my fetch blocked?", content="CORS error", applied_tags=[frontend]
        )
        assert thread.id == message.id and thread.parent_id == forum.id
        assert [t.name for t in thread.applied_tags] == ["Frontend"]
        [post] = sim.threads(g)
        assert post.applied_tags == [frontend.id] and post.owner_id == world.bot_user.id
        assert [m.content for m in sim.messages_in(post)] == ["CORS error"]
        [created] = await bot.wait_for_event("create")
        assert created.id == thread.id
        # Re-tag, close: THREAD_UPDATE; the client's thread follows.
        await thread.edit(applied_tags=[frontend, solved], archived=True)
        assert post.archived and post.applied_tags == [frontend.id, solved.id]
        updated = (await bot.wait_for_event("update"))[-1]
        assert updated.archived and {t.name for t in updated.applied_tags} == {"Frontend", "Solved"}
        # A member's post reaches the bot as on_thread_create + its first message.
        mine, first = await sim.post(
            alice, forum, "Closures?", "what is a closure", tags=["Frontend"]
        )
        assert mine.id == first.id and mine.owner_id == alice.id
        created = (await bot.wait_for_event("create", 2))[-1]
        assert created.id == mine.id and created.owner_id == alice.id
        msgs = [m for m in await bot.wait_for_event("message", 2) if m.channel.id == mine.id]
        assert msgs and msgs[0].id == mine.id and msgs[0].content == "what is a closure"
        # Active threads include open posts only (the closed one is archived).
        active = await channel.guild.active_threads()
        assert [t.id for t in active] == [mine.id]
        assert not sim.violations, [v.reason for v in sim.violations]


async def test_forum_tags_are_edited_through_patch_and_limited_to_20() -> None:
    world, (g, forum, alice, _) = _world()
    bot = ForumBot()
    async with running(bot, world=world, interaction_window=None) as sim:
        channel = bot.get_channel(forum.id)
        assert isinstance(channel, discord.ForumChannel)
        post, _ = await sim.post(alice, forum, "Q", "body", tags=["Frontend"])
        edited = await channel.create_tag(name="Backend", emoji=discord.PartialEmoji(name="🐍"))
        assert [t["name"] for t in forum.available_tags] == ["Frontend", "Solved", "Backend"]
        assert edited.id == int(forum.available_tags[2]["id"])
        for _ in range(100):  # the client's forum follows on CHANNEL_UPDATE
            if len(channel.available_tags) == 3:
                break
            await asyncio.sleep(0.01)
        # Removing a tag from the forum takes it off the posts that had it.
        keep = [t for t in channel.available_tags if t.name != "Frontend"]
        await channel.edit(available_tags=keep)
        assert [t["name"] for t in forum.available_tags] == ["Solved", "Backend"]
        assert post.applied_tags == []
        many = [discord.ForumTag(name=f"t{i}") for i in range(21)]
        with pytest.raises(discord.HTTPException) as too_many:
            await channel.edit(available_tags=many)
        assert too_many.value.status == 400 and too_many.value.code == 50035
        assert len(forum.available_tags) == 2
        twice = [discord.ForumTag(name="Same"), discord.ForumTag(name="same")]
        with pytest.raises(discord.HTTPException):
            await channel.edit(available_tags=twice)
        sim.violations.clear()


@needs_spec
async def test_request_bodies_are_checked_against_the_forum_schemas() -> None:
    world, (g, forum, alice, _) = _world()
    async with Simulator(world=world) as sim:
        threads = f"/channels/{forum.id}/threads"
        # A forum post needs its first message (the text-thread body is not a post).
        status, body = await _call(sim, "POST", threads, {"name": "no message", "type": 11})
        assert status == 400 and "message" in body["errors"]
        tags = [forum.available_tags[0]["id"]] * 6
        post = {
            "name": "q",
            "message": MSG,
            "applied_tags": tags,
        }
        status, body = await _call(sim, "POST", threads, post)
        assert status == 400 and "applied_tags" in body["errors"]
        status, made = await _call(
            sim,
            "POST",
            threads,
            {"name": "q", "message": MSG},
        )
        assert status == 201 and made["message"]["id"] == made["id"]
        assert made["message"]["channel_id"] == made["id"] and made["applied_tags"] == []
        status, body = await _call(sim, "PATCH", f"/channels/{made['id']}", {"applied_tags": tags})
        assert status == 400 and "applied_tags" in body["errors"]
        status, body = await _call(
            sim, "PATCH", f"/channels/{forum.id}", {"available_tags": [{"name": "x" * 51}]}
        )
        assert status == 400 and "available_tags" in body["errors"]
        status, body = await _call(
            sim,
            "POST",
            threads,
            {
                "name": "q",
                "message": MSG,
                "applied_tags": ["1"],
            },
        )
        assert status == 400 and "applied_tags" in body["errors"]  # not one of the forum's
        # A text channel's thread body is still checked as one.
        text = f"/channels/{g.general.id}/threads"
        status, _ = await _call(sim, "POST", text, {"name": "t" * 101, "type": 11})
        assert status == 400
        assert len(sim.violations) == 5  # the schema refusals (an unknown tag is not one)


async def test_archived_posts_locking_and_deletion() -> None:
    world, (g, forum, alice, mod) = _world()
    bot = ForumBot()
    async with running(bot, world=world, interaction_window=None) as sim:
        post, _ = await sim.post(alice, forum, "Q", "body")
        await sim.edit_post(alice, post, archived=True)  # the author closes their post
        assert post.archived
        # An archived post takes no change but being reopened (50083) ...
        status, body = await _call(sim, "PATCH", f"/channels/{post.id}", {"name": "renamed"})
        assert status == 400 and body["code"] == 50083
        # ... and a message sent into it reopens it for everyone.
        await sim.say(g.members[mod.id], post, "any news?")
        assert not post.archived
        # discord.py forgets archived threads: it sees the reopened one as a thread joined.
        [back] = await bot.wait_for_event("join")
        assert back.id == post.id and not back.archived
        with pytest.raises(InvalidInput, match="Missing Permissions"):
            await sim.edit_post(alice, post, locked=True)
        await sim.edit_post(mod, post, locked=True)
        with pytest.raises(InvalidInput, match="locked"):
            await sim.say(alice, post, "hello?")
        with pytest.raises(InvalidInput, match="cannot delete"):
            await sim.delete_post(g.add_member("bob"), post)
        with pytest.raises(InvalidInput, match="forum"):
            await sim.say(alice, forum, "chat in a forum")
        await sim.delete_post(alice, post)
        assert await bot.wait_for_event("raw_delete") == [post.id]
        assert sim.threads(g) == []
        with pytest.raises(InvalidInput, match="no tag"):
            await sim.post(alice, forum, "Q2", "body", tags=["Nope"])
        with pytest.raises(InvalidInput, match="moderators"):
            await sim.post(alice, forum, "Q2", "body", tags=["Solved"])
