"""Domain errors. Services raise them; the command tree turns them into ephemeral replies.

Every message is written for the member who triggered it and never contains internals.
"""

from __future__ import annotations


class NexusError(Exception):
    """Base of every error whose message is safe to show to a member."""

    title = "Something is off"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(NexusError):
    title = "Not found"


class Conflict(NexusError):
    title = "Already done"


class NotAllowed(NexusError):
    title = "Not allowed"


class Invalid(NexusError):
    title = "Invalid input"
