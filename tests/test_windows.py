"""Calling windows: parsing, storage, and when every zone of a recipient is inside."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from journeys.domain.windows import (
    CallingWindow,
    WindowDecision,
    WindowRange,
    format_days,
    is_open,
    next_open_time,
    open_intervals,
)
from journeys.errors import InvalidInputError

DEFAULT = CallingWindow.default()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def window(text: str) -> CallingWindow:
    return CallingWindow.parse(text)


# --- Parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("mon-fri 09:00-20:00", "mon-fri 09:00-20:00"),
        ("mon,wed,fri 10:00-18:30", "mon,wed,fri 10:00-18:30"),
        ("mon, wed, fri 10:00-18:30", "mon,wed,fri 10:00-18:30"),
        ("daily 09:00-20:00", "daily 09:00-20:00"),
        ("every day 09:00-20:00", "daily 09:00-20:00"),
        ("Every  Day 9:00 - 20:00", "daily 09:00-20:00"),
        ("mon-sun 09:00-20:00", "daily 09:00-20:00"),
        ("sat-sun 10:00-14:00", "sat-sun 10:00-14:00"),
        ("weekdays 08:00-17:00", "mon-fri 08:00-17:00"),
        ("weekends 10:00-12:00", "sat-sun 10:00-12:00"),
        ("fri-mon 10:00-12:00", "fri-mon 10:00-12:00"),
        ("sun-tue 10:00-12:00", "sun-tue 10:00-12:00"),
        ("Monday-Friday 09:00-17:00", "mon-fri 09:00-17:00"),
        ("tue,mon 09:00-17:00", "mon-tue 09:00-17:00"),
        ("mon,fri-sun 09:00-17:00", "fri-mon 09:00-17:00"),
        ("wed 00:00-23:59", "wed 00:00-23:59"),
        ("mon-fri 09:00-20:00; sat 10:00-14:00", "mon-fri 09:00-20:00; sat 10:00-14:00"),
        ("mon-fri 09:00-12:00;mon-fri 13:00-17:00;", "mon-fri 09:00-12:00; mon-fri 13:00-17:00"),
    ],
)
def test_parse_gives_canonical_text(text: str, canonical: str) -> None:
    parsed = window(text)

    assert str(parsed) == canonical
    assert window(canonical) == parsed


def test_parse_wrapping_days_cover_weekend() -> None:
    parsed = window("fri-mon 10:00-12:00")

    assert parsed.ranges[0].days == (0, 4, 5, 6)


def test_parse_several_ranges_keeps_each() -> None:
    parsed = window("mon-fri 09:00-20:00; sat 10:00-14:00")

    assert parsed.ranges == (
        WindowRange((0, 1, 2, 3, 4), time(9), time(20)),
        WindowRange((5,), time(10), time(14)),
    )


def test_default_window_is_daily_nine_to_eight() -> None:
    assert str(DEFAULT) == "daily 09:00-20:00"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("mon-fri", "days followed by 'HH:MM-HH:MM'"),
        ("09:00-20:00", "no days are given"),
        ("18:00-09:00", "no days are given: start the range with days such as 'mon-fri' or 'daily'; the end 09:00 is not after the start 18:00, and a range cannot run past midnight"),
        ("funday 09:00-20:00", "unknown day 'funday'"),
        ("mon-xyz 09:00-20:00", "unknown day 'xyz'"),
        ("mon 24:00-25:00", "invalid time '24:00'"),
        ("mon 09:60-10:00", "invalid time '09:60'"),
        ("mon 9-17", "days followed by 'HH:MM-HH:MM'"),
        ("mon-fri 09:00-20:00; sun 8am-9pm", "days followed by 'HH:MM-HH:MM'"),
        ("mon-fri 10:00-10:00", "not after the start"),
    ],
)
def test_parse_rejects_invalid_text(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        window(text)

    message = str(error.value)
    assert repr(text) in message
    assert fragment in message


@pytest.mark.parametrize(
    "text", ["", "mon-fri", "funday 09:00-20:00", "mon 9:00-25:00", "mon-fri 09:00-20:00;;x"]
)
def test_parse_error_shows_valid_example(text: str) -> None:
    with pytest.raises(InvalidInputError, match="mon-fri 09:00-20:00"):
        window(text)


def test_parse_overnight_window_explains_split() -> None:
    with pytest.raises(InvalidInputError) as error:
        window("mon-fri 20:00-08:00")

    message = str(error.value)
    assert "past midnight" in message
    assert "'mon-fri 20:00-23:59; tue-sat 00:00-08:00'" in message


def test_window_range_rejects_end_before_start() -> None:
    with pytest.raises(InvalidInputError, match="not after the start"):
        WindowRange((0,), time(18), time(9))


def test_window_range_rejects_bad_weekday() -> None:
    with pytest.raises(InvalidInputError, match="weekdays"):
        WindowRange((7,), time(9), time(18))


def test_calling_window_needs_a_range() -> None:
    with pytest.raises(InvalidInputError, match="at least one range"):
        CallingWindow(())


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (range(7), "daily"),
        ((0, 1, 2, 3, 4), "mon-fri"),
        ((5, 6), "sat-sun"),
        ((6, 0), "sun-mon"),
        ((0, 2, 4), "mon,wed,fri"),
        ((0, 1, 3, 5, 6), "thu,sat-tue"),
        ((3,), "thu"),
    ],
)
def test_format_days(days: tuple[int, ...], text: str) -> None:
    assert format_days(days) == text


# --- Storage -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["daily 09:00-20:00", "fri-mon 10:00-12:00", "mon-fri 09:00-20:00; sat 10:00-14:00"]
)
def test_dict_round_trip(text: str) -> None:
    original = window(text)

    assert CallingWindow.from_dict(original.to_dict()) == original


def test_to_dict_uses_day_names() -> None:
    assert window("mon-fri 09:00-20:00").to_dict() == {
        "ranges": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "20:00"}]
    }


def test_from_dict_accepts_single_range() -> None:
    parsed = CallingWindow.from_dict({"days": ["sat", "sun"], "start": "10:00", "end": "14:00"})

    assert str(parsed) == "sat-sun 10:00-14:00"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({}, "expected 'ranges'"),
        ({"ranges": "daily"}, "expected 'ranges'"),
        ({"ranges": [{"days": ["mon"], "start": "9am", "end": "17:00"}]}, "invalid time '9am'"),
        ({"ranges": [{"days": ["moon"], "start": "09:00", "end": "17:00"}]}, "unknown day 'moon'"),
        ({"ranges": [{"days": ["mon"], "start": "17:00", "end": "09:00"}]}, "past midnight"),
    ],
)
def test_from_dict_rejects_bad_data(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInputError, match=fragment):
        CallingWindow.from_dict(data)


def test_from_days_accepts_range_text() -> None:
    assert CallingWindow.from_days("mon-fri", "09:00", "17:00") == window("mon-fri 09:00-17:00")


# --- One zone ------------------------------------------------------------------


def decide(
    text: str | None, zones: list[str], now: datetime, default_zone: str = "UTC"
) -> WindowDecision:
    parsed = window(text) if text is not None else None
    return next_open_time(parsed, zones, now, default_zone=default_zone)


def test_inside_window_returns_now() -> None:
    now = utc(2026, 6, 10, 15, 17, 3)

    decision = decide("daily 09:00-20:00", ["America/New_York"], now)

    assert decision == WindowDecision(now, None)


def test_no_window_is_always_open() -> None:
    now = utc(2026, 6, 10, 3, 0)

    assert decide(None, ["America/New_York"], now) == WindowDecision(now, None)


def test_before_opening_waits_for_start() -> None:
    # 06:00 EDT on a Wednesday; the window opens at 09:00 EDT, 13:00 UTC.
    decision = decide("daily 09:00-20:00", ["America/New_York"], utc(2026, 6, 10, 10, 0))

    assert decision.at == utc(2026, 6, 10, 13, 0)
    assert decision.note is None


def test_end_time_is_excluded() -> None:
    # 20:00 EDT exactly is closed, so the next opening is 09:00 EDT the next day.
    decision = decide("daily 09:00-20:00", ["America/New_York"], utc(2026, 6, 11, 0, 0))

    assert decision.at == utc(2026, 6, 11, 13, 0)


def test_start_time_is_included() -> None:
    now = utc(2026, 6, 10, 13, 0)

    assert decide("daily 09:00-20:00", ["America/New_York"], now).at == now


def test_window_skips_weekend() -> None:
    # Friday 2026-01-09 21:00 EST is after hours, so the next opening is Monday 09:00 EST.
    decision = decide("mon-fri 09:00-20:00", ["America/New_York"], utc(2026, 1, 10, 2, 0))

    assert decision.at == utc(2026, 1, 12, 14, 0)


def test_window_opens_on_saturday_range() -> None:
    # Friday 2026-01-09 21:00 EST, with a Saturday range 10:00-14:00.
    text = "mon-fri 09:00-20:00; sat 10:00-14:00"

    decision = decide(text, ["America/New_York"], utc(2026, 1, 10, 2, 0))

    assert decision.at == utc(2026, 1, 10, 15, 0)


def test_wrapping_days_open_on_friday() -> None:
    # Tuesday 2026-01-06 noon UTC with fri-mon: the next day inside is Friday 2026-01-09.
    decision = decide("fri-mon 10:00-12:00", ["UTC"], utc(2026, 1, 6, 12, 0))

    assert decision.at == utc(2026, 1, 9, 10, 0)


def test_wrapping_days_include_monday() -> None:
    now = utc(2026, 1, 12, 11, 0)

    assert decide("fri-mon 10:00-12:00", ["UTC"], now).at == now


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        ("Asia/Kolkata", utc(2026, 1, 15, 0, 0), utc(2026, 1, 15, 3, 30)),
        ("Asia/Kolkata", utc(2026, 7, 15, 0, 0), utc(2026, 7, 15, 3, 30)),
        ("America/Phoenix", utc(2026, 1, 15, 12, 0), utc(2026, 1, 15, 16, 0)),
        ("America/Phoenix", utc(2026, 7, 15, 12, 0), utc(2026, 7, 15, 16, 0)),
        ("America/Denver", utc(2026, 7, 15, 12, 0), utc(2026, 7, 15, 15, 0)),
        ("Europe/London", utc(2026, 1, 15, 6, 0), utc(2026, 1, 15, 9, 0)),
        ("Europe/London", utc(2026, 7, 15, 6, 0), utc(2026, 7, 15, 8, 0)),
        ("Australia/Sydney", utc(2026, 1, 15, 12, 0), utc(2026, 1, 15, 22, 0)),
        ("Australia/Sydney", utc(2026, 7, 15, 12, 0), utc(2026, 7, 15, 23, 0)),
        ("Australia/Lord_Howe", utc(2026, 1, 15, 12, 0), utc(2026, 1, 15, 22, 0)),
        ("Australia/Lord_Howe", utc(2026, 7, 15, 12, 0), utc(2026, 7, 15, 22, 30)),
    ],
)
def test_opening_by_zone_and_season(zone: str, now: datetime, expected: datetime) -> None:
    assert decide("daily 09:00-20:00", [zone], now).at == expected


# --- Days when clocks change -------------------------------------------------------


def test_spring_forward_day_opens_at_local_nine() -> None:
    # 2026-03-08: New York moves from EST to EDT at 02:00, so 09:00 is 13:00 UTC.
    decision = decide("daily 09:00-20:00", ["America/New_York"], utc(2026, 3, 8, 5, 0))

    assert decision.at == utc(2026, 3, 8, 13, 0)


def test_spring_forward_day_closes_at_local_eight() -> None:
    now = utc(2026, 3, 8, 23, 59)
    assert decide("daily 09:00-20:00", ["America/New_York"], now).at == now

    after_close = utc(2026, 3, 9, 0, 0)
    assert decide("daily 09:00-20:00", ["America/New_York"], after_close).at == utc(2026, 3, 9, 13, 0)


def test_fall_back_day_opens_at_local_nine() -> None:
    # 2026-11-01: New York moves from EDT to EST at 02:00, so 09:00 is 14:00 UTC.
    decision = decide("daily 09:00-20:00", ["America/New_York"], utc(2026, 11, 1, 5, 0))

    assert decision.at == utc(2026, 11, 1, 14, 0)


def test_fall_back_day_window_is_eleven_hours() -> None:
    intervals = open_intervals(
        window("daily 09:00-20:00"),
        ZoneInfo("America/New_York"),
        utc(2026, 11, 1, 0, 0),
        utc(2026, 11, 2, 12, 0),
    )

    assert intervals == [(utc(2026, 11, 1, 14, 0), utc(2026, 11, 2, 1, 0))]


def test_start_clocks_skip_opens_when_they_jump() -> None:
    # 02:30 does not exist in New York on 2027-03-14; the first valid instant after
    # it is 03:00 EDT, which is 07:00 UTC.
    decision = decide("daily 02:30-04:00", ["America/New_York"], utc(2027, 3, 14, 5, 0))

    assert decision.at == utc(2027, 3, 14, 7, 0)


def test_window_entirely_skipped_opens_next_day() -> None:
    # 02:00-02:45 never happens in New York on 2027-03-14, so the next opening is
    # 02:00 EDT on 2027-03-15.
    decision = decide("daily 02:00-02:45", ["America/New_York"], utc(2027, 3, 14, 5, 0))

    assert decision.at == utc(2027, 3, 15, 6, 0)


def test_repeated_hour_opens_twice() -> None:
    # 01:00-01:30 happens twice in New York on 2026-11-01: 05:00 UTC (EDT) and
    # 06:00 UTC (EST). After the first pass closes, the second pass opens.
    decision = decide("daily 01:00-01:30", ["America/New_York"], utc(2026, 11, 1, 5, 45))

    assert decision.at == utc(2026, 11, 1, 6, 0)


def test_repeated_hour_intervals() -> None:
    intervals = open_intervals(
        window("daily 01:00-01:30"),
        ZoneInfo("America/New_York"),
        utc(2026, 11, 1, 0, 0),
        utc(2026, 11, 1, 12, 0),
    )

    assert intervals == [
        (utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 5, 30)),
        (utc(2026, 11, 1, 6, 0), utc(2026, 11, 1, 6, 30)),
    ]


def test_lord_howe_half_hour_change() -> None:
    # Lord Howe moves from +10:30 to +11:00 at 02:00 on 2026-10-04, so 02:00-02:30
    # does not exist. A window starting at 02:10 opens at 02:30 (15:30 UTC).
    decision = decide("daily 02:10-03:00", ["Australia/Lord_Howe"], utc(2026, 10, 3, 14, 0))

    assert decision.at == utc(2026, 10, 3, 15, 30)


def test_london_spring_forward_day() -> None:
    # 2026-03-29: London moves to BST at 01:00 UTC, so 09:00 BST is 08:00 UTC.
    decision = decide("sun 09:00-20:00", ["Europe/London"], utc(2026, 3, 29, 0, 0))

    assert decision.at == utc(2026, 3, 29, 8, 0)


def test_sydney_autumn_change() -> None:
    # 2026-04-05: Sydney moves from +11 to +10 at 03:00 local, so 09:00 is 23:00 UTC.
    decision = decide("sun 09:00-20:00", ["Australia/Sydney"], utc(2026, 4, 4, 12, 0))

    assert decision.at == utc(2026, 4, 4, 23, 0)


# --- Several zones -------------------------------------------------------------------


def test_overlapping_zones_wait_for_latest_opening() -> None:
    # Wednesday 2026-01-14 12:00 UTC: New York opens at 14:00 UTC, Chicago at 15:00 UTC.
    decision = decide(
        "daily 09:00-20:00", ["America/New_York", "America/Chicago"], utc(2026, 1, 14, 12, 0)
    )

    assert decision.at == utc(2026, 1, 14, 15, 0)
    assert decision.note is None


def test_overlapping_zones_open_now_when_both_inside() -> None:
    now = utc(2026, 1, 14, 16, 0)

    decision = decide("daily 09:00-20:00", ["America/New_York", "America/Chicago"], now)

    assert decision == WindowDecision(now, None)


def test_overlapping_zones_closed_when_one_outside() -> None:
    # 01:30 UTC is 19:30 in Chicago but 20:30 in New York.
    now = utc(2026, 1, 15, 1, 30)

    decision = decide("daily 09:00-20:00", ["America/New_York", "America/Chicago"], now)

    assert decision.at == utc(2026, 1, 15, 15, 0)


def test_zones_without_overlap_use_default_zone() -> None:
    # Honolulu's 09:00-20:00 is 19:00-06:00 UTC and Berlin's is 08:00-19:00 UTC, so
    # they never overlap; the run's default zone, UTC, decides instead.
    decision = decide(
        "daily 09:00-20:00", ["Pacific/Honolulu", "Europe/Berlin"], utc(2026, 1, 14, 5, 0)
    )

    assert decision.at == utc(2026, 1, 14, 9, 0)
    assert decision.note == (
        "no time in the next 14 days is inside the calling window in all of "
        "Pacific/Honolulu, Europe/Berlin; used the run's default time zone UTC"
    )


def test_zones_without_overlap_default_zone_inside_now() -> None:
    now = utc(2026, 1, 14, 12, 0)

    decision = decide(
        "daily 09:00-20:00", ["Pacific/Honolulu", "Europe/Berlin"], now, "Europe/London"
    )

    assert decision.at == now
    assert decision.note is not None
    assert "default time zone Europe/London" in decision.note


def test_empty_zones_use_default_zone() -> None:
    decision = decide("daily 09:00-20:00", [], utc(2026, 1, 14, 5, 0), "Asia/Kolkata")

    assert decision.at == utc(2026, 1, 14, 5, 0)
    assert decision.note == (
        "the recipient has no time zone; used the run's default time zone Asia/Kolkata"
    )


def test_empty_zones_before_default_opening() -> None:
    decision = decide("daily 09:00-20:00", [], utc(2026, 1, 14, 1, 0), "Asia/Kolkata")

    assert decision.at == utc(2026, 1, 14, 3, 30)


def test_unknown_zone_is_skipped_with_note() -> None:
    decision = decide(
        "daily 09:00-20:00", ["Mars/Olympus_Mons", "America/Chicago"], utc(2026, 1, 14, 12, 0)
    )

    assert decision.at == utc(2026, 1, 14, 15, 0)
    assert decision.note == "skipped unknown time zone 'Mars/Olympus_Mons'"


def test_only_unknown_zones_use_default_zone() -> None:
    decision = decide("daily 09:00-20:00", ["Nowhere/Town"], utc(2026, 1, 14, 5, 0))

    assert decision.at == utc(2026, 1, 14, 9, 0)
    assert decision.note is not None
    assert "skipped unknown time zone 'Nowhere/Town'" in decision.note
    assert "default time zone UTC" in decision.note


def test_duplicate_zones_count_once() -> None:
    decision = decide(
        "daily 09:00-20:00", ["America/Chicago", "America/Chicago"], utc(2026, 1, 14, 12, 0)
    )

    assert decision == WindowDecision(utc(2026, 1, 14, 15, 0), None)


def test_unknown_default_zone_raises() -> None:
    with pytest.raises(InvalidInputError, match="Bad/Default"):
        decide("daily 09:00-20:00", [], utc(2026, 1, 14, 5, 0), "Bad/Default")


def test_naive_now_raises() -> None:
    with pytest.raises(ValueError, match="aware"):
        decide("daily 09:00-20:00", ["UTC"], datetime(2026, 1, 14, 5, 0))


def test_result_is_utc() -> None:
    decision = decide("daily 09:00-20:00", ["Asia/Tokyo"], utc(2026, 1, 14, 12, 0))

    assert decision.at.tzinfo is UTC


# --- is_open ----------------------------------------------------------------------


def test_is_open_inside() -> None:
    assert is_open(DEFAULT, ["America/New_York"], utc(2026, 6, 10, 15, 0))


def test_is_open_outside() -> None:
    assert not is_open(DEFAULT, ["America/New_York"], utc(2026, 6, 10, 3, 0))


def test_is_open_without_window() -> None:
    assert is_open(None, ["America/New_York"], utc(2026, 6, 10, 3, 0))


def test_is_open_needs_every_zone() -> None:
    now = utc(2026, 1, 15, 1, 30)

    assert is_open(DEFAULT, ["America/Chicago"], now)
    assert not is_open(DEFAULT, ["America/Chicago", "America/New_York"], now)


def test_is_open_empty_zones_uses_default_zone() -> None:
    now = utc(2026, 1, 14, 5, 0)

    assert is_open(DEFAULT, [], now, default_zone="Asia/Kolkata")
    assert not is_open(DEFAULT, [], now, default_zone="UTC")


# --- Against a minute-by-minute reference --------------------------------------------


def reference_open_time(
    parsed: CallingWindow, zones: list[str], now: datetime
) -> datetime | None:
    """Scan minute by minute for the first instant every zone is inside. Slow but plain.

    Exact only where every window edge and clock change falls on a whole minute, which
    holds for the zones used here.
    """
    loaded = [ZoneInfo(zone) for zone in zones]
    candidate = now
    while candidate < now + timedelta(days=14):
        if all(parsed.contains(candidate.astimezone(zone)) for zone in loaded):
            return candidate
        candidate = (candidate + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return None


@pytest.mark.parametrize(
    ("text", "zones", "now"),
    [
        ("daily 01:00-01:30", ["America/New_York"], utc(2026, 11, 1, 5, 29, 30)),
        ("daily 02:30-04:00", ["America/New_York"], utc(2026, 3, 8, 3, 0)),
        ("sun 01:30-02:15", ["Australia/Lord_Howe"], utc(2026, 4, 4, 13, 0)),
        ("sun 02:00-02:40", ["Australia/Lord_Howe"], utc(2026, 10, 3, 12, 0)),
        ("mon-fri 09:00-20:00; sat 10:00-14:00", ["Europe/London"], utc(2026, 10, 24, 20, 0)),
        ("fri-mon 08:00-09:30", ["America/Phoenix", "America/Denver"], utc(2026, 3, 5, 0, 0)),
        ("daily 09:00-20:00", ["America/New_York", "America/Los_Angeles"], utc(2026, 3, 8, 1, 0)),
        ("daily 09:00-20:00", ["Asia/Kolkata", "Europe/London"], utc(2026, 3, 29, 15, 0)),
        ("sat-sun 00:00-03:00", ["America/Santiago"], utc(2026, 4, 3, 12, 0)),
    ],
)
def test_next_open_time_matches_minute_scan(text: str, zones: list[str], now: datetime) -> None:
    parsed = window(text)

    decision = next_open_time(parsed, zones, now, default_zone="UTC")

    assert decision.note is None
    assert decision.at == reference_open_time(parsed, zones, now)


RANDOM_ZONES = [
    "America/New_York", "America/Chicago", "America/Phoenix", "America/Santiago",
    "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe",
    "Australia/Sydney", "Pacific/Honolulu", "Pacific/Chatham", "UTC",
]
# Instants a few days before clock changes in 2026, so that searches cross them.
RANDOM_STARTS = [
    utc(2026, 3, 6), utc(2026, 3, 27), utc(2026, 4, 2), utc(2026, 9, 3),
    utc(2026, 10, 1), utc(2026, 10, 23), utc(2026, 10, 30), utc(2026, 6, 1),
]


def random_case(seed: int) -> tuple[CallingWindow, list[str], datetime]:
    rng = random.Random(seed)
    ranges = []
    for _ in range(rng.randint(1, 2)):
        days = tuple(rng.sample(range(7), rng.randint(1, 7)))
        start = rng.randrange(0, 23 * 60, 15)
        end = rng.randrange(start + 15, 24 * 60, 15)
        ranges.append(WindowRange(days, time(*divmod(start, 60)), time(*divmod(end, 60))))

    zones = rng.sample(RANDOM_ZONES, rng.randint(1, 2))
    now = rng.choice(RANDOM_STARTS) + timedelta(minutes=rng.randrange(0, 3 * 24 * 60, 7))
    return CallingWindow(tuple(ranges)), zones, now


@pytest.mark.parametrize("seed", range(40))
def test_random_windows_match_minute_scan(seed: int) -> None:
    parsed, zones, now = random_case(seed)

    decision = next_open_time(parsed, zones, now, default_zone="UTC")
    expected = reference_open_time(parsed, zones, now)

    if expected is None:
        assert decision.note is not None
    else:
        assert decision.note is None
        assert decision.at == expected
