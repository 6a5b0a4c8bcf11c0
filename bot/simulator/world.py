"""The in-memory world: users, guilds, channels, messages and registered commands."""

from __future__ import annotations

import bisect
import mimetypes
import time
from collections.abc import Callable
from typing import Any

from . import permissions as P
from .forum import unarchive_for_message
from .guild import Guild
from .models import DM, EPHEMERAL, JSON, LOADING, Channel, Member, Message, User, parse_mentions
from .snowflake import SnowflakeGenerator, now_iso

Listener = Callable[[str, JSON, "int | None"], None]

NONCE_TTL = 300.0


class World:
    """Stateful Discord data. Mutations made after the gateway is up are dispatched to it."""

    def __init__(
        self,
        app_id: int | None = None,
        bot_user_id: int | None = None,
        *,
        bot_name: str = "Nexus",
        bot_permissions: P.PermissionsLike = P.DEFAULT_BOT,
    ) -> None:
        self.ids = SnowflakeGenerator()
        self.app_id: int = app_id or self.ids.next()
        self.bot_user = User(bot_user_id or self.app_id, bot_name, bot=True)
        self.bot_permissions = P.perm_value(bot_permissions)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.app_owner = self.create_user("app-owner")
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self._channel_messages: dict[int, list[Message]] = {}
        self._dm_by_user: dict[int, int] = {}
        self.global_commands: dict[int, JSON] = {}
        self.guild_commands: dict[int, dict[int, JSON]] = {}
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self.listeners: list[Listener] = []
        self._building: set[int] = set()

    # ---- events ------------------------------------------------------------------------
    def emit(self, event: str, data: JSON, guild_id: int | None) -> None:
        if guild_id in self._building:
            return  # a guild being built is announced once, by its GUILD_CREATE
        for listener in list(self.listeners):
            listener(event, data, guild_id)

    # ---- users and guilds --------------------------------------------------------------
    def create_user(self, name: str, global_name: str | None = None, *, bot: bool = False) -> User:
        user = User(self.ids.next(), name, global_name, bot=bot)
        self.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str,
        owner: Member | User | str | None = None,
        *,
        general: str = "general",
        bot_permissions: P.PermissionsLike | None = None,
        system_channel: bool = True,
    ) -> Guild:
        """A guild with @everyone (id == guild id), a #general channel, its owner and the bot.
        #general is its system channel (as on Discord) unless `system_channel` is False."""
        if isinstance(owner, Member):
            owner_user = owner.user
        elif isinstance(owner, User):
            owner_user = owner
        else:
            owner_user = self.create_user(owner or f"{name.lower().replace(' ', '-')}-owner")
        guild = Guild(self, self.ids.next(), name, owner_user.id)
        self._building.add(guild.id)
        self.guilds[guild.id] = guild
        guild.members[owner_user.id] = Member(owner_user, guild.id)
        perms = self.bot_permissions if bot_permissions is None else P.perm_value(bot_permissions)
        bot_role = guild.create_role(self.bot_user.username, perms, managed=True)
        guild.members[self.bot_user.id] = Member(self.bot_user, guild.id, [bot_role.id])
        first = guild.create_text_channel(general)
        guild.system_channel_id = first.id if system_channel else None
        self._building.discard(guild.id)
        self.emit("GUILD_CREATE", {"id": str(guild.id)}, guild.id)
        return guild

    def guild_of(self, channel_id: int) -> Guild | None:
        ch = self.channels.get(channel_id)
        if ch is None or ch.guild_id is None:
            return None
        return self.guilds.get(ch.guild_id)

    def channel(self, channel_id: int) -> Channel | None:
        ch = self.channels.get(channel_id)
        return None if ch is None or ch.deleted else ch

    def dm_channel(self, user: User | Member | int) -> Channel:
        uid = user if isinstance(user, int) else user.id
        existing = self._dm_by_user.get(uid)
        if existing is not None:
            return self.channels[existing]
        ch = Channel(self.ids.next(), DM, None, recipients=[self.users[uid]])
        self.channels[ch.id] = ch
        self._dm_by_user[uid] = ch.id
        return ch

    def dm_channel_of(self, user: User | Member | int) -> Channel | None:
        uid = user if isinstance(user, int) else user.id
        cid = self._dm_by_user.get(uid)
        return None if cid is None else self.channels[cid]

    # ---- messages ----------------------------------------------------------------------
    def create_message(
        self,
        channel: Channel,
        author: User,
        content: str = "",
        *,
        allowed_mentions: JSON | None = None,
        dispatch: bool = True,
        message_id: int | None = None,
        **fields: Any,
    ) -> Message:
        """Store a message, compute its mentions, and send MESSAGE_CREATE (not for ephemeral).

        A message sent into an archived, unlocked thread unarchives it first (THREAD_UPDATE),
        as on Discord: everyone following the thread sees it come back."""
        msg = Message(
            message_id or self.ids.next(),
            channel.id,
            author,
            guild_id=channel.guild_id,
            content=content,
            allowed_mentions=allowed_mentions,
            **fields,
        )
        self._apply_mentions(msg)
        self.messages[msg.id] = msg
        if not msg.flags & EPHEMERAL:
            guild = self.guild_of(channel.id)
            if channel.is_thread and channel.archived and guild is not None:
                unarchive_for_message(guild, channel)
            self._channel_messages.setdefault(channel.id, []).append(msg)
            channel.last_message_id = msg.id
            if channel.is_thread:
                channel.message_count += 1
            if dispatch:
                self.emit("MESSAGE_CREATE", self.gateway_message(msg), channel.guild_id)
        return msg

    def attachment(self, filename: str, *, size: int = 1024) -> JSON:
        """An attachment object as Discord returns it for an uploaded file."""
        att_id = self.ids.next()
        url = f"https://cdn.discordapp.invalid/attachments/{att_id}/{filename}"
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return {
            "id": str(att_id),
            "filename": filename,
            "size": size,
            "url": url,
            "proxy_url": url,
            "content_type": kind,
        }

    def _apply_mentions(self, msg: Message) -> None:
        users, roles, everyone = parse_mentions(msg.content, msg.allowed_mentions)
        msg.mentions = [self.users[u] for u in users if u in self.users]
        msg.mention_roles = roles
        msg.mention_everyone = everyone

    def gateway_message(self, msg: Message) -> JSON:
        data = msg.to_dict()
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            guild = self.guilds.get(msg.guild_id)
            if guild is not None and msg.author.id in guild.members and msg.webhook_id is None:
                data["member"] = guild.members[msg.author.id].to_dict(with_user=False)
        return data

    def edit_message(self, msg: Message, changes: JSON, *, dispatch: bool = True) -> Message:
        for key in ("content", "embeds", "components", "flags", "attachments"):
            if key in changes and changes[key] is not None:
                value = changes[key]
                if key == "flags":
                    value = (msg.flags & EPHEMERAL) | (int(value) & ~EPHEMERAL)
                setattr(msg, key, value)
        if "allowed_mentions" in changes:
            msg.allowed_mentions = changes["allowed_mentions"]
        msg.edited_timestamp = now_iso()
        msg.flags &= ~LOADING  # editing a deferred "thinking" message completes it
        self._apply_mentions(msg)
        if dispatch and not msg.ephemeral:
            self.emit("MESSAGE_UPDATE", self.gateway_message(msg), msg.guild_id)
        return msg

    def delete_message(self, msg: Message, *, dispatch: bool = True) -> None:
        msg.deleted = True
        lst = self._channel_messages.get(msg.channel_id)
        if lst is not None and msg in lst:
            lst.remove(msg)
        if dispatch and not msg.ephemeral:
            data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id is not None:
                data["guild_id"] = str(msg.guild_id)
            self.emit("MESSAGE_DELETE", data, msg.guild_id)

    def messages_in(self, channel_id: int) -> list[Message]:
        return list(self._channel_messages.get(channel_id, []))

    def history(
        self,
        channel_id: int,
        *,
        limit: int = 50,
        before: int | None = None,
        after: int | None = None,
        around: int | None = None,
    ) -> list[Message]:
        """Newest first, as Discord answers GET /channels/{id}/messages."""
        msgs = self._channel_messages.get(channel_id, [])
        ids = [m.id for m in msgs]
        if around is not None:
            i = bisect.bisect_left(ids, around)
            lo = max(0, i - limit // 2)
            return list(reversed(msgs[lo : lo + limit]))
        if after is not None:
            i = bisect.bisect_right(ids, after)
            return list(reversed(msgs[i : i + limit]))
        end = bisect.bisect_left(ids, before) if before is not None else len(msgs)
        return list(reversed(msgs[max(0, end - limit) : end]))

    def check_nonce(self, channel_id: int, nonce: str) -> Message | None:
        hit = self._nonces.get((channel_id, nonce))
        if hit is None or time.monotonic() - hit[1] > NONCE_TTL:
            return None
        msg = self.messages.get(hit[0])
        return None if msg is None or msg.deleted else msg

    def remember_nonce(self, channel_id: int, nonce: str, message_id: int) -> None:
        self._nonces[(channel_id, nonce)] = (message_id, time.monotonic())

    # ---- commands ----------------------------------------------------------------------
    def commands_for(self, guild_id: int | None) -> list[JSON]:
        """Guild commands first, then global ones (as a client would list them)."""
        found = list(self.guild_commands.get(guild_id, {}).values()) if guild_id else []
        return found + list(self.global_commands.values())

    @staticmethod
    def shard_of(guild_id: int, shard_count: int) -> int:
        return (guild_id >> 22) % shard_count
