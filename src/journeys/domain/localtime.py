"""Conversions between UTC instants and local wall-clock times in IANA time zones.

Storage is UTC with aware datetimes. Local times exist only at the edges: schedules,
wait targets and calling windows. Two wall-clock hazards are handled here once:

- a local time that does not exist, because clocks go forward over it;
- a local time that happens twice, because clocks go back over it. The first
  occurrence (`fold=0`) is meant.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from journeys.errors import InvalidInputError

_LOCAL_TEXT = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*$")
_LOCAL_EXAMPLE = "2026-12-05 09:00"


def load_zone(name: str) -> ZoneInfo:
    """Return the `ZoneInfo` for an IANA name, raising InvalidInputError when it is unknown."""
    zone = _find_zone(name)
    if zone is None:
        raise InvalidInputError(
            f"unknown time zone {name!r}: use an IANA name such as "
            "'America/New_York', 'Europe/London' or 'UTC'"
        )
    return zone


def is_known_zone(name: str) -> bool:
    """Return whether `name` is an IANA time zone that `zoneinfo` can load."""
    return _find_zone(name) is not None


@lru_cache(maxsize=1024)
def _find_zone(name: str) -> ZoneInfo | None:
    # ZoneInfo rejects malformed keys (absolute paths, "..") with ValueError and
    # missing ones with ZoneInfoNotFoundError. Both mean "unknown" to a user.
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_local(text: str) -> datetime:
    """Parse a naive local date and time such as `2026-12-05 09:00` or `2026-12-05T09:00:30`."""
    match = _LOCAL_TEXT.match(text) if isinstance(text, str) else None
    parsed: datetime | None = None
    if match is not None:
        try:
            parsed = datetime.fromisoformat(f"{match.group(1)}T{_pad_hour(match.group(2))}")
        except ValueError:
            parsed = None

    if parsed is None:
        raise InvalidInputError(
            f"invalid local date and time {text!r}: write it as 'YYYY-MM-DD HH:MM', "
            f"such as '{_LOCAL_EXAMPLE}'"
        )
    return parsed


def _pad_hour(clock: str) -> str:
    return clock if clock.index(":") == 2 else f"0{clock}"


def local_to_utc(local: str | datetime, zone: str) -> datetime:
    """Convert a local date and time in `zone` to an aware UTC datetime, strictly.

    Text is read by `parse_local`. A naive datetime is local to `zone`. An aware
    datetime already names its instant and is only converted to UTC. A time that
    happens twice means its first occurrence. A time that does not exist raises
    InvalidInputError, and the message suggests the first valid time after it.
    """
    tz = load_zone(zone)
    wall = parse_local(local) if isinstance(local, str) else local
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)

    if is_nonexistent(wall, tz):
        suggestion = format_wall(resolve_local(wall, tz).astimezone(tz).replace(tzinfo=None))
        raise InvalidInputError(
            f"{format_wall(wall)} does not exist in {tz.key} because clocks go forward; "
            f"use {suggestion}"
        )
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def is_nonexistent(wall: datetime, zone: ZoneInfo) -> bool:
    """Return whether the naive wall time `wall` falls in a gap where clocks go forward in `zone`."""
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None, fold=0)


def resolve_local(wall: datetime, zone: ZoneInfo) -> datetime:
    """Convert a naive wall time to UTC leniently, for targets computed from data.

    A time that happens twice resolves to its first occurrence. A time that does not
    exist resolves to the first valid instant after it, which is the moment clocks
    go forward (02:30 on a spring-forward day in New York becomes 03:00 EDT).
    """
    naive = wall.replace(tzinfo=None, fold=0)
    if not is_nonexistent(naive, zone):
        return naive.replace(tzinfo=zone).astimezone(UTC)

    # Inside a gap, fold=1 reads the wall time with the offset after the change and
    # fold=0 with the offset before it. The change lies between those two instants.
    early = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    late = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return find_offset_change(zone, min(early, late), max(early, late))


def find_offset_change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """Return the first whole-second UTC instant in (before, after] with the offset of `after`.

    The caller must ensure that the UTC offset changes exactly once in that range.
    TZif files store every change as whole seconds, so bisecting seconds is exact.
    """
    target = after.astimezone(zone).utcoffset()
    low = before.replace(microsecond=0)
    high = after.replace(microsecond=0)
    if after.microsecond:
        high += timedelta(seconds=1)

    while high - low > timedelta(seconds=1):
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if middle.astimezone(zone).utcoffset() == target:
            high = middle
        else:
            low = middle
    return high


def to_local(utc: datetime, zone: str) -> datetime:
    """Return the aware local datetime in `zone` for an aware instant."""
    _require_aware(utc, "to_local")
    return utc.astimezone(load_zone(zone))


def format_local(utc: datetime, zone: str) -> str:
    """Format an aware instant as local wall time followed by the zone name.

    The form is `2026-12-05 09:00 America/New_York`. Seconds appear only when they
    are not zero. During the repeated hour when clocks go back, the abbreviation is
    added (`2026-11-01 01:30 EST America/New_York`) so that both occurrences differ.
    """
    tz = load_zone(zone)
    local = to_local(utc, zone)
    text = format_wall(local.replace(tzinfo=None))
    if _is_repeated(local):
        text = f"{text} {local.tzname()}"
    return f"{text} {tz.key}"


def format_wall(wall: datetime) -> str:
    """Format a naive wall time as `YYYY-MM-DD HH:MM`, with `:SS` only when seconds are set."""
    # strftime's %Y does not pad years before 1000 on glibc, so the year is padded here.
    pattern = "-%m-%d %H:%M:%S" if wall.second else "-%m-%d %H:%M"
    return f"{wall.year:04d}{wall.strftime(pattern)}"


def _is_repeated(local: datetime) -> bool:
    other = local.replace(fold=1 - local.fold)
    return other.utcoffset() != local.utcoffset()


def _require_aware(value: datetime, where: str) -> None:
    # A naive datetime here is a programming error: storage and clocks are aware UTC.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{where} needs an aware datetime, got naive {value.isoformat()}")
