"""A simulated guild's permissions: channel overwrites and the effective permissions of a
member in a channel or thread, computed as Discord documents it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import permissions as P
from .models import PRIVATE_THREAD, Channel, Member, Role, User

if TYPE_CHECKING:
    from .world import World

Target = Member | User | Role | Channel | int


def target_id(target: Target) -> int:
    return target if isinstance(target, int) else target.id


class GuildPermissions:
    """Part of `Guild` (bot/simulator/guild.py): the attributes below are the guild's."""

    world: World
    id: int
    owner_id: int
    roles: dict[int, Role]
    channels: dict[int, Channel]

    def get_member(self, user: Member | User | int) -> Member:
        raise NotImplementedError

    @property
    def everyone(self) -> Role:
        raise NotImplementedError

    # ---- permissions -------------------------------------------------------------------
    def set_overwrite(
        self,
        channel: Channel | int,
        target: Target,
        *,
        allow: P.PermissionsLike = 0,
        deny: P.PermissionsLike = 0,
    ) -> None:
        ch = self.channels[target_id(channel)]
        tid = target_id(target)
        kind = 0 if tid in self.roles else 1
        ch.overwrites[tid] = (kind, P.perm_value(allow), P.perm_value(deny))
        self.world.emit("CHANNEL_UPDATE", ch.to_dict(), self.id)

    def deny_bot(self, channel: Channel | int, *perms: str) -> None:
        """Deny the bot these permissions in a channel (a member overwrite)."""
        ch = self.channels[target_id(channel)]
        bot_id = self.world.bot_user.id
        _, allow, deny = ch.overwrites.get(bot_id, (1, 0, 0))
        bits = P.perm_value(list(perms))
        self.set_overwrite(ch, bot_id, allow=allow & ~bits, deny=deny | bits)

    def allow_bot(self, channel: Channel | int, *perms: str) -> None:
        ch = self.channels[target_id(channel)]
        bot_id = self.world.bot_user.id
        _, allow, deny = ch.overwrites.get(bot_id, (1, 0, 0))
        bits = P.perm_value(list(perms))
        self.set_overwrite(ch, bot_id, allow=allow | bits, deny=deny & ~bits)

    def base_permissions(self, user: Member | User | int) -> int:
        member = self.get_member(user)
        return P.base_permissions(
            is_owner=member.id == self.owner_id,
            everyone=self.everyone.permissions,
            role_perms=(self.roles[r].permissions for r in member.roles if r in self.roles),
        )

    def permissions_for(
        self, user: Member | User | int, channel: Channel | int | None = None
    ) -> int:
        base = self.base_permissions(user)
        if channel is None:
            return base
        ch = self.channels[target_id(channel)]
        thread = ch if ch.is_thread else None
        if thread is not None and ch.parent_id in self.channels:
            ch = self.channels[ch.parent_id]
        member = self.get_member(user)
        ows = ch.overwrites
        everyone = ows.get(self.id)
        member_ow = ows.get(member.id)
        perms = P.apply_overwrites(
            base,
            everyone_ow=(everyone[1], everyone[2]) if everyone else None,
            role_ows=[(ows[r][1], ows[r][2]) for r in member.roles if r in ows],
            member_ow=(member_ow[1], member_ow[2]) if member_ow else None,
            is_thread=thread is not None,
        )
        # A private thread is seen only by its members and by those who may manage
        # threads in its channel (administrators included), as on Discord.
        if (
            thread is not None
            and thread.type == PRIVATE_THREAD
            and member.id not in thread.thread_members
            and not perms & (P.perm_value("MANAGE_THREADS") | P.perm_value("ADMINISTRATOR"))
        ):
            return 0
        return perms

    def can(
        self, user: Member | User | int, perm: str, channel: Channel | int | None = None
    ) -> bool:
        return bool(self.permissions_for(user, channel) & P.perm_value(perm))
