"""Digest periods: which week a digest covers, in the server's own time zone.

A server's digest fires weekly at `hour`:00 local time on `weekday` (0 = Monday). The
digest for a fire time F covers [F - 1 week, F) in local wall-clock terms, and its period
key is the ISO date of F's local day. Both are computed in an explicit ZoneInfo so that
daylight-saving changes behave:

- spring forward (the local hour does not exist): the wall time is read with fold=0, i.e.
  with the offset before the jump, which lands one hour later in local terms; APScheduler's
  CronTrigger resolves the same way, so the job and the key agree;
- fall back (the local hour happens twice): the first occurrence is the fire time; the
  second CronTrigger run computes the same period key and finds it already claimed.

Everything here is pure: no database, no clock, no discord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A job may run a hair before the wall-clock instant it was meant for (clock skew between
# the scheduler's timer and `bot.clock()`); treat a fire this close as already due.
FIRE_TOLERANCE = timedelta(seconds=60)


@dataclass(frozen=True)
class Period:
    """One digest week: [start, end) in UTC, keyed by the local date of `end`."""

    key: str
    start: datetime
    end: datetime

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def fire_time(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of `hour`:00 local time on `day` (fold=0 for gaps and overlaps)."""
    local = datetime.combine(day, time(hour=hour), tzinfo=zone)
    return local.astimezone(UTC)


def period_for_day(day: date, hour: int, zone: ZoneInfo) -> Period:
    """The period whose digest fires on local `day`."""
    end = fire_time(day, hour, zone)
    start = fire_time(day - timedelta(days=7), hour, zone)
    return Period(key=day.isoformat(), start=start, end=end)


def _anchor_day(now: datetime, weekday: int, zone: ZoneInfo) -> date:
    """The local date of this week's `weekday` on or before now's local date."""
    local_day = now.astimezone(zone).date()
    return local_day - timedelta(days=(local_day.weekday() - weekday) % 7)


def latest_due(
    now: datetime, weekday: int, hour: int, zone: ZoneInfo, *, tolerance: timedelta = FIRE_TOLERANCE
) -> Period:
    """The most recent period whose fire time is at or before `now` (+ tolerance)."""
    day = _anchor_day(now, weekday, zone)
    if fire_time(day, hour, zone) > now + tolerance:
        day -= timedelta(days=7)
    return period_for_day(day, hour, zone)


def current_period(now: datetime, weekday: int, hour: int, zone: ZoneInfo) -> Period:
    """The period `now` falls in: the one whose digest fires next (strictly after now)."""
    day = _anchor_day(now, weekday, zone)
    if fire_time(day, hour, zone) <= now:
        day += timedelta(days=7)
    return period_for_day(day, hour, zone)


def period_from_key(key: str, hour: int, zone: ZoneInfo) -> Period:
    return period_for_day(date.fromisoformat(key), hour, zone)


def cron_fields(weekday: int, hour: int) -> dict[str, object]:
    """Arguments for APScheduler's CronTrigger (its day_of_week 0 is Monday too)."""
    return {"day_of_week": weekday, "hour": hour, "minute": 0, "second": 0}
