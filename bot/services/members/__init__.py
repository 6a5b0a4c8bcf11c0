"""A member's own contributions in one server (/me): what they shared, answered and
learned, and who they paired with."""

from bot.services.members.contributions import (
    RECENT,
    Contributions,
    MyChallenge,
    MyPairing,
    MySolution,
    MyTakeaway,
    contributions,
)

__all__ = [
    "RECENT",
    "Contributions",
    "MyChallenge",
    "MyPairing",
    "MySolution",
    "MyTakeaway",
    "contributions",
]
