"""What the bot showed after a playground line, as events: its reply and followups (or
modal), the messages it posted or edited meanwhile, and the problems that fail the line
(a crash it logged, a request Discord would reject). `BotOutput` is the part of `Runner`
(runner.py) that collects them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.playground.events import (
    CHANNEL_MESSAGE,
    ERROR,
    FOLLOWUP,
    MODAL,
    REPLY,
    Event,
    modal_json,
)
from bot.playground.resolve import Names
from bot.simulator.models import Channel
from bot.simulator.reply import MessageView, Modal, Reply
from bot.simulator.simulator import Simulator
from bot.simulator.world import World

JSON = dict[str, Any]

SETTLE_SECONDS = 0.05  # after an action: time for the bot's own follow-on posts to land
SETTLE_MAX_ROUNDS = 10
HANDLING_MAX_SECONDS = 5.0  # ... and, at most this long, for its handlers to finish
# The tasks discord.py runs the bot's handlers in (client.py, app_commands/tree.py, ui/view.py)
HANDLER_TASKS = ("discord.py: on_", "CommandTree-invoker", "discord-ui-view-dispatch-")


def bot_handling() -> set[asyncio.Task[Any]]:
    """The tasks in which the bot (in this event loop) is still handling an event, a
    command or a click: a new forum post is read and searched before Nexus replies."""
    me = asyncio.current_task()
    return {
        t
        for t in asyncio.all_tasks()
        if t is not me and not t.done() and t.get_name().startswith(HANDLER_TASKS)
    }


class ErrorCapture(logging.Handler):
    """Collects ERROR records (a crash in a command handler) so the line can fail."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("nexus.playground"):
            self.records.append(record)


class BotOutput:
    """Collects what the bot showed; mixed into `Runner`, which sets these attributes."""

    sim: Simulator
    world: World
    names: Names
    shown: list[tuple[int, str | None]]  # (message id, who sees it; None = all)
    modals: dict[str, Modal]
    errors: ErrorCapture
    _seen_bot: int
    _seen_violations: int
    _updated: list[int]
    _emitted: set[int]

    async def _after(self, reply: Reply | None, actor: str, channel: Channel) -> list[Event]:
        events: list[Event] = []
        emitted: set[int] = set()
        if reply is not None:
            events += self._reply_events(reply, actor, channel, emitted)
        await self._settle()
        return events + self._collect(actor, emitted)

    def _reply_events(
        self, reply: Reply, actor: str, channel: Channel, emitted: set[int]
    ) -> list[Event]:
        where = self.names.channel_label(channel.id)
        if reply.modal is not None:
            self.modals[actor] = reply.modal
            return [Event(MODAL, actor, where, ephemeral=True, modal=modal_json(reply.modal))]
        events: list[Event] = []
        primary = reply.message or reply.original
        if primary is not None:
            edited = reply.response_type in (6, 7)
            events.append(self._message_event(REPLY, primary, actor, edited=edited))
            emitted.add(primary.id)
        for view in reply.followups:
            if view.id not in emitted:
                events.append(self._message_event(FOLLOWUP, view, actor))
                emitted.add(view.id)
        if not events:
            events.append(
                Event(REPLY, actor, where, content="(the bot acknowledged without a message)")
            )
        return events

    def _message_event(
        self, kind: str, view: MessageView, actor: str | None, *, edited: bool = False
    ) -> Event:
        """`actor`: whose action led to it (None: the bot's own initiative)."""
        ephemeral = view.ephemeral
        self.shown.append((view.id, actor if ephemeral else None))
        self._emitted.add(view.id)
        return Event(
            kind,
            actor,
            self.names.channel_label(view.channel_id),
            ephemeral=ephemeral,
            content=view.content,
            embeds=view.embeds,
            components=view.components,
            message_id=view.id,
            edited=edited,
        )

    async def _settle(self) -> None:
        """Give the bot a moment for posts that follow its answer (threads, digests...):
        until its handlers are done (at most HANDLING_MAX_SECONDS) and no new message
        came in the last SETTLE_SECONDS (at most SETTLE_MAX_ROUNDS rounds of them)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HANDLING_MAX_SECONDS
        while (busy := bot_handling()) and loop.time() < deadline:
            await asyncio.wait(busy, timeout=deadline - loop.time())  # and what they start
        count = len(self.sim.bot_messages)
        for _ in range(SETTLE_MAX_ROUNDS):
            await asyncio.sleep(SETTLE_SECONDS)
            now = len(self.sim.bot_messages)
            if now == count and not (bot_handling() and loop.time() < deadline):
                return
            count = now

    def _collect(self, actor: str | None, emitted: set[int]) -> list[Event]:
        """Bot messages created or edited since the last look that no reply accounted for."""
        events: list[Event] = []
        fresh = self.sim.bot_messages[self._seen_bot :]
        self._seen_bot += len(fresh)
        for view in fresh:
            if view.id in emitted or view.id in self._emitted:
                continue
            # A late answer to an interaction (sent after its first response) is a followup.
            asked_by = ((view.raw.get("interaction_metadata") or {}).get("user") or {}).get(
                "username"
            )
            kind = FOLLOWUP if asked_by else CHANNEL_MESSAGE
            events.append(self._message_event(kind, view, asked_by or actor))
            emitted.add(view.id)
        updated, self._updated = self._updated, []
        for mid in dict.fromkeys(updated):
            msg = self.world.messages.get(mid)
            if mid in emitted or msg is None or msg.deleted:
                continue
            view = MessageView.from_dict(msg.to_dict())
            events.append(self._message_event(CHANNEL_MESSAGE, view, actor, edited=True))
            emitted.add(mid)
        return events

    def _problems(self) -> list[Event]:
        """Crashes the bot logged and requests Discord would have rejected: line failures."""
        events = []
        for record in self.errors.records:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                text += f" ({exc.__class__.__name__}: {exc})"
            events.append(Event(ERROR, None, content=f"the bot logged an error: {text}"))
        self.errors.records.clear()
        for violation in self.sim.violations[self._seen_violations :]:
            events.append(
                Event(
                    ERROR,
                    None,
                    content=(
                        f"Discord would reject the bot's {violation.method} {violation.path}: "
                        f"{violation.reason}"
                    ),
                )
            )
        self._seen_violations = len(self.sim.violations)
        return events
