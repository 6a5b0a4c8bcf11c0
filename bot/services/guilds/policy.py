"""Publishing policy: is a new entry published at once or held for moderator review?"""

from __future__ import annotations

from types import MappingProxyType

from bot.db.types import EntryKind, Status
from bot.services.guilds.settings import GuildConfig

_REVIEW_FLAG = MappingProxyType(
    {
        EntryKind.CONCEPT: "review_concepts",
        EntryKind.CONCEPT_EDIT: "review_concepts",
        EntryKind.CHALLENGE: "review_challenges",
        EntryKind.SOLUTION: "review_solutions",
        EntryKind.TAKEAWAY: "review_takeaways",
    }
)


def initial_status(
    config: GuildConfig,
    kind: EntryKind,
    *,
    source_channel_id: int | None = None,
    by_moderator: bool = False,
) -> Status:
    """Captures from private channels are always held; moderators publish directly."""
    if source_channel_id is not None and source_channel_id in config.private_channel_ids:
        return Status.PENDING
    if by_moderator:
        return Status.PUBLISHED
    if getattr(config, _REVIEW_FLAG[kind]):
        return Status.PENDING
    return Status.PUBLISHED
