"""Availability parsing, UTC overlap across time zones and DST, pause dates, periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from bot.errors import Invalid
from bot.services.pairing.availability import (
    describe_slots,
    parse_availability,
    parse_pause_until,
    period_at,
    utc_mask,
    utc_masks,
    windows,
)


def overlap(a: str, za: str, b: str, zb: str, week: datetime) -> int:
    ma = utc_mask(parse_availability(a), za, week)
    mb = utc_mask(parse_availability(b), zb, week)
    return int((ma & mb).sum())


# -- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekdays 18-21, sat 10-14", [[d, 18, 21] for d in range(5)] + [[5, 10, 14]]),
        ("mon,wed 19-22", [[0, 19, 22], [2, 19, 22]]),
        ("Mon, Wed 19-22", [[0, 19, 22], [2, 19, 22]]),
        ("tue 9am-11am; thu 2pm-4pm", [[1, 9, 11], [3, 14, 16]]),
        ("fri 22-2", [[4, 22, 24], [5, 0, 2]]),
        ("sun 22-02", [[0, 0, 2], [6, 22, 24]]),
        ("mon-wed 18:00-20:00", [[0, 18, 20], [1, 18, 20], [2, 18, 20]]),
        ("weekends 10-12, 14-16", [[5, 10, 12], [5, 14, 16], [6, 10, 12], [6, 14, 16]]),
        ("daily 7-8", [[d, 7, 8] for d in range(7)]),
        ("mon 18-20 mon 19-22", [[0, 18, 22]]),
        ("Saturday 10 to 14", [[5, 10, 14]]),
        ("mon 0-24", [[0, 0, 24]]),
    ],
)
def test_parse_availability(text: str, expected: list[list[int]]) -> None:
    assert parse_availability(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "when you're free"),
        ("   ", "when you're free"),
        ("18-21", "needs days"),
        ("mon", "add the hours"),
        ("mon 18-21, sat", "add the hours"),
        ("funday 18-21", "didn't understand"),
        ("mon 18-18", "empty range"),
        ("mon 18:30-21", "whole hours"),
        ("mon 25-26", "0 to 24"),
        ("mon 13pm-2pm", "1-12"),
        ("mon 18-21 " + "x" * 200, "200 characters"),
        ("mon 18-21 <@123>", "didn't understand"),
    ],
)
def test_parse_availability_rejects_bad_input(text: str, fragment: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_availability(text)
    assert fragment in err.value.message


def test_describe_slots_is_canonical() -> None:
    assert describe_slots(parse_availability("wed,mon 19-22")) == "Mon 19-22, Wed 19-22"


# -- overlap across zones and DST ------------------------------------------------------------


def test_same_local_evening_overlaps_fully_in_same_zone() -> None:
    week = datetime(2025, 6, 2, tzinfo=UTC)
    assert overlap("tue 18-20", "Europe/Berlin", "tue 18-20", "Europe/Berlin", week) == 2


def test_berlin_new_york_normal_winter_week() -> None:
    # Both on standard time: Berlin UTC+1, New York UTC-5 (6 hours apart).
    week = datetime(2025, 2, 3, tzinfo=UTC)  # Monday
    assert overlap("tue 18-20", "Europe/Berlin", "tue 12-14", "America/New_York", week) == 2


def test_berlin_new_york_spring_week_only_us_switched() -> None:
    # 9 Mar 2025 the US moved to EDT (UTC-4); Europe waits until 30 Mar: 5 hours apart.
    week = datetime(2025, 3, 10, tzinfo=UTC)
    assert overlap("tue 18-20", "Europe/Berlin", "tue 12-14", "America/New_York", week) == 1
    assert overlap("tue 18-20", "Europe/Berlin", "tue 13-15", "America/New_York", week) == 2


def test_berlin_new_york_autumn_week_only_europe_switched() -> None:
    # 26 Oct 2025 Europe went back to CET (UTC+1); the US stays on EDT until 2 Nov.
    week = datetime(2025, 10, 27, tzinfo=UTC)
    assert overlap("tue 18-20", "Europe/Berlin", "tue 12-14", "America/New_York", week) == 1
    assert overlap("tue 18-20", "Europe/Berlin", "tue 13-15", "America/New_York", week) == 2
    # The next week both are on standard time again.
    later = datetime(2025, 11, 3, tzinfo=UTC)
    assert overlap("tue 18-20", "Europe/Berlin", "tue 12-14", "America/New_York", later) == 2


def test_night_of_the_switch_skips_the_missing_local_hour() -> None:
    # Sun 30 Mar 2025, Berlin: 02:00 local does not exist. "sun 1-4" is 2 real hours.
    week = datetime(2025, 3, 29, tzinfo=UTC)
    mask = utc_mask(parse_availability("sun 1-4"), "Europe/Berlin", week)
    assert int(mask.sum()) == 2
    # Sun 26 Oct 2025: 02:00-03:00 happens twice, so "sun 1-4" is 4 real hours.
    autumn = datetime(2025, 10, 25, tzinfo=UTC)
    assert int(utc_mask(parse_availability("sun 1-4"), "Europe/Berlin", autumn).sum()) == 4


def test_overlap_across_the_day_boundary() -> None:
    # Tokyo Monday 08-10 (UTC+9) is Sunday 23:00-01:00 UTC; Los Angeles in summer (UTC-7)
    # Sunday 16-18 is the same instants.
    week = datetime(2025, 7, 1, tzinfo=UTC)
    assert overlap("mon 8-10", "Asia/Tokyo", "sun 16-18", "America/Los_Angeles", week) == 2
    assert overlap("mon 8-10", "Asia/Tokyo", "mon 16-18", "America/Los_Angeles", week) == 0


def test_week_wraps_around_its_start() -> None:
    # A round starting Wednesday still sees Monday's hours (of the following week).
    week = datetime(2025, 6, 4, 10, tzinfo=UTC)
    assert int(utc_mask(parse_availability("mon 9-10"), "UTC", week).sum()) == 1


def test_vectorised_masks_equal_single_masks() -> None:
    week = datetime(2025, 3, 10, tzinfo=UTC)
    slots = [parse_availability(t) for t in ("tue 18-20", "weekdays 9-11", "sat 22-3")]
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata"]
    many = utc_masks(slots, zones, week)
    for i in range(3):
        assert np.array_equal(many[i], utc_mask(slots[i], zones[i], week))


def test_windows_render_in_both_local_times() -> None:
    week = datetime(2025, 2, 3, tzinfo=UTC)
    common = utc_mask(parse_availability("tue 18-20"), "Europe/Berlin", week) & utc_mask(
        parse_availability("tue 12-14"), "America/New_York", week
    )
    [w] = windows(common, week)
    assert w.hours == 2
    assert w.local("Europe/Berlin") == "Tue 04 Feb 18:00–20:00"
    assert w.local("America/New_York") == "Tue 04 Feb 12:00–14:00"
    late = utc_mask(parse_availability("tue 23-1"), "UTC", week)
    [w2] = windows(late, week)
    assert w2.local("UTC") == "Tue 04 Feb 23:00–Wed 01:00"


# -- pause ---------------------------------------------------------------------------------

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_pause_weeks_and_dates() -> None:
    assert parse_pause_until("3", NOW, "UTC") == NOW + timedelta(weeks=3)
    assert parse_pause_until("2 weeks", NOW, "UTC") == NOW + timedelta(weeks=2)
    until = parse_pause_until("2025-07-01", NOW, "Europe/Berlin")
    assert until == datetime(2025, 7, 1, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    assert parse_pause_until("52", NOW, "UTC") == NOW + timedelta(weeks=52)
    last = parse_pause_until("2026-06-01", NOW, "UTC")  # exactly a year: allowed
    assert last == datetime(2026, 6, 1, tzinfo=UTC)
    # "Today" is the member's: 2 June is already today in Auckland at NOW.
    with pytest.raises(Invalid):
        parse_pause_until("2025-06-02", NOW, "Pacific/Auckland")
    assert parse_pause_until("2025-06-02", NOW, "UTC") == datetime(2025, 6, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "YYYY-MM-DD"),
        ("tomorrow", "YYYY-MM-DD"),
        ("2025-02-30", "real date"),
        ("2025-05-01", "not in the future"),
        ("2025-06-01", "not in the future"),
        ("2026-06-02", "at most a year"),
        ("next", "/pair skip-next"),
        ("0", "1 to 52"),
        ("53", "1 to 52"),
    ],
)
def test_pause_rejects_bad_input(text: str, fragment: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_pause_until(text, NOW, "UTC")
    assert fragment in err.value.message


# -- periods -------------------------------------------------------------------------------


def test_weekly_period_in_server_zone() -> None:
    # Monday 10:00 Europe/Berlin, weekly.
    p = period_at(
        datetime(2025, 6, 4, 12, tzinfo=UTC),
        zone="Europe/Berlin",
        weekday=0,
        hour=10,
        cadence_days=7,
    )
    assert p.start == datetime(2025, 6, 2, 8, tzinfo=UTC)
    assert p.end == datetime(2025, 6, 9, 8, tzinfo=UTC)
    assert p.key == "7d:2025-06-02"
    # Just before the slot still belongs to the previous period.
    q = period_at(
        datetime(2025, 6, 9, 7, 59, tzinfo=UTC),
        zone="Europe/Berlin",
        weekday=0,
        hour=10,
        cadence_days=7,
    )
    assert q.key == p.key
    r = period_at(
        datetime(2025, 6, 9, 8, tzinfo=UTC),
        zone="Europe/Berlin",
        weekday=0,
        hour=10,
        cadence_days=7,
    )
    assert r.key == "7d:2025-06-09"


def test_period_across_dst_keeps_local_hour() -> None:
    p = period_at(
        datetime(2025, 3, 26, tzinfo=UTC), zone="Europe/Berlin", weekday=0, hour=10, cadence_days=7
    )
    assert p.start == datetime(2025, 3, 24, 9, tzinfo=UTC)  # CET
    assert p.end == datetime(2025, 3, 31, 8, tzinfo=UTC)  # CEST
    assert p.end - p.start == timedelta(days=7, hours=-1)


def test_fortnightly_period() -> None:
    a = period_at(datetime(2025, 6, 4, tzinfo=UTC), zone="UTC", weekday=0, hour=10, cadence_days=14)
    assert a.end - a.start == timedelta(days=14)
    assert a.start <= datetime(2025, 6, 4, tzinfo=UTC) < a.end
    assert a.start.weekday() == 0
