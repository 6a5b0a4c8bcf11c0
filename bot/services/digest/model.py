"""The digest as plain, frozen data: what the renderer turns into embeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DigestItem:
    """One entry worth showing: a takeaway, challenge, solution or concept."""

    kind: str
    id: int
    text: str
    author: str | None = None
    votes: int = 0
    url: str | None = None


@dataclass(frozen=True)
class SolvedChallenge:
    id: int
    title: str
    author: str
    url: str | None
    solution: str
    solver: str
    solution_url: str | None
    solution_id: int | None = None


@dataclass(frozen=True)
class OpenChallenge:
    id: int
    title: str
    author: str
    url: str | None


@dataclass(frozen=True)
class TrackGroup:
    """Open challenges that members of `track` can help with (None: any track)."""

    track: str | None
    challenges: tuple[OpenChallenge, ...]


@dataclass(frozen=True)
class Counted:
    label: str
    count: int


@dataclass(frozen=True)
class PairingSummary:
    """Pairs formed in the window; of the pairs asked whether they met (their round's
    midway or end check-in fell in the window), how many did; learning notes."""

    pairs: int
    met: int
    notes: tuple[DigestItem, ...]
    asked: int = 0

    @property
    def met_rate(self) -> float | None:
        return self.met / self.asked if self.asked else None

    @property
    def is_empty(self) -> bool:
        return not self.pairs and not self.asked and not self.notes


@dataclass(frozen=True)
class Helper:
    """A member thanked for helping: by display name, never by mention."""

    name: str
    accepted: int
    helped: int
    votes: int

    @property
    def score(self) -> int:
        # An accepted solution is worth more than a single "helped me" or vote.
        return 3 * self.accepted + self.helped + self.votes


@dataclass(frozen=True)
class Digest:
    guild_id: int
    period_key: str
    start: datetime
    end: datetime
    timezone: str = "UTC"
    featured: tuple[DigestItem, ...] = ()
    top_takeaways: tuple[DigestItem, ...] = ()
    solved: tuple[SolvedChallenge, ...] = ()
    open_by_track: tuple[TrackGroup, ...] = ()
    open_total: int = 0
    looked_up: tuple[Counted, ...] = ()
    missed: tuple[Counted, ...] = ()
    new_concepts: tuple[DigestItem, ...] = ()
    new_concepts_total: int = 0
    updated_concepts: tuple[DigestItem, ...] = ()  # author: who changed it
    updated_concepts_total: int = 0
    pairing: PairingSummary = PairingSummary(0, 0, (), 0)
    helpers: tuple[Helper, ...] = ()
    # Set when this digest follows a manual one of the same week: it starts where that
    # one ended (`start`), and shows only what is new since.
    since_digest: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not self.open_total and not self.has_news

    @property
    def has_news(self) -> bool:
        """Something happened in the window (open challenges are a standing list, not news)."""
        return bool(
            self.featured
            or self.top_takeaways
            or self.solved
            or self.looked_up
            or self.missed
            or self.new_concepts_total
            or self.updated_concepts_total
            or not self.pairing.is_empty
            or self.helpers
        )
