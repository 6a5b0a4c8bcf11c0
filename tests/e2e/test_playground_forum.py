"""The playground's forum: #help-forum with its tags, `post` as a member, replies in the post,
`posts` listing the posts with their tags and state."""

from __future__ import annotations

import json

import pytest

from bot.playground.lexer import ParseError
from bot.playground.lines import Post, Posts
from bot.playground.parser import parse_line
from bot.playground.runner import Runner

from .test_playground_session import _nexus, play, run  # noqa: F401 (fixture)


def test_post_lines_parse() -> None:
    line = parse_line('as bob post "CORS on fetch" tags:"Frontend, Backend" it is `blocked`')
    assert line.actor == "bob"
    assert line.action == Post("CORS on fetch", "it is `blocked`", ("Frontend", "Backend"))
    assert parse_line("post Closures? what is one").action == Post("Closures?", "what is one")
    assert parse_line("post Q tag:Frontend why").action == Post("Q", "why", ("Frontend",))
    assert parse_line("posts").action == Posts()
    for bad in ("post", 'post "only a title"', 'post "" body'):
        with pytest.raises(ParseError, match="title and a message"):
            parse_line(bad)


async def test_a_member_posts_in_the_forum_and_another_replies(play: Runner) -> None:  # noqa: F811
    forum = play.session.guild.channel("help-forum")
    assert forum.is_forum and [t["name"] for t in forum.available_tags] == [
        "Frontend",
        "Backend",
        "Full-stack",
        "Solved",
    ]
    [note, *_] = await run(play, 'post "Stuck again" tags:Frontend nothing works since today')
    assert note.kind == "info" and "[Frontend]" in note.content and "say" in note.content
    [post] = [t for t in play.session.guild.threads if t.parent_id == forum.id]
    assert post.owner_id == play.session.demo.members["alice"].id and post.name == "Stuck again"
    await run(play, 'as bob in "Stuck again" say what did you change since yesterday?')
    [listing] = await run(play, "posts")
    assert (
        "#help-forum - tags: Frontend, Backend, Full-stack, Solved (moderators)" in listing.content
    )
    assert "[open] 'Stuck again' by alice [Frontend], 1 reply" in listing.content
    [channels] = await run(play, "channels")
    assert "post #Stuck again (in #help-forum)" in channels.content
    outcome = await play.run('post "Q" tags:Nope why')
    assert outcome.failed and "no tag 'Nope'" in outcome.events[-1].content
    outcome = await play.run("in #help-forum say hello")
    assert outcome.failed and "forum" in outcome.events[-1].content


async def test_a_post_shows_nexus_reply_as_the_lines_own_output(play: Runner) -> None:  # noqa: F811
    """Nexus's reply in a new post (its handler reads the post and searches first) is the
    `post` line's output, not the next line's; the script may end right after it."""
    events = await run(
        play,
        'post "CORS error when my react app calls the API" tags:Frontend '
        "my fetch is blocked by CORS policy",
    )
    replies = [e for e in events if e.kind == "channel_message"]
    assert replies and "**CORS**" in replies[0].content, events
    labels = [c["label"] for row in replies[0].components for c in row["components"]]
    assert labels[0] == "Mark the answer" and "CORS" in labels


def test_the_help_forum_example_goes_from_question_to_solved() -> None:
    done = _nexus("--script", "examples/help-forum.txt", "--json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    events = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert not [e for e in events if e["kind"] == "error"]
    text = "\n".join(str(e.get("content") or "") for e in events)
    assert "Marked Bob's reply as the solution" in text
    assert "closed solved post 'CORS error when my React app calls the API'" in text
    assert (
        "[closed] 'CORS error when my React app calls the API' by alice [Frontend, Solved]" in text
    )
    assert "These solved questions look close to yours" in text
