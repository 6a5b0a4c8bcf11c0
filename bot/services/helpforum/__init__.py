"""The help forum: a forum channel whose posts become challenges and whose marked answers
become accepted solutions (tags per track and "Solved"; nudges; closing)."""

from bot.services.helpforum.posts import (
    CLOSED,
    DELETED,
    OPEN,
    SOLVED,
    MarkedSolution,
    NewPost,
    PostInfo,
    due_posts,
    get_post,
    known_posts,
    mark_solution,
    next_due,
    nudge_due,
    record_post,
    set_state,
)
from bot.services.helpforum.tags import (
    FORUM_TAGS_MAX,
    POST_TAGS_MAX,
    SOLVED_TAG,
    TAG_NAMES,
    is_solved_tag,
    missing_tags,
    track_from_tags,
)

__all__ = [
    "CLOSED",
    "DELETED",
    "FORUM_TAGS_MAX",
    "OPEN",
    "POST_TAGS_MAX",
    "SOLVED",
    "SOLVED_TAG",
    "TAG_NAMES",
    "MarkedSolution",
    "NewPost",
    "PostInfo",
    "due_posts",
    "get_post",
    "is_solved_tag",
    "known_posts",
    "mark_solution",
    "next_due",
    "missing_tags",
    "nudge_due",
    "record_post",
    "set_state",
    "track_from_tags",
]
