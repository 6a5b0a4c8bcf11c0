"""REST for forum channels: a post (POST /channels/{forum}/threads with its `message`),
a forum's tags (PATCH /channels/{forum}) and a post's tags/archiving (PATCH /channels/{post})."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .forum import AUTO_ARCHIVE_DURATIONS, ForumError, create_post, replace_tags, update_thread
from .guild import Guild
from .models import JSON, Channel
from .rest import ApiError

if TYPE_CHECKING:
    from .simulator import Simulator

__all__ = ["forum_errors", "patch_forum", "start_post", "update_thread"]

_FLAGS = (1 << 2) | (1 << 12)  # a post's first message: suppress embeds / notifications


@contextlib.contextmanager
def forum_errors() -> Iterator[None]:
    """ForumError -> the HTTP error Discord answers."""
    try:
        yield
    except ForumError as exc:
        if exc.code == 50035:
            node: JSON = {}
            root = node
            for part in exc.path:
                node = node.setdefault(str(part), {})
            node["_errors"] = [{"code": "BASE_TYPE_INVALID", "message": exc.message}]
            raise ApiError(400, 50035, "Invalid Form Body", root) from None
        status = 403 if exc.code == 50013 else 400
        raise ApiError(status, exc.code, exc.message) from None


def patch_forum(guild: Guild, forum: Channel, body: JSON) -> None:
    if body.get("available_tags") is not None:
        replace_tags(guild, forum, body["available_tags"])
    duration = body.get("default_auto_archive_duration")
    if duration is not None:
        if duration not in AUTO_ARCHIVE_DURATIONS:
            raise ForumError("Value must be one of 60, 1440, 4320, 10080.", ("duration",))
        forum.default_auto_archive_duration = int(duration)


def start_post(
    sim: Simulator, guild: Guild, forum: Channel, body: JSON, fields: dict[str, Any]
) -> JSON:
    """The bot starts a post: the thread, its first message (`fields`: its stored embeds,
    components, attachments), and the bot as the post's member."""
    message = body.get("message")
    if not isinstance(message, dict):
        raise ForumError("This field is required", ("message",))
    content = str(message.get("content") or "")
    if not (content or fields["embeds"] or fields["components"] or fields["attachments"]):
        raise ForumError("Cannot send an empty message", code=50006)
    post, msg = create_post(
        guild,
        forum,
        sim.world.bot_user.id,
        str(body.get("name")),
        content,
        tags=[int(t) for t in body.get("applied_tags") or []],
        auto_archive_duration=body.get("auto_archive_duration"),
        allowed_mentions=message.get("allowed_mentions"),
        flags=int(message.get("flags") or 0) & _FLAGS,
        **fields,
    )
    sim.note_bot_message(msg)
    data = post.to_dict()
    data["member"] = guild.thread_member_dict(post, sim.world.bot_user.id)
    data["message"] = msg.to_dict()
    return data
