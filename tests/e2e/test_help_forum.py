"""The help forum end to end: /setup names a forum and creates its tags; each post becomes
a challenge; "Mark as solution" records, accepts, tags Solved, thanks and later closes; quiet
posts are nudged then closed; deleted posts, other bots' posts and posts made while Nexus was
offline."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.db.models import Challenge, ForumPost, Solution
from bot.simulator import PERMISSIONS, Channel
from tests.e2e.harness import Nexus


def _tag_names(forum: Channel) -> list[str]:
    return [t["name"] for t in forum.available_tags]


async def _forum(nexus: Nexus, *, manage_channels: bool = True, **kw: Any) -> Channel:
    g = nexus.guild
    if manage_channels:
        perms = g.bot_role.permissions | PERMISSIONS["MANAGE_CHANNELS"]
        g.edit_role(g.bot_role, permissions=perms)
    forum = g.create_forum_channel("help-forum", **kw)
    await asyncio.sleep(0.05)  # CHANNEL_CREATE reaches the bot
    return forum


async def _setup(nexus: Nexus, forum: Channel, *, content: bool = True) -> str:
    """/setup help_forum (as the admin); with the Message Content intent by default."""
    if content and not nexus.settings.message_content_intent:
        await nexus.stop_bot()
        nexus.settings = dataclasses.replace(nexus.settings, message_content_intent=True)
        await nexus.start_bot()
    reply = await nexus.sim.command(nexus.admin, "setup", {"help_forum": forum.id})
    assert reply.ephemeral
    return reply.content


async def _eventually(check: Callable[[], Any], timeout: float = 3.0) -> Any:  # noqa: ASYNC109
    for _ in range(int(timeout / 0.02)):
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def _post_row(nexus: Nexus, thread_id: int) -> ForumPost | None:
    async with nexus.db.reader() as s:
        return await s.get(ForumPost, thread_id)


async def _challenge(nexus: Nexus, thread_id: int) -> Challenge:
    """The challenge a post became, once Nexus follows the post."""

    async def found() -> Challenge | None:
        if await _post_row(nexus, thread_id) is None:
            return None
        async with nexus.db.reader() as s:
            return await s.scalar(select(Challenge).where(Challenge.source_message_id == thread_id))

    result: Challenge = await _eventually(found)
    return result


async def test_a_question_gets_the_concept_that_answers_it_beside_those_it_names(
    nexus: Nexus,
) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    post, _ = await nexus.sim.post(
        nexus.alice,
        forum,
        "my django list page makes hundreds of queries, why?",
        "It shows 50 articles with their author and it takes seconds",
        tags=["Backend"],
    )
    await _challenge(nexus, post.id)
    reply = await nexus.sim.wait_for_message(channel=post, include_sent=True)
    assert reply.content.startswith("**N+1 Query Problem** may answer your question.")
    assert "It also seems to touch **Django**." in reply.content and not reply.pings
    assert [b.label for b in reply.buttons] == ["Mark the answer", "N+1 Query Problem", "Django"]
    opened = await nexus.sim.click(nexus.bob, reply, index=2)
    assert opened.ephemeral and opened.embeds[0]["title"].startswith("N+1 Query Problem")
    # Vague or off-topic: nothing is proposed, so Nexus stays quiet in the post.
    quiet, _ = await nexus.sim.post(nexus.bob, forum, "anyone want to pair this weekend?", "dm me")
    await _challenge(nexus, quiet.id)
    await asyncio.sleep(0.2)
    assert not [m for m in nexus.sim.bot_messages if m.channel_id == quiet.id]


async def test_setup_names_the_help_forum_and_creates_its_tags(nexus: Nexus) -> None:
    bare = await _forum(nexus, manage_channels=False, tags=["frontend"])
    nexus.guild.deny_bot(bare, "MANAGE_THREADS")
    await asyncio.sleep(0.05)
    note = await _setup(nexus, bare, content=False)
    assert "Manage Channels" in note and _tag_names(bare) == ["frontend"]
    assert "I am missing: Manage Threads" in note
    forum = nexus.guild.create_forum_channel("questions", tags=["frontend"])
    nexus.guild.edit_role(
        nexus.guild.bot_role,
        permissions=nexus.guild.bot_role.permissions | PERMISSIONS["MANAGE_CHANNELS"],
    )
    await asyncio.sleep(0.05)
    note = await _setup(nexus, forum, content=False)
    assert "added its tags: Backend, Full-stack, Solved" in note and "missing" not in note
    assert _tag_names(forum) == ["frontend", "Backend", "Full-stack", "Solved"]
    assert forum.tag(int(forum.available_tags[-1]["id"]))["moderated"]  # type: ignore[index]
    again = await _setup(nexus, forum, content=False)
    assert "tags are ready" in again and len(forum.available_tags) == 4
    full = await _forum(nexus, tags=[f"t{i}" for i in range(19)])
    assert "Discord allows 20" in await _setup(nexus, full, content=False)


async def test_a_post_becomes_a_challenge_and_similar_solved_ones_are_listed(
    nexus: Nexus,
) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    post, _ = await nexus.sim.post(
        nexus.alice,
        forum,
        "CORS error when fetching the API",
        "My fetch from localhost:3000 is blocked by the CORS policy of the API server",
        tags=["Frontend"],
    )
    row = await _challenge(nexus, post.id)
    assert row.title == "CORS error when fetching the API" and row.author_id == nexus.alice.id
    assert "blocked by the CORS policy" in row.problem and row.track == "frontend"
    assert row.jump_url and str(post.id) in row.jump_url
    # No similar solved question yet; the concept it names is pointed out, pinging nobody.
    named = await nexus.sim.wait_for_message(channel=post, include_sent=True)
    assert "**CORS**" in named.content and "look close to yours" not in named.content
    assert not named.pings
    # Its button opens the concept for whoever clicks, privately.
    labels = [b.label for b in named.buttons]
    assert labels[0] == "Mark the answer" and "CORS" in labels
    assert all(f"**{label}**" in named.content for label in labels[1:])
    opened = await nexus.sim.click(nexus.dave, named, index=labels.index("CORS") + 1)
    assert opened.ephemeral and opened.embeds[0]["title"].startswith("CORS")
    reply = await nexus.sim.say(nexus.bob, post, "Add Access-Control-Allow-Origin on the API")
    await nexus.sim.context_menu(nexus.alice, "Mark as solution", message=reply)
    later, _ = await nexus.sim.post(
        nexus.carol,
        forum,
        "Fetch blocked by CORS policy",
        "The API server blocks my fetch with a CORS policy error",
    )
    await _challenge(nexus, later.id)
    listed = await nexus.sim.wait_for_message(channel=later, include_sent=True)
    assert (
        "CORS error when fetching the API" in listed.content
        and "Mark as solution" in listed.content
    )
    assert not listed.pings
    # Its "Mark the answer" button: for the asker (or a moderator), once someone replied.
    assert [b.label for b in listed.buttons][:2] == ["Mark the answer", "CORS"]
    early = await nexus.sim.click(nexus.carol, listed, index=1)
    assert early.ephemeral and "Nobody has replied" in early.content
    fix = await nexus.sim.say(nexus.dave, later, "Allow your origin in the API's CORS settings")
    refused = await nexus.sim.click(nexus.mallory, listed, index=1)
    assert refused.ephemeral and "Only the member who asked" in refused.content
    pick = await nexus.sim.click(nexus.carol, listed, index=1)
    assert pick.ephemeral and len(pick.selects) == 1
    assert [o["value"] for o in pick.selects[0].options] == [str(fix.id)]
    assert pick.selects[0].options[0]["label"].startswith("Dave: Allow your origin")
    chosen = await nexus.sim.select(nexus.carol, pick, values=[str(fix.id)])
    assert "Marked Dave's reply as the solution" in chosen.content
    assert (await _challenge(nexus, later.id)).solved


async def test_mark_as_solution_records_accepts_tags_thanks_and_closes_later(
    nexus: Nexus,
) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    post, _ = await nexus.sim.post(
        nexus.alice, forum, "Gunicorn 502", "nginx says 502", tags=["Backend"]
    )
    await _challenge(nexus, post.id)
    answer = await nexus.sim.say(nexus.bob, post, "Bind gunicorn to 0.0.0.0, not 127.0.0.1")
    refused = await nexus.sim.context_menu(nexus.mallory, "Mark as solution", message=answer)
    assert refused.ephemeral and "Only the member who asked" in refused.content
    own = await nexus.sim.context_menu(nexus.alice, "Mark as solution", message=post.id)
    assert own.ephemeral and "question itself" in own.content
    done = await nexus.sim.context_menu(nexus.alice, "Mark as solution", message=answer)
    assert done.ephemeral and "Marked Bob's reply as the solution" in done.content
    names = [forum.tag(t)["name"] for t in post.applied_tags]  # type: ignore[index]
    assert names == ["Backend", "Solved"]
    thanks = nexus.sim.messages_in(post)[-1]
    assert "Thanks, Bob!" in thanks.content and not thanks.pings
    async with nexus.db.reader() as s:
        challenge = await s.scalar(select(Challenge).where(Challenge.source_message_id == post.id))
        sol = await s.scalar(select(Solution).where(Solution.source_message_id == answer.id))
    assert challenge is not None and sol is not None
    assert challenge.solved and sol.accepted and sol.author_id == nexus.bob.id
    assert challenge.accepted_solution_id == sol.id and sol.status == "published"
    cog: Any = nexus.client.get_cog("HelpForumCog")
    assert await cog.sweep(nexus.client.get_guild(nexus.guild.id)) == []  # not yet
    nexus.clock.advance(timedelta(hours=25))
    done_list = await cog.sweep(nexus.client.get_guild(nexus.guild.id))
    assert done_list == ["closed solved post 'Gunicorn 502'"] and post.archived
    # Marking an answer in a closed post records it quietly: no unarchive, no message.
    other = await nexus.sim.post(nexus.carol, forum, "Port in use", "address already in use")
    await _challenge(nexus, other[0].id)
    fix = await nexus.sim.say(nexus.dave, other[0], "Kill the old process with lsof -i :8000")
    await nexus.sim.edit_post(nexus.carol, other[0], archived=True)
    before = len(nexus.sim.messages_in(other[0]))
    quiet = await nexus.sim.context_menu(nexus.mod, "Mark as solution", message=fix)
    assert "stays closed" in quiet.content and other[0].archived
    assert len(nexus.sim.messages_in(other[0])) == before
    row = await _post_row(nexus, other[0].id)
    assert row is not None and row.state == "solved"


async def test_quiet_posts_are_nudged_then_closed_pinging_only_the_unanswered(
    nexus: Nexus,
) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    lonely, _ = await nexus.sim.post(nexus.alice, forum, "Webpack config", "build fails")
    helped, _ = await nexus.sim.post(nexus.carol, forum, "Docker volume", "files missing")
    await _challenge(nexus, lonely.id)
    await _challenge(nexus, helped.id)
    await nexus.sim.say(nexus.bob, helped, "Mount the folder with -v $(pwd):/app")
    cog: Any = nexus.client.get_cog("HelpForumCog")
    guild = nexus.client.get_guild(nexus.guild.id)
    nexus.clock.advance(timedelta(hours=73))
    done = await cog.sweep(guild)
    assert sorted(done) == ["nudged 'Docker volume'", "nudged 'Webpack config'"]
    assert "Still stuck?" in nexus.sim.messages_in(lonely)[-1].content
    assert await cog.sweep(guild) == []  # one nudge only
    nexus.clock.advance(timedelta(hours=73))
    done = await cog.sweep(guild)
    assert sorted(done) == [
        "closed quiet post 'Docker volume'",
        "closed quiet post 'Webpack config'",
    ]
    assert lonely.archived and helped.archived
    assert nexus.sim.messages_in(lonely)[-1].mentions == [nexus.alice.id]
    assert not nexus.sim.messages_in(helped)[-1].pings
    # Reopened by a reply: followed again as an open post.
    await nexus.sim.say(nexus.alice, lonely, "still failing, here is the log")
    row = await _eventually(lambda: _reopened(nexus, lonely.id))
    assert row.state == "open" and not row.archived


async def _reopened(nexus: Nexus, thread_id: int) -> ForumPost | None:
    row = await _post_row(nexus, thread_id)
    return row if row is not None and not row.archived else None


async def test_deleted_posts_other_bots_and_posts_made_while_offline(nexus: Nexus) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    gone, _ = await nexus.sim.post(nexus.alice, forum, "Typo question", "never mind")
    await _challenge(nexus, gone.id)
    await nexus.sim.delete_post(nexus.alice, gone)

    async def deleted() -> bool:
        row = await _post_row(nexus, gone.id)
        return row is not None and row.state == "deleted"

    await _eventually(deleted)
    helper_bot = nexus.guild.add_bot("Helper")
    theirs, _ = await nexus.sim.post(helper_bot, forum, "Weekly thread", "post your wins")
    await asyncio.sleep(0.2)
    assert await _post_row(nexus, theirs.id) is None
    await nexus.stop_bot()
    offline, _ = await nexus.sim.post(nexus.bob, forum, "Missed while offline", "JWT expired")
    await nexus.start_bot()
    row = await _challenge(nexus, offline.id)
    assert row.title == "Missed while offline" and row.author_id == nexus.bob.id
    assert await _post_row(nexus, theirs.id) is None


async def test_without_manage_threads_the_solution_is_still_recorded_and_counted(
    nexus: Nexus,
) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    nexus.guild.deny_bot(forum, "MANAGE_THREADS")
    post, _ = await nexus.sim.post(nexus.alice, forum, "Flexbox centering", "div not centred")
    await _challenge(nexus, post.id)
    answer = await nexus.sim.say(nexus.erin, post, "Use display:flex with place-items:center")
    done = await nexus.sim.context_menu(nexus.alice, "Mark as solution", message=answer)
    assert "Marked Erin's reply" in done.content and "I need Manage Threads" in done.content
    assert post.applied_tags == []
    row = await _challenge(nexus, post.id)
    assert row.solved
    # A solved forum post is a solved challenge like any other: this week's digest has it.
    preview = await nexus.sim.command(nexus.mod, "digest preview", channel=nexus.general)
    assert "Flexbox centering" in preview.text
    # Nexus may not close it: it tries once, then leaves it open (no retry every sweep).
    cog: Any = nexus.client.get_cog("HelpForumCog")
    guild = nexus.client.get_guild(nexus.guild.id)
    nexus.clock.advance(timedelta(hours=25))
    assert await cog.sweep(guild) == [] and not post.archived
    edits = [r for r in nexus.sim.requests if r.method == "PATCH" and str(post.id) in r.path]
    assert await cog.sweep(guild) == []
    assert len(
        [r for r in nexus.sim.requests if r.method == "PATCH" and str(post.id) in r.path]
    ) == len(edits)


async def test_a_solved_post_reopened_closes_again_later(nexus: Nexus) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    post, _ = await nexus.sim.post(nexus.alice, forum, "Git rebase", "lost my commits")
    await _challenge(nexus, post.id)
    answer = await nexus.sim.say(nexus.bob, post, "git reflog shows them")
    await nexus.sim.context_menu(nexus.alice, "Mark as solution", message=answer)
    cog: Any = nexus.client.get_cog("HelpForumCog")
    guild = nexus.client.get_guild(nexus.guild.id)
    nexus.clock.advance(timedelta(hours=25))
    assert await cog.sweep(guild) == ["closed solved post 'Git rebase'"]
    nexus.clock.advance(timedelta(hours=1))
    await nexus.sim.say(nexus.alice, post, "one more question about reflog")
    await _eventually(lambda: _reopened(nexus, post.id))
    assert await cog.sweep(guild) == []
    nexus.clock.advance(timedelta(hours=25))
    assert await cog.sweep(guild) == ["closed solved post 'Git rebase'"] and post.archived


async def test_marking_an_answer_in_a_post_nexus_missed_records_the_post_first(
    nexus: Nexus,
) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    await nexus.stop_bot()
    # Asked, answered and closed while Nexus was offline: the catch-up (active posts only)
    # does not see it.
    post, _ = await nexus.sim.post(nexus.alice, forum, "Python venv", "pip installs globally")
    answer = await nexus.sim.say(
        nexus.bob, post, "Activate the venv first: source .venv/bin/activate"
    )
    await nexus.sim.edit_post(nexus.alice, post, archived=True)
    await nexus.start_bot()
    await asyncio.sleep(0.1)
    assert await _post_row(nexus, post.id) is None
    done = await nexus.sim.context_menu(nexus.alice, "Mark as solution", message=answer)
    assert "stays closed" in done.content and post.archived
    row = await _challenge(nexus, post.id)
    assert row.title == "Python venv" and row.solved and row.author_id == nexus.alice.id


async def test_a_post_that_names_nothing_known_gets_no_reply(nexus: Nexus) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    post, _ = await nexus.sim.post(
        nexus.alice, forum, "Stuck again", "nothing works since this morning, any idea?"
    )
    await _challenge(nexus, post.id)
    await asyncio.sleep(0.3)
    assert [m.author_id for m in nexus.sim.messages_in(post)] == [nexus.alice.id]  # no noise


async def test_a_reply_whose_author_refused_reuse_is_not_saved(nexus: Nexus) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    post, _ = await nexus.sim.post(nexus.alice, forum, "Gunicorn 502", "nginx says 502")
    await _challenge(nexus, post.id)
    answer = await nexus.sim.say(nexus.bob, post, "Bind gunicorn to 0.0.0.0, not 127.0.0.1")
    await nexus.sim.command(nexus.bob, "privacy", {"reuse": False})
    refused = await nexus.sim.context_menu(nexus.alice, "Mark as solution", message=answer)
    assert refused.ephemeral and "don't save their messages" in refused.content
    async with nexus.db.reader() as s:
        sol = await s.scalar(select(Solution).where(Solution.source_message_id == answer.id))
    assert sol is None and not (await _challenge(nexus, post.id)).solved


async def test_retagging_a_post_moves_its_challenge_to_the_new_track(nexus: Nexus) -> None:
    forum = await _forum(nexus)
    await _setup(nexus, forum)
    post, _ = await nexus.sim.post(
        nexus.alice, forum, "Slow list", "my list renders slowly", tags=["Frontend"]
    )
    assert (await _challenge(nexus, post.id)).track == "frontend"
    await nexus.sim.edit_post(nexus.alice, post, tags=["Backend"])

    async def moved() -> bool:
        return (await _challenge(nexus, post.id)).track == "backend"

    assert await _eventually(moved)
    await nexus.sim.edit_post(nexus.alice, post, tags=[])  # no track tag: the track stays
    await asyncio.sleep(0.2)
    assert (await _challenge(nexus, post.id)).track == "backend"
