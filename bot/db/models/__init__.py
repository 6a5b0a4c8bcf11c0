"""All models, imported here so Base.metadata is complete for Alembic."""

from bot.db.models.cards import EntryCard
from bot.db.models.concepts import (
    BASE_GUILD_ID,
    Concept,
    ConceptEdit,
    ConceptLookup,
    MissedLookup,
)
from bot.db.models.curation import AuditLog, DigestPost, Flag
from bot.db.models.entries import (
    Challenge,
    ChallengeConcept,
    Solution,
    SolutionHelped,
    Takeaway,
    TakeawayConcept,
    TakeawayVote,
)
from bot.db.models.forum import ForumPost
from bot.db.models.guild import BotState, GuildSettings, MemberPrefs
from bot.db.models.notices import MemberNotice
from bot.db.models.pairing import (
    Pair,
    PairAvoid,
    PairMember,
    PairProfile,
    PairRound,
    PairUnmatched,
)

__all__ = [
    "BASE_GUILD_ID",
    "AuditLog",
    "BotState",
    "Challenge",
    "ChallengeConcept",
    "Concept",
    "EntryCard",
    "ConceptEdit",
    "ConceptLookup",
    "DigestPost",
    "Flag",
    "ForumPost",
    "GuildSettings",
    "MemberNotice",
    "MemberPrefs",
    "MissedLookup",
    "Pair",
    "PairAvoid",
    "PairMember",
    "PairProfile",
    "PairRound",
    "PairUnmatched",
    "Solution",
    "SolutionHelped",
    "Takeaway",
    "TakeawayConcept",
    "TakeawayVote",
]
