"""Challenges end-to-end: /challenge share|view|search|list, "Save as challenge" and the
similar-challenge suggestions — the real bot through the local Discord simulator."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.db.models import Challenge
from bot.services.guilds import settings as guilds
from tests.e2e.challenges_helpers import challenge_id, share
from tests.e2e.harness import Nexus


async def _rows(nexus: Nexus) -> list[Challenge]:
    async with nexus.db.reader() as s:
        return list((await s.scalars(select(Challenge).order_by(Challenge.id))).all())


async def test_share_with_concepts_posts_the_page(nexus: Nexus) -> None:
    choices = await nexus.sim.autocomplete(
        nexus.alice,
        "challenge share",
        {"concept1": "dock"},
        focused="concept1",
        channel=nexus.general,
    )
    assert 1 <= len(choices) <= 25 and choices[0]["value"].isdigit()
    form = await nexus.sim.command(
        nexus.alice, "challenge share", {"concept1": choices[0]["value"]}, channel=nexus.general
    )
    assert form.modal is not None
    assert [(f.custom_id, f.max_length) for f in form.modal.fields] == [
        ("title", 150),
        ("tried", 1000),
        ("problem", 1500),
    ]
    reply = await nexus.sim.submit_modal(
        nexus.alice,
        form,
        {
            "title": "Container exits at once @everyone",
            "tried": "docker logs",
            "problem": "Exit code 137 <@&1>",
        },
    )
    assert not reply.ephemeral and reply.message is not None and not reply.message.pings
    embed = reply.embeds[0]
    assert embed["title"].endswith("Container exits at once @everyone")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Concepts"] == choices[0]["name"]
    assert fields["Status"] == "open · published" and fields["Shared by"] == "Alice"
    rows = await _rows(nexus)
    assert len(rows) == 1 and rows[0].problem == "Exit code 137 <@&1>"


async def test_bad_input_is_refused_and_nothing_written(nexus: Nexus) -> None:
    refused = await nexus.sim.command(
        nexus.alice,
        "challenge share",
        {"concept1": "no such concept zz"},
        channel=nexus.general,
    )
    assert refused.ephemeral and refused.modal is None and "concept" in refused.content
    blank = await share(nexus, nexus.alice, "Title", "   \n  ")
    assert blank.ephemeral and "can't be empty" in blank.content
    assert await _rows(nexus) == []


async def test_similar_earlier_challenges_are_suggested(nexus: Nexus) -> None:
    first = challenge_id(
        await share(
            nexus, nexus.bob, "CORS error calling Django API", "fetch from React is blocked"
        )
    )
    await share(nexus, nexus.carol, "Flexbox gap in Safari", "gap ignored")
    async with nexus.db.sessions.begin() as s:
        await s.execute(update(Challenge).where(Challenge.id == first).values(solved=True))
    reply = await share(
        nexus,
        nexus.alice,
        "React fetch blocked by CORS",
        "The Django API answers but the browser blocks it",
    )
    assert "similar earlier challenge" in reply.content and "solved" in reply.content
    similar = next(f for f in reply.embeds[0]["fields"] if f["name"].startswith("Similar"))
    assert similar["value"].startswith(f"• #{first} ") and "✅" in similar["value"]
    assert "Flexbox" not in similar["value"]


async def test_save_as_challenge_from_chat(nexus: Nexus) -> None:
    msg = await nexus.sim.say(
        nexus.bob, nexus.general, "## Migrations fail on deploy\nrelation does not exist @everyone"
    )
    reply = await nexus.sim.context_menu(nexus.alice, "Save as challenge", message=msg)
    assert not reply.ephemeral and reply.message is not None and not reply.message.pings
    assert reply.embeds[0]["title"].endswith("Migrations fail on deploy")
    (row,) = await _rows(nexus)
    assert (row.author_id, row.author_name) == (nexus.bob.id, "Bob")
    assert row.source_channel_id == nexus.general.id and row.source_message_id == msg.id
    assert row.jump_url == (
        f"https://discord.com/channels/{nexus.guild.id}/{nexus.general.id}/{msg.id}"
    )
    assert "relation does not exist @everyone" in row.problem
    again = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=msg)
    assert again.ephemeral and "already saved" in again.content
    assert len(await _rows(nexus)) == 1


async def test_save_as_challenge_refuses_a_message_without_text(nexus: Nexus) -> None:
    msg = nexus.world.create_message(
        nexus.general,
        nexus.world.users[nexus.bob.id],
        "",
        attachments=[
            {
                "id": "1",
                "filename": "trace.png",
                "size": 10,
                "url": "https://x/y",
                "proxy_url": "https://x/y",
            }
        ],
    )
    reply = await nexus.sim.context_menu(nexus.alice, "Save as challenge", message=msg.id)
    assert reply.ephemeral and "no text" in reply.content
    assert await _rows(nexus) == []


async def test_private_channel_capture_is_held(nexus: Nexus) -> None:
    secret = nexus.guild.create_text_channel("mentors-only")
    await guilds.update_settings(nexus.db, nexus.guild.id, private_channel_ids=[secret.id])
    msg = await nexus.sim.say(nexus.bob, secret, "Private: token leaks in logs")
    reply = await nexus.sim.context_menu(nexus.mod, "Save as challenge", message=msg)
    assert reply.ephemeral and "Held for review" in reply.content
    (row,) = await _rows(nexus)
    assert row.status == "pending"
    others = await nexus.sim.command(nexus.carol, "challenge list", {}, channel=nexus.general)
    assert "token leaks" not in others.text
    mine = await nexus.sim.command(
        nexus.bob, "challenge list", {"filter": "mine"}, channel=nexus.general
    )
    assert "token leaks" in mine.text and "pending review" in mine.text
    hidden = await nexus.sim.command(
        nexus.carol, "challenge view", {"id": row.id}, channel=nexus.general
    )
    assert hidden.ephemeral and "can't find" in hidden.content


async def test_view_autocomplete_and_server_scoping(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Celery worker stuck", "no tasks run"))
    choices = await nexus.sim.autocomplete(
        nexus.bob, "challenge view", {"id": "celery"}, focused="id", channel=nexus.general
    )
    assert choices[0]["value"] == cid and "Celery worker stuck" in choices[0]["name"]
    view = await nexus.sim.command(nexus.bob, "challenge view", {"id": cid}, channel=nexus.general)
    assert not view.ephemeral and view.embeds[0]["title"] == f"#{cid} · Celery worker stuck"
    outsider = await nexus.sim.command(
        nexus.other_member, "challenge view", {"id": cid}, channel=nexus.other.general
    )
    assert outsider.ephemeral and "can't find" in outsider.content
    none = await nexus.sim.autocomplete(
        nexus.other_member,
        "challenge view",
        {"id": str(cid)},
        focused="id",
        channel=nexus.other.general,
    )
    assert none == []


async def test_search_and_list_paginate(nexus: Nexus) -> None:
    for i in range(7):
        await share(nexus, nexus.alice, f"Redis cache miss {i}", f"keys expire early {i}")
    await share(nexus, nexus.bob, "Unrelated grid question", "css grid")
    result = await nexus.sim.command(
        nexus.carol, "challenge search", {"query": "redis"}, channel=nexus.general
    )
    assert result.ephemeral and len(result.embeds[0]["fields"]) == 5
    labels = [b.label for b in result.buttons]
    ids = [f["name"].split(" ")[0] for f in result.embeds[0]["fields"]]  # "#7", "#6", ...
    assert labels == ["Previous", "Next", *(f"Open {i}" for i in ids)]
    assert "open one below" in result.embeds[0]["footer"]["text"]
    opened = await nexus.sim.click(nexus.carol, result, index=3)
    assert opened.ephemeral and opened.embeds[0]["title"].startswith(f"{ids[0]} ")
    page2 = await nexus.sim.click(nexus.carol, result, index=2)
    assert len(page2.embeds[0]["fields"]) == 2 and "Redis" in page2.embeds[0]["fields"][0]["name"]
    assert len(page2.buttons) == 4
    hostile = await nexus.sim.command(
        nexus.carol,
        "challenge search",
        {"query": '"redis* -x AND 🎉 cache('},
        channel=nexus.general,
    )
    assert hostile.ephemeral and "Redis cache miss" in hostile.text
    wordless = await nexus.sim.command(
        nexus.carol, "challenge search", {"query": " ?! "}, channel=nexus.general
    )
    assert wordless.ephemeral and "Type a word or two" in wordless.text, wordless.text
    listing = await nexus.sim.command(
        nexus.carol, "challenge list", {"filter": "open"}, channel=nexus.general
    )
    assert listing.embeds[0]["fields"][0]["name"].startswith("#8 · Unrelated grid question")
    solved = await nexus.sim.command(
        nexus.carol, "challenge list", {"filter": "solved"}, channel=nexus.general
    )
    assert "No challenges here yet." in solved.text


async def test_list_by_concept(nexus: Nexus) -> None:
    choices = await nexus.sim.autocomplete(
        nexus.alice,
        "challenge share",
        {"concept1": "redis"},
        focused="concept1",
        channel=nexus.general,
    )
    redis = choices[0]["value"]
    await share(nexus, nexus.alice, "Tagged one", "with redis", concept1=redis)
    await share(nexus, nexus.alice, "Untagged one", "nothing")
    listing = await nexus.sim.command(
        nexus.bob, "challenge list", {"concept": redis}, channel=nexus.general
    )
    assert "Tagged one" in listing.text and "Untagged one" not in listing.text


async def test_capture_refuses_what_is_not_a_members_contribution(nexus: Nexus) -> None:
    """Nexus's own messages, other bots' messages and markup-only messages are refused,
    with a reason, by both menus; nothing is written."""
    await share(nexus, nexus.alice, "CORS blocks my fetch", "No Allow-Origin header")
    own = nexus.sim.messages_in(nexus.general)[-1]
    assert own.author_id == nexus.world.bot_user.id
    helper = nexus.guild.add_bot("HelperBot")
    other_bot = await nexus.sim.say(helper, nexus.general, "Build #42 failed: tests red")
    refusals = [(own.id, "Nexus's own"), (other_bot.id, "from a bot")]
    for markup in ("||", "** **", "\U0001f389", "<:blob:123456789012345678>", "<@1>  `` ~~ ~~"):
        said = await nexus.sim.say(nexus.bob, nexus.general, markup)
        refusals.append((said.id, "no text"))
    files = await nexus.sim.say(nexus.bob, nexus.general, "", attachments=["trace.png"])
    refusals.append((files.id, "no text"))
    for message_id, why in refusals:
        for menu in ("Save as challenge", "Save as solution"):
            reply = await nexus.sim.context_menu(nexus.carol, menu, message=message_id)
            assert reply.ephemeral and why in reply.content, (menu, message_id, reply.content)
            assert not reply.selects
    assert [r.title for r in await _rows(nexus)] == ["CORS blocks my fetch"]
