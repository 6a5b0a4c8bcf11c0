"""`wait`: let time pass in the playground, so that scheduled work can be seen happening.

The playground's bot runs without a scheduler (nothing posts by itself while you type);
its clock is a `PlaygroundClock`. `wait` moves that clock forward to each moment on the
way at which something is due — the weekly digest's slot, the next pairing round, a
round's midway and end check-ins and its closing — runs exactly what the scheduler would
run then, and ends at the target time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.db.types import utcnow
from bot.services import digest, guilds, helpforum, pairing

if TYPE_CHECKING:
    from bot.client import NexusBot

STEPS_MAX = 200  # a wait never runs more than this many due moments


class PlaygroundClock:
    """utcnow() shifted by however long the playground has waited."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance_to(self, when: datetime) -> None:
        self.offset = max(self.offset, when - utcnow())


def target_time(
    now: datetime, zone: Any, seconds: int, weekday: int | None, hour: int, minute: int
) -> datetime:
    """`now` plus `seconds`, or the next `weekday` `hour:minute` in the server's zone."""
    if weekday is None:
        return now + timedelta(seconds=seconds)
    local = now.astimezone(zone)
    days = (weekday - local.weekday()) % 7
    when = (local + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    if when <= local:
        when += timedelta(days=7)
    return when.astimezone(now.tzinfo)


async def _due(bot: NexusBot, guild_id: int, now: datetime) -> list[tuple[datetime, str, Any]]:
    """Every scheduled moment after `now` for this server: (when, kind, detail)."""
    cfg = await guilds.get_settings(bot.db, guild_id)
    out: list[tuple[datetime, str, Any]] = []
    slot = digest.next_slot(cfg, now)
    if slot is not None:
        out.append((slot, "digest", None))
    if cfg.pairing_enabled and cfg.pairing_channel_id:
        out.append((pairing.current_period(cfg, now).end, "round", None))
    for r in await pairing.open_rounds(bot.db):
        if r.guild_id != guild_id:
            continue
        if not r.midway_sent:
            out.append((r.midpoint_at, "midway", r.id))
        if not r.end_sent:
            out.append((r.ends_at, "end", r.id))
        out.append((pairing.close_at(r.started_at, r.ends_at), "close", r.id))
    for when in sorted(set(await helpforum.next_due(bot.db, guild_id))):
        out.append((when, "help forum", None))
    return [d for d in out if d[0] > now]


async def wait_until(
    bot: NexusBot, clock: PlaygroundClock, guild_id: int, target: datetime
) -> list[str]:
    """Move the clock to `target`, running what falls due on the way; what ran, in order."""
    ran: list[str] = []
    digest_jobs = bot.get_cog("DigestCog").jobs  # type: ignore[union-attr]
    pairing_jobs = bot.get_cog("PairingCog").runner.jobs  # type: ignore[union-attr]
    for _ in range(STEPS_MAX):
        due = [d for d in await _due(bot, guild_id, clock()) if d[0] <= target]
        if not due:
            break
        when = min(d[0] for d in due)
        clock.advance_to(when)
        for _at, kind, detail in sorted(d for d in due if d[0] == when):
            if kind == "digest":
                await digest_jobs.fire(guild_id)
            elif kind == "round":
                await pairing_jobs.scheduled_round(guild_id, now=when)
            elif kind == "help forum":
                guild = bot.get_guild(guild_id)
                cog: Any = bot.get_cog("HelpForumCog")
                done = await cog.sweep(guild) if guild is not None and cog else []
                ran.extend(f"{when:%a %d %b %H:%M} UTC: help forum: {d}" for d in done)
                continue
            elif kind in ("midway", "end"):
                await pairing_jobs.job_followup(guild_id, detail, kind)
            else:
                await pairing_jobs.job_close(guild_id, detail)
            ran.append(f"{when:%a %d %b %H:%M} UTC: {kind}")
    clock.advance_to(target)
    return ran
