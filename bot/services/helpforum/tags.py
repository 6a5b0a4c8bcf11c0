"""The help forum's tags: one per track, and "Solved". Matched by name, case-insensitively,
so that tags a server already has (or renamed by hand) are used rather than duplicated."""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

SOLVED_TAG = "Solved"
TRACK_TAGS = MappingProxyType(
    {"Frontend": "frontend", "Backend": "backend", "Full-stack": "fullstack"}
)
TAG_NAMES = (*TRACK_TAGS, SOLVED_TAG)
FORUM_TAGS_MAX = 20  # Discord's limit per forum
POST_TAGS_MAX = 5  # Discord's limit per post


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def missing_tags(existing: Iterable[str]) -> list[str]:
    """The help-forum tags a forum lacks ("full stack" counts as "Full-stack")."""
    have = {_key(n) for n in existing}
    return [name for name in TAG_NAMES if _key(name) not in have]


def is_solved_tag(name: str) -> bool:
    return _key(name) == _key(SOLVED_TAG)


def track_from_tags(names: Iterable[str]) -> str | None:
    """The track a post's tags point to: one track tag -> that track; several -> fullstack."""
    by_key = {_key(tag): track for tag, track in TRACK_TAGS.items()}
    tracks = {by_key[_key(n)] for n in names if _key(n) in by_key}
    if len(tracks) == 1:
        return tracks.pop()
    return "fullstack" if tracks else None
