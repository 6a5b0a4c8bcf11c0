"""Digest periods and fire times in explicit time zones, across both DST transitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.services.digest.period import (
    cron_fields,
    current_period,
    fire_time,
    latest_due,
    period_for_day,
)


def _fires(zone: str, weekday: int, hour: int, after: datetime, n: int) -> list[datetime]:
    """The next n distinct fire times of the same CronTrigger the scheduler uses."""
    trigger = CronTrigger(timezone=ZoneInfo(zone), **cron_fields(weekday, hour))
    out: list[datetime] = []
    prev = None
    now = after
    while len(out) < n:
        nxt = trigger.get_next_fire_time(prev, now)
        assert nxt is not None
        out.append(nxt.astimezone(UTC))
        prev, now = nxt, nxt + timedelta(seconds=1)
    return out


@pytest.mark.parametrize(
    ("zone", "weekday", "hour", "first_utc"),
    [
        ("UTC", 0, 17, datetime(2024, 1, 1, 17, tzinfo=UTC)),
        ("America/New_York", 0, 17, datetime(2024, 1, 1, 22, tzinfo=UTC)),
        ("Asia/Kolkata", 4, 9, datetime(2024, 1, 5, 3, 30, tzinfo=UTC)),
        ("Australia/Sydney", 6, 18, datetime(2024, 1, 7, 7, tzinfo=UTC)),
    ],
)
def test_fires_at_local_time(zone: str, weekday: int, hour: int, first_utc: datetime) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    fires = _fires(zone, weekday, hour, start, 3)
    assert fires[0] == first_utc
    for f in fires:
        local = f.astimezone(ZoneInfo(zone))
        assert (local.weekday(), local.hour, local.minute) == (weekday, hour, 0)
        # Our own period maths agrees with the trigger: the key is the local fire date.
        due = latest_due(f, weekday, hour, ZoneInfo(zone))
        assert due.end == f and due.key == local.date().isoformat()


def test_spring_forward_missing_hour_fires_once() -> None:
    """New York, Sunday 10 March 2024: 02:00 does not exist. One fire, one period."""
    ny = ZoneInfo("America/New_York")
    fires = _fires("America/New_York", 6, 2, datetime(2024, 3, 1, tzinfo=UTC), 3)
    keys = [latest_due(f, 6, 2, ny).key for f in fires]
    assert keys == ["2024-03-03", "2024-03-10", "2024-03-17"]
    # The missing hour resolves to 03:00 EDT, the same instant our maths uses.
    assert fires[1] == fire_time(date(2024, 3, 10), 2, ny) == datetime(2024, 3, 10, 7, tzinfo=UTC)
    period = period_for_day(date(2024, 3, 10), 2, ny)
    assert period.end - period.start == timedelta(days=7)  # 02:00 EST -> 03:00 EDT


def test_fall_back_repeated_hour_maps_to_one_period() -> None:
    """New York, Sunday 3 November 2024: 01:00 happens twice; both runs share a key."""
    ny = ZoneInfo("America/New_York")
    trigger = CronTrigger(timezone=ny, **cron_fields(6, 1))
    first = trigger.get_next_fire_time(None, datetime(2024, 11, 2, tzinfo=UTC))
    assert first is not None and first.astimezone(UTC) == datetime(2024, 11, 3, 5, tzinfo=UTC)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert second is not None
    keys = {latest_due(t.astimezone(UTC), 6, 1, ny).key for t in (first, second)}
    assert keys == {"2024-11-03"}
    period = period_for_day(date(2024, 11, 3), 1, ny)
    assert period.end - period.start == timedelta(days=7)
    # The week after starts exactly where this one ended and includes the extra hour.
    after = period_for_day(date(2024, 11, 10), 1, ny)
    assert after.start == period.end and after.end - after.start == timedelta(days=7, hours=1)


@pytest.mark.parametrize(
    ("day", "hour"),
    [(date(2024, 4, 7), 2), (date(2024, 10, 6), 2)],  # Sydney fall back / spring forward
)
def test_sydney_transitions(day: date, hour: int) -> None:
    syd = ZoneInfo("Australia/Sydney")
    fires = _fires(
        "Australia/Sydney",
        6,
        hour,
        datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=UTC),
        3,
    )
    keys = [latest_due(f, 6, hour, syd).key for f in fires]
    # A repeated hour may fire twice, but every fire of a week maps to that week's key.
    distinct = sorted(set(keys))
    assert distinct == [(day + timedelta(days=7 * i)).isoformat() for i in range(len(distinct))]
    assert keys[0] == day.isoformat()


def test_latest_due_and_current_period() -> None:
    utc = ZoneInfo("UTC")
    wed = datetime(2024, 5, 15, 12, tzinfo=UTC)  # a Wednesday
    due = latest_due(wed, 0, 17, utc)
    assert due.key == "2024-05-13" and due.end == datetime(2024, 5, 13, 17, tzinfo=UTC)
    cur = current_period(wed, 0, 17, utc)
    assert cur.key == "2024-05-20" and cur.start == due.end and cur.contains(wed)
    at_fire = datetime(2024, 5, 20, 17, tzinfo=UTC)
    assert latest_due(at_fire, 0, 17, utc).key == "2024-05-20"
    assert latest_due(at_fire - timedelta(seconds=30), 0, 17, utc).key == "2024-05-20"
    assert latest_due(at_fire - timedelta(hours=1), 0, 17, utc).key == "2024-05-13"
    assert current_period(at_fire, 0, 17, utc).key == "2024-05-27"
    # Kolkata: Monday 17:00 IST is 11:30 UTC; at 12:00 UTC Monday it is already due.
    ist = ZoneInfo("Asia/Kolkata")
    assert latest_due(datetime(2024, 5, 20, 12, tzinfo=UTC), 0, 17, ist).key == "2024-05-20"
