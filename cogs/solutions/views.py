"""Solution buttons on challenge pages, and the /solution add form.

"Accept" and "This helped me" are DynamicItems (`nexus:solution:<action>:<solution_id>`):
everything they need is in the custom_id and the database, so they keep working after a
restart. Permissions are checked when pressed (accept: the challenge's author or a
moderator); pressing twice changes nothing twice.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.services import challenges
from bot.services.entries import SOLUTION_MAX, ChallengePage, RecordedSolution
from bot.ui.base import NexusModal, guarded
from bot.ui.checks import is_moderator
from bot.ui.flag import FlagButton
from bot.ui.render import BUTTON_LABEL_MAX, one_line, plain_label
from cogs.cards import follow
from cogs.challenges import render
from cogs.solutions.notices import solution_accepted, solution_helped, solution_posted

if TYPE_CHECKING:
    from bot.client import NexusBot

TEMPLATE = r"nexus:solution:(?P<action>accept|helped):(?P<id>[0-9]{1,19})"
BUTTON_ROWS = 4  # row 4 holds the flag button


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def _viewer(interaction: discord.Interaction) -> int | None:
    """Re-render for the clicker only on their own ephemeral message; a public page never
    shows anyone's pending entries."""
    message = interaction.message
    if message is not None and message.flags.ephemeral:
        return interaction.user.id
    return None


class SolutionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, action: str, solution_id: int, *, row: int | None = None) -> None:
        self.action = action
        self.solution_id = solution_id
        if action == "accept":
            label, style = f"Accept #{solution_id}", discord.ButtonStyle.success
        else:
            label, style = f"This helped me \u00b7 #{solution_id}", discord.ButtonStyle.primary
        super().__init__(
            discord.ui.Button(
                label=one_line(label, BUTTON_LABEL_MAX),
                style=style,
                custom_id=f"nexus:solution:{action}:{solution_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SolutionButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.action == "accept":
            await guarded(interaction, lambda: self._accept(interaction))
        else:
            await guarded(interaction, lambda: self._helped(interaction))

    async def _accept(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        result = await challenges.accept_solution(
            bot.db,
            interaction.guild_id,
            self.solution_id,
            actor_id=interaction.user.id,
            actor_is_moderator=await is_moderator(bot, interaction),
            viewer_id=_viewer(interaction),
            now=bot.clock(),
        )
        if not result.changed:
            await interaction.response.send_message(
                f"Solution #{self.solution_id} is already the accepted one.", ephemeral=True
            )
            return
        await _refresh(interaction, result.page)
        note = f"Accepted solution #{self.solution_id}: the challenge is marked solved."
        if result.previous_id:
            note += f" (It replaces #{result.previous_id}.)"
        await interaction.followup.send(note, ephemeral=True)
        await solution_accepted(interaction, result.page, self.solution_id)

    async def _helped(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        result = await challenges.mark_helped(
            bot.db,
            interaction.guild_id,
            self.solution_id,
            user_id=interaction.user.id,
            viewer_id=_viewer(interaction),
            now=bot.clock(),
        )
        if not result.counted:
            await interaction.response.send_message(
                f"You already said solution #{self.solution_id} helped you: it's counted once.",
                ephemeral=True,
            )
            return
        await _refresh(interaction, result.page)
        await interaction.followup.send(
            f"Thanks! Solution #{self.solution_id} has now helped {result.helped_count} member(s).",
            ephemeral=True,
        )
        await solution_helped(interaction, result.page, self.solution_id)


async def _refresh(interaction: discord.Interaction, page: ChallengePage) -> None:
    """Show the new state on the message that holds the buttons."""
    if interaction.message is None:
        await interaction.response.defer(ephemeral=True)
        return
    await interaction.response.edit_message(
        embed=render.challenge_embed(page), view=challenge_page_view(page)
    )


def challenge_page_view(page: ChallengePage, web_url: str | None = None) -> discord.ui.View:
    """Per published solution: Accept (greyed "Accepted" once it is) and This helped me,
    always in the same places; then Flag, and "View on the web" when the hub shows it."""
    view = discord.ui.View(timeout=None)
    published = [s for s in page.solutions if s.status == "published"]
    for row, sol in enumerate(published[:BUTTON_ROWS]):
        if sol.accepted:  # kept in place, so "This helped me" never moves under the cursor
            view.add_item(
                discord.ui.Button(
                    label=one_line(f"Accepted #{sol.id}", BUTTON_LABEL_MAX),
                    style=discord.ButtonStyle.success,
                    custom_id=f"nexus:solution:accepted:{sol.id}",
                    disabled=True,
                    row=row,
                )
            )
        else:
            view.add_item(SolutionButton("accept", sol.id, row=row))
        view.add_item(SolutionButton("helped", sol.id, row=row))
    if page.challenge.status == "published":
        view.add_item(FlagButton("challenge", page.challenge.id, row=BUTTON_ROWS))
    if web_url:
        view.add_item(discord.ui.Button(label="View on the web", url=web_url, row=BUTTON_ROWS))
    return view


class AddSolutionModal(NexusModal, title="Add a solution"):
    def __init__(self, challenge_id: int, challenge_title: str) -> None:
        super().__init__(timeout=1800)
        self.challenge_id = challenge_id
        self.body: discord.ui.TextInput[AddSolutionModal] = discord.ui.TextInput(
            label=plain_label(f"Solution to #{challenge_id}: {challenge_title}", 45),
            custom_id="body",
            style=discord.TextStyle.paragraph,
            max_length=SOLUTION_MAX,
            min_length=1,
            placeholder="What fixed it, and why. Code is welcome.",
        )
        self.add_item(self.body)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        rec = await challenges.add_solution(
            bot.db,
            interaction.guild_id,
            self.challenge_id,
            author_id=interaction.user.id,
            author_name=interaction.user.display_name,
            body=self.body.value,
            by_moderator=await is_moderator(bot, interaction),
            source_channel_id=interaction.channel_id,
            now=bot.clock(),
            private_thread=getattr(interaction.channel, "type", None)
            == discord.ChannelType.private_thread,
        )
        await send_recorded_solution(interaction, rec)


async def send_recorded_solution(
    interaction: discord.Interaction, rec: RecordedSolution, *, for_author: str | None = None
) -> None:
    """Published: the challenge page for everyone. Held: an ephemeral note. `for_author`:
    the message's author, when someone else saved it."""
    assert interaction.guild_id is not None
    sol = rec.solution
    if not rec.created:
        text = f"That message is already saved as solution #{sol.id} to #{rec.challenge.id}."
        await interaction.response.send_message(text, ephemeral=True)
        return
    if sol.status != "published":
        held = (
            render.awaiting_note(sol.author_name)
            if sol.status == "awaiting_author"
            else render.HELD
        )
        await interaction.response.send_message(
            f"Saved solution #{sol.id} to challenge #{rec.challenge.id}. {held}",
            ephemeral=True,
        )
        return
    page = rec.page
    hint = " " + render.removal_hint("solution", sol.id, for_author) if for_author else ""
    sent = await interaction.response.send_message(
        f"New solution #{sol.id} to challenge #{rec.challenge.id}.{hint}",
        embed=render.challenge_embed(page),
        view=challenge_page_view(page),
    )
    await follow.remember(interaction, sent, "challenge", rec.challenge.id)
    await solution_posted(interaction, page, sol.id)
