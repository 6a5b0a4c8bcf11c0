"""Pairing: the public service API in one place (see docs/learners.md, Pairing).

Modules:
* profiles          -- join / view / edit / pause / resume / leave
* skip              -- skip only the next round
* avoid             -- a member's private "never pair me with"
* availability      -- availability parsing, UTC hour masks, overlap windows, periods
* matcher           -- the pure matcher and its documented score
* projects          -- curated mini-projects for pairs
* rounds            -- preview, create once per period
* spaces            -- what each pair's thread shows; announcement bookkeeping
* followups         -- follow-up claims, answers, learning notes, closing rounds
* stats             -- /pair stats and outcomes for the digest / export

Other features (digest, export) should only need `pairing_outcomes` and `pairing_stats`."""

from bot.services.pairing.avoid import (
    AVOID_MAX,
    AvoidChange,
    Avoided,
    avoid_member,
    avoided_members,
    unavoid_member,
)
from bot.services.pairing.followups import (
    IGNORE_LIMIT,
    LEARNING_MAX,
    check_member,
    claim_followup,
    close_at,
    close_round,
    record_answer,
    save_learning,
)
from bot.services.pairing.jobs import PairingActions, PairingJobs, register_jobs
from bot.services.pairing.matcher import MatchResult, match
from bot.services.pairing.profiles import (
    GOALS_MAX,
    STACK_MAX,
    TRACK_NAMES,
    Profile,
    get_profile,
    join,
    leave,
    member_track,
    pause,
    resume,
    update_profile,
)
from bot.services.pairing.rounds import (
    RoundInfo,
    RoundPlan,
    RoundStart,
    current_period,
    preview_round,
    start_round,
)
from bot.services.pairing.scoring import Candidate
from bot.services.pairing.skip import Skip, skip_next_round
from bot.services.pairing.spaces import (
    PairSpace,
    finish_announcement,
    mark_unmatched_notified,
    open_rounds,
    pending_spaces,
    pending_unmatched,
    set_pair_thread,
    unannounced_rounds,
)
from bot.services.pairing.stats import (
    LearningNote,
    PairingOutcomes,
    PairingStats,
    pairing_outcomes,
    pairing_stats,
)

__all__ = [
    "AVOID_MAX",
    "AvoidChange",
    "Avoided",
    "avoid_member",
    "avoided_members",
    "unavoid_member",
    "Candidate",
    "GOALS_MAX",
    "IGNORE_LIMIT",
    "LEARNING_MAX",
    "LearningNote",
    "MatchResult",
    "PairSpace",
    "PairingOutcomes",
    "PairingStats",
    "Profile",
    "RoundInfo",
    "RoundPlan",
    "RoundStart",
    "STACK_MAX",
    "TRACK_NAMES",
    "check_member",
    "claim_followup",
    "close_at",
    "close_round",
    "current_period",
    "finish_announcement",
    "get_profile",
    "join",
    "leave",
    "mark_unmatched_notified",
    "match",
    "open_rounds",
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
    "Skip",
    "skip_next_round",
    "start_round",
    "unannounced_rounds",
    "update_profile",
    "PairingActions",
    "PairingJobs",
    "register_jobs",
    "member_track",
]
