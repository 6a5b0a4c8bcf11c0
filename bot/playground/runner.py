"""Runs parsed lines against the simulator as members; what the bot shows is collected by
the `BotOutput` part (output.py)."""

from __future__ import annotations

import logging
from typing import Any

from bot.playground import info
from bot.playground.events import (
    AUTOCOMPLETE,
    ERROR,
    INFO,
    REPLY,
    Event,
    Outcome,
)
from bot.playground.lexer import ParseError
from bot.playground.lines import (
    MENU_TARGET_LAST,
    Channels,
    Click,
    Complete,
    Help,
    History,
    Line,
    Members,
    Menu,
    ModalFill,
    Option,
    Post,
    Posts,
    Quit,
    Say,
    Select,
    Slash,
    Wait,
)
from bot.playground.output import BotOutput, ErrorCapture
from bot.playground.parser import parse_line
from bot.playground.resolve import Names, PlaygroundError, command_options
from bot.playground.session import DEFAULT_ACTOR, DEFAULT_CHANNEL, Session
from bot.playground.timewarp import target_time, wait_until
from bot.services import guilds
from bot.simulator.interactions import ViolationError
from bot.simulator.models import Channel, Member, Message
from bot.simulator.payloads import InvalidInput, UnknownCommand
from bot.simulator.reply import SELECT_TYPES, Modal, Reply, walk_components

log = logging.getLogger("nexus.playground")
JSON = dict[str, Any]


class Runner(BotOutput):
    def __init__(self, session: Session) -> None:
        self.session = session
        self.sim = session.sim
        self.world = session.world
        self.names = Names(session.guild)
        self.actor = DEFAULT_ACTOR
        self.channel = session.demo.channels[DEFAULT_CHANNEL]
        self.shown: list[tuple[int, str | None]] = []  # (message id, who sees it; None = all)
        self.modals: dict[str, Modal] = {}
        self._seen_bot = len(self.sim.bot_messages)
        self._seen_violations = len(self.sim.violations)
        self._updated: list[int] = []
        self._emitted: set[int] = set()
        self.errors = ErrorCapture()
        logging.getLogger().addHandler(self.errors)
        self.world.listeners.append(self._on_world_event)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.errors)
        if self._on_world_event in self.world.listeners:
            self.world.listeners.remove(self._on_world_event)

    def _on_world_event(self, event: str, data: JSON, guild_id: int | None) -> None:
        if event == "MESSAGE_UPDATE" and int(data["author"]["id"]) == self.world.bot_user.id:
            self._updated.append(int(data["id"]))

    @property
    def prompt(self) -> str:
        return f"{self.actor} in #{self.names.channel_label(self.channel.id)}> "

    # ---- one line ----------------------------------------------------------------------
    async def run(self, raw: str, lineno: int | None = None) -> Outcome:
        outcome = Outcome()
        outcome.events += self._collect(None, set())  # what the bot posted in the meantime
        try:
            line = parse_line(raw)
            outcome.quit = isinstance(line.action, Quit)
            if not outcome.quit:
                outcome.events += await self._execute(line)
        except (ParseError, PlaygroundError, InvalidInput, UnknownCommand) as exc:
            outcome.events.append(Event(ERROR, self.actor, content=str(exc)))
        except ViolationError as exc:
            outcome.events.append(Event(ERROR, self.actor, content=str(exc)))
        except TimeoutError as exc:
            outcome.events.append(Event(ERROR, self.actor, content=str(exc) or "timed out"))
        except Exception as exc:  # a bug: report it in one line, keep the session going
            log.debug("playground line failed", exc_info=True)
            message = f"unexpected {exc.__class__.__name__}: {exc}"
            outcome.events.append(Event(ERROR, self.actor, content=message))
        outcome.events += self._problems()
        for event in outcome.events:
            event.line, event.input = lineno, raw.rstrip("\n")
        outcome.failed = any(e.kind == ERROR for e in outcome.events)
        return outcome

    async def _execute(self, line: Line) -> list[Event]:
        actor = self.names.member(line.actor).user.username if line.actor else self.actor
        channel = self.names.channel(line.channel) if line.channel else self.channel
        action = line.action
        if action is None:
            self.actor, self.channel = actor, channel
            return [
                Event(
                    INFO,
                    actor,
                    self.names.channel_label(channel.id),
                    content=f"now acting as {actor} in #{channel.name}",
                )
            ]
        if isinstance(action, Help | Members | Channels | Posts | History):
            return [Event(INFO, actor, content=self._info(action, actor, channel))]
        if isinstance(action, Quit):
            return []
        member = self.names.member(actor)
        if isinstance(action, Say):
            await self.sim.say(member, channel, self.names.chat_text(action.text))
            return await self._after(None, actor, channel)
        if isinstance(action, Post):
            return await self._post(action, member, channel)
        if isinstance(action, Complete):
            opts = self._options(
                action.path, action.options, actor_channel=channel, focused=action.focused
            )
            choices = await self.sim.autocomplete(
                member, action.name, opts, focused=action.focused, channel=channel
            )
            return [
                Event(
                    AUTOCOMPLETE,
                    actor,
                    self.names.channel_label(channel.id),
                    ephemeral=True,
                    choices=choices,
                )
            ]
        if isinstance(action, Wait):
            return await self._wait(action, actor, channel)
        reply = await self._interact(action, member, channel)
        return await self._after(reply, actor, channel)

    async def _post(self, action: Post, member: Member, channel: Channel) -> list[Event]:
        """A forum post: in the current channel if it is a forum, else in the server's forum."""
        forum = channel if channel.is_forum else self.names.forum()
        actor = member.user.username
        post, _ = await self.sim.post(
            member, forum, action.title, self.names.chat_text(action.text), tags=action.tags
        )
        tags = info.tag_names(forum, post.applied_tags)
        note = (
            f"{actor} posted {action.title!r} in #{forum.name}"
            + (f" [{', '.join(tags)}]" if tags else "")
            + f'; reply with `in "{action.title}" say ...`'
        )
        where = self.names.channel_label(post.id)
        return [Event(INFO, actor, where, content=note)] + await self._after(None, actor, post)

    async def _wait(self, action: Wait, actor: str, channel: Channel) -> list[Event]:
        bot, clock = self.session.bot, self.session.clock
        cfg = await guilds.get_settings(bot.db, self.session.guild.id)
        target = target_time(
            clock(), cfg.zone, action.seconds, action.weekday, action.hour, action.minute
        )
        ran = await wait_until(bot, clock, self.session.guild.id, target)
        local = target.astimezone(cfg.zone)
        note = f"It is now {local:%a %d %b %H:%M} ({cfg.timezone})."
        note += " On the way: " + "; ".join(ran) + "." if ran else " Nothing was due meanwhile."
        where = self.names.channel_label(channel.id)
        return [Event(REPLY, actor, where, content=note)] + await self._after(None, actor, channel)

    async def _interact(
        self, action: Slash | Click | Select | ModalFill | Menu, member: Member, channel: Channel
    ) -> Reply:
        actor = member.user.username
        if isinstance(action, Slash):
            opts = self._options(action.path, action.options, actor_channel=channel)
            return await self.sim.command(member, action.name, opts, channel=channel)
        if isinstance(action, Click):
            msg, index = self._button(actor, action.target)
            return await self.sim.click(member, msg.id, index=index)
        if isinstance(action, Select):
            msg, custom_id, values = self._select(actor, action)
            return await self.sim.select(member, msg.id, custom_id, values)
        if isinstance(action, ModalFill):
            modal = self.modals.get(actor)
            if modal is None:
                others = ", ".join(sorted(self.modals))
                hint = f" (open for: {others}; use `as NAME modal ...`)" if others else ""
                raise PlaygroundError(f"{actor} has no open modal{hint}")
            fields = _modal_values(modal, action.values)
            reply = await self.sim.submit_modal(member, modal, fields)
            self.modals.pop(actor, None)
            return reply
        return await self._menu(action, member, channel)

    async def _menu(self, action: Menu, member: Member, channel: Channel) -> Reply:
        target = action.target
        if isinstance(target, str) and target.startswith("@"):
            user_cmds = command_options(self._commands(), (action.name,), kind=2)
            whom = self.names.member(target)
            if user_cmds is not None:
                return await self.sim.context_menu(
                    member, action.name, target=whom, channel=channel
                )
            theirs = [m for m in self.world.messages_in(channel.id) if m.author.id == whom.id]
            if not theirs:
                raise PlaygroundError(f"{whom.user.username} has no message in #{channel.name}")
            msg = theirs[-1]
        else:
            msgs = self.world.messages_in(channel.id)
            n = 1 if target == MENU_TARGET_LAST else int(target)
            if not msgs:
                raise PlaygroundError(f"#{channel.name} has no messages yet (try `say ...`)")
            if n > len(msgs):
                raise PlaygroundError(f"#{channel.name} has only {len(msgs)} message(s)")
            msg = msgs[-n]
        return await self.sim.context_menu(member, action.name, message=msg.id)

    # ---- helpers -----------------------------------------------------------------------
    def _commands(self) -> list[JSON]:
        return self.world.commands_for(self.session.guild.id)

    def _options(
        self,
        path: tuple[str, ...],
        given: tuple[Option, ...],
        *,
        actor_channel: Channel,
        focused: str | None = None,
    ) -> dict[str, Any]:
        """Typed option values; the focused option of an autocomplete stays the text typed
        so far, whatever its type (as the Discord client sends it: "flask" for an id)."""
        defs = command_options(self._commands(), path) or []
        by_name = {d["name"]: d for d in defs}
        where = "/" + " ".join(path)
        return {
            o.name: o.value
            if o.name == focused
            else self.names.option_value(by_name.get(o.name), o, where)
            for o in given
        }

    def _visible(self, actor: str, want: tuple[int, ...]) -> Message | None:
        """The most recent message shown to `actor` that has components of `want` types."""
        for mid, viewer in reversed(self.shown):
            msg = self.world.messages.get(mid)
            if msg is None or msg.deleted or viewer not in (None, actor):
                continue
            if any(c.get("type") in want for c in walk_components(msg.components)):
                return msg
        return None

    def _button(self, actor: str, target: int | str) -> tuple[Message, int]:
        msg = self._visible(actor, (2,))
        if msg is None:
            raise PlaygroundError(f"no message shown to {actor} has buttons")
        buttons = [c for c in walk_components(msg.components) if c.get("type") == 2]
        listing = "  ".join(
            f"[{i}] {b.get('label') or b.get('custom_id')}" for i, b in enumerate(buttons, start=1)
        )
        if isinstance(target, int):
            if target > len(buttons):
                raise PlaygroundError(f"there is no button {target}: {listing}")
            return msg, target
        key = target.lower()
        for i, b in enumerate(buttons, start=1):
            if (b.get("label") or "").lower() == key or b.get("custom_id") == target:
                return msg, i
        raise PlaygroundError(f"no button labelled {target!r}: {listing}")

    def _select(self, actor: str, action: Select) -> tuple[Message, str, list[Any]]:
        msg = self._visible(actor, SELECT_TYPES)
        if msg is None:
            raise PlaygroundError(f"no message shown to {actor} has a select menu")
        menus = [c for c in walk_components(msg.components) if c.get("type") in SELECT_TYPES]
        n = action.menu or 1
        if n > len(menus):
            raise PlaygroundError(f"the message has {len(menus)} select menu(s)")
        menu = menus[n - 1]
        options = menu.get("options") or []
        values: list[Any] = []
        for value in action.values:
            if menu["type"] != 3:  # user/role/channel/mentionable selects pick by name
                values.append(self._entity_id(int(menu["type"]), str(value)))
            elif isinstance(value, int):
                if value > len(options):
                    raise PlaygroundError(f"the menu has {len(options)} option(s)")
                values.append(options[value - 1]["value"])
            else:
                values.append(_option_value(options, value))
        return msg, str(menu["custom_id"]), values

    def _entity_id(self, kind: int, name: str) -> int:
        if kind == 5:
            return self.names.member(name).id
        if kind == 6:
            return self.names.role(name).id
        if kind == 8:
            return self.names.channel(name).id
        try:
            return self.names.member(name).id
        except PlaygroundError:
            return self.names.role(name).id

    def _info(
        self, action: Help | Members | Channels | Posts | History, actor: str, channel: Channel
    ) -> str:
        if isinstance(action, Help):
            return info.help_text(self._commands(), action.topic)
        if isinstance(action, Members):
            return info.members_text(self.session, actor)
        if isinstance(action, Channels):
            return info.channels_text(self.session, channel.id, self.names.member(actor))
        if isinstance(action, Posts):
            return info.posts_text(self.session, self.names.member(actor))
        return info.history_text(self.world.messages_in(channel.id)[-action.count :], self.names)


def _modal_values(modal: Modal, given: tuple[Option, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for opt in given:
        key = opt.name.lower()
        match = next((f for f in modal.fields if f.custom_id.lower() == key), None) or next(
            (f for f in modal.fields if (f.label or "").lower() == key), None
        )
        if match is None:
            fields = ", ".join(f"{f.custom_id} ({f.label})" for f in modal.fields)
            raise PlaygroundError(
                f"modal {modal.title!r} has no field {opt.name!r}; fields: {fields}"
            )
        values[match.custom_id] = opt.value
    return values


def _option_value(options: list[JSON], wanted: str) -> str:
    for opt in options:
        if opt.get("value") == wanted:
            return str(opt["value"])
    for opt in options:
        if str(opt.get("label", "")).lower() == wanted.lower():
            return str(opt["value"])
    listing = ", ".join(f"{o.get('label')} ({o.get('value')})" for o in options)
    raise PlaygroundError(f"no option {wanted!r} in the menu: {listing}")
