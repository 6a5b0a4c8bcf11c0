"""What a parsed playground line is: `Line`, and one frozen dataclass per member action
(Slash, Complete, Click, Select, ModalFill, Menu, Say, Post, Wait) or REPL command (Help,
Members, Channels, Posts, History, Quit). parser.py turns text into these; runner.py runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MENU_TARGET_LAST = "last"


@dataclass(frozen=True)
class Option:
    name: str
    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Slash:
    path: tuple[str, ...]
    options: tuple[Option, ...] = ()

    @property
    def name(self) -> str:
        return " ".join(self.path)


@dataclass(frozen=True)
class Complete:
    path: tuple[str, ...]
    options: tuple[Option, ...]
    focused: str

    @property
    def name(self) -> str:
        return " ".join(self.path)


@dataclass(frozen=True)
class Click:
    target: int | str  # int: 1-based position; str: label (or custom id)


@dataclass(frozen=True)
class Select:
    values: tuple[int | str, ...]  # int: 1-based option position; str: value or label
    menu: int | None = None  # which select menu of the message (1-based); None = the first


@dataclass(frozen=True)
class ModalFill:
    values: tuple[Option, ...]


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Post:
    """Start a forum post: its title, first message and tags (names)."""

    title: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Posts:
    """List the forums, their tags and their posts."""


@dataclass(frozen=True)
class Menu:
    name: str
    target: str | int = MENU_TARGET_LAST  # "last", N (N-th most recent message) or "@member"


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Members:
    pass


@dataclass(frozen=True)
class Channels:
    pass


@dataclass(frozen=True)
class History:
    count: int = 10


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Wait:
    """Let time pass: `wait 7d` / `wait 2h30m`, or `wait until mon 09:00` (server time)."""

    seconds: int = 0
    weekday: int | None = None  # with `until`: 0 = Monday
    hour: int = 9
    minute: int = 0


Action = Slash | Complete | Click | Select | ModalFill | Say | Post | Menu | Wait
Meta = Help | Members | Channels | Posts | History | Quit


@dataclass(frozen=True)
class Line:
    """One parsed line. `action` None with actor/channel set = switch the defaults."""

    action: Action | Meta | None = None
    actor: str | None = None
    channel: str | None = None
    text: str = field(default="", compare=False)

    @property
    def is_blank(self) -> bool:
        return self.action is None and self.actor is None and self.channel is None
