"""`wait_until` targets: fixed times, dates from data with offsets, and windows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from journeys.domain.document import WaitUntilNode
from journeys.domain.waits import WaitTarget, wait_until_target

NEW_YORK = "America/New_York"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def node(**settings: Any) -> WaitUntilNode:
    return WaitUntilNode(id="wait", type="wait_until", **settings)


def target(
    wait: WaitUntilNode,
    data: dict[str, Any] | None = None,
    *,
    zone: str = NEW_YORK,
    window_zones: list[str] | None = None,
    now: datetime = NOW,
) -> WaitTarget:
    return wait_until_target(
        wait, data=data or {}, zone=zone, window_zones=window_zones or [], now=now
    )


# --- at ----------------------------------------------------------------------------


def test_at_aware_time() -> None:
    result = target(node(at="2026-12-05T09:00:00-05:00"))

    assert result.at == utc(2026, 12, 5, 14, 0)
    assert result.failure is None
    assert result.reason == "until 2026-12-05 09:00 America/New_York (fixed time)"


def test_at_naive_time_in_node_timezone() -> None:
    result = target(node(at="2026-12-05T09:00", timezone="Europe/London"))

    assert result.at == utc(2026, 12, 5, 9, 0)
    assert result.reason == "until 2026-12-05 09:00 Europe/London (fixed time)"


def test_at_skipped_time_moves_forward() -> None:
    result = target(node(at="2027-03-14T02:30", timezone=NEW_YORK), now=utc(2027, 3, 1))

    assert result.at == utc(2027, 3, 14, 7, 0)


def test_at_unknown_timezone_fails() -> None:
    result = target(node(at="2026-12-05T09:00", timezone="Nowhere/Town"))

    assert result.at is None
    assert result.failure is not None
    assert "Nowhere/Town" in result.failure


def test_at_in_past_continues_now() -> None:
    result = target(node(at="2026-11-05T09:00:00Z"))

    assert result.at == NOW
    assert result.failure is None
    assert "in the past" in result.reason


def test_at_in_past_fails_when_asked() -> None:
    result = target(node(at="2026-11-05T09:00:00Z", if_past="fail"))

    assert result.at is None
    assert result.failure == (
        "the date 2026-11-05 04:00 America/New_York (fixed time) is in the past"
    )


def test_at_exactly_now_is_not_past() -> None:
    result = target(node(at="2026-12-01T12:00:00Z", if_past="fail"))

    assert result.at == NOW
    assert result.failure is None


# --- field ---------------------------------------------------------------------------


def test_field_date_with_offset_matches_reason_format() -> None:
    result = target(node(field="due_date", offset="-1 day"), {"due_date": "2026-12-06"})

    assert result.at == utc(2026, 12, 5, 14, 0)
    assert result.reason == (
        "until 2026-12-05 09:00 America/New_York (field due_date at 09:00, -1 day)"
    )


def test_field_date_defaults_to_nine() -> None:
    result = target(node(field="due_date"), {"due_date": "2026-12-06"})

    assert result.at == utc(2026, 12, 6, 14, 0)


def test_field_date_at_node_time() -> None:
    result = target(node(field="due_date", time="17:30"), {"due_date": "2026-12-06"})

    assert result.at == utc(2026, 12, 6, 22, 30)
    assert "at 17:30" in result.reason


def test_field_uses_recipient_zone() -> None:
    result = target(node(field="due_date"), {"due_date": "2026-12-06"}, zone="Asia/Kolkata")

    assert result.at == utc(2026, 12, 6, 3, 30)
    assert "Asia/Kolkata" in result.reason


def test_field_node_timezone_overrides_recipient() -> None:
    wait = node(field="due_date", timezone="America/Phoenix")

    result = target(wait, {"due_date": "2026-12-06"}, zone="Asia/Kolkata")

    assert result.at == utc(2026, 12, 6, 16, 0)


def test_field_accepts_date_object() -> None:
    result = target(node(field="due_date"), {"due_date": date(2026, 12, 6)})

    assert result.at == utc(2026, 12, 6, 14, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-06T15:45:00", utc(2026, 12, 6, 20, 45)),
        ("2026-12-06 15:45", utc(2026, 12, 6, 20, 45)),
        ("2026-12-06T15:45:00+01:00", utc(2026, 12, 6, 14, 45)),
        ("2026-12-06T15:45:00Z", utc(2026, 12, 6, 15, 45)),
        (datetime(2026, 12, 6, 15, 45), utc(2026, 12, 6, 20, 45)),
        (datetime(2026, 12, 6, 15, 45, tzinfo=UTC), utc(2026, 12, 6, 15, 45)),
    ],
)
def test_field_datetime_keeps_own_time(value: Any, expected: datetime) -> None:
    result = target(node(field="appointment"), {"appointment": value})

    assert result.at == expected
    assert result.reason.endswith("(field appointment)")


def test_field_datetime_with_node_time_uses_local_date() -> None:
    # 2026-12-07 02:00 UTC is still 2026-12-06 in New York, so 09:00 on the 6th.
    wait = node(field="appointment", time="09:00")

    result = target(wait, {"appointment": "2026-12-07T02:00:00Z"})

    assert result.at == utc(2026, 12, 6, 14, 0)


def test_field_offset_days_keep_local_time_across_dst() -> None:
    # New York moves to EDT on 2026-03-08: 09:00 the day before 2026-03-09 is
    # 09:00 EDT (13:00 UTC), not 24 hours before 09:00 EDT on the 9th.
    wait = node(field="due_date", offset="-1 day")

    result = target(wait, {"due_date": "2026-03-09"}, now=utc(2026, 3, 1))

    assert result.at == utc(2026, 3, 8, 13, 0)


def test_field_offset_days_across_fall_back() -> None:
    wait = node(field="due_date", offset="+1 day")

    result = target(wait, {"due_date": "2026-10-31"}, now=utc(2026, 10, 1))

    assert result.at == utc(2026, 11, 1, 14, 0)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        ("+90 minutes", utc(2026, 12, 6, 15, 30)),
        ("-2 hours", utc(2026, 12, 6, 12, 0)),
        ("+1 week", utc(2026, 12, 13, 14, 0)),
        ("-25 hours", utc(2026, 12, 5, 13, 0)),
        ("+0.5 days", utc(2026, 12, 7, 2, 0)),
    ],
)
def test_field_offsets(offset: str, expected: datetime) -> None:
    result = target(node(field="due_date", offset=offset), {"due_date": "2026-12-06"})

    assert result.at == expected
    assert result.reason.endswith(f", {offset})")


def test_field_elapsed_offset_crosses_spring_forward() -> None:
    # 01:30 EST plus 60 elapsed minutes is 03:30 EDT, because 02:00-03:00 is skipped.
    wait = node(field="due_date", time="01:30", offset="+60 minutes")

    result = target(wait, {"due_date": "2026-03-08"}, now=utc(2026, 3, 1))

    assert result.at == utc(2026, 3, 8, 7, 30)
    assert "03:30 America/New_York" in result.reason


def test_field_skipped_time_moves_forward() -> None:
    wait = node(field="due_date", time="02:30")

    result = target(wait, {"due_date": "2026-03-08"}, now=utc(2026, 3, 1))

    assert result.at == utc(2026, 3, 8, 7, 0)


def test_field_repeated_time_means_first() -> None:
    wait = node(field="due_date", time="01:30")

    result = target(wait, {"due_date": "2026-11-01"}, now=utc(2026, 10, 1))

    assert result.at == utc(2026, 11, 1, 5, 30)


def test_field_lord_howe_half_hour_gap() -> None:
    wait = node(field="due_date", time="02:15")

    result = target(wait, {"due_date": "2026-10-04"}, zone="Australia/Lord_Howe", now=utc(2026, 9, 1))

    assert result.at == utc(2026, 10, 3, 15, 30)


@pytest.mark.parametrize("data", [{}, {"due_date": None}, {"due_date": ""}, {"due_date": "  "}])
def test_field_missing_date_fails(data: dict[str, Any]) -> None:
    result = target(node(field="due_date"), data)

    assert result.at is None
    assert result.failure == "missing date in field 'due_date'"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("abc", "'abc'"),
        ("2026-13-01", "'2026-13-01'"),
        ("2026-02-30", "'2026-02-30'"),
        ("12/06/2026", "'12/06/2026'"),
        (42, "42"),
        (True, "True"),
    ],
)
def test_field_unreadable_date_fails(value: Any, shown: str) -> None:
    result = target(node(field="due_date"), {"due_date": value})

    assert result.at is None
    assert result.failure == f"unreadable date {shown} in field 'due_date'"


def test_field_in_past_continues_now() -> None:
    result = target(node(field="due_date"), {"due_date": "2026-11-06"})

    assert result.at == NOW
    assert result.failure is None
    assert result.reason == (
        "no wait: 2026-11-06 09:00 America/New_York (field due_date at 09:00) is in the past"
    )


def test_field_in_past_fails_when_asked() -> None:
    result = target(node(field="due_date", if_past="fail"), {"due_date": "2026-11-06"})

    assert result.at is None
    assert result.failure == (
        "the date 2026-11-06 09:00 America/New_York (field due_date at 09:00) is in the past"
    )


def test_field_offset_makes_future_date_past() -> None:
    # 2026-12-01 09:00 EST is 14:00 UTC, two hours after NOW; -1 day puts it in the past.
    wait = node(field="due_date", offset="-1 day", if_past="fail")

    result = target(wait, {"due_date": "2026-12-01"})

    assert result.failure is not None
    assert "2026-11-30 09:00" in result.failure


def test_field_invalid_offset_fails() -> None:
    result = target(node(field="due_date", offset="one day"), {"due_date": "2026-12-06"})

    assert result.at is None
    assert result.failure is not None
    assert "'one day'" in result.failure


def test_field_unknown_zone_fails() -> None:
    result = target(node(field="due_date"), {"due_date": "2026-12-06"}, zone="Nowhere/Town")

    assert result.at is None
    assert result.failure is not None
    assert "Nowhere/Town" in result.failure


# --- window ------------------------------------------------------------------------


def window_node(days: list[str], start: str, end: str, **settings: Any) -> WaitUntilNode:
    return node(window={"days": days, "start": start, "end": end}, **settings)


def test_window_inside_now() -> None:
    # NOW is Tuesday 2026-12-01 07:00 EST.
    result = target(window_node(["tue"], "07:00", "08:00"))

    assert result.at == NOW
    assert result.failure is None
    assert result.reason.startswith("no wait")


def test_window_later_same_day() -> None:
    result = target(window_node(["tue"], "09:00", "17:00"))

    assert result.at == utc(2026, 12, 1, 14, 0)
    assert result.reason == "until 2026-12-01 09:00 America/New_York (window tue 09:00-17:00)"


def test_window_skips_to_next_allowed_day() -> None:
    result = target(window_node(["sat", "sun"], "10:00", "12:00"))

    assert result.at == utc(2026, 12, 5, 15, 0)


def test_window_uses_node_timezone() -> None:
    result = target(window_node(["tue"], "09:00", "17:00", timezone="Europe/London"))

    assert result.at == NOW


def test_window_needs_every_recipient_zone() -> None:
    # New York opens at 14:00 UTC and Chicago at 15:00 UTC.
    wait = window_node(["tue"], "09:00", "17:00")

    result = target(wait, window_zones=[NEW_YORK, "America/Chicago"])

    assert result.at == utc(2026, 12, 1, 15, 0)


def test_window_zones_without_overlap_use_recipient_zone() -> None:
    wait = window_node(["tue"], "09:00", "17:00")

    result = target(wait, window_zones=["Pacific/Honolulu", "Europe/Berlin"])

    assert result.at == utc(2026, 12, 1, 14, 0)
    assert "used the run's default time zone America/New_York" in result.reason


def test_window_spring_forward_day() -> None:
    # 2026-03-08 is a Sunday; 09:00 EDT is 13:00 UTC.
    result = target(window_node(["sun"], "09:00", "17:00"), now=utc(2026, 3, 7, 12, 0))

    assert result.at == utc(2026, 3, 8, 13, 0)


def test_window_end_before_start_fails() -> None:
    result = target(window_node(["mon"], "17:00", "09:00"))

    assert result.at is None
    assert result.failure is not None
    assert "past midnight" in result.failure


def test_window_unknown_zone_fails() -> None:
    result = target(window_node(["mon"], "09:00", "17:00"), zone="Nowhere/Town")

    assert result.at is None
    assert result.failure is not None
    assert "Nowhere/Town" in result.failure


def test_naive_now_raises() -> None:
    with pytest.raises(ValueError, match="aware"):
        target(node(field="due_date"), {"due_date": "2026-12-06"}, now=datetime(2026, 12, 1))


@pytest.mark.parametrize(("value", "offset"), [("9999-12-31", "+1 day"), ("0001-01-01", "-1 day")])
def test_field_date_out_of_range_fails(value: str, offset: str) -> None:
    wait = node(field="due_date", offset=offset, timezone="Asia/Tokyo")

    result = target(wait, {"due_date": value})

    assert result.at is None
    assert result.failure == f"date '{value}' in field 'due_date' is out of range"
