"""NexusTree: the one error path for application commands, views and modals."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot.errors import NexusError

log = logging.getLogger("nexus.errors")

DM_REFUSAL = "Nexus works inside a server: use its commands in one of your servers' channels."
STALE_COMMAND = (
    "This command was updated: try again in a minute, once Discord has refreshed "
    "the command list (reopen the / menu if it still shows the old one)."
)


def user_message_for(error: BaseException) -> tuple[str, bool]:
    """Return (message, expected). Unexpected errors get an id that is also logged."""
    original = error
    while isinstance(original, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = original.__cause__ or getattr(original, "original", None)
        if inner is None or inner is original:
            break
        if isinstance(original, app_commands.TransformerError) and not isinstance(
            inner, NexusError
        ):
            return (f"That value for this option isn't valid: {original.value!r:.80}", True)
        original = inner
    if isinstance(original, NexusError):
        return original.message, True
    if isinstance(original, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return STALE_COMMAND, True
    if isinstance(original, app_commands.NoPrivateMessage):
        return DM_REFUSAL, True
    if isinstance(original, app_commands.MissingPermissions | app_commands.CheckFailure):
        return "You don't have permission to do that here.", True
    if isinstance(original, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {original.retry_after:.0f} s.", True
    if isinstance(original, app_commands.TransformerError):
        return "That value for this option isn't valid.", True
    return "", False


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Answer once: a first response if none was sent yet, else an ephemeral followup."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Turn any error raised while handling an interaction into one ephemeral reply."""
    message, expected = user_message_for(error)
    if not expected:
        error_id = uuid.uuid4().hex[:8]
        name = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "error id %s in %s (guild %s, user %s)",
            error_id,
            name,
            interaction.guild_id,
            interaction.user.id,
            exc_info=error,
        )
        message = f"Sorry, something went wrong on our side. (error id `{error_id}`)"
    await send_ephemeral(interaction, message)


class NexusTree(app_commands.CommandTree[discord.Client]):
    # Set by the bot: called with the server of an interaction for a command Discord still
    # shows but this bot no longer has (or whose options changed since the last sync).
    on_stale_command: Callable[[int | None], Awaitable[None]] | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            await send_ephemeral(interaction, DM_REFUSAL)
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
        stale = app_commands.CommandNotFound | app_commands.CommandSignatureMismatch
        if isinstance(error, stale) and self.on_stale_command is not None:
            await self.on_stale_command(interaction.guild_id)
