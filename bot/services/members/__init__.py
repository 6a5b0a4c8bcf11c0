"""A member's own contributions in one server (/me): what they shared, answered and
learned, and who they paired with."""

from bot.services.members.contributions import contributions
from bot.services.members.lists import PER_PAGE, my_entries
from bot.services.members.types import (
    RECENT,
    SECTIONS,
    Contributions,
    MyChallenge,
    MyPairing,
    MySolution,
    MyTakeaway,
)

__all__ = [
    "PER_PAGE",
    "RECENT",
    "SECTIONS",
    "Contributions",
    "MyChallenge",
    "MyPairing",
    "MySolution",
    "MyTakeaway",
    "contributions",
    "my_entries",
]
