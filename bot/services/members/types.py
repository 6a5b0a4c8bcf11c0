"""What /me shows, as frozen results (no ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

RECENT = 5  # entries of each kind on /me's first page; the counts cover everything
SECTIONS = ("challenges", "solutions", "takeaways", "pairings")


@dataclass(frozen=True)
class MyChallenge:
    id: int
    title: str
    status: str
    solved: bool
    solutions: int  # published solutions
    created_at: datetime


@dataclass(frozen=True)
class MySolution:
    id: int
    challenge_id: int
    challenge_title: str
    status: str
    accepted: bool
    helped: int
    created_at: datetime


@dataclass(frozen=True)
class MyTakeaway:
    id: int
    body: str
    kind: str
    status: str
    votes: int
    created_at: datetime


@dataclass(frozen=True)
class MyPairing:
    round_id: int
    started_at: datetime
    partners: tuple[str, ...]
    outcome: str | None  # met | not_yet | skip | None (not answered)


@dataclass(frozen=True)
class Contributions:
    challenges: int
    solved: int  # of their challenges
    solutions: int
    accepted: int  # of their solutions
    helped: int  # "this helped me" their solutions received
    helped_others: int  # solutions of others they said helped them
    takeaways: int
    votes: int  # upvotes their takeaways received
    rounds: int  # pairing rounds they were paired in
    recent_challenges: tuple[MyChallenge, ...]
    recent_solutions: tuple[MySolution, ...]
    recent_takeaways: tuple[MyTakeaway, ...]
    recent_pairings: tuple[MyPairing, ...]

    @property
    def empty(self) -> bool:
        return not (self.challenges or self.solutions or self.takeaways or self.rounds)
