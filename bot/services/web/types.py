"""What the web hub publishes, as plain frozen data (no Discord ids anywhere in it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Hub:
    """A server that opted in to the web hub. `guild_id` is for queries only: pages
    address the server by `slug` and never print the id."""

    guild_id: int
    slug: str
    title: str
    show_names: bool
    private_channel_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Moved:
    """The entry asked for was merged into another: its survivor's address part."""

    to: str  # a concept slug or a challenge id


@dataclass(frozen=True)
class WebConceptBrief:
    slug: str
    name: str
    summary: str
    category: str
    tracks: str


@dataclass(frozen=True)
class WebChallengeBrief:
    id: int
    title: str
    solved: bool
    track: str | None
    created_at: datetime
    solved_at: datetime | None


@dataclass(frozen=True)
class WebConcept:
    slug: str
    name: str
    summary: str
    body: str
    category: str
    tracks: str
    aliases: tuple[str, ...]
    frontend_angle: str
    backend_angle: str
    links: tuple[tuple[str, str], ...]  # (title, url)
    related: tuple[WebConceptBrief, ...]
    author: str | None  # None: seed content, or names not shown
    updated_at: datetime
    challenges: tuple[WebChallengeBrief, ...] = ()  # tagged with it, newest first


@dataclass(frozen=True)
class WebSolution:
    id: int
    body: str
    author: str | None
    accepted: bool
    helped: int
    created_at: datetime


@dataclass(frozen=True)
class WebChallenge:
    id: int
    title: str
    problem: str
    tried: str
    track: str | None
    solved: bool
    author: str | None
    created_at: datetime
    solutions: tuple[WebSolution, ...]  # the accepted one first
    concepts: tuple[WebConceptBrief, ...]


@dataclass(frozen=True)
class WebTakeaway:
    id: int
    kind: str
    body: str
    votes: int
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class DigestWeek:
    period: str  # ISO date of the week's first day: the page's address
    start: datetime
    end: datetime
    solved: tuple[WebChallengeBrief, ...] = ()
    takeaways: tuple[WebTakeaway, ...] = ()
    concepts: tuple[WebConceptBrief, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.solved or self.takeaways or self.concepts)


@dataclass(frozen=True)
class HubHome:
    hub: Hub
    solved: tuple[WebChallengeBrief, ...]
    takeaways: tuple[WebTakeaway, ...]
    digest: DigestWeek | None


@dataclass(frozen=True)
class SearchResults:
    query: str
    concepts: tuple[WebConceptBrief, ...]
    challenges: tuple[WebChallengeBrief, ...]
    problem: str | None = None  # why the query could not run (too long, no words)
