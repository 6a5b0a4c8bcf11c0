"""Render budget: every embed and message Nexus sends stays within Discord's limits.

Discord rejects a payload over a limit with 400/50035 and discord.py checks nothing, so
all text passes through these helpers before it reaches an Embed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

from bot.services.entries import plain_mentions

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
CHOICE_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTION_MAX = 100

COLOUR = discord.Colour(0x5865F2)
COLOUR_OK = discord.Colour(0x57F287)
COLOUR_WARN = discord.Colour(0xFEE75C)


def clip(text: str | None, limit: int, *, ellipsis: str = "…") -> str:
    """Shorten `text` to at most `limit` characters, ending with an ellipsis if cut."""
    text = text or ""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[:limit]
    cut = text[: limit - len(ellipsis)]
    # Prefer a word boundary when one is near the end.
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    # Never leave an unclosed code fence behind.
    if cut.count("```") % 2 == 1:
        cut = cut[: max(0, limit - len(ellipsis) - 4)] + "\n```"
        cut = cut[: limit - len(ellipsis)]
    return cut + ellipsis


def one_line(text: str | None, limit: int) -> str:
    """Collapse whitespace (for titles, choices, labels) and clip."""
    return clip(" ".join((text or "").split()), limit)


def plain_label(text: str | None, limit: int) -> str:
    """One line for a place where Discord shows mention markup raw (select options,
    autocomplete choices, form labels, button labels): names instead of <@id>."""
    return one_line(plain_mentions(text or ""), limit)


def embed_size(embed: discord.Embed) -> int:
    total = len(embed.title or "") + len(embed.description or "")
    total += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    total += len(embed.footer.text or "") if embed.footer else 0
    total += len(embed.author.name or "") if embed.author else 0
    return total


def make_embed(
    title: str | None = None,
    description: str | None = None,
    *,
    colour: discord.Colour = COLOUR,
    url: str | None = None,
) -> discord.Embed:
    # Titles, field names and footers show mention markup raw: names stand there instead.
    return discord.Embed(
        title=clip(plain_mentions(title), TITLE_MAX) if title else None,
        description=clip(description, DESCRIPTION_MAX) if description else None,
        colour=colour,
        url=url,
    )


def add_field(embed: discord.Embed, name: str, value: str, *, inline: bool = False) -> bool:
    """Add a field if the embed still has room (25 fields, 6000 chars). Returns success."""
    if len(embed.fields) >= FIELDS_MAX:
        return False
    name = clip(plain_mentions(name), FIELD_NAME_MAX) or "\u200b"
    value = clip(value, FIELD_VALUE_MAX) or "\u200b"
    room = EMBED_TOTAL_MAX - embed_size(embed) - len(name)
    if room < 20:
        return False
    embed.add_field(name=name, value=clip(value, min(FIELD_VALUE_MAX, room)), inline=inline)
    return True


def set_footer(embed: discord.Embed, text: str) -> None:
    room = EMBED_TOTAL_MAX - embed_size(embed)
    if room > 0:
        embed.set_footer(text=clip(plain_mentions(text), min(FOOTER_MAX, room)))


def split_lines(lines: Iterable[str], limit: int) -> list[str]:
    """Pack lines into chunks of at most `limit` characters (long lines are clipped)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def batch_embeds(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages: at most 10 per message and 6000 characters in total."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        n = embed_size(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or size + n > EMBED_TOTAL_MAX):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += n
    if current:
        messages.append(current)
    return messages
