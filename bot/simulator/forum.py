"""Forum channels (type 15) as Discord has them: tags, posts (a public thread whose id is the
id of its first message), applied tags, archiving and locking.

Used by the REST layer (the bot) and by the members' actions API (people); both go through
the same rules so that the bot and a person see one consistent forum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import permissions as P
from .models import (
    GUILD_FORUM,
    JSON,
    MAX_APPLIED_TAGS,
    MAX_FORUM_TAGS,
    PUBLIC_THREAD,
    Channel,
    Member,
    Message,
    User,
)
from .snowflake import now_iso

if TYPE_CHECKING:
    from .guild import Guild

TagLike = str | JSON
AUTO_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


class ForumError(ValueError):
    """A forum request Discord refuses: `path` names the field (400 50035 with it), or
    `code` is a JSON error code of its own (e.g. 50083 for an archived thread)."""

    def __init__(self, message: str, path: tuple[str | int, ...] = (), code: int = 50035) -> None:
        super().__init__(message)
        self.message, self.path, self.code = message, path, code


def tag_dict(tag_id: int, tag: TagLike) -> JSON:
    """A ForumTag object as Discord sends it (`tag`: a name, or a request's tag object)."""
    if isinstance(tag, str):
        tag = {"name": tag}
    return {
        "id": str(tag_id),
        "name": str(tag.get("name") or ""),
        "moderated": bool(tag.get("moderated") or False),
        "emoji_id": str(tag["emoji_id"]) if tag.get("emoji_id") else None,
        "emoji_name": tag.get("emoji_name") or None,
    }


def replace_tags(guild: Guild, forum: Channel, tags: Sequence[TagLike]) -> list[JSON]:
    """The forum's new `available_tags` from a PATCH: a tag given with an id keeps it (it must
    be one of the forum's), a tag without one is new; tags left out are removed (and taken off
    the posts that had them, as Discord does). Names must be unique, 1-20 tags at most."""
    if len(tags) > MAX_FORUM_TAGS:
        raise ForumError(f"Must be {MAX_FORUM_TAGS} or fewer in length.", ("available_tags",))
    fresh: list[JSON] = []
    seen: set[str] = set()
    for i, tag in enumerate(tags):
        raw = {"name": tag} if isinstance(tag, str) else tag
        name = str(raw.get("name") or "").strip()
        if not name:
            raise ForumError("A tag needs a name.", ("available_tags", i, "name"))
        if name.lower() in seen:
            raise ForumError("Tag names must be unique.", ("available_tags", i, "name"))
        seen.add(name.lower())
        given = raw.get("id")
        if given is not None and forum.tag(int(given)) is None:
            raise ForumError("Unknown tag.", ("available_tags", i, "id"))
        tag_id = int(given) if given is not None else guild.world.ids.next()
        fresh.append(tag_dict(tag_id, {**raw, "name": name}))
    kept = {int(t["id"]) for t in fresh}
    forum.available_tags = fresh
    for post in posts_of(guild, forum):
        if any(t not in kept for t in post.applied_tags):
            post.applied_tags = [t for t in post.applied_tags if t in kept]
    return fresh


def posts_of(guild: Guild, forum: Channel) -> list[Channel]:
    return [c for c in guild.channels.values() if c.is_thread and c.parent_id == forum.id]


def check_applied(
    guild: Guild, forum: Channel, tag_ids: Iterable[Any], actor: int, *, field: str
) -> list[int]:
    """Tag ids a post may carry: the forum's own, at most 5, moderated ones only by members
    who may manage threads."""
    ids = list(dict.fromkeys(int(t) for t in tag_ids))
    if len(ids) > MAX_APPLIED_TAGS:
        raise ForumError(f"Must be {MAX_APPLIED_TAGS} or fewer in length.", (field,))
    for i, tag_id in enumerate(ids):
        tag = forum.tag(tag_id)
        if tag is None:
            raise ForumError("Unknown tag: not one of the forum's available tags.", (field, i))
        if tag["moderated"] and not guild.can(actor, "MANAGE_THREADS", forum):
            raise ForumError("This tag can only be applied by moderators.", (field, i))
    return ids


def create_forum_channel(
    guild: Guild,
    name: str,
    *,
    tags: Sequence[TagLike] = (),
    topic: str | None = None,
    category: Channel | int | None = None,
    default_auto_archive_duration: int = 1440,
) -> Channel:
    ch = Channel(
        guild.world.ids.next(),
        GUILD_FORUM,
        name,
        guild_id=guild.id,
        parent_id=category if isinstance(category, int | None) else category.id,
        position=len(guild.channels),
        topic=topic,
        default_auto_archive_duration=default_auto_archive_duration,
    )
    if len(tags) > MAX_FORUM_TAGS:
        raise ValueError(f"a forum has at most {MAX_FORUM_TAGS} tags")
    ch.available_tags = [tag_dict(guild.world.ids.next(), t) for t in tags]
    guild.channels[ch.id] = ch
    guild.world.channels[ch.id] = ch
    guild.world.emit("CHANNEL_CREATE", ch.to_dict(), guild.id)
    return ch


def create_post(
    guild: Guild,
    forum: Channel,
    author: Member | User | int,
    title: str,
    content: str = "",
    *,
    tags: Sequence[int | str] = (),
    auto_archive_duration: int | None = None,
    **message_fields: Any,
) -> tuple[Channel, Message]:
    """A forum post: THREAD_CREATE (newly_created) of a public thread, then MESSAGE_CREATE of
    its first message, whose id is the thread's. `tags`: tag ids or names."""
    if forum.type != GUILD_FORUM:
        raise ForumError("Cannot execute action on this channel type", code=50024)
    uid = author if isinstance(author, int) else author.id
    tag_ids = [_tag_id(forum, t) for t in tags]
    applied = check_applied(guild, forum, tag_ids, uid, field="applied_tags")
    world = guild.world
    post_id = world.ids.next()
    post = Channel(
        post_id,
        PUBLIC_THREAD,
        title,
        guild_id=guild.id,
        parent_id=forum.id,
        owner_id=uid,
        auto_archive_duration=auto_archive_duration or forum.default_auto_archive_duration,
        applied_tags=applied,
    )
    post.thread_members[uid] = now_iso()
    guild.channels[post.id] = post
    world.channels[post.id] = post
    data = post.to_dict()
    data["newly_created"] = True
    world.emit("THREAD_CREATE", data, guild.id)
    message = world.create_message(
        post, world.users[uid], content, message_id=post_id, **message_fields
    )
    post.message_count = 0  # the starter message is not counted
    forum.last_message_id = post.id
    return post, message


def _tag_id(forum: Channel, tag: int | str) -> int:
    if isinstance(tag, int) or (isinstance(tag, str) and tag.isdigit()):
        return int(tag)
    for t in forum.available_tags:
        if t["name"].lower() == tag.lower():
            return int(t["id"])
    known = ", ".join(t["name"] for t in forum.available_tags) or "none"
    raise ForumError(f"#{forum.name} has no tag {tag!r} (tags: {known})", ("applied_tags",))


def update_thread(guild: Guild, thread: Channel, changes: JSON, actor: int) -> Channel:
    """Apply a thread PATCH (name, archived, locked, applied_tags, auto_archive_duration) as
    `actor`, with Discord's rules, and send THREAD_UPDATE.

    The thread's owner may rename, close (archive) and re-tag their own post; locking,
    reopening a locked thread and anything on someone else's thread need Manage Threads.
    An archived thread takes no change other than being unarchived (50083)."""
    manage = guild.can(actor, "MANAGE_THREADS", thread)
    owner = thread.owner_id == actor
    given = {k: v for k, v in changes.items() if v is not None}
    unarchiving = given.get("archived") is False
    if thread.archived and not unarchiving and set(given) - {"archived", "locked"}:
        raise ForumError("Thread is archived", code=50083)
    if not manage:
        if not owner or "locked" in given or (thread.locked and unarchiving):
            raise ForumError("Missing Permissions", code=50013)
    if "applied_tags" in given:
        forum = guild.channels.get(thread.parent_id or 0)
        if forum is None or forum.type != GUILD_FORUM:
            raise ForumError("Only forum posts have tags.", ("applied_tags",))
        thread.applied_tags = check_applied(
            guild, forum, given["applied_tags"], actor, field="applied_tags"
        )
    if "name" in given:
        thread.name = str(given["name"])
    if "invitable" in given:
        thread.invitable = bool(given["invitable"])
    if "auto_archive_duration" in given:
        thread.auto_archive_duration = int(given["auto_archive_duration"])
    if "locked" in given:
        thread.locked = bool(given["locked"])
    if "archived" in given and bool(given["archived"]) != thread.archived:
        thread.archived = bool(given["archived"])
        thread.archive_timestamp = now_iso()
    guild.world.emit("THREAD_UPDATE", thread.to_dict(), guild.id)
    return thread


def unarchive_for_message(guild: Guild, thread: Channel) -> None:
    """A message sent into an archived (unlocked) thread unarchives it, for everyone."""
    if thread.archived and not thread.locked:
        thread.archived = False
        thread.archive_timestamp = now_iso()
        guild.world.emit("THREAD_UPDATE", thread.to_dict(), guild.id)


def can_post(guild: Guild, member: Member | int, forum: Channel) -> bool:
    have = guild.permissions_for(member, forum)
    need = P.VIEW_CHANNEL | P.perm_value("SEND_MESSAGES")
    return have & need == need
