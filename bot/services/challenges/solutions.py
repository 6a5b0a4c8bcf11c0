"""Solutions: add (command or chat message), accept (author or moderator), "this helped me"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.models import Challenge, Solution, SolutionHelped
from bot.db.types import EntryKind, Status
from bot.errors import Conflict, Invalid, NotAllowed, NotFound
from bot.services.challenges.capture import message_to_save
from bot.services.challenges.load import load_page
from bot.services.challenges.service import NOT_FOUND as CHALLENGE_NOT_FOUND
from bot.services.challenges.service import REMOVED, solution_targets
from bot.services.entries import (
    SOLUTION_MAX,
    AcceptResult,
    ChallengeInfo,
    ChallengePage,
    HelpedResult,
    RecordedSolution,
    active_for,
    clean_name,
    clean_text,
    initial_status,
    lock_others_published,
    now_or,
    solution_info,
    source_url,
)

SOLUTION_NOT_FOUND = "I can't find that solution in this server (it may have been removed)."
ACCEPT_REFUSAL = "Only the member who shared the challenge, or a moderator, can accept a solution."
_CAPTURE_INSTEAD = "Use /solution add to write the solution in words."


async def add_solution(
    db: Database,
    guild_id: int,
    challenge_id: int,
    *,
    author_id: int,
    author_name: str,
    body: str,
    by_moderator: bool = False,
    source_channel_id: int | None = None,
    now: datetime | None = None,
    private_thread: bool = False,
) -> RecordedSolution:
    """/solution add: `challenge_id` comes from autocomplete, so it is re-checked here.
    `private_thread`: written in one (never on the web hub)."""
    text = clean_text(body, "The solution", SOLUTION_MAX)
    return await _record(
        db,
        guild_id,
        challenge_id,
        actor_id=author_id,
        author_id=author_id,
        author_name=author_name,
        body=text,
        by_moderator=by_moderator,
        source_channel_id=source_channel_id,
        source_message_id=None,
        now=now,
        private_thread=private_thread,
    )


async def capture_solution(
    db: Database,
    guild_id: int,
    challenge_id: int,
    *,
    captured_by: int,
    content: str,
    author_id: int,
    author_name: str,
    channel_id: int,
    message_id: int,
    by_moderator: bool = False,
    awaiting_author: bool = False,
    now: datetime | None = None,
    private_thread: bool = False,
) -> RecordedSolution:
    """ "Save as solution": the message keeps its author; the chosen challenge is re-checked.
    `awaiting_author`: held until its author agrees (see entries.initial_status);
    `private_thread`: the message is in a private thread (never on the web hub)."""
    text = await message_to_save(
        db,
        guild_id,
        content,
        instead=_CAPTURE_INSTEAD,
        author_id=author_id,
        author_name=author_name,
        saver_id=captured_by,
    )

    async def record() -> RecordedSolution:
        return await _record(
            db,
            guild_id,
            challenge_id,
            actor_id=captured_by,
            author_id=author_id,
            author_name=author_name,
            body=text,
            by_moderator=by_moderator,
            source_channel_id=channel_id,
            source_message_id=message_id,
            awaiting_author=awaiting_author,
            now=now,
            private_thread=private_thread,
        )

    try:
        return await record()
    except IntegrityError:
        # The same message saved for the same challenge at the same moment (PostgreSQL):
        # the second attempt finds the row the other one wrote.
        return await record()


async def prepare_capture(
    db: Database,
    guild_id: int,
    content: str,
    *,
    viewer_id: int,
    author_id: int | None = None,
    author_name: str = "",
) -> list[ChallengeInfo]:
    """ "Save as solution", step 1: check the message has text and its author (when it is
    not the viewer) lets others save it; the open challenges it may solve, most similar
    first (at most 25)."""
    text = await message_to_save(
        db,
        guild_id,
        content,
        instead=_CAPTURE_INSTEAD,
        author_id=author_id,
        author_name=author_name,
        saver_id=viewer_id,
    )
    targets = await solution_targets(db, guild_id, text, viewer_id=viewer_id, limit=25)
    if not targets:
        raise NotFound(
            "There are no open challenges in this server to attach a solution to. "
            "Share one with /challenge share first."
        )
    return targets


async def _record(
    db: Database,
    guild_id: int,
    challenge_id: int,
    *,
    actor_id: int,
    author_id: int,
    author_name: str,
    body: str,
    by_moderator: bool,
    source_channel_id: int | None,
    source_message_id: int | None,
    now: datetime | None,
    awaiting_author: bool = False,
    private_thread: bool = False,
) -> RecordedSolution:
    status = await initial_status(
        db,
        guild_id,
        EntryKind.SOLUTION,
        source_channel_id=source_channel_id,
        by_moderator=by_moderator,
        awaiting_author=awaiting_author,
    )
    when = now_or(now)
    async with db.sessions.begin() as s:
        challenge = await s.scalar(
            select(Challenge).where(
                Challenge.id == challenge_id,
                Challenge.guild_id == guild_id,
                active_for(Challenge, actor_id),
            )
        )
        if challenge is None:
            raise NotFound(CHALLENGE_NOT_FOUND)
        existing = None
        if source_message_id is not None:
            existing = await s.scalar(
                select(Solution).where(
                    Solution.challenge_id == challenge.id,
                    Solution.source_message_id == source_message_id,
                )
            )
        if existing is not None and existing.status == Status.WITHDRAWN:
            raise Conflict(REMOVED)
        created = existing is None
        if existing is None:
            existing = Solution(
                guild_id=guild_id,
                challenge_id=challenge.id,
                body=body,
                author_id=author_id,
                author_name=clean_name(author_name),
                source_channel_id=source_channel_id,
                source_message_id=source_message_id,
                jump_url=source_url(guild_id, source_channel_id, source_message_id),
                status=status.value,
                source_private=private_thread,
                accepted=False,
                helped_count=0,
                featured=False,
                created_at=when,
                updated_at=when,
            )
            s.add(existing)
            await s.flush()
        page = await load_page(s, guild_id, challenge.id, None)
        return RecordedSolution(
            solution=solution_info(existing),
            challenge=page.challenge,
            created=created,
            page=page,
        )


async def accept_solution(
    db: Database,
    guild_id: int,
    solution_id: int,
    *,
    actor_id: int,
    actor_is_moderator: bool,
    viewer_id: int | None = None,
    now: datetime | None = None,
) -> AcceptResult:
    """Accept one solution; accepting another switches. Author of the challenge or mod."""
    async with db.sessions.begin() as s:
        # Lock order: the challenge row first, then its solutions. Every accept of any of
        # a challenge's solutions queues on that one row, so two accepts (which each touch
        # the other's solution) can never deadlock on PostgreSQL.
        challenge_id = await s.scalar(
            select(Solution.challenge_id).where(
                Solution.id == solution_id, Solution.guild_id == guild_id
            )
        )
        if challenge_id is None:
            raise NotFound(SOLUTION_NOT_FOUND)
        challenge = await s.scalar(
            select(Challenge)
            .where(Challenge.id == challenge_id, Challenge.guild_id == guild_id)
            .with_for_update()
        )
        if challenge is None:
            raise NotFound(SOLUTION_NOT_FOUND)
        sol = await s.scalar(
            select(Solution)
            .where(
                Solution.id == solution_id,
                Solution.guild_id == guild_id,
                Solution.challenge_id == challenge.id,
            )
            .with_for_update()
        )
        if sol is None:
            raise NotFound(SOLUTION_NOT_FOUND)
        if challenge.author_id != actor_id and not actor_is_moderator:
            raise NotAllowed(ACCEPT_REFUSAL)
        if sol.status != Status.PUBLISHED.value:
            raise Invalid("This solution is waiting for review: it can be accepted once published.")
        previous = challenge.accepted_solution_id
        changed = not (sol.accepted and previous == sol.id)
        if changed:
            when = now_or(now)
            await s.execute(
                update(Solution)
                .where(
                    Solution.challenge_id == challenge.id,
                    Solution.id != sol.id,
                    Solution.accepted.is_(True),
                )
                .values(accepted=False, accepted_at=None, accepted_by_id=None)
                .execution_options(synchronize_session="fetch")
            )
            sol.accepted = True
            sol.accepted_at = when
            sol.accepted_by_id = actor_id
            challenge.accepted_solution_id = sol.id
            if not challenge.solved or challenge.solved_at is None:
                challenge.solved_at = when
            challenge.solved = True
            await s.flush()
        page = await load_page(s, guild_id, challenge.id, viewer_id)
    return AcceptResult(
        changed=changed, previous_id=previous if previous != sol.id else None, page=page
    )


async def mark_helped(
    db: Database,
    guild_id: int,
    solution_id: int,
    *,
    user_id: int,
    viewer_id: int | None = None,
    now: datetime | None = None,
) -> HelpedResult:
    """ "This helped me": once per member per solution; a second press changes nothing."""
    async with db.sessions.begin() as s:
        # Lock the solution row: the count below is then exact under concurrency.
        sol = await lock_others_published(
            s,
            Solution,
            solution_id,
            guild_id,
            user_id,
            not_found=SOLUTION_NOT_FOUND,
            own="That's your own solution: \u201cThis helped me\u201d is for others.",
        )
        already = await s.get(SolutionHelped, (sol.id, user_id))
        counted = already is None
        if counted:
            s.add(SolutionHelped(solution_id=sol.id, user_id=user_id, created_at=now_or(now)))
            await s.flush()
            total = await s.scalar(select(func.count()).where(SolutionHelped.solution_id == sol.id))
            sol.helped_count = int(total or 0)
            await s.flush()
        page = await load_page(s, guild_id, sol.challenge_id, viewer_id)
        return HelpedResult(counted=counted, helped_count=sol.helped_count, page=page)


async def solution_page(db: Database, guild_id: int, solution_id: int) -> ChallengePage | None:
    """The page (as everyone sees it) of the challenge a solution of this server answers;
    None if there is no such solution."""
    async with db.reader() as s:
        challenge_id = await s.scalar(
            select(Solution.challenge_id).where(
                Solution.id == solution_id, Solution.guild_id == guild_id
            )
        )
        if challenge_id is None:
            return None
        return await load_page(s, guild_id, challenge_id, None)
