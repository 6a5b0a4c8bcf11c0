"""Buttons and the suggest modal for concepts.

Related-concept and "did you mean" buttons are DynamicItems (`nexus:concept:open:<id>`):
they keep working after a restart and resolve the id for the CLICKING member's server at
click time, so a stale or foreign id behaves like an unknown concept. So does "Post in
channel" (`nexus:concept:share:<id>`) on a private answer: it posts the concept in the
channel for everyone, naming who shared it and pinging nobody (limits: concepts.sharing).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import Conflict, NotAllowed
from bot.services import cards, concepts
from bot.services.concepts import ConceptDetail, ConceptPage, LookupOutcome
from bot.ui.base import NexusModal, guarded
from bot.ui.checks import is_moderator
from bot.ui.flag import FlagButton
from bot.ui.render import BUTTON_LABEL_MAX, one_line
from cogs.concepts import render

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.concepts")

OPEN_TEMPLATE = r"nexus:concept:open:(?P<id>[0-9]{1,10})"
ANGLE_TEMPLATE = r"nexus:concept:angle:(?P<id>[0-9]{1,10}):(?P<track>frontend|backend)"
SHARE_TEMPLATE = r"nexus:concept:share:(?P<id>[0-9]{1,10})"
RELATED_BUTTONS_MAX = 10


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


class OpenConceptButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=OPEN_TEMPLATE):
    """Opens a concept in one click, answered only to the member who clicked."""

    def __init__(self, concept_id: int, label: str = "Open", *, row: int | None = None) -> None:
        self.concept_id = concept_id
        super().__init__(
            discord.ui.Button(
                label=one_line(label, BUTTON_LABEL_MAX) or "Open",
                style=discord.ButtonStyle.secondary,
                custom_id=f"nexus:concept:open:{concept_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OpenConceptButton:
        return cls(int(match["id"]), getattr(item, "label", None) or "Open")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        outcome = await concepts.open_concept(
            _bot(interaction).db, interaction.guild_id, interaction.user.id, self.concept_id
        )
        detail = outcome.concept
        assert detail is not None
        await interaction.response.send_message(
            render.merged_note(outcome) or discord.utils.MISSING,
            embed=render.concept_embed(detail),
            view=concept_view(detail, shareable=True),
            ephemeral=True,
        )


def open_buttons(page: ConceptPage) -> tuple[OpenConceptButton, ...]:
    """One "open" button per concept of a page of results, five to a row below the
    page's own buttons (a page holds at most 20)."""
    return tuple(
        OpenConceptButton(c.id, c.name, row=1 + i // 5) for i, c in enumerate(page.items[:20])
    )


class AngleButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ANGLE_TEMPLATE):
    """Shows the other track's angle on a concept, to the member who clicked."""

    def __init__(self, concept_id: int, track: str, *, row: int | None = None) -> None:
        self.concept_id, self.track = concept_id, track
        super().__init__(
            discord.ui.Button(
                label=f"{track.capitalize()} angle",
                style=discord.ButtonStyle.primary,
                custom_id=f"nexus:concept:angle:{concept_id}:{track}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AngleButton:
        return cls(int(match["id"]), match["track"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._show(interaction))

    async def _show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        outcome = await concepts.open_concept(
            _bot(interaction).db, interaction.guild_id, interaction.user.id, self.concept_id
        )
        detail = outcome.concept
        assert detail is not None  # open_concept raises NotFound instead
        if not detail.angle(self.track):
            await interaction.response.send_message(
                f"{detail.name} has no {self.track} angle written yet.", ephemeral=True
            )
            return
        await interaction.response.send_message(
            embed=render.angle_embed(detail, self.track), ephemeral=True
        )


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SHARE_TEMPLATE):
    """Posts a concept from a private answer in the channel, for everyone."""

    def __init__(self, concept_id: int, *, row: int | None = None) -> None:
        self.concept_id = concept_id
        super().__init__(
            discord.ui.Button(
                label="Post in channel",
                style=discord.ButtonStyle.success,
                custom_id=f"nexus:concept:share:{concept_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ShareButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._share(interaction))

    async def _share(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        outcome = await concepts.open_concept(
            _bot(interaction).db, interaction.guild_id, interaction.user.id, self.concept_id
        )
        assert outcome.concept is not None  # open_concept raises NotFound instead
        done = await post_in_channel(interaction, outcome.concept)
        await interaction.response.send_message(done, ephemeral=True)


_PERMISSION_NAMES = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)


def _cannot_post(channel: str, missing: str | None) -> NotAllowed:
    need = f": I need the {missing} permission there" if missing else ""
    return NotAllowed(
        f"I can't post in {channel}{need}. A server admin can let Nexus post there; "
        "meanwhile the explanation is yours to read (or share its link)."
    )


async def post_in_channel(interaction: discord.Interaction, detail: ConceptDetail) -> str:
    """Post `detail` in the interaction's channel, naming who shared it and pinging nobody.
    Returns the confirmation for the sharer; NotAllowed where Nexus cannot post, Conflict
    over the channel's limit (the sharer keeps the private answer either way)."""
    bot = _bot(interaction)
    channel = interaction.channel
    where = getattr(channel, "mention", None) or "this channel"
    if not isinstance(channel, discord.abc.Messageable):
        raise _cannot_post(where, None)
    perms = interaction.app_permissions
    in_thread = isinstance(channel, discord.Thread)
    for attr, label in _PERMISSION_NAMES:
        if attr == "send_messages" and in_thread:
            attr, label = "send_messages_in_threads", "Send Messages in Threads"
        if not getattr(perms, attr):
            raise _cannot_post(where, label)
    slot = concepts.reserve_share(
        bot.db, interaction.channel_id or 0, detail.id, detail.name, bot.clock()
    )
    try:
        message = await channel.send(
            render.shared_by(interaction.user.mention),
            embed=render.concept_embed(detail),
            view=concept_view(detail),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.Forbidden as error:
        concepts.release_share(bot.db, slot)
        raise _cannot_post(where, None) from error
    except discord.HTTPException as error:
        concepts.release_share(bot.db, slot)
        raise Conflict(f"Discord did not take the post ({error.status}); try again.") from error
    concepts.confirm_share(slot, message.jump_url)
    if interaction.guild_id is not None:  # the card follows the concept (cogs/cards)
        try:
            await cards.remember_card(
                bot.db, interaction.guild_id, "concept", detail.id, message.channel.id, message.id
            )
        except Exception:  # the post is out; only its later updates are lost
            log.exception("could not remember the shared card of concept %s", detail.id)
    return f"Posted {detail.name} in {where} for everyone."


def concept_view(
    detail: ConceptDetail,
    track: str | None = None,
    *,
    shareable: bool = False,
    web_url: str | None = None,
) -> discord.ui.View:
    """Related concepts (rows 0-1), documentation links (row 2), the other track's angle,
    flag and, on a private answer, "Post in channel" (row 3), "View on the web" (row 4)
    when the server's web hub shows it."""
    view = discord.ui.View(timeout=None)
    for i, ref in enumerate(detail.related[:RELATED_BUTTONS_MAX]):
        view.add_item(OpenConceptButton(ref.id, ref.name, row=i // 5))
    for link in detail.links[: render.LINK_BUTTONS_MAX]:
        view.add_item(
            discord.ui.Button(
                label=one_line(link.title, BUTTON_LABEL_MAX) or "Docs", url=link.url, row=2
            )
        )
    shown = render.shown_angles(detail, track)
    for side in render.ANGLE_TRACKS:
        if detail.angle(side) and side not in shown:
            view.add_item(AngleButton(detail.id, side, row=3))
    view.add_item(FlagButton("concept", detail.id, label="Flag as outdated", row=3))
    if shareable:
        view.add_item(ShareButton(detail.id, row=3))
    if web_url:
        view.add_item(discord.ui.Button(label="View on the web", url=web_url, row=4))
    return view


def suggestions_view(outcome: LookupOutcome) -> discord.ui.View | None:
    if not outcome.suggestions:
        return None
    view = discord.ui.View(timeout=None)
    for s in outcome.suggestions:
        view.add_item(OpenConceptButton(s.id, s.name, row=0))
    return view


class SuggestConceptModal(NexusModal):
    """New concept (target None) or an edit of `target`; moderators' submissions apply."""

    def __init__(
        self,
        target: ConceptDetail | None,
        *,
        category: str | None = None,
        tracks: str | None = None,
        name: str | None = None,
    ) -> None:
        title = f"Edit: {target.name}" if target else "Suggest a concept"
        super().__init__(title=one_line(title, 45), timeout=1800, custom_id="nexus:concept:suggest")
        self.target_id = target.id if target else None
        self.category = category
        self.tracks = tracks
        self.name: discord.ui.TextInput[SuggestConceptModal] = discord.ui.TextInput(
            custom_id="name",
            label="Name",
            max_length=concepts.NAME_MAX,
            min_length=concepts.NAME_MIN,
            default=(target.name if target else name or "")[: concepts.NAME_MAX] or None,
            placeholder="e.g. Event Sourcing",
        )
        self.summary: discord.ui.TextInput[SuggestConceptModal] = discord.ui.TextInput(
            custom_id="summary",
            label="Summary (one or two sentences)",
            style=discord.TextStyle.paragraph,
            max_length=concepts.SUMMARY_MAX,
            default=target.summary[: concepts.SUMMARY_MAX] if target else None,
        )
        self.body: discord.ui.TextInput[SuggestConceptModal] = discord.ui.TextInput(
            custom_id="body",
            label="Explanation, with a ``` code example",
            style=discord.TextStyle.paragraph,
            max_length=concepts.BODY_MAX,
            default=target.body[: concepts.BODY_MAX] if target else None,
        )
        self.aliases: discord.ui.TextInput[SuggestConceptModal] = discord.ui.TextInput(
            custom_id="aliases",
            label="Aliases (comma-separated)",
            required=False,
            max_length=concepts.ALIASES_INPUT_MAX,
            default=", ".join(target.aliases)[: concepts.ALIASES_INPUT_MAX] if target else None,
            placeholder="e.g. ES, event store",
        )
        self.links: discord.ui.TextInput[SuggestConceptModal] = discord.ui.TextInput(
            custom_id="links",
            label="Links (one per line: Title | https://…)",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=concepts.LINKS_INPUT_MAX,
            default="\n".join(f"{link.title} | {link.url}" for link in target.links)[
                : concepts.LINKS_INPUT_MAX
            ]
            if target
            else None,
        )
        for item in (self.name, self.summary, self.body, self.aliases, self.links):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        draft = concepts.parse_draft(
            self.name.value,
            self.summary.value,
            self.body.value,
            self.aliases.value or "",
            self.links.value or "",
            category=self.category,
            tracks=self.tracks,
        )
        by_moderator = await is_moderator(bot, interaction)  # checked at submit time
        author = interaction.user
        if self.target_id is None:
            result = await concepts.suggest_concept(
                bot.db,
                interaction.guild_id,
                author.id,
                author.display_name,
                draft,
                by_moderator=by_moderator,
            )
        else:
            result = await concepts.propose_edit(
                bot.db,
                interaction.guild_id,
                self.target_id,
                author.id,
                author.display_name,
                draft,
                by_moderator=by_moderator,
            )
        await interaction.response.send_message(render.suggest_result(result), ephemeral=True)
