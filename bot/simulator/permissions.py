"""Discord permission bits and the permission computation of the documented algorithm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

_NAMES = tuple(
    [
        "CREATE_INSTANT_INVITE",
        "KICK_MEMBERS",
        "BAN_MEMBERS",
        "ADMINISTRATOR",
        "MANAGE_CHANNELS",
        "MANAGE_GUILD",
        "ADD_REACTIONS",
        "VIEW_AUDIT_LOG",
        "PRIORITY_SPEAKER",
        "STREAM",
        "VIEW_CHANNEL",
        "SEND_MESSAGES",
        "SEND_TTS_MESSAGES",
        "MANAGE_MESSAGES",
        "EMBED_LINKS",
        "ATTACH_FILES",
        "READ_MESSAGE_HISTORY",
        "MENTION_EVERYONE",
        "USE_EXTERNAL_EMOJIS",
        "VIEW_GUILD_INSIGHTS",
        "CONNECT",
        "SPEAK",
        "MUTE_MEMBERS",
        "DEAFEN_MEMBERS",
        "MOVE_MEMBERS",
        "USE_VAD",
        "CHANGE_NICKNAME",
        "MANAGE_NICKNAMES",
        "MANAGE_ROLES",
        "MANAGE_WEBHOOKS",
        "MANAGE_GUILD_EXPRESSIONS",
        "USE_APPLICATION_COMMANDS",
        "REQUEST_TO_SPEAK",
        "MANAGE_EVENTS",
        "MANAGE_THREADS",
        "CREATE_PUBLIC_THREADS",
        "CREATE_PRIVATE_THREADS",
        "USE_EXTERNAL_STICKERS",
        "SEND_MESSAGES_IN_THREADS",
        "USE_EMBEDDED_ACTIVITIES",
        "MODERATE_MEMBERS",
        "VIEW_CREATOR_MONETIZATION_ANALYTICS",
        "USE_SOUNDBOARD",
        "CREATE_GUILD_EXPRESSIONS",
        "CREATE_EVENTS",
        "USE_EXTERNAL_SOUNDS",
        "SEND_VOICE_MESSAGES",
        "_47",
        "_48",
        "SEND_POLLS",
        "USE_EXTERNAL_APPS",
        "PIN_MESSAGES",
        "BYPASS_SLOWMODE",
    ]
)

FLAGS: Mapping[str, int] = MappingProxyType(
    {name: 1 << bit for bit, name in enumerate(_NAMES) if not name[1:].isdigit()}
)
ALL: int = 0
for _value in FLAGS.values():
    ALL |= _value

ADMINISTRATOR = FLAGS["ADMINISTRATOR"]
VIEW_CHANNEL = FLAGS["VIEW_CHANNEL"]
SEND_MESSAGES = FLAGS["SEND_MESSAGES"]

PermissionsLike = int | str | Iterable[str]


def perm_value(value: PermissionsLike) -> int:
    """An int, a flag name ("SEND_MESSAGES", "send_messages") or names -> the bit set."""
    if isinstance(value, bool):
        raise TypeError("permissions must be an int or flag names")
    if isinstance(value, int):
        return value
    names = [value] if isinstance(value, str) else list(value)
    total = 0
    for name in names:
        key = name.upper()
        if key not in FLAGS:
            raise ValueError(f"unknown permission {name!r}")
        total |= FLAGS[key]
    return total


def names_of(value: int) -> list[str]:
    return [name for name, bit in FLAGS.items() if value & bit]


DEFAULT_EVERYONE: int = perm_value(
    [
        "CREATE_INSTANT_INVITE",
        "CHANGE_NICKNAME",
        "VIEW_CHANNEL",
        "SEND_MESSAGES",
        "SEND_MESSAGES_IN_THREADS",
        "CREATE_PUBLIC_THREADS",
        "CREATE_PRIVATE_THREADS",
        "EMBED_LINKS",
        "ATTACH_FILES",
        "ADD_REACTIONS",
        "USE_EXTERNAL_EMOJIS",
        "USE_EXTERNAL_STICKERS",
        "READ_MESSAGE_HISTORY",
        "USE_APPLICATION_COMMANDS",
        "CONNECT",
        "SPEAK",
        "USE_VAD",
        "SEND_VOICE_MESSAGES",
        "SEND_POLLS",
        "USE_EXTERNAL_APPS",
    ]
)

DEFAULT_BOT: int = perm_value(
    [
        "VIEW_CHANNEL",
        "SEND_MESSAGES",
        "SEND_MESSAGES_IN_THREADS",
        "CREATE_PUBLIC_THREADS",
        "CREATE_PRIVATE_THREADS",
        "MANAGE_THREADS",
        "EMBED_LINKS",
        "ATTACH_FILES",
        "READ_MESSAGE_HISTORY",
        "ADD_REACTIONS",
        "USE_EXTERNAL_EMOJIS",
        "MANAGE_MESSAGES",
    ]
)

# Lost when SEND_MESSAGES is denied in a channel (documented implicit permissions).
_NEEDS_SEND = perm_value(["MENTION_EVERYONE", "SEND_TTS_MESSAGES", "ATTACH_FILES", "EMBED_LINKS"])


def base_permissions(*, is_owner: bool, everyone: int, role_perms: Iterable[int]) -> int:
    if is_owner:
        return ALL
    perms = everyone
    for value in role_perms:
        perms |= value
    if perms & ADMINISTRATOR:
        return ALL
    return perms


def apply_overwrites(
    base: int,
    *,
    everyone_ow: tuple[int, int] | None,
    role_ows: Iterable[tuple[int, int]],
    member_ow: tuple[int, int] | None,
    is_thread: bool = False,
) -> int:
    """Channel permissions from base permissions and (allow, deny) overwrites."""
    if base & ADMINISTRATOR:
        return ALL
    perms = base
    if everyone_ow is not None:
        perms = (perms & ~everyone_ow[1]) | everyone_ow[0]
    allow = deny = 0
    for a, d in role_ows:
        allow |= a
        deny |= d
    perms = (perms & ~deny) | allow
    if member_ow is not None:
        perms = (perms & ~member_ow[1]) | member_ow[0]
    if not perms & VIEW_CHANNEL:
        return 0
    if not is_thread and not perms & SEND_MESSAGES:
        perms &= ~_NEEDS_SEND
    return perms
