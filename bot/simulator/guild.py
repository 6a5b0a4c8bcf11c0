"""A simulated guild: roles, channels, threads, members and permissions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import permissions as P
from .forum import create_forum_channel
from .guild_permissions import GuildPermissions, target_id
from .models import (
    GUILD_CATEGORY,
    GUILD_TEXT,
    JSON,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    Member,
    Role,
    User,
)
from .snowflake import now_iso, snowflake_time

if TYPE_CHECKING:
    from .world import World


class Guild(GuildPermissions):
    def __init__(self, world: World, guild_id: int, name: str, owner_id: int) -> None:
        self.world = world
        self.id = guild_id
        self.name = name
        self.owner_id = owner_id
        self.locale = "en-US"
        # Where Discord posts joins and boosts (a new server's first text channel); None: off.
        self.system_channel_id: int | None = None
        self.roles: dict[int, Role] = {}
        self.channels: dict[int, Channel] = {}
        self.members: dict[int, Member] = {}
        self.roles[guild_id] = Role(guild_id, guild_id, "@everyone", P.DEFAULT_EVERYONE)

    def __repr__(self) -> str:
        return f"<Guild id={self.id} name={self.name!r}>"

    # ---- roles -------------------------------------------------------------------------
    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def create_role(
        self,
        name: str,
        permissions: P.PermissionsLike = 0,
        *,
        mentionable: bool = False,
        hoist: bool = False,
        managed: bool = False,
    ) -> Role:
        role = Role(
            self.world.ids.next(),
            self.id,
            name,
            P.perm_value(permissions),
            position=len(self.roles),
            mentionable=mentionable,
            hoist=hoist,
            managed=managed,
        )
        self.roles[role.id] = role
        self.world.emit(
            "GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.to_dict()}, self.id
        )
        return role

    def edit_role(
        self,
        role: Role | int,
        *,
        permissions: P.PermissionsLike | None = None,
        name: str | None = None,
    ) -> Role:
        """Change a role (e.g. the owner grants the bot's role a permission): GUILD_ROLE_UPDATE."""
        target = self.roles[target_id(role)]
        if permissions is not None:
            target.permissions = P.perm_value(permissions)
        if name is not None:
            target.name = name
        self.world.emit(
            "GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": target.to_dict()}, self.id
        )
        return target

    @property
    def bot_role(self) -> Role:
        """The managed role Discord gives the bot when it joins."""
        member = self.bot_member
        return next(self.roles[r] for r in member.roles if self.roles[r].managed)

    def add_roles(self, member: Member | User | int, *roles: Role | int) -> Member:
        """Give a member roles: GUILD_MEMBER_UPDATE (only bots with the members intent see it)."""
        target = self.get_member(member)
        for role in roles:
            rid = target_id(role)
            if rid not in target.roles:
                target.roles.append(rid)
        data = target.to_dict()
        data["guild_id"] = str(self.id)
        self.world.emit("GUILD_MEMBER_UPDATE", data, self.id)
        return target

    def role_member_counts(self) -> dict[int, int]:
        """Members per role, as GET /guilds/{id}/roles/member-counts answers (no @everyone)."""
        counts = {rid: 0 for rid in self.roles if rid != self.id}
        for member in self.members.values():
            for rid in member.roles:
                if rid in counts:
                    counts[rid] += 1
        return counts

    # ---- channels ----------------------------------------------------------------------
    @property
    def text_channels(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.type == GUILD_TEXT]

    @property
    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread]

    @property
    def general(self) -> Channel:
        return self.text_channels[0]

    def channel(self, name_or_id: str | int) -> Channel:
        for ch in self.channels.values():
            if ch.id == name_or_id or ch.name == name_or_id:
                return ch
        raise KeyError(f"no channel {name_or_id!r} in guild {self.name!r}")

    def _add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        self.world.channels[channel.id] = channel
        return channel

    def create_text_channel(
        self, name: str, *, category: Channel | int | None = None, topic: str | None = None
    ) -> Channel:
        parent = target_id(category) if category is not None else None
        ch = Channel(
            self.world.ids.next(),
            GUILD_TEXT,
            name,
            guild_id=self.id,
            parent_id=parent,
            position=len(self.channels),
            topic=topic,
        )
        self._add_channel(ch)
        self.world.emit("CHANNEL_CREATE", ch.to_dict(), self.id)
        return ch

    def create_forum_channel(self, name: str, **options: Any) -> Channel:
        """A forum (type 15); options: tags (names or tag objects), topic, category,
        default_auto_archive_duration. Posts: `forum.create_post` / `sim.post`."""
        return create_forum_channel(self, name, **options)

    @property
    def forum_channels(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_forum]

    def create_category(self, name: str) -> Channel:
        ch = Channel(self.world.ids.next(), GUILD_CATEGORY, name, guild_id=self.id)
        self._add_channel(ch)
        self.world.emit("CHANNEL_CREATE", ch.to_dict(), self.id)
        return ch

    def create_thread(
        self,
        parent: Channel | int,
        name: str,
        *,
        owner: Member | User | int | None = None,
        private: bool = False,
        invitable: bool = True,
        thread_id: int | None = None,
    ) -> Channel:
        """A thread created by someone (the bot via REST, or a test)."""
        owner_id = target_id(owner) if owner is not None else self.world.bot_user.id
        th = Channel(
            thread_id or self.world.ids.next(),
            PRIVATE_THREAD if private else PUBLIC_THREAD,
            name,
            guild_id=self.id,
            parent_id=target_id(parent),
            owner_id=owner_id,
            invitable=invitable,
        )
        th.thread_members[owner_id] = now_iso()
        self._add_channel(th)
        data = th.to_dict()
        data["newly_created"] = True
        self.world.emit("THREAD_CREATE", data, self.id)
        return th

    def delete_channel(self, channel_id: Channel | int) -> None:
        ch = self.channels.pop(target_id(channel_id))
        ch.deleted = True
        self.world.channels.pop(ch.id, None)
        event = "THREAD_DELETE" if ch.is_thread else "CHANNEL_DELETE"
        self.world.emit(event, ch.to_dict(), self.id)
        for child in [c for c in self.channels.values() if c.parent_id == ch.id and c.is_thread]:
            self.delete_channel(child.id)

    def add_thread_member(self, thread: Channel, user_id: int) -> None:
        if user_id in thread.thread_members:
            return
        thread.thread_members[user_id] = now_iso()
        self._thread_members_update(thread, added=[user_id])

    def remove_thread_member(self, thread: Channel, user_id: int) -> None:
        if thread.thread_members.pop(user_id, None) is not None:
            self._thread_members_update(thread, removed=[user_id])

    def _thread_members_update(
        self, thread: Channel, added: Iterable[int] = (), removed: Iterable[int] = ()
    ) -> None:
        data: JSON = {
            "id": str(thread.id),
            "guild_id": str(self.id),
            "member_count": min(len(thread.thread_members), 50),
            "added_members": [self.thread_member_dict(thread, u) for u in added],
            "removed_member_ids": [str(u) for u in removed],
        }
        self.world.emit("THREAD_MEMBERS_UPDATE", data, self.id)

    def thread_member_dict(self, thread: Channel, user_id: int) -> JSON:
        return {
            "id": str(thread.id),
            "user_id": str(user_id),
            "join_timestamp": thread.thread_members.get(user_id, now_iso()),
            "flags": 0,
        }

    # ---- members -----------------------------------------------------------------------
    def add_member(
        self,
        name: str | User,
        roles: Iterable[Role | int] = (),
        permissions: P.PermissionsLike | None = None,
        *,
        nick: str | None = None,
        global_name: str | None = None,
    ) -> Member:
        """Add a person. `permissions` gives them a personal role with exactly those bits."""
        user = name if isinstance(name, User) else self.world.create_user(name, global_name)
        role_ids = [target_id(r) for r in roles]
        if permissions is not None:
            role_ids.append(self.create_role(f"{user.username} permissions", permissions).id)
        member = Member(user, self.id, role_ids, nick)
        self.members[user.id] = member
        data = member.to_dict()
        data["guild_id"] = str(self.id)
        self.world.emit("GUILD_MEMBER_ADD", data, self.id)
        return member

    def add_bot(self, name: str, permissions: P.PermissionsLike = P.DEFAULT_BOT) -> Member:
        """Another application's bot joins: a bot user with its own managed role."""
        user = self.world.create_user(name, bot=True)
        role = self.create_role(name, permissions, managed=True)
        return self.add_member(user, roles=[role])

    def get_member(self, user: Member | User | int) -> Member:
        uid = target_id(user)
        try:
            return self.members[uid]
        except KeyError:
            raise KeyError(f"user {uid} is not a member of guild {self.name!r}") from None

    def remove_member(self, user: Member | User | int) -> None:
        member = self.members.pop(target_id(user))
        data = {"guild_id": str(self.id), "user": member.user.to_dict()}
        self.world.emit("GUILD_MEMBER_REMOVE", data, self.id)

    @property
    def bot_member(self) -> Member:
        return self.members[self.world.bot_user.id]

    # ---- serialisation -----------------------------------------------------------------
    def to_dict(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.to_dict() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def to_gateway_dict(self, *, member_limit: int | None = None) -> JSON:
        data = self.to_dict()
        members = list(self.members.values())
        if member_limit is not None and len(members) > member_limit:
            members = [self.bot_member] + [
                m for m in members[:member_limit] if m.id != self.bot_member.id
            ]
        data.update(
            joined_at=snowflake_time(self.id).isoformat(),
            large=len(self.members) > 250,
            unavailable=False,
            member_count=len(self.members),
            voice_states=[],
            members=[m.to_dict() for m in members],
            channels=[c.to_dict() for c in self.channels.values() if not c.is_thread],
            threads=[c.to_dict() for c in self.channels.values() if c.is_thread and not c.archived],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return data

    def resolve(self, value: Any) -> Any:
        """A Member/Role/Channel handle from an id (for the actions API)."""
        vid = value if isinstance(value, int) else getattr(value, "id", value)
        if isinstance(vid, str) and vid.isdigit():
            vid = int(vid)
        for table in (self.members, self.roles, self.channels):
            if vid in table:
                return table[vid]
        return self.world.users.get(vid)
