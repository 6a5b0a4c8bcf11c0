"""The weekly digest: what a server learned, composed, scheduled and posted exactly once."""

from bot.services.digest.model import Digest, DigestItem
from bot.services.digest.queries import DigestStatements
from bot.services.digest.schedule import DigestScheduler, next_slot, register_jobs
from bot.services.digest.service import DeliveryResult, PublishError, post_now, preview

__all__ = [
    "DeliveryResult",
    "Digest",
    "DigestItem",
    "DigestScheduler",
    "PublishError",
    "post_now",
    "preview",
    "DigestStatements",
    "register_jobs",
    "next_slot",
]
