"""Short forms of challenges as the hub lists them (shared by its pages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.db.models import Challenge
from bot.services.web.rules import scrub
from bot.services.web.types import WebChallengeBrief

CHALLENGE_BRIEF = (
    Challenge.id,
    Challenge.title,
    Challenge.solved,
    Challenge.track,
    Challenge.created_at,
    Challenge.solved_at,
)


def challenge_brief(row: Sequence[Any]) -> WebChallengeBrief:
    cid, title, solved, track, created, solved_at = row
    return WebChallengeBrief(cid, scrub(title), bool(solved), track, created, solved_at)
