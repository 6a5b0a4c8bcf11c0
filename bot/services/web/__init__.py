"""The web knowledge hub's content: what a server that opted in publishes, read-only.

Plain queries returning plain data (bot/services/web/types.py); the one publication rule
is in rules.py. `bot.web` turns these into pages.
"""

from bot.services.web.concept_pages import (
    check_filters,
    concept_briefs,
    get_hub_concept,
    list_hub_concepts,
)
from bot.services.web.entries import (
    challenge_briefs,
    get_hub_challenge,
    list_hub_challenges,
    recent_solved,
    top_takeaways,
)
from bot.services.web.hubs import (
    get_hub,
    hub_for_guild,
    is_web_hidden,
    list_hubs,
    set_web_hidden,
)
from bot.services.web.links import challenge_web_url, concept_web_url
from bot.services.web.search import search_hub
from bot.services.web.sitemap import SITEMAP_MAX, hub_paths
from bot.services.web.types import (
    DigestWeek,
    Hub,
    HubHome,
    Moved,
    SearchResults,
    WebChallenge,
    WebChallengeBrief,
    WebConcept,
    WebConceptBrief,
    WebSolution,
    WebTakeaway,
)
from bot.services.web.urls import absolute, challenge_path, concept_path, hub_path
from bot.services.web.weeks import digest_periods, digest_week, hub_home

__all__ = [
    "DigestWeek",
    "Hub",
    "HubHome",
    "Moved",
    "SITEMAP_MAX",
    "SearchResults",
    "WebChallenge",
    "WebChallengeBrief",
    "WebConcept",
    "WebConceptBrief",
    "WebSolution",
    "WebTakeaway",
    "absolute",
    "challenge_path",
    "challenge_web_url",
    "concept_web_url",
    "concept_path",
    "hub_path",
    "challenge_briefs",
    "check_filters",
    "concept_briefs",
    "digest_periods",
    "digest_week",
    "get_hub",
    "get_hub_challenge",
    "get_hub_concept",
    "hub_for_guild",
    "hub_home",
    "hub_paths",
    "is_web_hidden",
    "list_hub_challenges",
    "list_hub_concepts",
    "list_hubs",
    "recent_solved",
    "search_hub",
    "set_web_hidden",
    "top_takeaways",
]
