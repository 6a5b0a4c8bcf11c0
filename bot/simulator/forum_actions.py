"""What people do in a forum: start a post, re-tag / close / reopen it, delete it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from .forum import ForumError, can_post, create_post, update_thread
from .guild import Guild
from .models import JSON, Channel, Member, User
from .payloads import InvalidInput
from .reply import MessageView
from .world import World

Actor = Member | User | int


class ForumActions:
    world: World

    def _forum_guild(self, channel: Channel | int) -> tuple[Guild, Channel]:
        ch = self.world.channel(channel if isinstance(channel, int) else channel.id)
        guild = self.world.guild_of(ch.id) if ch is not None else None
        if ch is None or guild is None:
            raise InvalidInput(f"channel {channel!r} does not exist (deleted?)")
        return guild, ch

    async def post(
        self,
        member: Actor,
        forum: Channel | int,
        title: str,
        content: str,
        *,
        tags: Sequence[int | str] = (),
        attachments: Sequence[str] = (),
    ) -> tuple[Channel, MessageView]:
        """A member starts a forum post (`tags`: names or ids). THREAD_CREATE then the first
        message's MESSAGE_CREATE reach the bot. Returns the post (a thread) and its message."""
        guild, ch = self._forum_guild(forum)
        uid = member if isinstance(member, int) else member.id
        who = self.world.users[uid].username
        if not ch.is_forum:
            raise InvalidInput(f"#{ch.name} is not a forum channel")
        if not can_post(guild, uid, ch):
            raise InvalidInput(f"{who} cannot post in #{ch.name}")
        if not title.strip() or len(title) > 100:
            raise InvalidInput("a post title is 1-100 characters")
        if not content.strip() and not attachments:
            raise InvalidInput("a post needs a message")
        try:
            post, msg = create_post(
                guild,
                ch,
                uid,
                title.strip(),
                content,
                tags=tags,
                attachments=[self.world.attachment(name) for name in attachments],
            )
        except ForumError as exc:
            raise InvalidInput(exc.message) from None
        await asyncio.sleep(0)
        return post, MessageView.from_dict(self.world.gateway_message(msg))

    async def edit_post(
        self,
        member: Actor,
        post: Channel | int,
        *,
        tags: Sequence[int | str] | None = None,
        archived: bool | None = None,
        locked: bool | None = None,
        name: str | None = None,
    ) -> Channel:
        """A member re-tags, closes (archived=True), reopens or (a moderator) locks a post:
        THREAD_UPDATE reaches the bot. Tags by name or id; `tags=[]` removes them all."""
        guild, th = self._forum_guild(post)
        uid = member if isinstance(member, int) else member.id
        changes: JSON = {"archived": archived, "locked": locked, "name": name}
        if tags is not None:
            forum = guild.channels.get(th.parent_id or 0)
            if forum is None or not forum.is_forum:
                raise InvalidInput(f"#{th.name} is not a forum post")
            changes["applied_tags"] = [_tag_id(forum, t) for t in tags]
        try:
            update_thread(guild, th, changes, uid)
        except ForumError as exc:
            raise InvalidInput(f"{self.world.users[uid].username}: {exc.message}") from None
        await asyncio.sleep(0)
        return th

    async def delete_post(self, member: Actor, post: Channel | int) -> None:
        """The post's author (or a moderator) deletes it: THREAD_DELETE reaches the bot."""
        guild, th = self._forum_guild(post)
        uid = member if isinstance(member, int) else member.id
        if th.owner_id != uid and not guild.can(uid, "MANAGE_THREADS", th):
            raise InvalidInput(f"{self.world.users[uid].username} cannot delete #{th.name}")
        guild.delete_channel(th.id)
        await asyncio.sleep(0)


def _tag_id(forum: Channel, tag: int | str) -> int:
    if isinstance(tag, int) or tag.isdigit():
        return int(tag)
    for t in forum.available_tags:
        if t["name"].lower() == tag.lower():
            return int(t["id"])
    raise InvalidInput(f"#{forum.name} has no tag {tag!r}")
