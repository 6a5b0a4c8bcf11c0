"""The /challenge share form and the "Save as solution" challenge picker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.services import challenges
from bot.services.entries import PROBLEM_MAX, TITLE_MAX, TRIED_MAX, ChallengeInfo, RecordedChallenge
from bot.ui.base import NexusModal, NexusView
from bot.ui.checks import is_moderator
from bot.ui.mentions import mention_names
from cogs.cards import follow
from cogs.challenges import render
from cogs.challenges.authors import Captured, after_capture, is_private_thread
from cogs.challenges.concept_links import propose_concepts
from cogs.solutions.views import challenge_page_view, send_recorded_solution

if TYPE_CHECKING:
    from bot.client import NexusBot

PICK_TIMEOUT = 600


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


async def send_recorded_challenge(
    interaction: discord.Interaction, rec: RecordedChallenge, *, for_author: str | None = None
) -> None:
    """Published and new: the challenge page in the channel. Otherwise: only to the caller.
    `for_author`: the message's author, when someone else saved it."""
    page = rec.page
    public = rec.created and rec.challenge.status == "published"
    sent = await interaction.response.send_message(
        render.recorded_note(rec, for_author=for_author),
        embed=render.challenge_embed(page, similar=rec.similar),
        view=challenge_page_view(page),
        ephemeral=not public,
    )
    if public:
        await follow.remember(interaction, sent, "challenge", rec.challenge.id)
    if rec.created:
        await propose_concepts(interaction, rec.challenge.id)


class ShareChallengeModal(NexusModal, title="Share a challenge"):
    def __init__(self, concept_ids: list[str]) -> None:
        super().__init__(timeout=1800)
        self.concept_ids = concept_ids
        self.name: discord.ui.TextInput[ShareChallengeModal] = discord.ui.TextInput(
            label="Title",
            custom_id="title",
            max_length=TITLE_MAX,
            min_length=1,
            placeholder="e.g. CORS error when my React app calls the Django API",
        )
        self.tried: discord.ui.TextInput[ShareChallengeModal] = discord.ui.TextInput(
            label="What you tried",
            custom_id="tried",
            style=discord.TextStyle.paragraph,
            max_length=TRIED_MAX,
            required=False,
            placeholder="Docs you read, fixes you attempted, what changed",
        )
        self.problem: discord.ui.TextInput[ShareChallengeModal] = discord.ui.TextInput(
            label="What went wrong",
            custom_id="problem",
            style=discord.TextStyle.paragraph,
            max_length=PROBLEM_MAX,
            min_length=1,
            placeholder="The error message, what you expected, what happened instead",
        )
        for item in (self.name, self.tried, self.problem):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        rec = await challenges.share_challenge(
            bot.db,
            interaction.guild_id,
            author_id=interaction.user.id,
            author_name=interaction.user.display_name,
            title=self.name.value,
            tried=self.tried.value,
            problem=self.problem.value,
            concepts=self.concept_ids,
            by_moderator=await is_moderator(bot, interaction),
            source_channel_id=interaction.channel_id,
            names=mention_names(interaction, self.name.value),
            now=bot.clock(),
            private_thread=is_private_thread(interaction.channel),
        )
        await send_recorded_challenge(interaction, rec)


@dataclass(frozen=True)
class CapturedMessage:
    content: str
    author_id: int
    author_name: str
    channel_id: int
    message_id: int
    by_someone_else: bool  # saved by another member than its author
    private_thread: bool  # ... in a private thread: held for the author's consent


class TargetSelect(discord.ui.Select["SolutionTargetView"]):
    def __init__(self, targets: list[ChallengeInfo]) -> None:
        super().__init__(
            placeholder="Which challenge does this message solve?",
            min_values=1,
            max_values=1,
            options=[
                discord.SelectOption(
                    label=render.option_label(c),
                    value=str(c.id),
                    description=render.option_description(c),
                )
                for c in targets[:25]
            ],
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        await self.view.save(interaction, self.values[0])


class SolutionTargetView(NexusView):
    """Ephemeral and short-lived: only the member who opened it can see or use it."""

    def __init__(
        self, captured: CapturedMessage, targets: list[ChallengeInfo], by_moderator: bool
    ) -> None:
        super().__init__(timeout=PICK_TIMEOUT)
        self.captured = captured
        self.by_moderator = by_moderator
        self.add_item(TargetSelect(targets))

    async def save(self, interaction: discord.Interaction, value: Any) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        challenge_id = (
            int(value)
            if str(value).isascii() and str(value).isdigit() and len(str(value)) < 12
            else 0
        )
        cap = self.captured
        # The choice is re-validated by the service: server, visibility, existence.
        rec = await challenges.capture_solution(
            bot.db,
            interaction.guild_id,
            challenge_id,
            captured_by=interaction.user.id,
            content=cap.content,
            author_id=cap.author_id,
            author_name=cap.author_name,
            channel_id=cap.channel_id,
            message_id=cap.message_id,
            by_moderator=self.by_moderator,
            awaiting_author=cap.by_someone_else and cap.private_thread,
            now=bot.clock(),
            private_thread=cap.private_thread,
        )
        self.stop()
        for_author = cap.author_name if cap.by_someone_else else None
        await send_recorded_solution(interaction, rec, for_author=for_author)
        if rec.created and cap.by_someone_else:
            sol = rec.solution
            captured = Captured(
                "solution",
                sol.id,
                interaction.guild_id,
                cap.author_id,
                rec.challenge.title,
                sol.jump_url,
                sol.status,
            )
            await after_capture(interaction, captured)
