"""Pairing: the public service API in one place (see docs/learners.md, Pairing).

Modules:
* profiles          -- join / view / edit / pause / resume / leave
* availability      -- availability parsing, UTC hour masks, overlap windows, periods
* matcher           -- the pure matcher and its documented score
* projects          -- curated mini-projects for pairs
* rounds            -- preview, create once per period
* spaces            -- what each pair's thread shows; announcement bookkeeping
* followups         -- follow-up claims, answers, learning notes, closing rounds
* stats             -- /pair stats and outcomes for the digest / export

Other features (digest, export) should only need `pairing_outcomes` and `pairing_stats`.
"""

from bot.services.pairing.followups import (
    IGNORE_LIMIT,
    check_member,
    claim_followup,
    close_round,
    record_answer,
    save_learning,
)
from bot.services.pairing.matcher import Candidate, MatchResult, match
from bot.services.pairing.profiles import (
    Profile,
    get_profile,
    join,
    leave,
    pause,
    resume,
    update_profile,
)
from bot.services.pairing.rounds import RoundPlan, RoundStart, preview_round, start_round
from bot.services.pairing.spaces import (
    PairSpace,
    finish_announcement,
    pending_spaces,
    pending_unmatched,
    set_pair_thread,
)
from bot.services.pairing.stats import (
    LearningNote,
    PairingOutcomes,
    PairingStats,
    pairing_outcomes,
    pairing_stats,
)

__all__ = [
    "IGNORE_LIMIT",
    "Candidate",
    "LearningNote",
    "MatchResult",
    "PairingOutcomes",
    "PairSpace",
    "PairingStats",
    "Profile",
    "RoundPlan",
    "RoundStart",
    "check_member",
    "claim_followup",
    "close_round",
    "finish_announcement",
    "get_profile",
    "join",
    "leave",
    "match",
    "pairing_outcomes",
    "pairing_stats",
    "pause",
    "pending_spaces",
    "pending_unmatched",
    "preview_round",
    "record_answer",
    "resume",
    "save_learning",
    "set_pair_thread",
    "start_round",
    "update_profile",
]
