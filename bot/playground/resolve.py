"""Names typed in the playground -> members, channels, roles and typed option values."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from bot.playground.lines import Option
from bot.simulator.guild import Guild
from bot.simulator.models import DM, GUILD_CATEGORY, Channel, Member, Role

JSON = dict[str, Any]
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
TRUE = frozenset({"true", "yes", "y", "on", "1"})
FALSE = frozenset({"false", "no", "n", "off", "0"})
TYPE_NAMES = MappingProxyType(
    {
        STRING: "text",
        INTEGER: "whole number",
        BOOLEAN: "true/false",
        USER: "@member",
        CHANNEL: "#channel",
        ROLE: "@&role",
        MENTIONABLE: "@member or @&role",
        NUMBER: "number",
        ATTACHMENT: "file name",
    }
)
# @name, @&Role, #channel written in chat (not inside words or existing <...> mentions).
CHAT_MENTION = re.compile(r"(?<![\w<])(@&|@|#)([A-Za-z0-9][\w.-]*[\w]|[A-Za-z0-9])")
RAW_MENTION = re.compile(r"<(@!?|@&|#)(\d{1,20})>")
TIMESTAMP = re.compile(r"<t:(-?\d{1,13})(?::([tTdDfFR]))?>")
TIME_FORMATS = MappingProxyType({"t": "%H:%M", "T": "%H:%M:%S", "d": "%Y-%m-%d", "D": "%d %B %Y"})


class PlaygroundError(Exception):
    """The person asked for something that does not exist here. Message is printable."""


class Names:
    """Looks things up by name in the demo server, case-insensitively."""

    def __init__(self, guild: Guild) -> None:
        self.guild = guild

    # ---- lookups -----------------------------------------------------------------------
    def member(self, name: str) -> Member:
        key = _strip_mention(name, "@").lower()
        members = [m for m in self.guild.members.values() if not m.user.bot]
        for m in members:
            if key in (m.user.username.lower(), str(m.id)):
                return m
        for m in members:
            if m.display_name.lower() == key:
                return m
        known = ", ".join(sorted(m.user.username for m in members))
        raise PlaygroundError(f"no member named {name!r} here; members: {known}")

    def channels(self) -> list[Channel]:
        return [
            c
            for c in self.guild.channels.values()
            if not c.deleted and c.type not in (GUILD_CATEGORY, DM)
        ]

    def channel(self, name: str) -> Channel:
        """A channel or thread by its name, its id, a <#id> mention, or a part of its name
        that only one of them has ("pair: alice" for the thread "Pair: alice & bob")."""
        key = _strip_mention(name, "#").strip().lower()
        channels = self.channels()
        for ch in channels:
            if key in ((ch.name or "").lower(), str(ch.id)):
                return ch
        partial = [ch for ch in channels if key and key in (ch.name or "").lower()]
        if len(partial) == 1:
            return partial[0]
        if partial:
            names = ", ".join(f"#{c.name}" for c in partial)
            raise PlaygroundError(f"{name!r} could be any of {names}: type more of the name")
        known = ", ".join(f"#{c.name}" for c in channels)
        raise PlaygroundError(f"no channel named {name!r} here; channels: {known}")

    def forum(self) -> Channel:
        """The server's forum channel (where `post` goes when not typed in a forum)."""
        forums = [c for c in self.channels() if c.is_forum]
        if len(forums) != 1:
            where = ", ".join(f"#{c.name}" for c in forums) or "none here"
            raise PlaygroundError(f"say which forum: `in #FORUM post ...` (forums: {where})")
        return forums[0]

    def role(self, name: str) -> Role:
        key = _strip_mention(_strip_mention(name, "@&"), "@").lower()
        for role in self.guild.roles.values():
            if key in (role.name.lower(), str(role.id)) or (
                key == "everyone" and role.id == self.guild.id
            ):
                return role
        known = ", ".join(r.name for r in self.guild.roles.values() if not r.managed)
        raise PlaygroundError(f"no role named {name!r} here; roles: {known}")

    def username(self, user_id: int) -> str:
        member = self.guild.members.get(user_id)
        if member is not None:
            return member.user.username
        user = self.guild.world.users.get(user_id)
        return user.username if user is not None else str(user_id)

    def channel_label(self, channel_id: int) -> str:
        """`general`, a thread's name, or `dm:bob` for a direct message."""
        ch = self.guild.world.channels.get(channel_id)
        if ch is None:
            return str(channel_id)
        if ch.type == DM:
            who = ch.recipients[0].username if ch.recipients else "?"
            return f"dm:{who}"
        return ch.name or str(channel_id)

    def parent_label(self, channel_id: int) -> str | None:
        ch = self.guild.world.channels.get(channel_id)
        if ch is None or not ch.is_thread or ch.parent_id is None:
            return None
        return self.channel_label(ch.parent_id)

    # ---- text --------------------------------------------------------------------------
    def chat_text(self, text: str) -> str:
        """What Discord's client sends for typed @member / @&Role / #channel: real mentions."""

        def repl(m: re.Match[str]) -> str:
            sigil, name = m.group(1), m.group(2)
            try:
                if sigil == "#":
                    return self.channel(name).mention
                if sigil == "@&":
                    return self.role(name).mention
                if name.lower() in ("everyone", "here"):
                    return m.group(0)
                return self.member(name).mention
            except PlaygroundError:
                return m.group(0)

        return CHAT_MENTION.sub(repl, text)

    def readable(self, text: str) -> str:
        """Raw <@id>, <@&id>, <#id> mentions shown as @name, @Role, #channel."""

        def repl(m: re.Match[str]) -> str:
            sigil, ident = m.group(1), int(m.group(2))
            if sigil == "#":
                return f"#{self.channel_label(ident)}"
            if sigil == "@&":
                role = self.guild.roles.get(ident)
                return f"@{role.name}" if role is not None else m.group(0)
            return f"@{self.username(ident)}"

        return TIMESTAMP.sub(_timestamp, RAW_MENTION.sub(repl, text))

    # ---- option values -----------------------------------------------------------------
    def option_value(self, spec: JSON | None, opt: Option, where: str) -> Any:
        """Convert a typed value to what the option takes (unknown options pass through)."""
        if spec is None:
            return opt.value
        kind = int(spec.get("type", STRING))
        text = opt.value
        choices = spec.get("choices") or []
        for choice in choices:
            if str(choice.get("name", "")).lower() == text.lower():
                return choice["value"]
        try:
            if kind == INTEGER:
                return int(text)
            if kind == NUMBER:
                return float(text)
        except ValueError:
            raise PlaygroundError(
                f"{where}: {opt.name!r} takes a {TYPE_NAMES[kind]}, not {text!r}"
            ) from None
        if kind == BOOLEAN:
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise PlaygroundError(f"{where}: {opt.name!r} takes true or false, not {text!r}")
        if kind == USER:
            return self.member(text).id
        if kind == CHANNEL:
            return self.channel(text).id
        if kind == ROLE:
            return self.role(text).id
        if kind == MENTIONABLE:
            if text.startswith("@&"):
                return self.role(text).id
            try:
                return self.member(text).id
            except PlaygroundError:
                return self.role(text).id
        return text


def _timestamp(m: re.Match[str]) -> str:
    """Discord's <t:UNIX:STYLE> as the client would show it (in UTC)."""
    try:
        when = datetime.fromtimestamp(int(m.group(1)), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return m.group(0)
    style = m.group(2) or "f"
    return when.strftime(TIME_FORMATS.get(style, "%Y-%m-%d %H:%M")) + " UTC"


def _strip_mention(text: str, sigil: str) -> str:
    m = RAW_MENTION.fullmatch(text)
    if m:
        return m.group(2)
    return text.removeprefix(sigil)


def command_options(
    commands: list[JSON], path: tuple[str, ...], kind: int = 1
) -> list[JSON] | None:
    """The option definitions of /path among the registered commands (None: not found)."""
    cmd = next(
        (c for c in commands if c.get("name") == path[0] and int(c.get("type", 1)) == kind), None
    )
    if cmd is None:
        return None
    defs: list[JSON] = cmd.get("options") or []
    for part in path[1:]:
        sub = next((o for o in defs if o.get("name") == part and o.get("type") in (1, 2)), None)
        if sub is None:
            return None
        defs = sub.get("options") or []
    return defs
