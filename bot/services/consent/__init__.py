"""Consent: whether a member lets Nexus reuse their words outside the conversation."""

from bot.services.consent.reuse import (
    check_reuse,
    get_reuse_allowed,
    opted_out_ids,
    reuse_allowed,
    set_reuse_allowed,
)

__all__ = [
    "check_reuse",
    "get_reuse_allowed",
    "opted_out_ids",
    "reuse_allowed",
    "set_reuse_allowed",
]
