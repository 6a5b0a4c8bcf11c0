"""Persistent curation buttons (DynamicItems: everything they need is in the custom_id + DB)
and the reason / edit modals. Every callback checks the moderator at run time."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.services import moderation
from bot.services.moderation import (
    EDITABLE_FIELDS,
    OPTIONAL_FIELDS,
    QueueItem,
    QueuePage,
    get_entry,
    get_queue_page,
    kind_label,
    list_audit,
)
from bot.ui.base import NexusModal, guarded
from bot.ui.checks import require_moderator
from bot.ui.render import one_line
from cogs.moderation import effects
from cogs.moderation.render import (
    approve_label,
    log_embed,
    queue_embed,
    reject_label,
    result_text,
)

if TYPE_CHECKING:
    from bot.client import NexusBot

KINDS = "concept_edit|concept|challenge|solution|takeaway"
ACTION_TEMPLATE = (
    rf"nexus:curate:(?P<action>approve|reject|edit):(?P<kind>{KINDS}):(?P<id>[0-9]{{1,19}})"
)
PAGE_TEMPLATE = r"nexus:curate:page:(?P<dir>prev|next):(?P<index>[0-9]{1,6})"
LOG_TEMPLATE = (
    r"nexus:curate:log:(?P<dir>prev|next):(?P<page>[0-9]{1,6}):(?P<kind>[a-z_]{0,16}):"
    r"(?P<action>[a-z]{0,16})"
)
REASON_MAX = moderation.REASON_MAX
LONG_FIELDS = frozenset({"body", "problem", "tried"})


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def _guild(interaction: discord.Interaction) -> int:
    assert interaction.guild_id is not None
    return interaction.guild_id


def actor_of(interaction: discord.Interaction) -> moderation.Actor:
    user = interaction.user
    return moderation.Actor(user.id, getattr(user, "display_name", None) or user.name)


# ---- the queue message -----------------------------------------------------------------


def queue_view(page: QueuePage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    item = page.item
    if item is not None:
        for action, label, style in (
            ("approve", approve_label(item), discord.ButtonStyle.success),
            ("reject", reject_label(item), discord.ButtonStyle.danger),
            ("edit", "Edit", discord.ButtonStyle.secondary),
        ):
            view.add_item(CurateButton(action, item.kind, item.entry_id, label=label, style=style))
    if page.total > 1:
        prev = QueuePageButton("prev", max(page.index - 1, 0), row=1)
        prev.item.disabled = page.index <= 0
        nxt = QueuePageButton("next", page.index + 1, row=1)
        nxt.item.disabled = page.index + 1 >= page.total
        view.add_item(prev)
        view.add_item(nxt)
    return view


async def show_queue(
    interaction: discord.Interaction,
    index: int,
    *,
    notice: str | None = None,
    edit: bool = False,
) -> None:
    page = await get_queue_page(_bot(interaction).db, _guild(interaction), index)
    embed, view = queue_embed(page), queue_view(page)
    if edit and interaction.message is not None:
        await interaction.response.edit_message(content=notice, embed=embed, view=view)
    else:
        await interaction.response.send_message(
            content=notice, embed=embed, view=view, ephemeral=True
        )


class CurateButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ACTION_TEMPLATE):
    """Approve / Reject / Edit on one entry: `nexus:curate:<action>:<kind>:<id>`."""

    def __init__(
        self,
        action: str,
        kind: str,
        entry_id: int,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        self.action, self.kind, self.entry_id = action, kind, entry_id
        super().__init__(
            discord.ui.Button(
                label=(label or action.title())[:80],
                style=style,
                custom_id=f"nexus:curate:{action}:{kind}:{entry_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CurateButton:
        return cls(
            match["action"], match["kind"], int(match["id"]), label=getattr(item, "label", None)
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._run(interaction))

    async def _run(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        await require_moderator(bot, interaction)
        guild_id = _guild(interaction)
        if self.action == "approve":
            result = await moderation.approve(
                bot.db,
                guild_id,
                actor_of(interaction),
                self.kind,
                self.entry_id,
                now=bot.clock(),
            )
            await show_queue(interaction, 0, notice=result_text(result), edit=True)
            await effects.after_action(bot, interaction, result)
            return
        item = await get_entry(bot.db, guild_id, self.kind, self.entry_id)
        if self.action == "reject":
            await interaction.response.send_modal(RejectModal(item, from_queue=True))
        else:
            await interaction.response.send_modal(EditModal(item, from_queue=True))


class QueuePageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_TEMPLATE):
    def __init__(self, direction: str, index: int, *, row: int | None = None) -> None:
        self.index = index
        super().__init__(
            discord.ui.Button(
                label="Previous" if direction == "prev" else "Next",
                style=discord.ButtonStyle.secondary
                if direction == "prev"
                else discord.ButtonStyle.primary,
                custom_id=f"nexus:curate:page:{direction}:{index}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> QueuePageButton:
        return cls(match["dir"], int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        async def run() -> None:
            await require_moderator(_bot(interaction), interaction)
            await show_queue(interaction, self.index, edit=True)

        await guarded(interaction, run)


# ---- the log message -------------------------------------------------------------------


def log_view(
    page_no: int, has_next: bool, kind: str | None, action: str | None
) -> discord.ui.View | None:
    if page_no <= 0 and not has_next:
        return None
    view = discord.ui.View(timeout=None)
    prev = LogPageButton("prev", max(page_no - 1, 0), kind, action)
    prev.item.disabled = page_no <= 0
    nxt = LogPageButton("next", page_no + 1, kind, action)
    nxt.item.disabled = not has_next
    view.add_item(prev)
    view.add_item(nxt)
    return view


class LogPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=LOG_TEMPLATE):
    def __init__(self, direction: str, page: int, kind: str | None, action: str | None) -> None:
        self.page, self.kind, self.action = page, kind or None, action or None
        super().__init__(
            discord.ui.Button(
                label="Newer" if direction == "prev" else "Older",
                style=discord.ButtonStyle.secondary,
                custom_id=f"nexus:curate:log:{direction}:{page}:{kind or ''}:{action or ''}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> LogPageButton:
        return cls(match["dir"], int(match["page"]), match["kind"], match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        async def run() -> None:
            bot = _bot(interaction)
            await require_moderator(bot, interaction)
            page = await list_audit(
                bot.db, _guild(interaction), self.page, kind=self.kind, action=self.action
            )
            view = log_view(page.page, page.has_next, self.kind, self.action)
            await interaction.response.edit_message(
                embed=log_embed(page, self.kind, self.action), view=view
            )

        await guarded(interaction, run)


# ---- modals ----------------------------------------------------------------------------


class RejectModal(NexusModal):
    def __init__(self, item: QueueItem, *, from_queue: bool = False) -> None:
        verb = reject_label(item)
        super().__init__(
            title=one_line(f"{verb} {kind_label(item.kind)} #{item.entry_id}", 45),
            custom_id=f"nexus:curate:reject-modal:{item.kind}:{item.entry_id}",
            timeout=900,
        )
        self.kind, self.entry_id, self.from_queue = item.kind, item.entry_id, from_queue
        self.reason: discord.ui.TextInput[RejectModal] = discord.ui.TextInput(
            custom_id="reason",
            label="Reason (sent to the author)",
            style=discord.TextStyle.paragraph,
            required=True,
            min_length=1,
            max_length=REASON_MAX,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        await require_moderator(bot, interaction)
        result = await moderation.reject(
            bot.db,
            _guild(interaction),
            actor_of(interaction),
            self.kind,
            self.entry_id,
            self.reason.value,
        )
        await _answer(interaction, result_text(result), self.from_queue)
        await effects.after_action(bot, interaction, result)


class EditModal(NexusModal):
    """Prefilled with the entry's current fields (a proposal: its proposed values)."""

    def __init__(self, item: QueueItem, *, from_queue: bool = False) -> None:
        super().__init__(
            title=one_line(f"Edit {kind_label(item.kind)} #{item.entry_id}", 45),
            custom_id=f"nexus:curate:edit-modal:{item.kind}:{item.entry_id}",
            timeout=900,
        )
        self.kind, self.entry_id, self.from_queue = item.kind, item.entry_id, from_queue
        limits = EDITABLE_FIELDS[item.kind]
        optional = OPTIONAL_FIELDS.get(item.kind, frozenset())
        current = dict(item.fields)
        self.inputs: dict[str, discord.ui.TextInput[EditModal]] = {}
        for name, limit in limits.items():
            text_input: discord.ui.TextInput[EditModal] = discord.ui.TextInput(
                label=name.title(),
                custom_id=name,
                style=discord.TextStyle.paragraph
                if name in LONG_FIELDS
                else discord.TextStyle.short,
                default=(current.get(name) or "")[:limit] or None,
                required=name not in optional,
                max_length=limit,
            )
            self.inputs[name] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        await require_moderator(bot, interaction)
        values = {name: field.value for name, field in self.inputs.items()}
        result = await moderation.edit(
            bot.db,
            _guild(interaction),
            actor_of(interaction),
            self.kind,
            self.entry_id,
            values,
            now=bot.clock(),
        )
        await _answer(interaction, result_text(result), self.from_queue)
        await effects.after_action(bot, interaction, result)


async def _answer(interaction: discord.Interaction, text: str, from_queue: bool) -> None:
    if from_queue and interaction.message is not None:
        await show_queue(interaction, 0, notice=text, edit=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


CURATION_ITEMS = (CurateButton, QueuePageButton, LogPageButton)
