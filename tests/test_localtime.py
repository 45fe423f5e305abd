"""Local wall times in IANA zones: schedules, gaps when clocks go forward, repeats when they go back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from journeys.domain.localtime import (
    format_local,
    is_known_zone,
    is_nonexistent,
    load_zone,
    local_to_utc,
    parse_local,
    resolve_local,
    to_local,
)
from journeys.errors import InvalidInputError


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05 09:00", datetime(2026, 12, 5, 9, 0)),
        ("2026-12-05T09:00", datetime(2026, 12, 5, 9, 0)),
        ("2026-12-05 09:00:30", datetime(2026, 12, 5, 9, 0, 30)),
        ("2026-12-05 9:05", datetime(2026, 12, 5, 9, 5)),
        ("  2026-12-05 09:00  ", datetime(2026, 12, 5, 9, 0)),
    ],
)
def test_parse_local_forms(text: str, expected: datetime) -> None:
    assert parse_local(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2026-12-05", "05/12/2026 09:00", "2026-13-05 09:00", "2026-12-05 25:00", "tomorrow"],
)
def test_parse_local_rejects_bad_text(text: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_local(text)

    assert repr(text) in str(error.value)
    assert "2026-12-05 09:00" in str(error.value)


@pytest.mark.parametrize(
    ("local", "zone", "expected"),
    [
        ("2026-12-05 09:00", "America/New_York", utc(2026, 12, 5, 14, 0)),
        ("2026-07-05 09:00", "America/New_York", utc(2026, 7, 5, 13, 0)),
        ("2026-01-15 09:00", "Europe/London", utc(2026, 1, 15, 9, 0)),
        ("2026-07-15 09:00", "Europe/London", utc(2026, 7, 15, 8, 0)),
        ("2026-07-15 09:00", "Asia/Kolkata", utc(2026, 7, 15, 3, 30)),
        ("2026-01-15 09:00", "America/Phoenix", utc(2026, 1, 15, 16, 0)),
        ("2026-07-15 09:00", "America/Phoenix", utc(2026, 7, 15, 16, 0)),
        ("2026-01-15 09:00", "Australia/Sydney", utc(2026, 1, 14, 22, 0)),
        ("2026-07-15 09:00", "Australia/Sydney", utc(2026, 7, 14, 23, 0)),
        ("2026-01-15 09:00", "Australia/Lord_Howe", utc(2026, 1, 14, 22, 0)),
        ("2026-07-15 09:00", "Australia/Lord_Howe", utc(2026, 7, 14, 22, 30)),
    ],
)
def test_local_to_utc_by_zone_and_season(local: str, zone: str, expected: datetime) -> None:
    assert local_to_utc(local, zone) == expected


def test_local_to_utc_returns_aware_utc() -> None:
    result = local_to_utc("2026-12-05 09:00", "America/New_York")

    assert result.tzinfo is UTC


def test_local_to_utc_accepts_naive_datetime() -> None:
    result = local_to_utc(datetime(2026, 12, 5, 9, 0), "America/Chicago")

    assert result == utc(2026, 12, 5, 15, 0)


def test_local_to_utc_keeps_aware_instant() -> None:
    aware = datetime(2026, 12, 5, 9, 0, tzinfo=timezone(timedelta(hours=2)))

    assert local_to_utc(aware, "America/New_York") == utc(2026, 12, 5, 7, 0)


def test_local_to_utc_unknown_zone_names_it() -> None:
    with pytest.raises(InvalidInputError, match="Mars/Olympus_Mons"):
        local_to_utc("2026-12-05 09:00", "Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("local", "zone", "suggestion"),
    [
        ("2027-03-14 02:30", "America/New_York", "2027-03-14 03:00"),
        ("2026-03-08 02:00", "America/New_York", "2026-03-08 03:00"),
        ("2026-03-29 01:30", "Europe/London", "2026-03-29 02:00"),
        ("2026-10-04 02:30", "Australia/Sydney", "2026-10-04 03:00"),
        ("2026-10-04 02:15", "Australia/Lord_Howe", "2026-10-04 02:30"),
    ],
)
def test_local_to_utc_rejects_time_clocks_skip(local: str, zone: str, suggestion: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        local_to_utc(local, zone)

    message = str(error.value)
    assert message.startswith(f"{local} does not exist in {zone}")
    assert "clocks go forward" in message
    assert message.endswith(f"use {suggestion}")


def test_local_to_utc_gap_message_matches_contract() -> None:
    with pytest.raises(InvalidInputError) as error:
        local_to_utc("2027-03-14 02:30", "America/New_York")

    assert str(error.value) == (
        "2027-03-14 02:30 does not exist in America/New_York because clocks go forward; "
        "use 2027-03-14 03:00"
    )


@pytest.mark.parametrize(
    ("local", "zone", "first_occurrence"),
    [
        ("2026-11-01 01:30", "America/New_York", utc(2026, 11, 1, 5, 30)),
        ("2026-10-25 01:30", "Europe/London", utc(2026, 10, 25, 0, 30)),
        ("2026-04-05 02:30", "Australia/Sydney", utc(2026, 4, 4, 15, 30)),
        ("2026-04-05 01:45", "Australia/Lord_Howe", utc(2026, 4, 4, 14, 45)),
    ],
)
def test_local_to_utc_repeated_time_means_first(
    local: str, zone: str, first_occurrence: datetime
) -> None:
    assert local_to_utc(local, zone) == first_occurrence


def test_local_time_edge_of_gap_exists() -> None:
    assert local_to_utc("2026-03-08 03:00", "America/New_York") == utc(2026, 3, 8, 7, 0)
    assert local_to_utc("2026-03-08 01:59", "America/New_York") == utc(2026, 3, 8, 6, 59)


def test_is_nonexistent_only_inside_gap() -> None:
    zone = ZoneInfo("America/New_York")

    assert is_nonexistent(datetime(2026, 3, 8, 2, 30), zone)
    assert not is_nonexistent(datetime(2026, 3, 8, 3, 0), zone)
    assert not is_nonexistent(datetime(2026, 11, 1, 1, 30), zone)


@pytest.mark.parametrize(
    ("wall", "zone", "expected"),
    [
        (datetime(2026, 3, 8, 2, 30), "America/New_York", utc(2026, 3, 8, 7, 0)),
        (datetime(2026, 3, 29, 1, 0), "Europe/London", utc(2026, 3, 29, 1, 0)),
        (datetime(2026, 10, 4, 2, 10), "Australia/Lord_Howe", utc(2026, 10, 3, 15, 30)),
        (datetime(2026, 11, 1, 1, 30), "America/New_York", utc(2026, 11, 1, 5, 30)),
        (datetime(2026, 6, 1, 12, 0), "Asia/Kolkata", utc(2026, 6, 1, 6, 30)),
    ],
)
def test_resolve_local_moves_skipped_time_forward(
    wall: datetime, zone: str, expected: datetime
) -> None:
    assert resolve_local(wall, ZoneInfo(zone)) == expected


def test_load_zone_returns_zoneinfo() -> None:
    assert load_zone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize("name", ["", "Not/AZone", "../etc/passwd", "/usr/share/zoneinfo/UTC"])
def test_load_zone_rejects_unknown(name: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        load_zone(name)

    assert repr(name) in str(error.value)
    assert not is_known_zone(name)


def test_to_local_gives_zone_wall_time() -> None:
    local = to_local(utc(2026, 7, 1, 12, 0), "America/Phoenix")

    assert local.replace(tzinfo=None) == datetime(2026, 7, 1, 5, 0)
    assert local.utcoffset() == timedelta(hours=-7)


def test_to_local_rejects_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        to_local(datetime(2026, 7, 1, 12, 0), "UTC")


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        (utc(2026, 12, 5, 14, 0), "America/New_York", "2026-12-05 09:00 America/New_York"),
        (utc(2026, 12, 5, 14, 0, 30), "America/New_York", "2026-12-05 09:00:30 America/New_York"),
        (utc(2026, 11, 1, 5, 30), "America/New_York", "2026-11-01 01:30 EDT America/New_York"),
        (utc(2026, 11, 1, 6, 30), "America/New_York", "2026-11-01 01:30 EST America/New_York"),
        (utc(2026, 7, 15, 3, 30), "Asia/Kolkata", "2026-07-15 09:00 Asia/Kolkata"),
    ],
)
def test_format_local(instant: datetime, zone: str, expected: str) -> None:
    assert format_local(instant, zone) == expected


def test_format_local_pads_early_years() -> None:
    assert format_local(utc(999, 1, 2, 9, 0), "UTC") == "0999-01-02 09:00 UTC"
