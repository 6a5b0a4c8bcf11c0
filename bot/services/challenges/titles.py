"""A challenge's title from a chat message: its first line, markup-trimmed, names for ids."""

from __future__ import annotations

import re

from bot.services.entries import TITLE_MAX, MentionNames, clean_text, plain_mentions

_LEADING_MARKUP = re.compile(r"^[\s#>*_~`|-]+")


def derive_title(content: str, names: MentionNames | None = None) -> str:
    """A title from a chat message: its first non-empty line, markup-trimmed, mentions as
    names (titles show markup raw), clipped."""
    for line in content.splitlines():
        line = " ".join(_LEADING_MARKUP.sub("", line).split())
        if line:
            break
    else:
        line = " ".join(content.split())
    line = " ".join(plain_mentions(line, names).split())
    if len(line) <= TITLE_MAX:
        return line
    cut = line[: TITLE_MAX - 1]
    space = cut.rfind(" ")
    if space > TITLE_MAX * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"


def typed_title(title: str, names: MentionNames | None = None) -> str:
    """A title typed in a form, on one line, with names for the ids it mentions."""
    return " ".join(plain_mentions(" ".join(title.split()), names).split())[:TITLE_MAX]


def form_title(title: str, names: MentionNames | None = None) -> str:
    """A title typed in a form or taken from a help-forum post: Invalid when empty or over
    TITLE_MAX, else typed_title of it."""
    return typed_title(clean_text(title, "The title", TITLE_MAX), names)
