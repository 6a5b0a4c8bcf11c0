"""Takeaways: best practices and personal lessons, and the votes on them."""

from bot.services.takeaways.service import get_takeaway, list_takeaways, share_takeaway, toggle_vote
from bot.services.takeaways.votes import VoteQueue

__all__ = [
    "get_takeaway",
    "list_takeaways",
    "share_takeaway",
    "toggle_vote",
    "VoteQueue",
]
