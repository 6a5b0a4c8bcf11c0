"""Pairing time maths: weekly availability, UTC hour masks, overlap windows, periods.

Availability is what a learner types in their own local time, e.g. "weekdays 18-21,
sat 10-14" or "mon,wed 19-22", stored as ``[[weekday, start, end], ...]`` (weekday 0 =
Monday, hours, end exclusive, 24 allowed). A range that crosses midnight ("fri 22-2")
continues on the next day.

For a round we look at one concrete week (168 hours from the round's start, in UTC) and
map every UTC hour to the learner's local (weekday, hour) with ``zoneinfo``: this is what
makes daylight-saving right, including the weeks when only one of two zones has switched
and the night of the switch itself (a skipped local hour simply is not in the week; a
repeated one counts twice). Zones with a half-hour offset use the local hour in which the
UTC hour starts.

Pure functions only: no database, no discord.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import numpy as np

from bot.errors import Invalid

HOURS_PER_WEEK = 168
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
AVAILABILITY_MAX = 200


def _day_words() -> dict[str, tuple[int, ...]]:
    words: dict[str, tuple[int, ...]] = {}
    for _i, _names in enumerate(
        (
            ("mon", "monday", "mondays", "mo"),
            ("tue", "tues", "tuesday", "tuesdays", "tu"),
            ("wed", "weds", "wednesday", "wednesdays", "we"),
            ("thu", "thur", "thurs", "thursday", "thursdays", "th"),
            ("fri", "friday", "fridays", "fr"),
            ("sat", "saturday", "saturdays", "sa"),
            ("sun", "sunday", "sundays", "su"),
        )
    ):
        for _n in _names:
            words[_n] = (_i,)
    for _n in ("weekdays", "weekday", "workdays"):
        words[_n] = (0, 1, 2, 3, 4)
    for _n in ("weekends", "weekend"):
        words[_n] = (5, 6)
    for _n in ("daily", "everyday", "every day", "all week"):
        words[_n] = (0, 1, 2, 3, 4, 5, 6)
    return words


_DAY_WORDS: Mapping[str, tuple[int, ...]] = MappingProxyType(_day_words())

_HELP = (
    "Write days followed by hour ranges in your local time, e.g. "
    "`weekdays 18-21, sat 10-14` or `mon,wed 19-22`."
)
_TIME = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|h)?"
_RANGE_RE = re.compile(rf"^{_TIME}\s*(?:-|–|to)\s*{_TIME}$")
_DAY_RANGE_RE = re.compile(r"^([a-z]+)\s*-\s*([a-z]+)$")


def _hour(raw: str, minutes: str | None, suffix: str | None, token: str) -> int:
    if minutes not in (None, "00"):
        raise Invalid(f"`{token}`: use whole hours, e.g. 18-21 (not half hours).")
    h = int(raw)
    if suffix in ("am", "pm"):
        if not 1 <= h <= 12:
            raise Invalid(f"`{token}`: with am/pm the hour must be 1-12.")
        h = h % 12 + (12 if suffix == "pm" else 0)
    if not 0 <= h <= 24:
        raise Invalid(f"`{token}`: hours go from 0 to 24.")
    return h


def _parse_range(token: str) -> tuple[int, int] | None:
    m = _RANGE_RE.match(token)
    if not m:
        return None
    h1, m1, s1, h2, m2, s2 = m.groups()
    if s1 is None and s2 in ("am", "pm"):
        s1 = s2  # "9-11am"
    start = _hour(h1, m1, s1, token)
    end = _hour(h2, m2, s2, token)
    if start == 24:
        start = 0
    if start == end:
        raise Invalid(f"`{token}` is an empty range: the end must differ from the start.")
    return start, end


def _parse_days(token: str) -> tuple[int, ...] | None:
    if token in _DAY_WORDS:
        return _DAY_WORDS[token]
    m = _DAY_RANGE_RE.match(token)
    if m and m.group(1) in _DAY_WORDS and m.group(2) in _DAY_WORDS:
        a, b = _DAY_WORDS[m.group(1)], _DAY_WORDS[m.group(2)]
        if len(a) == 1 and len(b) == 1:
            first, last = a[0], b[0]
            return tuple((first + i) % 7 for i in range((last - first) % 7 + 1))
    return None


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("–", "-").replace("—", "-")
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"\b(every day|all week)\b", lambda m: m.group(0).replace(" ", "_"), text)
    text = re.sub(r"(\d)\s+(am|pm|h)\b", r"\1\2", text)
    text = re.sub(r"\bto\b", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    raw = re.split(r"[\s,;/&+]+|\band\b", text)
    return [t.replace("_", " ") for t in raw if t]


def parse_availability(text: str) -> list[list[int]]:
    """Parse friendly weekly availability into merged ``[[weekday, start, end], ...]``."""
    if text is None or not text.strip():
        raise Invalid(f"Tell me when you're free. {_HELP}")
    if len(text) > AVAILABILITY_MAX:
        raise Invalid(f"Availability is limited to {AVAILABILITY_MAX} characters.")
    hours: list[set[int]] = [set() for _ in range(7)]
    days: list[int] = []
    pending_days = False  # days seen that have not received a range yet
    last_was_range = False
    for token in _tokens(text):
        found_days = _parse_days(token)
        if found_days is not None:
            if last_was_range:
                days = []
            days.extend(d for d in found_days if d not in days)
            pending_days, last_was_range = True, False
            continue
        rng = _parse_range(token)
        if rng is None:
            raise Invalid(f"I didn't understand `{token[:40]}`. {_HELP}")
        if not days:
            raise Invalid(f"`{token}` needs days before it. {_HELP}")
        start, end = rng
        for d in days:
            if end > start:
                hours[d].update(range(start, end))
            else:  # crosses midnight: continue on the next day
                hours[d].update(range(start, 24))
                hours[(d + 1) % 7].update(range(0, end))
        pending_days, last_was_range = False, True
    if pending_days:
        names = ", ".join(DAY_NAMES[d] for d in days)
        raise Invalid(f"{names}: add the hours you're free, e.g. `sat 10-14`. {_HELP}")
    slots = _merge(hours)
    if not slots:
        raise Invalid(f"Tell me when you're free. {_HELP}")
    return slots


def _merge(hours: list[set[int]]) -> list[list[int]]:
    slots: list[list[int]] = []
    for d in range(7):
        run_start: int | None = None
        for h in range(25):
            inside = h < 24 and h in hours[d]
            if inside and run_start is None:
                run_start = h
            elif not inside and run_start is not None:
                slots.append([d, run_start, h])
                run_start = None
    return slots


def validate_slots(slots: object) -> list[list[int]]:
    """Re-validate stored slots (JSON from the database)."""
    hours: list[set[int]] = [set() for _ in range(7)]
    if not isinstance(slots, list):
        return []
    for item in slots:
        if (
            isinstance(item, list | tuple)
            and len(item) == 3
            and all(isinstance(v, int) for v in item)
            and 0 <= item[0] <= 6
            and 0 <= item[1] < item[2] <= 24
        ):
            hours[item[0]].update(range(item[1], item[2]))
    return _merge(hours)


def describe_slots(slots: list[list[int]]) -> str:
    """Canonical text, e.g. "Mon 19-22, Wed 19-22, Sat 10-14"."""
    return ", ".join(f"{DAY_NAMES[d]} {s:02d}-{e:02d}" for d, s, e in slots)


def local_mask(slots: list[list[int]]) -> np.ndarray:
    """168 booleans over the local week (index = weekday * 24 + hour)."""
    mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
    for d, s, e in slots:
        mask[d * 24 + s : d * 24 + e] = True
    return mask


def week_start_for(moment: datetime) -> datetime:
    """The UTC hour a round's week starts at (its start, floored to the hour)."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@lru_cache(maxsize=4096)
def _local_index(zone: str, week_start: datetime) -> np.ndarray:
    tz = ZoneInfo(zone)
    out = np.empty(HOURS_PER_WEEK, dtype=np.int16)
    for h in range(HOURS_PER_WEEK):
        local = (week_start + timedelta(hours=h)).astimezone(tz)
        out[h] = local.weekday() * 24 + local.hour
    out.setflags(write=False)
    return out


def local_index(zone: str, week_start: datetime) -> np.ndarray:
    """For each UTC hour of the week, the local (weekday*24+hour) index in `zone`."""
    return _local_index(zone, week_start_for(week_start))


def utc_mask(slots: list[list[int]], zone: str, week_start: datetime) -> np.ndarray:
    """Availability as 168 booleans over the concrete UTC week starting at `week_start`."""
    return local_mask(slots)[local_index(zone, week_start)]


def utc_masks(
    slot_lists: list[list[list[int]]], zones: list[str], week_start: datetime
) -> np.ndarray:
    """Vectorised `utc_mask` for many learners: an (N, 168) boolean array."""
    n = len(slot_lists)
    local = np.zeros((n, HOURS_PER_WEEK), dtype=bool)
    for i, slots in enumerate(slot_lists):
        for d, s, e in slots:
            local[i, d * 24 + s : d * 24 + e] = True
    out = np.empty_like(local)
    by_zone: dict[str, list[int]] = {}
    for i, z in enumerate(zones):
        by_zone.setdefault(z, []).append(i)
    for z, rows in by_zone.items():
        idx = np.asarray(rows)
        out[idx] = local[idx][:, local_index(z, week_start)]
    return out


@dataclass(frozen=True)
class Window:
    """A run of shared hours: [start, end) in UTC."""

    start: datetime
    end: datetime

    @property
    def hours(self) -> int:
        return int((self.end - self.start).total_seconds() // 3600)

    def local(self, zone: str) -> str:
        """E.g. "Tue 18:00–20:00" or "Tue 23:00–Wed 01:00" in `zone`."""
        tz = ZoneInfo(zone)
        a, b = self.start.astimezone(tz), self.end.astimezone(tz)
        head = f"{DAY_NAMES[a.weekday()]} {a:%d %b} {a:%H:%M}"
        if a.date() == b.date() or (b - timedelta(minutes=1)).date() == a.date():
            tail = "24:00" if b.date() != a.date() else f"{b:%H:%M}"
            return f"{head}–{tail}"
        return f"{head}–{DAY_NAMES[b.weekday()]} {b:%H:%M}"


def windows(mask: np.ndarray, week_start: datetime, limit: int = 5) -> list[Window]:
    """The longest runs of True hours (chronological, at most `limit`)."""
    start = week_start_for(week_start)
    runs: list[tuple[int, int]] = []
    run: int | None = None
    for h in range(HOURS_PER_WEEK + 1):
        on = h < HOURS_PER_WEEK and bool(mask[h])
        if on and run is None:
            run = h
        elif not on and run is not None:
            runs.append((run, h))
            run = None
    best = sorted(runs, key=lambda r: (-(r[1] - r[0]), r[0]))[:limit]
    return [Window(start + timedelta(hours=a), start + timedelta(hours=b)) for a, b in sorted(best)]


# -- pause --------------------------------------------------------------------------------

PAUSE_MAX_WEEKS = 52
_WEEKS_RE = re.compile(r"^(\d{1,3})\s*(w|wk|wks|week|weeks)?$")


def _year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def parse_pause_until(text: str, now: datetime, zone: str) -> datetime:
    """'YYYY-MM-DD' (back from the start of that day in `zone`) or a number of weeks.

    The date must be after today in `zone` and at most a year away (same day next year).
    """
    raw = (text or "").strip().lower()
    if not raw:
        raise Invalid("Give a date (YYYY-MM-DD) or a number of weeks, e.g. `2025-09-01` or `3`.")
    if raw in ("next", "next round", "skip"):
        raise Invalid("To sit out only the next round, use `/pair skip-next`.")
    tz = ZoneInfo(zone)
    m = _WEEKS_RE.match(raw)
    if m:
        weeks = int(m.group(1))
        if not 1 <= weeks <= PAUSE_MAX_WEEKS:
            raise Invalid(f"Pause for 1 to {PAUSE_MAX_WEEKS} weeks (at most a year).")
        return (now + timedelta(weeks=weeks)).astimezone(UTC)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise Invalid(
            f"`{raw[:40]}` is not a date or a number of weeks: use YYYY-MM-DD, e.g. "
            "`2025-09-01`, or a number of weeks like `3`."
        )
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"`{raw}` is not a real date (YYYY-MM-DD).") from None
    today = now.astimezone(tz).date()
    if day <= today:
        raise Invalid(
            f"That date is not in the future: today is {today.isoformat()} in your time zone "
            f"({zone}), so pick a later day."
        )
    latest = _year_later(today)
    if day > latest:
        raise Invalid(f"You can pause for at most a year: pick a day up to {latest.isoformat()}.")
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


# -- round periods --------------------------------------------------------------------------

_ANCHOR = date(2024, 1, 1)  # a Monday: cadences count from here, in the server's zone


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime  # UTC
    end: datetime  # UTC (start of the next period)

    @property
    def midpoint(self) -> datetime:
        return self.start + (self.end - self.start) / 2


def _slot(day: date, hour: int, tz: ZoneInfo) -> datetime:
    # fold=0 and zoneinfo's normalisation keep a skipped/doubled local hour well defined.
    local = datetime.combine(day, time(hour), tzinfo=tz)
    return local.astimezone(UTC)


def period_at(moment: datetime, *, zone: str, weekday: int, hour: int, cadence_days: int) -> Period:
    """The schedule period containing `moment`: [latest slot <= moment, next slot)."""
    tz = ZoneInfo(zone)
    cadence = max(1, cadence_days)
    first = _ANCHOR + timedelta(days=(weekday - _ANCHOR.weekday()) % 7)
    local_day = moment.astimezone(tz).date()
    k = (local_day - first).days // cadence
    for _ in range(3):
        start = _slot(first + timedelta(days=k * cadence), hour, tz)
        if start <= moment:
            break
        k -= 1
    while _slot(first + timedelta(days=(k + 1) * cadence), hour, tz) <= moment:
        k += 1
    start_day = first + timedelta(days=k * cadence)
    start = _slot(start_day, hour, tz)
    end = _slot(start_day + timedelta(days=cadence), hour, tz)
    return Period(key=f"{cadence}d:{start_day.isoformat()}", start=start, end=end)


def next_slot(
    moment: datetime, *, zone: str, weekday: int, hour: int, cadence_days: int
) -> datetime:
    return period_at(moment, zone=zone, weekday=weekday, hour=hour, cadence_days=cadence_days).end
