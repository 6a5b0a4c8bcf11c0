"""Sharing a concept in the conversation: a lookup is private, "Post in channel" (or the
`share` option) posts it for everyone with the asker named, never pinging; per channel
at most SHARE_LIMIT posts per SHARE_WINDOW and the same concept once per window; a
channel where Nexus cannot post gets a clear private answer and nothing is lost."""

from __future__ import annotations

from datetime import timedelta

from bot.services.concepts import SHARE_LIMIT, SHARE_WINDOW
from bot.simulator.reply import MessageView, Reply
from tests.e2e.harness import Nexus

SHARE = "nexus:concept:share:"


def _share_button(reply: Reply | MessageView) -> str:
    found = [b.custom_id for b in reply.buttons if (b.custom_id or "").startswith(SHARE)]
    assert found, [b.label for b in reply.buttons]
    return str(found[0])


def _posts(nexus: Nexus, title: str) -> list[MessageView]:
    return [
        m
        for m in nexus.sim.messages_in(nexus.general)
        if not m.ephemeral and any(e.get("title") == title for e in m.embeds)
    ]


async def test_lookup_is_private_and_post_in_channel_shares_it(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": "Redis"}, channel=nexus.general
    )
    assert reply.ephemeral and reply.embeds[0]["title"] == "Redis"
    assert not _posts(nexus, "Redis")
    button = next(b for b in reply.buttons if (b.custom_id or "").startswith(SHARE))
    assert button.label == "Post in channel"
    done = await nexus.sim.click(nexus.alice, reply, button.custom_id)
    assert done.ephemeral and "Posted" in done.content
    [post] = _posts(nexus, "Redis")
    assert f"<@{nexus.alice.id}>" in post.content and "Shared by" in post.content
    assert not post.pings  # the asker is named, nobody is notified
    assert not any((b.custom_id or "").startswith(SHARE) for b in post.buttons)
    assert any((b.custom_id or "").startswith("nexus:concept:open:") for b in post.buttons)
    # A related concept opened from the public post can be shared too (by someone else).
    related = next(b for b in post.buttons if (b.custom_id or "").startswith("nexus:concept:open:"))
    opened = await nexus.sim.click(nexus.bob, post, related.custom_id)
    assert opened.ephemeral
    again = await nexus.sim.click(nexus.bob, opened, _share_button(opened))
    assert again.ephemeral and "Posted" in again.content
    [shared] = _posts(nexus, str(related.label))
    assert f"<@{nexus.bob.id}>" in shared.content and not shared.pings


async def test_share_option_posts_at_once(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "Docker", "share": True}, channel=nexus.general
    )
    assert reply.ephemeral and "Posted" in reply.content
    [post] = _posts(nexus, "Docker")
    assert f"<@{nexus.bob.id}>" in post.content and not post.pings


async def test_share_is_rate_limited_per_channel(nexus: Nexus) -> None:
    names = ["Redis", "Docker", "Caching", "Kubernetes", "CORS"]
    for name in names[:SHARE_LIMIT]:
        ok = await nexus.sim.command(
            nexus.alice, "concept lookup", {"name": name, "share": True}, channel=nexus.general
        )
        assert "Posted" in ok.content, ok.content
    # The same concept again within the window: the earlier post is pointed to.
    nexus.clock.advance(timedelta(minutes=1))
    twice = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "Redis", "share": True}, channel=nexus.general
    )
    assert twice.ephemeral and "already shared" in twice.content
    assert "discord.com/channels/" in twice.content
    assert len(_posts(nexus, "Redis")) == 1
    # One concept too many for this channel: refused, with when it can be posted again.
    over = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": names[SHARE_LIMIT]}, channel=nexus.general
    )
    refused = await nexus.sim.click(nexus.bob, over, _share_button(over))
    assert refused.ephemeral and "minute" in refused.content and "Posted" not in refused.content
    assert not _posts(nexus, over.embeds[0]["title"])
    # Another channel has its own limit.
    elsewhere = await nexus.sim.command(
        nexus.bob, "concept lookup", {"name": "Redis", "share": True}, channel=nexus.pairing
    )
    assert "Posted" in elsewhere.content
    # After the window, the channel takes shares again.
    nexus.clock.advance(SHARE_WINDOW)
    later = await nexus.sim.click(nexus.bob, over, _share_button(over))
    assert "Posted" in later.content
    assert len(_posts(nexus, over.embeds[0]["title"])) == 1


async def test_share_where_nexus_cannot_post(nexus: Nexus) -> None:
    nexus.guild.deny_bot(nexus.general, "SEND_MESSAGES")
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": "Redis", "share": True}, channel=nexus.general
    )
    assert reply.ephemeral and "can't post" in reply.content and "Send Messages" in reply.content
    assert reply.embeds and reply.embeds[0]["title"] == "Redis"  # the answer is not lost
    assert not _posts(nexus, "Redis")
    nexus.guild.allow_bot(nexus.general, "SEND_MESSAGES")
    # Discord refuses the post although the permissions looked right (e.g. slow mode,
    # an overwrite not yet seen): the same clear answer, and the slot is not used up.
    nexus.sim.faults.add("POST", rf"/channels/{nexus.general.id}/messages", 403)
    refused = await nexus.sim.click(nexus.alice, reply, _share_button(reply))
    assert refused.ephemeral and "can't post" in refused.content
    assert not _posts(nexus, "Redis")
    posted = await nexus.sim.click(nexus.alice, reply, _share_button(reply))
    assert "Posted" in posted.content and len(_posts(nexus, "Redis")) == 1
