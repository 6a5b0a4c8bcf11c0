"""Help-forum posts: a new post becomes a challenge; an answer marked in it is recorded,
accepted and closes the post later; quiet posts are nudged, then closed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.models import ForumPost
from bot.errors import Conflict, NotAllowed, NotFound
from bot.services import concepts, consent
from bot.services.challenges import (
    accept_solution,
    capture_challenge,
    capture_solution,
    set_track,
)
from bot.services.concepts import RelatedRef
from bot.services.entries import TITLE_MAX, ChallengeInfo, now_or
from bot.services.guilds import get_settings
from bot.services.helpforum.tags import track_from_tags

OPEN, SOLVED, CLOSED, DELETED = "open", "solved", "closed", "deleted"
NOT_A_POST = (
    "That message is not in a help-forum post Nexus follows: "
    "\u201cMark as solution\u201d works in the posts of the server's help forum."
)
MARK_REFUSAL = "Only the member who asked, or a moderator, can mark the solution of a post."
OWN_POST = "That is the question itself: mark the reply that answered it."
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]{3,}")
GOOD_MATCH_WORDS = 2  # a similar solved challenge is shown only if it shares this many words


@dataclass(frozen=True)
class PostInfo:
    thread_id: int
    guild_id: int
    forum_id: int
    challenge_id: int | None
    author_id: int
    state: str
    answered: bool
    created_at: datetime
    last_activity_at: datetime
    nudged_at: datetime | None
    solution_message_id: int | None
    archive_at: datetime | None
    archived: bool


@dataclass(frozen=True)
class NewPost:
    post: PostInfo
    created: bool  # False: Nexus already followed this post
    challenge: ChallengeInfo | None
    similar_solved: tuple[ChallengeInfo, ...]  # good matches only; often empty
    concepts: tuple[RelatedRef, ...] = ()  # concepts the post names (good matches only)
    answer: RelatedRef | None = None  # the concept its question asks about, if not named


@dataclass(frozen=True)
class MarkedSolution:
    post: PostInfo
    challenge_id: int
    solution_id: int
    solver_id: int
    changed: bool  # False: that answer was already the accepted one
    was_archived: bool  # recorded quietly: the post stays closed


def _info(row: ForumPost) -> PostInfo:
    return PostInfo(
        row.thread_id,
        row.guild_id,
        row.forum_id,
        row.challenge_id,
        row.author_id,
        row.state,
        row.answered,
        row.created_at,
        row.last_activity_at,
        row.nudged_at,
        row.solution_message_id,
        row.archive_at,
        row.archived,
    )


async def get_post(db: Database, guild_id: int, thread_id: int) -> PostInfo | None:
    async with db.reader() as s:
        row = await s.get(ForumPost, thread_id)
        return _info(row) if row is not None and row.guild_id == guild_id else None


async def known_posts(db: Database, guild_id: int) -> set[int]:
    async with db.reader() as s:
        ids = await s.scalars(select(ForumPost.thread_id).where(ForumPost.guild_id == guild_id))
        return set(ids)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


async def record_post(
    db: Database,
    guild_id: int,
    *,
    forum_id: int,
    thread_id: int,
    title: str,
    content: str,
    author_id: int,
    author_name: str,
    tag_names: tuple[str, ...] = (),
    now: datetime | None = None,
) -> NewPost:
    """A new post in the help forum becomes a challenge (title, first message, track from
    its tags). Idempotent: a post seen again (catch-up, a second event) changes nothing."""
    when = now_or(now)
    existing = await get_post(db, guild_id, thread_id)
    if existing is not None:
        return NewPost(existing, False, None, ())
    title = " ".join(title.split())[:TITLE_MAX] or "Help forum post"
    body = content if content.strip() else title  # no Message Content intent: the title
    recorded = await capture_challenge(
        db,
        guild_id,
        content=body,
        author_id=author_id,
        author_name=author_name,
        channel_id=thread_id,
        message_id=thread_id,
        captured_by=author_id,
        title=title,
        track=track_from_tags(tag_names),
        now=when,
    )
    try:
        post = await _follow(
            db, guild_id, forum_id, thread_id, recorded.challenge.id, author_id, when
        )
    except IntegrityError:  # recorded at the same moment by another path (PostgreSQL)
        again = await get_post(db, guild_id, thread_id)
        if again is None:
            raise
        return NewPost(again, False, None, ())
    wanted = _words(f"{title} {body}")
    good = tuple(
        c
        for c in recorded.similar
        if c.solved and len(wanted & _words(f"{c.title} {c.problem}")) >= GOOD_MATCH_WORDS
    )
    named = await concepts.concepts_in_text(db, guild_id, f"{title}\n{body}")
    answer = await concepts.concept_answering(db, guild_id, title)
    if answer is not None and answer.id in {c.id for c in named}:
        answer = None  # named already
    return NewPost(post, True, recorded.challenge, good, tuple(named), answer)


async def _follow(
    db: Database,
    guild_id: int,
    forum_id: int,
    thread_id: int,
    challenge_id: int,
    author_id: int,
    when: datetime,
) -> PostInfo:
    async with db.sessions.begin() as s:
        row = await s.get(ForumPost, thread_id)
        if row is None:
            row = ForumPost(
                thread_id=thread_id,
                guild_id=guild_id,
                forum_id=forum_id,
                challenge_id=challenge_id,
                author_id=author_id,
                state=OPEN,
                answered=False,
                created_at=when,
                last_activity_at=when,
                archived=False,
            )
            s.add(row)
            await s.flush()
        return _info(row)


async def mark_solution(
    db: Database,
    guild_id: int,
    thread_id: int,
    *,
    message_id: int,
    content: str,
    author_id: int,
    author_name: str,
    actor_id: int,
    actor_is_moderator: bool,
    thread_archived: bool,
    now: datetime | None = None,
) -> MarkedSolution:
    """ "Mark as solution" on a reply in a post: the reply becomes the challenge's accepted
    solution (published: the asker or a moderator vouched for it), the post is solved and
    is closed `help_forum_archive_hours` later (at once if it already is)."""
    when = now_or(now)
    post = await get_post(db, guild_id, thread_id)
    if post is None or post.challenge_id is None:
        raise NotFound(NOT_A_POST)
    if actor_id != post.author_id and not actor_is_moderator:
        raise NotAllowed(MARK_REFUSAL)
    if message_id == thread_id:
        raise Conflict(OWN_POST)
    # A reply whose author asked that others don't reuse their messages is not saved.
    await consent.check_reuse(
        db, guild_id, author_id=author_id, author_name=author_name, saver_id=actor_id
    )
    recorded = await capture_solution(
        db,
        guild_id,
        post.challenge_id,
        captured_by=post.author_id,
        content=content,
        author_id=author_id,
        author_name=author_name,
        channel_id=thread_id,
        message_id=message_id,
        by_moderator=True,
        now=when,
    )
    accepted = await accept_solution(
        db,
        guild_id,
        recorded.solution.id,
        actor_id=actor_id,
        actor_is_moderator=actor_is_moderator,
        now=when,
    )
    cfg = await get_settings(db, guild_id)
    async with db.sessions.begin() as s:
        row = await s.get(ForumPost, thread_id)
        assert row is not None
        row.state = SOLVED
        row.solved_at = row.solved_at or when
        row.solution_message_id = message_id
        row.answered = row.answered or author_id != row.author_id
        row.archived = thread_archived
        row.archive_at = (
            None if thread_archived else when + timedelta(hours=cfg.help_forum_archive_hours)
        )
        await s.flush()
        info = _info(row)
    return MarkedSolution(
        info,
        post.challenge_id,
        recorded.solution.id,
        author_id,
        accepted.changed,
        thread_archived,
    )


async def set_state(
    db: Database,
    guild_id: int,
    thread_id: int,
    *,
    archived: bool | None = None,
    state: str | None = None,
    nudged_at: datetime | None = None,
    answered: bool | None = None,
    last_activity_at: datetime | None = None,
    reopened_at: datetime | None = None,
    stop_closing: bool = False,
) -> PostInfo | None:
    """Record what happened to a post on Discord (closed, reopened, deleted, nudged).

    `reopened_at`: the post came back (a reply, or unarchived by hand): a solved one is
    closed again after the server's closing time; a closed one is open (and may be nudged
    again). `stop_closing`: Nexus may not close it (no permission): never due again."""
    async with db.sessions.begin() as s:
        row = await s.get(ForumPost, thread_id)
        if row is None or row.guild_id != guild_id:
            return None
        if archived is not None:
            row.archived = archived
            if archived:
                row.archive_at = None
        if state is not None:
            row.state = state
        if nudged_at is not None:
            row.nudged_at = nudged_at
        if answered is not None:
            row.answered = answered
        if last_activity_at is not None:
            row.last_activity_at = max(row.last_activity_at, last_activity_at)
        if stop_closing:
            row.archive_at = None
            if row.state == OPEN:
                row.state = CLOSED
        if reopened_at is not None and row.state != DELETED:
            row.archived = False
            row.last_activity_at = max(row.last_activity_at, reopened_at)
            if row.state == SOLVED:
                cfg = await get_settings(db, guild_id)
                row.archive_at = reopened_at + timedelta(hours=cfg.help_forum_archive_hours)
            else:
                row.state = OPEN
        await s.flush()
        return _info(row)


async def retag_post(
    db: Database, guild_id: int, thread_id: int, tag_names: tuple[str, ...]
) -> str | None:
    """The post's tags were changed on Discord: its challenge's track follows its track tags
    (none left: the track is kept, as a moderator may have set it). Returns the new track
    when it changed. Removing "Solved" by hand changes nothing: the answer stays recorded."""
    track = track_from_tags(tag_names)
    post = await get_post(db, guild_id, thread_id)
    if track is None or post is None or post.challenge_id is None:
        return None
    changed = await set_track(db, guild_id, post.challenge_id, track)
    return track if changed else None


async def due_posts(db: Database, guild_id: int, now: datetime) -> list[PostInfo]:
    """Posts with something due at `now`: a solved post to close, or an open, unarchived
    post quiet for longer than the nudge time (nudged once; closed after as long again)."""
    cfg = await get_settings(db, guild_id)
    quiet = timedelta(hours=cfg.help_forum_nudge_hours)
    async with db.reader() as s:
        rows = (
            await s.scalars(
                select(ForumPost).where(
                    ForumPost.guild_id == guild_id,
                    ForumPost.archived.is_(False),
                    ForumPost.state.in_((OPEN, SOLVED)),
                )
            )
        ).all()
    due = []
    for row in rows:
        if row.state == SOLVED:
            if row.archive_at is not None and row.archive_at <= now:
                due.append(_info(row))
        elif row.last_activity_at + quiet <= now or (
            row.nudged_at is not None and row.nudged_at + quiet <= now
        ):
            due.append(_info(row))
    return due


async def next_due(db: Database, guild_id: int) -> list[datetime]:
    """When something falls due for the server's followed posts (closing a solved post,
    nudging or closing a quiet one): for a clock that jumps (the playground's `wait`)."""
    cfg = await get_settings(db, guild_id)
    quiet = timedelta(hours=cfg.help_forum_nudge_hours)
    async with db.reader() as s:
        rows = (
            await s.scalars(
                select(ForumPost).where(
                    ForumPost.guild_id == guild_id,
                    ForumPost.archived.is_(False),
                    ForumPost.state.in_((OPEN, SOLVED)),
                )
            )
        ).all()
    out: list[datetime] = []
    for row in rows:
        if row.state == SOLVED:
            if row.archive_at is not None:
                out.append(row.archive_at)
        elif row.nudged_at is not None and row.nudged_at >= row.last_activity_at:
            out.append(row.nudged_at + quiet)
        else:
            out.append(row.last_activity_at + quiet)
    return out


def nudge_due(post: PostInfo, now: datetime, quiet_hours: int) -> str:
    """What a due open post needs: "nudge" (first time) or "close" (nudged long ago)."""
    if post.nudged_at is None or post.nudged_at < post.last_activity_at:
        return "nudge"
    return "close" if post.nudged_at + timedelta(hours=quiet_hours) <= now else "none"
