"""The members' actions API: what people do in Discord, and the bot's Reply to it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from .gateway import Gateway
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
    InteractionRegistry,
    build_reply,
)
from .models import JSON, Channel, Member, Message, User
from .payloads import InvalidInput, Invocation, command_data
from .reply import SELECT_TYPES, MessageView, Modal, Reply, walk_components
from .world import World

MessageRef = Reply | MessageView | Message | JSON | int
Actor = Member | User | int


class Actions:
    world: World
    gateway: Gateway
    registry: InteractionRegistry
    reply_timeout: float
    violation_grace: float

    # ---- plumbing ----------------------------------------------------------------------
    def start_interaction(
        self,
        inv: Invocation,
        kind: int,
        data: JSON,
        name: str,
        *,
        message: Message | None = None,
    ) -> InteractionRecord:
        """Dispatch INTERACTION_CREATE without waiting (benchmarks fire many of these)."""
        iid = self.world.ids.next()
        payload = inv.payload(kind, iid)
        payload["data"] = data
        if message is not None:
            payload["message"] = message.to_dict()
        record = InteractionRecord(
            iid,
            payload["token"],
            kind,
            name,
            inv.guild_id,
            inv.channel.id,
            inv.user.id,
            payload,
            source_message_id=message.id if message is not None else None,
        )
        self.registry.add(record)

        def sent() -> None:
            if record.dispatched_at is None:  # not again when replayed on RESUME
                record.dispatched_at = time.perf_counter()

        self.gateway.dispatch_interaction(payload, inv.guild_id, sent)
        return record

    async def finish(self, record: InteractionRecord, timeout: float | None = None) -> Reply:  # noqa: ASYNC109
        await record.wait(lambda: record.final, timeout or self.reply_timeout, self.violation_grace)
        return build_reply(record, self.world.messages, self)

    async def _wait_followups(self, interaction_id: int, n: int, timeout: float) -> list[JSON]:  # noqa: ASYNC109
        record = self.registry.by_id[interaction_id]
        await record.wait(lambda: len(record.followup_ids) >= n, timeout, self.violation_grace)
        msgs = (self.world.messages.get(i) for i in record.followup_ids)
        return [m.to_dict() for m in msgs if m is not None]

    def _message(self, ref: MessageRef) -> Message:
        if isinstance(ref, Reply):
            view = ref.message or ref.original
            if view is None:
                raise InvalidInput(f"the reply to {ref.name} has no message to act on")
            ref = view.id
        if isinstance(ref, MessageView | Message):
            ref = ref.id
        elif isinstance(ref, dict):
            ref = int(ref["id"])
        msg = self.world.messages.get(ref)
        if msg is None or msg.deleted:
            raise InvalidInput(f"message {ref} does not exist (deleted?)")
        return msg

    # ---- application commands ----------------------------------------------------------
    def start_command(
        self,
        member: Actor,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel: Channel | int | None = None,
        dm: bool = False,
    ) -> InteractionRecord:
        inv = Invocation(self.world, member, channel, dm)
        data, full = command_data(inv, name, options or {})
        return self.start_interaction(inv, APPLICATION_COMMAND, data, full)

    async def command(
        self,
        member: Actor,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel: Channel | int | None = None,
        dm: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        """Run a slash command; `name` may be "group sub" for subcommands."""
        record = self.start_command(member, name, options, channel=channel, dm=dm)
        return await self.finish(record, timeout)

    async def autocomplete(
        self,
        member: Actor,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        focused: str,
        channel: Channel | int | None = None,
        dm: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[JSON]:
        """The choices the bot offers while the user types into option `focused`."""
        record = self._start_autocomplete(
            member, name, options, focused=focused, channel=channel, dm=dm
        )
        reply = await self.finish(record, timeout)
        return reply.choices or []

    def _start_autocomplete(
        self,
        member: Actor,
        name: str,
        options: dict[str, Any] | None,
        *,
        focused: str,
        channel: Channel | int | None = None,
        dm: bool = False,
    ) -> InteractionRecord:
        inv = Invocation(self.world, member, channel, dm)
        data, full = command_data(inv, name, options or {}, focused=focused)
        return self.start_interaction(inv, AUTOCOMPLETE, data, f"{full} (autocomplete {focused})")

    async def context_menu(
        self,
        member: Actor,
        name: str,
        *,
        message: MessageRef | None = None,
        target: Actor | None = None,
        channel: Channel | int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        """A message command (message=) or a user command (target=)."""
        msg = self._message(message) if message is not None else None
        if msg is not None and channel is None:
            channel = msg.channel_id
        inv = Invocation(self.world, member, channel, dm=False)
        kind = 3 if msg is not None else 2
        cmd = inv.find_command(name, kind)
        data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": kind}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if msg is not None:
            data["target_id"] = str(msg.id)
            data["resolved"] = {"messages": {str(msg.id): msg.to_dict()}}
        elif target is not None:
            uid = target if isinstance(target, int) else target.id
            user = self.world.users[uid]
            data["target_id"] = str(uid)
            resolved: JSON = {"users": {str(uid): user.to_dict()}}
            if inv.guild is not None and uid in inv.guild.members:
                resolved["members"] = {str(uid): inv.guild.members[uid].to_dict(with_user=False)}
            data["resolved"] = resolved
        else:
            raise InvalidInput("context_menu needs message= or target=")
        record = self.start_interaction(inv, APPLICATION_COMMAND, data, f"context menu {name!r}")
        return await self.finish(record, timeout)

    # ---- components --------------------------------------------------------------------
    async def click(
        self,
        member: Actor,
        message: MessageRef,
        custom_id: str | None = None,
        index: int | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        """Click a button by custom_id or by its 1-based position across all rows."""
        return await self.finish(self._start_click(member, message, custom_id, index), timeout)

    def _start_click(
        self,
        member: Actor,
        message: MessageRef,
        custom_id: str | None = None,
        index: int | None = None,
    ) -> InteractionRecord:
        msg = self._message(message)
        buttons = [c for c in walk_components(msg.components) if c.get("type") == 2]
        if custom_id is not None:
            found = [b for b in buttons if b.get("custom_id") == custom_id]
        elif index is not None:
            found = [buttons[index - 1]] if 1 <= index <= len(buttons) else []
        else:
            found = buttons[:1] if len(buttons) == 1 else []
        if not found:
            labels = [(b.get("label"), b.get("custom_id")) for b in buttons]
            raise InvalidInput(
                f"no such button (custom_id={custom_id}, index={index}); the message has {labels}"
            )
        button = found[0]
        if button.get("disabled"):
            raise InvalidInput(f"button {button.get('label')!r} is disabled")
        if button.get("style") in (5, 6) or not button.get("custom_id"):
            raise InvalidInput(f"button {button.get('label')!r} is a link: no interaction")
        inv = Invocation(self.world, member, msg.channel_id, dm=False)
        data = {"custom_id": button["custom_id"], "component_type": 2}
        name = f"click {button.get('label') or button['custom_id']!r}"
        return self.start_interaction(inv, COMPONENT, data, name, message=msg)

    async def select(
        self,
        member: Actor,
        message: MessageRef,
        custom_id: str | None = None,
        values: Sequence[Any] = (),
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        """Pick values in a select menu (string selects: option values; others: ids/handles)."""
        msg = self._message(message)
        selects = [c for c in walk_components(msg.components) if c.get("type") in SELECT_TYPES]
        found = [s for s in selects if custom_id is None or s.get("custom_id") == custom_id]
        if not found:
            raise InvalidInput(f"no select menu {custom_id!r} on message {msg.id}")
        menu = found[0]
        if menu.get("disabled"):
            raise InvalidInput(f"select menu {menu.get('custom_id')!r} is disabled")
        inv = Invocation(self.world, member, msg.channel_id, dm=False)
        picked = [v if isinstance(v, str | int) else v.id for v in values]
        lo, hi = int(menu.get("min_values", 1)), int(menu.get("max_values", 1))
        if not lo <= len(picked) <= hi:
            raise InvalidInput(f"select {menu.get('custom_id')!r} takes {lo}..{hi} values")
        data: JSON = {"custom_id": menu["custom_id"], "component_type": menu["type"]}
        if menu["type"] == 3:
            allowed = [o["value"] for o in menu.get("options") or []]
            bad = [v for v in picked if v not in allowed]
            if bad:
                raise InvalidInput(f"{bad} are not options of {menu.get('custom_id')!r}: {allowed}")
            data["values"] = [str(v) for v in picked]
        else:
            data["values"] = [str(v) for v in picked]
            data["resolved"] = self._resolve_ids(inv, [int(v) for v in picked])
        name = f"select {menu.get('custom_id')!r}"
        record = self.start_interaction(inv, COMPONENT, data, name, message=msg)
        return await self.finish(record, timeout)

    def _resolve_ids(self, inv: Invocation, ids: list[int]) -> JSON:
        resolved: JSON = {}
        guild = inv.guild
        for vid in ids:
            if vid in self.world.users:
                resolved.setdefault("users", {})[str(vid)] = self.world.users[vid].to_dict()
                if guild is not None and vid in guild.members:
                    member = guild.members[vid].to_dict(with_user=False)
                    resolved.setdefault("members", {})[str(vid)] = member
            elif guild is not None and vid in guild.roles:
                resolved.setdefault("roles", {})[str(vid)] = guild.roles[vid].to_dict()
            elif (ch := self.world.channel(vid)) is not None:
                perms = guild.permissions_for(inv.user.id, ch) if guild else 0
                resolved.setdefault("channels", {})[str(vid)] = ch.to_dict(permissions=perms)
        return resolved

    async def submit_modal(
        self,
        member: Actor,
        modal: Modal | Reply,
        values: dict[str, Any],
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Reply:
        """Fill in and submit the modal the bot showed (field custom_id -> value)."""
        if isinstance(modal, Reply):
            if modal.modal is None:
                raise InvalidInput(f"the reply to {modal.name} is not a modal")
            modal = modal.modal
        source = self.registry.by_id[modal.interaction_id]
        unknown = set(values) - {f.custom_id for f in modal.fields}
        if unknown:
            raise InvalidInput(f"modal {modal.title!r} has no field(s) {sorted(unknown)}")
        components: list[JSON] = []
        for fld in modal.fields:
            raw = values.get(fld.custom_id, fld.value if fld.type == 4 else [])
            if fld.type == 4:
                text = "" if raw is None else str(raw)
                if fld.required and not text:
                    raise InvalidInput(f"modal field {fld.label!r} is required")
                if text and (
                    (fld.max_length and len(text) > fld.max_length)
                    or (fld.min_length and len(text) < fld.min_length)
                ):
                    raise InvalidInput(
                        f"modal field {fld.label!r} must be "
                        f"{fld.min_length}..{fld.max_length} characters"
                    )
                inner: JSON = {"type": 4, "custom_id": fld.custom_id, "value": text}
            else:
                picked = [str(v) for v in (raw if isinstance(raw, list | tuple) else [raw])]
                allowed = [o["value"] for o in fld.options]
                if fld.options and any(v not in allowed for v in picked):
                    raise InvalidInput(f"modal field {fld.label!r} takes values from {allowed}")
                if fld.required and not picked:
                    raise InvalidInput(f"modal field {fld.label!r} is required")
                inner = {"type": fld.type, "custom_id": fld.custom_id, "values": picked}
            wrapper = (
                {"type": 18, "component": inner}
                if fld.in_label
                else {"type": 1, "components": [inner]}
            )
            components.append(wrapper)
        inv = Invocation(self.world, member, source.channel_id, dm=source.guild_id is None)
        data = {"custom_id": modal.custom_id, "components": components}
        msg = self.world.messages.get(source.source_message_id or 0)
        record = self.start_interaction(
            inv, MODAL_SUBMIT, data, f"modal {modal.title!r}", message=msg
        )
        return await self.finish(record, timeout)

    # ---- chat --------------------------------------------------------------------------
    async def say(
        self,
        member: Actor,
        channel: Channel | int | None,
        content: str,
        *,
        dm: bool = False,
        reply_to: MessageRef | None = None,
        attachments: Sequence[str] = (),
    ) -> MessageView:
        """A person (or another bot) posts a message (MESSAGE_CREATE reaches the bot).

        `attachments`: names of files uploaded with it (files alone, with no content, are
        a message Discord accepts)."""
        inv = Invocation(self.world, member, channel, dm)
        if inv.channel.is_forum:
            raise InvalidInput(f"#{inv.channel.name} is a forum: start a post (sim.post)")
        if inv.guild is not None and inv.member is not None:
            if inv.channel.locked and not inv.guild.can(inv.member, "MANAGE_THREADS", inv.channel):
                raise InvalidInput(f"#{inv.channel.name} is locked")
            perm = "SEND_MESSAGES_IN_THREADS" if inv.channel.is_thread else "SEND_MESSAGES"
            if not inv.guild.can(inv.member, "VIEW_CHANNEL", inv.channel):
                raise InvalidInput(
                    f"{inv.user.username} cannot see #{inv.channel.name}"
                    + (" (a private thread: only its members)" if inv.channel.is_thread else "")
                )
            if not inv.guild.can(inv.member, perm, inv.channel):
                raise InvalidInput(
                    f"{inv.user.username} cannot send messages in #{inv.channel.name}"
                )
        ref = None
        if reply_to is not None:
            target = self._message(reply_to)
            ref = {"message_id": str(target.id), "channel_id": str(target.channel_id)}
        if inv.guild is not None and inv.member is not None and attachments:
            if not inv.guild.can(inv.member, "ATTACH_FILES", inv.channel):
                raise InvalidInput(f"{inv.user.username} cannot attach files here")
        msg = self.world.create_message(
            inv.channel,
            inv.user,
            content,
            message_reference=ref,
            type=19 if ref else 0,
            attachments=[self.world.attachment(name) for name in attachments],
        )
        view = MessageView.from_dict(self.world.gateway_message(msg))
        await asyncio.sleep(0)
        return view
