"""DMs to a member about their entries in one server, and what their refusal teaches.

Nexus DMs only members who did not turn DMs off (/notifications) and whose DMs were not
found closed lately. When Discord refuses a DM because the member does not accept DMs
(403, error 50007: DMs from server members off, the bot blocked), that is recorded and no
DM is tried again for DM_RETRY_AFTER (or until they run /notifications dms:True): each
refused request counts against the bot's invalid-request limit, and retrying on every
action would never reach them anyway. Best effort: a DM that fails never fails the action.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.services import moderation

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.dm")

DMS_CLOSED = 50007  # "Cannot send messages to this user"
NOTICE_MAX = 2000  # a message's content limit


async def send_dm(
    bot: NexusBot,
    guild_id: int,
    user_id: int,
    content: str,
    *,
    view: discord.ui.View | None = None,
    checked: bool = False,
) -> bool:
    """DM `content` (and `view`) to the member; True if Discord accepted it. `checked`:
    the caller already read the member's preference in its own transaction."""
    now = bot.clock()
    if not checked and not await moderation.dm_wanted(bot.db, guild_id, user_id, now):
        return False
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        if view is None:
            await user.send(content)
        else:
            await user.send(content, view=view)
    except discord.Forbidden as error:
        if error.code == DMS_CLOSED:
            log.info("DMs of user %s in server %s are closed: not retried", user_id, guild_id)
            await moderation.record_dm_closed(bot.db, guild_id, user_id, now)
        else:
            log.info("could not DM user %s: %s", user_id, error)
        return False
    except discord.HTTPException as error:  # 404: the account is gone; 5xx: try next time
        log.info("could not DM user %s: %s", user_id, error)
        return False
    await moderation.record_dm_delivered(bot.db, guild_id, user_id)
    return True


async def send_notice(
    bot: NexusBot,
    guild_id: int,
    user_id: int,
    kind: str,
    content: str,
    *,
    actor_id: int | None,
    summary: str = "",
) -> bool:
    """A notification of `kind` (see moderation.NOTICE_KINDS): sent unless it is the
    member's own action, they muted the kind, or the rate limit holds it (then counted,
    and the next one carries `summary` formatted with the count)."""
    notice = await moderation.claim_notice(
        bot.db, guild_id, user_id, kind, bot.clock(), actor_id=actor_id
    )
    if not notice.send:
        return False
    text = content
    if notice.held and summary:
        text = f"{content}\n\n{summary.format(count=notice.held)}"
    if await send_dm(bot, guild_id, user_id, text[:NOTICE_MAX], checked=True):
        return True
    await moderation.release_notice(bot.db, guild_id, user_id, kind, notice)
    return False
