"""Bounding and cleaning what members type into entries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from bot.db.types import utcnow
from bot.errors import Invalid
from bot.services.entries.types import (
    CAPTURE_MAX,
)

NAME_MAX = 100


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Discord markup that carries no words of its own: mentions, custom emoji, timestamps.
_MARKUP_TOKENS = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::\w)?|/[\w -]+:\d+)>")
_WORD = re.compile(r"[^\W_]")
_MENTION = re.compile(
    r"<(?:(?P<user>@!?)|(?P<role>@&)|(?P<channel>#))(?P<id>\d+)>"
    r"|<a?:(?P<emoji>\w+):\d+>"
    r"|<t:(?P<ts>-?\d{1,13})(?::\w)?>"
    r"|</(?P<command>[\w -]+):\d+>"
)
_EMPTY: Mapping[int, str] = MappingProxyType({})


@dataclass(frozen=True)
class MentionNames:
    """Names for the ids a text mentions (known from Discord at the moment it was written)."""

    users: Mapping[int, str] = field(default_factory=lambda: _EMPTY)
    roles: Mapping[int, str] = field(default_factory=lambda: _EMPTY)
    channels: Mapping[int, str] = field(default_factory=lambda: _EMPTY)


def plain_mentions(text: str, names: MentionNames | None = None) -> str:
    """`text` for places where Discord shows markup raw (embed titles, field names, select
    options, choices, form labels): mentions become @name / #name (or "@member", "@role",
    "#channel" when the name is unknown; never the id), custom emoji :name:, timestamps a
    UTC date, and a command mention its command's name."""
    if "<" not in text:
        return text
    known = names or MentionNames()

    def one(m: re.Match[str]) -> str:
        if m["id"] is not None:
            ident = int(m["id"])
            if m["user"]:
                return "@" + known.users.get(ident, "member")
            if m["role"]:
                return "@" + known.roles.get(ident, "role")
            return "#" + known.channels.get(ident, "channel")
        if m["emoji"] is not None:
            return f":{m['emoji']}:"
        if m["ts"] is not None:
            try:
                return f"{datetime.fromtimestamp(int(m['ts']), UTC):%Y-%m-%d %H:%M} UTC"
            except (OverflowError, OSError, ValueError):
                return "a date"
        return "/" + m["command"]

    return _MENTION.sub(one, text)


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def clean_text(value: str | None, label: str, limit: int, *, required: bool = True) -> str:
    """Strip and bound user text. Empty/whitespace-only or too long -> Invalid."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
    if not text:
        if required:
            raise Invalid(f"{label} can't be empty: write a few words.")
        return ""
    if len(text) > limit:
        raise Invalid(
            f"{label} is too long ({len(text)} characters); the limit is {limit}. "
            "Shorten it and try again."
        )
    return text


def has_words(text: str) -> bool:
    """Whether `text` says anything: a letter or digit outside Discord's markup (so
    `||`, `** **`, an emoji or a lone mention do not count)."""
    return bool(_WORD.search(_MARKUP_TOKENS.sub(" ", text)))


def capture_text(content: str, instead: str) -> str:
    """The text of a chat message being saved; no words -> Invalid naming the command
    to use `instead` (e.g. "Use /solution add to write the solution in words.")."""
    text = clean_text(content, "That message", CAPTURE_MAX, required=False)
    if not has_words(text):
        raise Invalid(
            "That message has no text to save: only formatting, emoji, mentions or "
            f"attachments. {instead}"
        )
    return text


def clean_name(name: str | None) -> str:
    """A display name as stored with an entry (never a mention, never empty)."""
    text = " ".join(_CONTROL.sub("", name or "").split())
    return text[:NAME_MAX] or "a member"
