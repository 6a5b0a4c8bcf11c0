"""The discord side of digest delivery: the Publisher the digest service posts through."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import aiohttp
import discord

from bot.services.digest import Digest, PublishError
from cogs.digest.render import MessagePart, render_digest

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.digest")


class DiscordPublisher:
    """Posts through the REST API by channel id: works before the gateway cache is ready."""

    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    def render(self, digest: Digest, *, quiet_note: bool) -> Sequence[object]:
        return render_digest(digest, ZoneInfo(digest.timezone), quiet_note=quiet_note)

    async def send(self, channel_id: int, part: object, *, nonce: str) -> int:
        assert isinstance(part, MessagePart)
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            # discord.py 2.7 sends `enforce_nonce: true` whenever a nonce is given
            # (http.handle_message_parameters), so its own 5xx retries and our retries
            # after a crash are deduplicated by Discord.
            message = await channel.send(
                content=part.content,
                embeds=part.embeds,
                nonce=nonce,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden as exc:
            raise PublishError("forbidden", f"403: {exc.text[:200]}") from exc
        except discord.NotFound as exc:
            raise PublishError("gone", f"404: {exc.text[:200]}") from exc
        except discord.HTTPException as exc:
            raise PublishError("transient", f"{exc.status}: {exc.text[:200]}") from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise PublishError("transient", f"network: {type(exc).__name__}") from exc
        return message.id

    async def notify(self, channel_id: int, text: str) -> bool:
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            await channel.send(content=text[:2000], allowed_mentions=discord.AllowedMentions.none())
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError, OSError):
            log.warning("could not post a digest notice in mod-log channel %s", channel_id)
            return False
        return True
