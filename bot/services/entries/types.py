"""Frozen results of the challenges, solutions and takeaways services (no ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

# Input bounds. Every rendered form of these fits Discord's limits (see cogs/*/render.py).
TITLE_MAX = 150
TRIED_MAX = 1000
PROBLEM_MAX = 1500
SOLUTION_MAX = 1800
TAKEAWAY_MAX = 1000
# A captured chat message (Nitro members can send up to 4000 characters).
CAPTURE_MAX = 4000
MAX_CONCEPTS = 3


class TakeawayKind(StrEnum):
    PRACTICE = "practice"
    LESSON = "lesson"

    @property
    def label(self) -> str:
        return "Best practice" if self is TakeawayKind.PRACTICE else "Lesson"


class ChallengeFilter(StrEnum):
    ALL = "all"
    OPEN = "open"
    SOLVED = "solved"
    MINE = "mine"


class TakeawaySort(StrEnum):
    TOP = "top"
    NEW = "new"


@dataclass(frozen=True)
class ConceptTag:
    id: int
    name: str
    slug: str
    category: str
    tracks: str


@dataclass(frozen=True)
class ChallengeInfo:
    id: int
    guild_id: int
    title: str
    tried: str
    problem: str
    track: str | None
    author_id: int
    author_name: str
    source_channel_id: int | None
    source_message_id: int | None
    jump_url: str | None
    status: str
    solved: bool
    solved_at: datetime | None
    accepted_solution_id: int | None
    created_at: datetime
    concepts: tuple[ConceptTag, ...] = ()
    solution_count: int = 0


@dataclass(frozen=True)
class SolutionInfo:
    id: int
    guild_id: int
    challenge_id: int
    body: str
    author_id: int
    author_name: str
    source_channel_id: int | None
    jump_url: str | None
    status: str
    accepted: bool
    accepted_at: datetime | None
    helped_count: int
    created_at: datetime


@dataclass(frozen=True)
class TakeawayInfo:
    id: int
    guild_id: int
    kind: str
    body: str
    author_id: int
    author_name: str
    source: str
    pair_id: int | None
    status: str
    votes: int
    created_at: datetime
    concepts: tuple[ConceptTag, ...] = ()


@dataclass(frozen=True)
class MergedChallenge:
    """The merged duplicate a view went through to reach its survivor."""

    id: int
    title: str


@dataclass(frozen=True)
class ChallengePage:
    """A challenge with the solutions the viewer may see: accepted first, then by helped.
    `merged_from`: the id asked for was a duplicate merged into this challenge."""

    challenge: ChallengeInfo
    solutions: tuple[SolutionInfo, ...]
    merged_from: MergedChallenge | None = None


@dataclass(frozen=True)
class RecordedChallenge:
    challenge: ChallengeInfo
    similar: tuple[ChallengeInfo, ...]
    created: bool  # False: this message was already saved (the existing one is returned)
    solutions: tuple[SolutionInfo, ...] = ()  # published ones (an earlier capture may have some)

    @property
    def page(self) -> ChallengePage:
        return ChallengePage(self.challenge, self.solutions)


@dataclass(frozen=True)
class RecordedSolution:
    solution: SolutionInfo
    challenge: ChallengeInfo
    created: bool
    page: ChallengePage  # the challenge as everyone sees it (published entries only)


@dataclass(frozen=True)
class AcceptResult:
    changed: bool  # False: it was already the accepted solution
    previous_id: int | None
    page: ChallengePage


@dataclass(frozen=True)
class HelpedResult:
    counted: bool  # False: this member had already said it helped
    helped_count: int
    page: ChallengePage


@dataclass(frozen=True)
class VoteResult:
    voted: bool  # True: the vote is now counted; False: it was withdrawn
    votes: int
    takeaway: TakeawayInfo


@dataclass(frozen=True)
class HelpfulMember:
    user_id: int
    name: str
    accepted: int  # solutions accepted in the window
    helped: int  # "this helped me" received in the window


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: tuple[T, ...]
    page: int
    per_page: int
    has_next: bool
