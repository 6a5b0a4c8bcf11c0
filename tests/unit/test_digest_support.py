"""Helpers for the digest tests (no tests here): a fake Publisher and entry factories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

from sqlalchemy import update

from bot.db import Database
from bot.db.models import (
    Challenge,
    Concept,
    ConceptLookup,
    GuildSettings,
    MissedLookup,
    Pair,
    PairRound,
    Solution,
    SolutionHelped,
    Takeaway,
    TakeawayVote,
)
from bot.services.digest.model import Digest
from bot.services.digest.service import PublishError

_ids = count(1000)


@dataclass
class Sent:
    channel_id: int
    part: object
    nonce: str
    message_id: int


@dataclass
class FakePublisher:
    """Behaves like Discord for our purposes: a nonce seen before returns the same message.

    `faults[channel_id]` is a list of error kinds consumed one per send;
    "5xx-after" creates the message and then reports a transient error (as a 500 after
    the write would), `crash_after` raises a plain exception after that many sends.
    """

    parts_per_digest: int = 1
    faults: dict[int, list[str]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    notices: list[tuple[int, str]] = field(default_factory=list)
    unreachable: set[int] = field(default_factory=set)
    crash_after: int | None = None
    attempts: int = 0
    rendered: list[Digest] = field(default_factory=list)

    def render(self, digest: Digest, *, quiet_note: bool) -> Sequence[object]:
        self.rendered.append(digest)
        if digest.is_empty:
            return ["quiet"] if quiet_note else []
        return [f"{digest.period_key}#{i}" for i in range(self.parts_per_digest)]

    async def send(self, channel_id: int, part: object, *, nonce: str) -> int:
        self.attempts += 1
        if self.crash_after is not None and self.attempts > self.crash_after:
            raise RuntimeError("process died")
        for s in self.sent:
            if s.channel_id == channel_id and s.nonce == nonce:
                return s.message_id
        queue = self.faults.get(channel_id) or []
        fault = queue.pop(0) if queue else None
        if fault in ("gone", "forbidden", "transient"):
            raise PublishError(fault, f"simulated {fault}")  # type: ignore[arg-type]
        sent = Sent(channel_id, part, nonce, next(_ids))
        self.sent.append(sent)
        if fault == "5xx-after":
            raise PublishError("transient", "500 after the message was created")
        return sent.message_id

    async def notify(self, channel_id: int, text: str) -> bool:
        if channel_id in self.unreachable:
            return False
        self.notices.append((channel_id, text))
        return True

    def in_channel(self, channel_id: int) -> list[Sent]:
        return [s for s in self.sent if s.channel_id == channel_id]


async def backdate(db: Database, guild_id: int, when: datetime) -> None:
    """Pretend the server was set up at `when` (catch-up ignores servers set up later)."""
    async with db.sessions.begin() as s:
        await s.execute(
            update(GuildSettings).where(GuildSettings.guild_id == guild_id).values(created_at=when)
        )


async def add(db: Database, *rows: Any) -> list[Any]:
    async with db.sessions.begin() as s:
        s.add_all(rows)
        await s.flush()
    return list(rows)


def takeaway(
    guild_id: int,
    at: datetime,
    body: str = "A lesson",
    *,
    votes: int = 0,
    author: str = "alice",
    author_id: int = 11,
    status: str = "published",
    source: str = "command",
    featured: bool = False,
) -> Takeaway:
    return Takeaway(
        guild_id=guild_id,
        body=body,
        author_id=author_id,
        author_name=author,
        votes=votes,
        status=status,
        source=source,
        featured=featured,
        created_at=at,
        updated_at=at,
    )


def challenge(
    guild_id: int,
    at: datetime,
    title: str = "A problem",
    *,
    track: str | None = None,
    author: str = "bob",
    status: str = "published",
    solved: bool = False,
    solved_at: datetime | None = None,
    featured: bool = False,
) -> Challenge:
    return Challenge(
        guild_id=guild_id,
        title=title,
        author_id=12,
        author_name=author,
        track=track,
        status=status,
        solved=solved,
        solved_at=solved_at,
        featured=featured,
        created_at=at,
        updated_at=at,
    )


def solution(
    guild_id: int,
    challenge_id: int,
    at: datetime,
    body: str = "Do this",
    *,
    author: str = "carol",
    author_id: int = 13,
    accepted_at: datetime | None = None,
    status: str = "published",
) -> Solution:
    return Solution(
        guild_id=guild_id,
        challenge_id=challenge_id,
        body=body,
        author_id=author_id,
        author_name=author,
        status=status,
        accepted=accepted_at is not None,
        accepted_at=accepted_at,
        created_at=at,
        updated_at=at,
    )


def concept(
    guild_id: int, at: datetime, name: str, *, status: str = "published", tracks: str = "backend"
) -> Concept:
    slug = name.lower().replace(" ", "-")
    return Concept(
        guild_id=guild_id,
        slug=slug,
        name=name,
        category="general",
        tracks=tracks,
        summary=f"About {name}",
        status=status,
        created_at=at,
        updated_at=at,
        aliases=[],
        related=[],
        links=[],
    )


def lookup(guild_id: int, concept_id: int, at: datetime) -> ConceptLookup:
    return ConceptLookup(guild_id=guild_id, concept_id=concept_id, user_id=1, created_at=at)


def missed(guild_id: int, query: str, at: datetime) -> MissedLookup:
    return MissedLookup(guild_id=guild_id, query=query, user_id=1, created_at=at)


def helped(solution_id: int, user_id: int, at: datetime) -> SolutionHelped:
    return SolutionHelped(solution_id=solution_id, user_id=user_id, created_at=at)


def vote(takeaway_id: int, user_id: int, at: datetime) -> TakeawayVote:
    return TakeawayVote(takeaway_id=takeaway_id, user_id=user_id, created_at=at)


async def pairs(db: Database, guild_id: int, at: datetime, outcomes: list[str | None]) -> None:
    (rnd,) = await add(
        db,
        PairRound(
            guild_id=guild_id,
            period_key=f"r{next(_ids)}",
            started_at=at,
            midpoint_at=at,
            ends_at=at,
        ),
    )
    await add(
        db, *(Pair(guild_id=guild_id, round_id=rnd.id, outcome=o, created_at=at) for o in outcomes)
    )
