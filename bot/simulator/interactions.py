"""Tracking of interactions: what the bot answered, when, and waiting for it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .models import EPHEMERAL, JSON, LOADING, Message
from .reply import MessageView, Modal, Reply

PING, APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
ALLOWED_CALLBACKS = MappingProxyType(
    {
        PING: {1},
        APPLICATION_COMMAND: {4, 5, 9, 10, 12},
        COMPONENT: {4, 5, 6, 7, 9, 10, 12},
        AUTOCOMPLETE: {8},
        MODAL_SUBMIT: {4, 5, 6, 7, 10, 12},
    }
)


class ViolationError(AssertionError):
    """The bot answered an action only with requests the simulator rejected."""


@dataclass
class Violation:
    method: str
    path: str
    reason: str
    errors: list[JSON] = field(default_factory=list)
    body: Any = None

    def to_dict(self) -> JSON:
        return {
            "method": self.method,
            "path": self.path,
            "reason": self.reason,
            "errors": self.errors,
            "body": self.body,
        }


@dataclass(eq=False)
class InteractionRecord:
    id: int
    token: str
    type: int
    name: str
    guild_id: int | None
    channel_id: int
    user_id: int
    payload: JSON
    source_message_id: int | None = None
    created_at: float = field(default_factory=time.perf_counter)
    dispatched_at: float | None = None
    first_response_at: float | None = None
    acked_at: float | None = None
    response_type: int | None = None
    deferred: bool = False
    final: bool = False
    answer_message_id: int | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: JSON | None = None
    choices: list[JSON] | None = None
    violations: list[Violation] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    expired: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def acked(self) -> bool:
        return self.response_type is not None

    def touch(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def timing(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "dispatched_at": self.dispatched_at,
            "first_response_at": self.first_response_at,
            "response_type": self.response_type,
        }

    async def wait(self, predicate: Callable[[], bool], timeout: float, grace: float) -> None:  # noqa: ASYNC109
        """Until predicate(); a violation shortens the wait to `grace` seconds."""
        deadline = time.monotonic() + timeout
        seen_violations = len(self.violations)
        while not predicate():
            if len(self.violations) > seen_violations:
                seen_violations = len(self.violations)
                deadline = min(deadline, time.monotonic() + grace)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.expired and not self.acked):
                if self.violations:
                    reasons = "; ".join(v.reason for v in self.violations)
                    raise ViolationError(f"{self.name}: the bot's answer was rejected: {reasons}")
                refused = f" (refused: {'; '.join(self.rejections)})" if self.rejections else ""
                if self.expired and not self.acked:
                    raise TimeoutError(f"the bot answered {self.name} too late{refused}")
                raise TimeoutError(
                    f"no answer from the bot to {self.name} within {timeout:.1f} s{refused}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)


class InteractionRegistry:
    def __init__(self) -> None:
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}
        # message id -> interaction deferred with type 6, answered by an edit of that message
        self.awaiting_edit: dict[int, InteractionRecord] = {}

    def add(self, record: InteractionRecord) -> None:
        self.by_id[record.id] = record
        self.by_token[record.token] = record

    def clear(self) -> None:
        self.by_id.clear()
        self.by_token.clear()
        self.awaiting_edit.clear()

    def message_edited(self, message_id: int) -> None:
        """A deferred update (type 6) is answered when its message is edited by any route."""
        record = self.awaiting_edit.pop(message_id, None)
        if record is not None and not record.final:
            record.final = True
            record.answer_message_id = message_id
            record.touch()

    def timings(self) -> list[JSON]:
        return [r.timing() for r in self.by_id.values()]


def message_view(msg: Message | None) -> MessageView | None:
    return MessageView.from_dict(msg.to_dict()) if msg is not None else None


def build_reply(
    record: InteractionRecord, messages: dict[int, Message], source: Any = None
) -> Reply:
    answer = messages.get(record.answer_message_id) if record.answer_message_id else None
    original = messages.get(record.original_message_id) if record.original_message_id else None
    reply = Reply(
        interaction_id=record.id,
        name=record.name,
        response_type=record.response_type,
        deferred=record.deferred,
        choices=record.choices,
        message=message_view(answer),
        original=message_view(original),
        followups=[v for v in (message_view(messages.get(i)) for i in record.followup_ids) if v],
        violations=[v.to_dict() for v in record.violations],
        _source=source,
    )
    if record.modal is not None:
        reply.modal = Modal.from_data(record.modal, record.id)
    shown = answer or original
    if shown is not None:
        reply.content = shown.content
        reply.embeds = shown.embeds
        reply.components = shown.components
        reply.flags = shown.flags & ~LOADING
        reply.ephemeral = bool(shown.flags & EPHEMERAL)
    return reply
