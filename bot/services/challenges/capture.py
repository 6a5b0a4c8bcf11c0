"""What a chat message must pass before it is saved as a challenge or a solution ("Save
as challenge", "Save as solution", and the solution picker before it): it has words
(within the capture limit), and its author lets the saver reuse their messages."""

from __future__ import annotations

from bot.db import Database
from bot.services.consent import check_reuse
from bot.services.entries import capture_text


async def message_to_save(
    db: Database,
    guild_id: int,
    content: str,
    *,
    instead: str,
    author_id: int | None,
    author_name: str,
    saver_id: int | None,
) -> str:
    """The message's cleaned text. Invalid (naming the command to use `instead`) when it
    has no words; then NotAllowed when its author opted out of others saving their
    messages and `saver_id` is someone else (no check without an `author_id`)."""
    text = capture_text(content, instead)
    if author_id is not None:
        await check_reuse(
            db, guild_id, author_id=author_id, author_name=author_name, saver_id=saver_id
        )
    return text
