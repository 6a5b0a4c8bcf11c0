"""Recording a challenge: by /challenge share or from a chat message (capture), with its
concepts, and the similar challenges shown once it is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.models import Challenge, ChallengeConcept
from bot.db.types import EntryKind, Status
from bot.errors import Conflict
from bot.services.challenges.capture import message_to_save
from bot.services.challenges.load import load_challenges, load_page
from bot.services.challenges.service import REMOVED, SIMILAR_LIMIT, similar_challenges
from bot.services.challenges.titles import derive_title, form_title
from bot.services.concepts import resolve_concepts, track_for
from bot.services.entries import (
    PROBLEM_MAX,
    TRIED_MAX,
    ConceptTag,
    MentionNames,
    RecordedChallenge,
    can_see,
    clean_name,
    clean_text,
    initial_status,
    now_or,
    source_url,
)


async def share_challenge(
    db: Database,
    guild_id: int,
    *,
    author_id: int,
    author_name: str,
    title: str,
    tried: str = "",
    problem: str,
    concepts: Sequence[str | None] = (),
    by_moderator: bool = False,
    source_channel_id: int | None = None,
    names: MentionNames | None = None,
    now: datetime | None = None,
    private_thread: bool = False,
) -> RecordedChallenge:
    """Record a challenge written in the /challenge share modal (`names`: for the ids its
    title mentions; `private_thread`: written in one, never on the web hub)."""
    clean_title = form_title(title, names)
    return await _record(
        db,
        guild_id,
        author_id=author_id,
        author_name=author_name,
        title=clean_title,
        tried=clean_text(tried, "What you tried", TRIED_MAX, required=False),
        problem=clean_text(problem, "What went wrong", PROBLEM_MAX),
        concepts=concepts,
        by_moderator=by_moderator,
        source_channel_id=source_channel_id,
        source_message_id=None,
        now=now,
        private_thread=private_thread,
    )


async def capture_challenge(
    db: Database,
    guild_id: int,
    *,
    content: str,
    author_id: int,
    author_name: str,
    channel_id: int,
    message_id: int,
    captured_by: int | None = None,
    by_moderator: bool = False,
    awaiting_author: bool = False,
    names: MentionNames | None = None,
    title: str | None = None,
    track: str | None = None,
    now: datetime | None = None,
    private_thread: bool = False,
) -> RecordedChallenge:
    """ "Save as challenge" on a chat message (or a help-forum post: `title` is the post's,
    `track` from its tags): keeps its author, channel and link;
    `awaiting_author`: held until its author agrees (see entries.initial_status);
    `private_thread`: the message is in a private thread (never on the web hub).

    Saving the same message again returns the existing challenge (created=False); if
    that one is not visible to `captured_by`, Conflict."""
    body = await message_to_save(
        db,
        guild_id,
        content,
        instead="Use /challenge share to describe the challenge in words.",
        author_id=author_id,
        author_name=author_name,
        saver_id=captured_by,
    )
    existing = await _by_source(db, guild_id, message_id, captured_by)
    if existing is not None:
        return existing
    try:
        return await _record(
            db,
            guild_id,
            author_id=author_id,
            author_name=author_name,
            title=form_title(title, names) if title else derive_title(body, names),
            tried="",
            problem=body,
            concepts=(),
            by_moderator=by_moderator,
            source_channel_id=channel_id,
            source_message_id=message_id,
            awaiting_author=awaiting_author,
            track=track,
            now=now,
            private_thread=private_thread,
        )
    except IntegrityError:
        # Someone saved the same message at the same moment (PostgreSQL).
        again = await _by_source(db, guild_id, message_id, captured_by)
        if again is None:
            raise
        return again


async def _by_source(
    db: Database, guild_id: int, message_id: int, viewer_id: int | None
) -> RecordedChallenge | None:
    async with db.reader() as s:
        cid = await s.scalar(
            select(Challenge.id).where(
                Challenge.guild_id == guild_id, Challenge.source_message_id == message_id
            )
        )
        if cid is None:
            return None
        page = await load_page(s, guild_id, cid, None)
    info = page.challenge
    if info.status == Status.WITHDRAWN:
        raise Conflict(REMOVED)
    if info.status == Status.AWAITING_AUTHOR and info.author_id != viewer_id:
        raise Conflict("That message was already saved; it is waiting for its author's consent.")
    if not can_see(info.status, info.author_id, viewer_id):
        raise Conflict("That message was already saved; it is waiting for review.")
    return RecordedChallenge(challenge=info, similar=(), created=False, solutions=page.solutions)


async def _record(
    db: Database,
    guild_id: int,
    *,
    author_id: int,
    author_name: str,
    title: str,
    tried: str,
    problem: str,
    concepts: Sequence[str | None],
    by_moderator: bool,
    source_channel_id: int | None,
    source_message_id: int | None,
    now: datetime | None,
    awaiting_author: bool = False,
    track: str | None = None,
    private_thread: bool = False,
) -> RecordedChallenge:
    status = await initial_status(
        db,
        guild_id,
        EntryKind.CHALLENGE,
        source_channel_id=source_channel_id,
        by_moderator=by_moderator,
        awaiting_author=awaiting_author,
    )
    when = now_or(now)
    async with db.sessions.begin() as s:
        tags = await resolve_concepts(s, guild_id, concepts)
        row = Challenge(
            guild_id=guild_id,
            title=title,
            tried=tried,
            problem=problem,
            search_text=f"{title}\n{tried}\n{problem}",
            track=track or track_for(tags),
            author_id=author_id,
            author_name=clean_name(author_name),
            source_channel_id=source_channel_id,
            source_message_id=source_message_id,
            jump_url=source_url(guild_id, source_channel_id, source_message_id),
            status=status.value,
            source_private=private_thread,
            solved=False,
            featured=False,
            created_at=when,
            updated_at=when,
        )
        s.add(row)
        await s.flush()
        for tag in tags:
            s.add(ChallengeConcept(challenge_id=row.id, concept_id=tag.id))
        await s.flush()
        info = (await load_challenges(s, [row.id]))[row.id]
    similar = await similar_challenges(
        db, guild_id, f"{title}\n{problem}", exclude_id=info.id, limit=SIMILAR_LIMIT
    )
    return RecordedChallenge(challenge=info, similar=similar, created=True)


async def check_concepts(
    db: Database, guild_id: int, refs: Sequence[str | None]
) -> tuple[ConceptTag, ...]:
    """Resolve concept options before a form opens (they are resolved again on submit)."""
    async with db.reader() as s:
        return await resolve_concepts(s, guild_id, refs)


async def set_track(db: Database, guild_id: int, challenge_id: int, track: str) -> bool:
    """Set a challenge's track (e.g. its help-forum post was re-tagged); True if it changed."""
    async with db.sessions.begin() as s:
        row = await s.get(Challenge, challenge_id)
        if row is None or row.guild_id != guild_id or row.track == track:
            return False
        row.track = track
        return True
