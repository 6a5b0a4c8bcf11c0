"""Entities of the simulated Discord and their API serialisation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .snowflake import now_iso, snowflake_time

JSON = dict[str, Any]

GUILD_TEXT = 0
DM = 1
GUILD_CATEGORY = 4
PUBLIC_THREAD = 11
GUILD_FORUM = 15
PRIVATE_THREAD = 12
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)
MAX_FORUM_TAGS = 20  # Discord: a forum has at most 20 available tags
MAX_APPLIED_TAGS = 5  # ... and a post at most 5 applied tags

EPHEMERAL = 1 << 6
LOADING = 1 << 7

USER_MENTION = re.compile(r"<@!?(\d{1,20})>")
ROLE_MENTION = re.compile(r"<@&(\d{1,20})>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)\b")


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dms_open: bool = True
    locale: str = "en-US"

    @property
    def name(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.global_name or self.username

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_dict(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False

    @property
    def mention(self) -> str:
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"

    def to_dict(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def display_name(self) -> str:
        return self.nick or self.user.display_name

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"

    def to_dict(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Channel:
    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    # target id -> (kind 0=role/1=member, allow, deny)
    overwrites: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    recipients: list[User] = field(default_factory=list)
    owner_id: int | None = None
    invitable: bool = True
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    thread_members: dict[int, str] = field(default_factory=dict)
    message_count: int = 0
    last_message_id: int | None = None
    deleted: bool = False
    archive_timestamp: str | None = None
    # Forum channels: their tags (ForumTag objects as Discord sends them) and the default
    # auto-archive duration of new posts; forum posts: the ids of the tags applied to them.
    available_tags: list[JSON] = field(default_factory=list)
    default_auto_archive_duration: int = 1440
    applied_tags: list[int] = field(default_factory=list)

    @property
    def is_forum(self) -> bool:
        return self.type == GUILD_FORUM

    def tag(self, tag_id: int) -> JSON | None:
        return next((t for t in self.available_tags if int(t["id"]) == tag_id), None)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def to_dict(self, *, permissions: int | None = None) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "flags": 0,
        }
        if self.type == DM:
            data["recipients"] = [u.to_dict() for u in self.recipients]
            return data
        data.update(
            guild_id=str(self.guild_id) if self.guild_id else None,
            name=self.name,
            parent_id=str(self.parent_id) if self.parent_id else None,
            rate_limit_per_user=0,
        )
        if self.is_thread:
            created = snowflake_time(self.id).isoformat()
            data.update(
                owner_id=str(self.owner_id) if self.owner_id else None,
                message_count=self.message_count,
                total_message_sent=self.message_count,
                member_count=min(len(self.thread_members), 50),
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": self.archive_timestamp or created,
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "create_timestamp": created,
                },
                applied_tags=[str(t) for t in self.applied_tags],
            )
        else:
            data.update(
                position=self.position,
                topic=self.topic,
                nsfw=False,
                permission_overwrites=[
                    {"id": str(t), "type": kind, "allow": str(allow), "deny": str(deny)}
                    for t, (kind, allow, deny) in self.overwrites.items()
                ],
            )
            if self.is_forum:
                data.update(
                    available_tags=[dict(t) for t in self.available_tags],
                    default_auto_archive_duration=self.default_auto_archive_duration,
                    default_thread_rate_limit_per_user=0,
                    default_reaction_emoji=None,
                    default_sort_order=None,
                    default_forum_layout=0,
                )
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[JSON] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    nonce: str | int | None = None
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    mentions: list[User] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    message_reference: JSON | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JSON | None = None
    allowed_mentions: JSON | None = None
    thread_id: int | None = None
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def to_dict(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel_id),
            "author": self.author.to_dict(),
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": self.attachments,
            "flags": self.flags,
            "tts": self.tts,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "mentions": [u.to_dict() for u in self.mentions],
            "mention_roles": [str(r) for r in self.mention_roles],
            "mention_everyone": self.mention_everyone,
            "pinned": False,
            "reactions": [],
        }
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.thread_id is not None:
            data["position"] = 0
        return data


def parse_mentions(content: str, allowed: JSON | None) -> tuple[list[int], list[int], bool]:
    """User ids, role ids and @everyone that `content` pings under `allowed` mentions.

    `allowed` None is Discord's default: every mention in the content is parsed.
    """
    users = [int(u) for u in USER_MENTION.findall(content)]
    roles = [int(r) for r in ROLE_MENTION.findall(content)]
    everyone = bool(EVERYONE_MENTION.search(content))
    if allowed is None:
        return _dedupe(users), _dedupe(roles), everyone
    parse = set(allowed.get("parse") or [])
    if "users" not in parse:
        allowed_users = {int(u) for u in allowed.get("users") or []}
        users = [u for u in users if u in allowed_users]
    if "roles" not in parse:
        allowed_roles = {int(r) for r in allowed.get("roles") or []}
        roles = [r for r in roles if r in allowed_roles]
    return _dedupe(users), _dedupe(roles), everyone and "everyone" in parse


def _dedupe(values: list[int]) -> list[int]:
    return list(dict.fromkeys(values))
