"""Summaries of held notifications that no later event carried (moderation.notices).

Every HELD_SWEEP_MINUTES, each process sends, for the servers it owns, the summaries whose
rate-limit window has passed: "2 more solutions came in to your challenges since my last
message". Claimed in a transaction first, so two processes (or an event arriving at the
same moment) never send one twice; a DM that fails gives the count back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot.services import moderation
from bot.ui.dm import NOTICE_MAX, send_dm
from bot.ui.render import one_line
from cogs.moderation.notifications import OPTION_OF

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.notices")

HELD_SWEEP_MINUTES = 5
HELD_PER_SWEEP = 200  # DMs per sweep and process; the rest wait for the next sweep
HELD_TEXT: Mapping[str, str] = MappingProxyType(
    {
        "solution": "{count} more solution(s) came in to your challenges in {where} since my "
        "last message: `/me` lists your challenges.",
        "accepted": "{count} more of your solutions were accepted in {where} since my last "
        "message: `/me` lists them.",
        "helped": "Your solutions in {where} helped {count} more time(s) since my last "
        "message: `/me` lists them.",
        "moderation": "The moderators of {where} also hid or declined {count} more of your "
        "entries since my last message (not sent one by one); `/me` lists your entries "
        "with their status.",
    }
)
_OFF = "Turn these off with `/notifications {option}:False` in that server."


def held_text(kind: str, count: int, guild_name: str) -> str:
    where = f"**{one_line(guild_name, 100)}**"
    text = HELD_TEXT[kind].format(count=count, where=where)
    return f"{text}\n\n{_OFF.format(option=OPTION_OF[kind])}"[:NOTICE_MAX]


async def send_held(bot: NexusBot) -> int:
    """Send the due summaries of the servers this process owns; how many were sent."""
    now = bot.clock()
    sent = 0
    for due in await moderation.due_held(bot.db, now):
        guild = bot.get_guild(due.guild_id)
        if guild is None or not bot.scheduler.owns(due.guild_id):
            continue  # another process's server (or one Nexus left)
        if sent >= HELD_PER_SWEEP:
            break
        notice = await moderation.claim_held(bot.db, due, now)
        if not notice.send:
            continue
        text = held_text(due.kind, notice.held, guild.name)
        if await send_dm(bot, due.guild_id, due.user_id, text, checked=True):
            sent += 1
        else:
            await moderation.release_notice(bot.db, due.guild_id, due.user_id, due.kind, notice)
    return sent


async def sweep(bot: NexusBot) -> None:
    """The scheduled job: never raises (one failure waits for the next sweep)."""
    if bot.is_closed():
        return
    try:
        await send_held(bot)
    except Exception:
        log.exception("sending held notification summaries failed")
