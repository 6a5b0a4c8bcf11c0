"""Challenges and their solutions: capture, search, accept, 'this helped me'."""

from bot.services.challenges.concept_links import concept_suggestions, link_concept
from bot.services.challenges.load import load_challenges, solution_order
from bot.services.challenges.record import (
    capture_challenge,
    check_concepts,
    set_track,
    share_challenge,
)
from bot.services.challenges.search_cache import ALL_SERVERS, SearchCache
from bot.services.challenges.service import (
    challenge_suggestions,
    get_challenge_page,
    list_challenges,
    search_challenges,
)
from bot.services.challenges.solutions import (
    accept_solution,
    add_solution,
    capture_solution,
    mark_helped,
    prepare_capture,
    solution_page,
)

__all__ = [
    "accept_solution",
    "add_solution",
    "capture_challenge",
    "capture_solution",
    "challenge_suggestions",
    "concept_suggestions",
    "link_concept",
    "check_concepts",
    "get_challenge_page",
    "list_challenges",
    "load_challenges",
    "mark_helped",
    "prepare_capture",
    "search_challenges",
    "set_track",
    "share_challenge",
    "solution_page",
    "solution_order",
    "ALL_SERVERS",
    "SearchCache",
]
