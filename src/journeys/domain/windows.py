"""Calling windows: the days and local hours in which calls and SMS may be sent.

A window is one or more ranges such as `mon-fri 09:00-20:00; sat 10:00-14:00`. A
local wall time is inside the window when its weekday is one of a range's days and
its time of day is at or after the range's start and before its end.

`next_open_time` applies the several-zones rule: a recipient whose number maps to
several time zones may be contacted only when every one of them is inside the window.
It intersects each zone's open intervals in UTC. The intervals come from the zone's
UTC offset segments, so days when clocks go forward or back are exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from journeys.domain.localtime import find_offset_change, is_known_zone, load_zone
from journeys.errors import InvalidInputError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WINDOW_TEXT = "daily 09:00-20:00"
# How far ahead `next_open_time` looks for an instant that suits every zone.
SEARCH_HORIZON = timedelta(days=14)

_DAY_NAMES = {
    **{name: index for index, name in enumerate(WEEKDAYS)},
    "monday": 0, "tues": 1, "tuesday": 1, "wednesday": 2, "thur": 3, "thurs": 3,
    "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_DAY_WORDS = {
    "daily": tuple(range(7)), "every day": tuple(range(7)), "everyday": tuple(range(7)),
    "weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6), "weekend": (5, 6),
}
_RANGE_TEXT = re.compile(r"^(?P<days>.*?)\s*(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$")
_EXAMPLES = (
    "write days and hours such as 'mon-fri 09:00-20:00', or several ranges separated "
    "by ';' such as 'mon-fri 09:00-20:00; sat 10:00-14:00'"
)


class _WindowTextError(ValueError):
    """A reason why part of a window is invalid. Public functions add the text it came from."""

    def __init__(self, reason: str, *, shows_example: bool = False) -> None:
        super().__init__(reason)
        self.shows_example = shows_example


@dataclass(frozen=True)
class WindowRange:
    """Weekdays (0 is Monday) and a local start and end time of day, end after start."""

    days: tuple[int, ...]
    start: time
    end: time

    def __post_init__(self) -> None:
        try:
            _check_range(self.days, self.start, self.end)
        except _WindowTextError as exc:
            raise InvalidInputError(f"invalid calling window range: {exc}") from exc
        object.__setattr__(self, "days", tuple(sorted(set(self.days))))

    def contains(self, wall: datetime) -> bool:
        """Return whether the wall time `wall` is inside this range."""
        return wall.weekday() in self.days and self.start <= wall.time() < self.end

    def __str__(self) -> str:
        return f"{format_days(self.days)} {self.start:%H:%M}-{self.end:%H:%M}"


def _check_range(days: tuple[int, ...], start: time, end: time) -> None:
    if not days or any(day not in range(7) for day in days):
        raise _WindowTextError(f"days {days!r} must be weekdays from 0 (Monday) to 6 (Sunday)")
    if end > start:
        return

    raise _WindowTextError(_reversed_reason(days, start, end), shows_example=True)


def _reversed_reason(days: Iterable[int], start: time, end: time) -> str:
    chosen = tuple(days)
    day_text = format_days(chosen)
    next_days = format_days((day + 1) % 7 for day in chosen)
    return (
        f"the end {end:%H:%M} is not after the start {start:%H:%M}, and a range cannot run "
        "past midnight. Split an overnight window into two ranges, such as "
        f"'{day_text} {start:%H:%M}-23:59; {next_days} 00:00-{end:%H:%M}'"
    )


@dataclass(frozen=True)
class CallingWindow:
    """One or more day-and-hour ranges; an instant is inside when any range contains it."""

    ranges: tuple[WindowRange, ...]

    def __post_init__(self) -> None:
        if not self.ranges:
            raise InvalidInputError(f"a calling window needs at least one range: {_EXAMPLES}")
        object.__setattr__(self, "ranges", tuple(self.ranges))

    @classmethod
    def parse(cls, text: str) -> CallingWindow:
        """Parse the command-line form, such as `mon-fri 09:00-20:00; sat 10:00-14:00`.

        Raises InvalidInputError naming the text and showing a valid example.
        """
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError(f"invalid calling window {text!r}: it is empty; {_EXAMPLES}")

        parts = [part.strip() for part in text.split(";") if part.strip()]
        try:
            return cls(tuple(_parse_range(part) for part in parts))
        except _WindowTextError as exc:
            hint = "" if exc.shows_example else f"; {_EXAMPLES}"
            raise InvalidInputError(f"invalid calling window {text!r}: {exc}{hint}") from exc

    @classmethod
    def default(cls) -> CallingWindow:
        """Return the default window: 09:00 to 20:00 every day."""
        return cls.parse(DEFAULT_WINDOW_TEXT)

    @classmethod
    def from_days(cls, days: Iterable[str] | str, start: str, end: str) -> CallingWindow:
        """Build a one-range window from day names and `HH:MM` times, as a `wait_until` window gives.

        `days` is a list such as `["mon", "fri"]` or text such as `"mon-fri"`.
        """
        try:
            if isinstance(days, str):
                indexes = _parse_days(days)
            else:
                indexes = tuple(_day_index(day, str(day)) for day in days)
            return cls((_make_range(indexes, _parse_time(start), _parse_time(end)),))
        except _WindowTextError as exc:
            raise InvalidInputError(
                f"invalid calling window (days {days!r}, start {start!r}, end {end!r}): {exc}"
            ) from exc

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CallingWindow:
        """Read the form `to_dict` writes; a single `{days, start, end}` mapping is accepted too."""
        if not isinstance(data, Mapping):
            raise InvalidInputError(
                f"invalid calling window {data!r}: expected a mapping with 'ranges'"
            )
        items = data.get("ranges", [data] if "days" in data else None)
        if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
            raise InvalidInputError(
                f"invalid calling window {dict(data)!r}: expected 'ranges', a list of "
                "{'days': [...], 'start': 'HH:MM', 'end': 'HH:MM'}"
            )
        ranges = [cls.from_days(item.get("days", []), item.get("start", ""), item.get("end", ""))
                  for item in items]
        return cls(tuple(window.ranges[0] for window in ranges))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form that `from_dict` reads back."""
        return {
            "ranges": [
                {
                    "days": [WEEKDAYS[day] for day in item.days],
                    "start": f"{item.start:%H:%M}",
                    "end": f"{item.end:%H:%M}",
                }
                for item in self.ranges
            ]
        }

    def contains(self, wall: datetime) -> bool:
        """Return whether the local wall time `wall` is inside any range."""
        return any(item.contains(wall) for item in self.ranges)

    def __str__(self) -> str:
        return "; ".join(str(item) for item in self.ranges)


def _parse_range(text: str) -> WindowRange:
    match = _RANGE_TEXT.match(text)
    if match is None:
        raise _WindowTextError(f"cannot read {text!r} as days followed by 'HH:MM-HH:MM'")

    start, end = _parse_time(match.group("start")), _parse_time(match.group("end"))
    if match.group("days").strip():
        return _make_range(_parse_days(match.group("days")), start, end)

    # Name every problem at once: missing days and, when the times are also reversed, that.
    reasons = ["no days are given: start the range with days such as 'mon-fri' or 'daily'"]
    if end <= start:
        reasons.append(_reversed_reason((0, 1, 2, 3, 4, 5, 6), start, end))
    raise _WindowTextError("; ".join(reasons), shows_example=len(reasons) > 1)


def _make_range(days: tuple[int, ...], start: time, end: time) -> WindowRange:
    _check_range(days, start, end)
    return WindowRange(days, start, end)


def _parse_days(text: str) -> tuple[int, ...]:
    spec = " ".join(text.lower().split())
    if not spec:
        raise _WindowTextError("the days are missing")
    if spec in _DAY_WORDS:
        return _DAY_WORDS[spec]

    days: list[int] = []
    for item in spec.split(","):
        first, dash, last = (part.strip() for part in item.partition("-"))
        start = _day_index(first, item)
        end = _day_index(last, item) if dash else start
        # A range may wrap past Sunday: fri-mon is fri, sat, sun, mon.
        days.extend((start + step) % 7 for step in range((end - start) % 7 + 1))
    return tuple(days)


def _day_index(name: str, where: str) -> int:
    index = _DAY_NAMES.get(name.strip().lower()) if isinstance(name, str) else None
    if index is None:
        context = f" in {where.strip()!r}" if where.strip() != str(name).strip() else ""
        raise _WindowTextError(
            f"unknown day {name!r}{context}: use mon, tue, wed, thu, fri, sat, sun, "
            "a range such as 'mon-fri', or 'daily'"
        )
    return index


def _parse_time(text: str) -> time:
    hours, _, minutes = text.strip().partition(":") if isinstance(text, str) else ("", "", "")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise _WindowTextError(f"invalid time {text!r}: write it as HH:MM, such as '09:00'")
    if int(hours) > 23 or int(minutes) > 59:
        raise _WindowTextError(
            f"invalid time {text!r}: hours run from 00 to 23 and minutes from 00 to 59"
        )
    return time(int(hours), int(minutes))


def format_days(days: Iterable[int]) -> str:
    """Format weekdays compactly: `daily`, `mon-fri`, `fri-mon` (wrapping) or `mon,wed,fri`."""
    chosen = set(days)
    if len(chosen) == 7:
        return "daily"

    # A run starts at a chosen day whose previous day is not chosen; runs may wrap past Sunday.
    parts = []
    for first in sorted(day for day in chosen if (day - 1) % 7 not in chosen):
        last = first
        while (last + 1) % 7 in chosen:
            last = (last + 1) % 7
        parts.append(WEEKDAYS[first] if last == first else f"{WEEKDAYS[first]}-{WEEKDAYS[last]}")
    return ",".join(parts)


# --- When the window opens ---------------------------------------------------


@dataclass(frozen=True)
class WindowDecision:
    """When a call or SMS may go out, and why, if a fallback decided it."""

    at: datetime
    note: str | None = None


def next_open_time(
    window: CallingWindow | None,
    zones: Sequence[str],
    now: datetime,
    *,
    default_zone: str,
) -> WindowDecision:
    """Return the earliest instant, from `now` on, when every zone is inside the window.

    `at` is `now` when all zones are inside the window now, and `window=None` means
    always open. Unknown zone names are skipped. When no known zone remains, or no
    instant within `SEARCH_HORIZON` suits all of them, `default_zone` alone decides
    and `note` explains why. Raises InvalidInputError when `default_zone` is unknown.
    """
    now = _as_utc(now)
    if window is None:
        return WindowDecision(now)

    known, notes = _known_zones(zones)
    if not known:
        missing = "no known time zone" if zones else "no time zone"
        notes.append(f"the recipient has {missing}; used the run's default time zone {default_zone}")
        return WindowDecision(_open_in_default(window, default_zone, now), "; ".join(notes))

    at = earliest_open_in_all(window, [load_zone(name) for name in known], now)
    if at is None:
        notes.append(f"no time in the next {SEARCH_HORIZON.days} days is inside the calling "
                     f"window in all of {', '.join(known)}; used the run's default time zone "
                     f"{default_zone}")
        at = _open_in_default(window, default_zone, now)
    return WindowDecision(at, "; ".join(notes) or None)


def is_open(
    window: CallingWindow | None, zones: Sequence[str], now: datetime, *, default_zone: str = "UTC"
) -> bool:
    """Return whether a call or SMS may go out at `now`, by the rules of `next_open_time`."""
    return next_open_time(window, zones, now, default_zone=default_zone).at == _as_utc(now)


def _known_zones(zones: Sequence[str]) -> tuple[list[str], list[str]]:
    known: list[str] = []
    notes: list[str] = []
    for name in zones:
        if not is_known_zone(name):
            notes.append(f"skipped unknown time zone {name!r}")
        elif load_zone(name).key not in known:
            known.append(load_zone(name).key)
    return known, notes


def _open_in_default(window: CallingWindow, default_zone: str, now: datetime) -> datetime:
    zone = load_zone(default_zone)
    at = earliest_open_in_all(window, [zone], now)
    if at is None:
        # Each weekday comes twice within the horizon, and a change of clocks removes a
        # range on at most one of those days. This raise is a guard, not a real path.
        raise InvalidInputError(
            f"the calling window '{window}' never opens in {zone.key} in the next "
            f"{SEARCH_HORIZON.days} days; widen the window"
        )
    return at


def earliest_open_in_all(
    window: CallingWindow, zones: Sequence[ZoneInfo], now: datetime
) -> datetime | None:
    """Return the earliest instant from `now` within the horizon when all zones are inside, or None."""
    if all(window.contains(now.astimezone(zone)) for zone in zones):
        return now

    horizon_end = now + SEARCH_HORIZON
    common = open_intervals(window, zones[0], now, horizon_end)
    for zone in zones[1:]:
        common = _intersect(common, open_intervals(window, zone, now, horizon_end))
    return common[0][0] if common else None


Interval = tuple[datetime, datetime]


def open_intervals(
    window: CallingWindow, zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """Return the sorted, merged UTC intervals in [start, end) when `zone` is inside the window.

    Within one offset segment the wall time is the UTC time plus a fixed offset, so a
    range's local start and end map to UTC by subtracting it. Clipping to the segment
    drops wall times skipped when clocks go forward and keeps both passes through
    times repeated when clocks go back.
    """
    found: list[Interval] = []
    for seg_start, seg_end, offset in _offset_segments(zone, start, end):
        first_day = (seg_start + offset).date()
        last_day = (seg_end + offset).date()
        for day in _days_between(first_day, last_day):
            for item in window.ranges:
                if day.weekday() not in item.days:
                    continue
                low = datetime.combine(day, item.start, tzinfo=UTC) - offset
                high = datetime.combine(day, item.end, tzinfo=UTC) - offset
                low, high = max(low, seg_start), min(high, seg_end)
                if low < high:
                    found.append((low, high))
    return _merge(found)


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=step) for step in range((last - first).days + 1)]


def _offset_segments(
    zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, timedelta]]:
    segments = []
    day = start.date()
    while datetime.combine(day, time(), tzinfo=UTC) < end:
        for seg_start, seg_end, offset in _day_segments(zone, day):
            low, high = max(seg_start, start), min(seg_end, end)
            if low < high:
                segments.append((low, high, offset))
        day += timedelta(days=1)
    return segments


# Between 1970 and 2040 no tzdata zone changes its offset twice within six days
# (checked against tzdata 2026), so sampling every 3 hours and bisecting between
# samples finds every change.
_SAMPLE_STEP = timedelta(hours=3)


@lru_cache(maxsize=8192)
def _day_segments(zone: ZoneInfo, day: date) -> tuple[tuple[datetime, datetime, timedelta], ...]:
    """Split one UTC day into runs of constant UTC offset in `zone`."""
    day_start = datetime.combine(day, time(), tzinfo=UTC)
    day_end = day_start + timedelta(days=1)

    changes = []
    sample = day_start
    while sample < day_end:
        following = min(sample + _SAMPLE_STEP, day_end)
        if _offset(zone, sample) != _offset(zone, following):
            changes.append(find_offset_change(zone, sample, following))
        sample = following

    bounds = [day_start, *[change for change in changes if change < day_end], day_end]
    return tuple(
        (low, high, _offset(zone, low)) for low, high in zip(bounds, bounds[1:]) if low < high
    )


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    return offset if offset is not None else timedelta(0)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _intersect(left: list[Interval], right: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        low = max(left[i][0], right[j][0])
        high = min(left[i][1], right[j][1])
        if low < high:
            result.append((low, high))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"next_open_time needs an aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)
