"""How often a concept may be posted for everyone in one channel.

A lookup is private; "Post in channel" (or `/concept lookup share:True`) puts the concept
in the conversation. A concept post is a large embed (up to a screen): per channel at most
SHARE_LIMIT of them in SHARE_WINDOW, so that a conversation is helped by a few
explanations and never buried under them, and the same concept once per window (the
answer points to the post already there). Whoever is refused still has the concept
privately.

The limits are kept in memory, per channel, by the one process that serves the channel's
server (a server lives on one shard); a restart forgets them, which only allows a few
more posts. A post is reserved before it is sent and released if Discord refuses it, so
two clicks at the same moment cannot both pass the last slot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.db import Database
from bot.errors import Conflict

SHARE_LIMIT = 3
SHARE_WINDOW = timedelta(minutes=10)
CHANNELS_MAX = 10_000  # channels remembered at once (the oldest are forgotten first)


@dataclass
class _Post:
    at: datetime
    concept_id: int
    url: str | None = None


@dataclass
class ShareLimits:
    """Recent concept posts per channel (one per Database, see bot/wiring.py)."""

    posts: dict[int, list[_Post]] = field(default_factory=dict)

    def _recent(self, channel_id: int, now: datetime) -> list[_Post]:
        kept = [p for p in self.posts.get(channel_id, []) if now - p.at < SHARE_WINDOW]
        if kept:
            self.posts[channel_id] = kept
        else:
            self.posts.pop(channel_id, None)
        return kept


@dataclass(frozen=True)
class ShareSlot:
    """A reserved post: confirm it with the message's link once sent, or release it."""

    channel_id: int
    post: _Post


def _limits(db: Database) -> ShareLimits:
    return db.part(ShareLimits)


def _minutes(delta: timedelta) -> str:
    n = max(1, math.ceil(delta.total_seconds() / 60))
    return f"{n} minute{'s' if n != 1 else ''}"


def reserve_share(
    db: Database, channel_id: int, concept_id: int, concept_name: str, now: datetime
) -> ShareSlot:
    """A slot for posting `concept_id` in `channel_id`, or Conflict saying why not."""
    limits = _limits(db)
    recent = limits._recent(channel_id, now)
    same = next((p for p in recent if p.concept_id == concept_id), None)
    if same is not None:
        ago = _minutes(now - same.at)
        where = f": {same.url}" if same.url else "."
        raise Conflict(f"{concept_name} was already shared in this channel {ago} ago{where}")
    if len(recent) >= SHARE_LIMIT:
        wait = _minutes(recent[0].at + SHARE_WINDOW - now)
        raise Conflict(
            f"{SHARE_LIMIT} concepts were shared in this channel in the last "
            f"{_minutes(SHARE_WINDOW)}: so that the conversation isn't buried, the next one "
            f"can be posted in {wait}. The explanation above is yours to read meanwhile."
        )
    post = _Post(now, concept_id)
    if len(limits.posts) >= CHANNELS_MAX and channel_id not in limits.posts:
        limits.posts.pop(next(iter(limits.posts)))
    limits.posts.setdefault(channel_id, []).append(post)
    return ShareSlot(channel_id, post)


def confirm_share(slot: ShareSlot, url: str) -> None:
    slot.post.url = url


def release_share(db: Database, slot: ShareSlot) -> None:
    """The post was not made: the slot is free again."""
    posts = _limits(db).posts.get(slot.channel_id)
    if posts is not None:
        posts[:] = [p for p in posts if p is not slot.post]
