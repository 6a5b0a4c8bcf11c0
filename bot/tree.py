"""NexusTree: the one error path for application commands, views and modals."""

from __future__ import annotations

import logging
import uuid

import discord
from discord import app_commands

from bot.errors import NexusError

log = logging.getLogger("nexus.errors")

DM_REFUSAL = "Nexus works inside a server: use its commands in one of your servers' channels."


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
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            await send_ephemeral(interaction, DM_REFUSAL)
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
