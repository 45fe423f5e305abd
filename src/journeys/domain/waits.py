"""When a `wait_until` node releases a recipient: a fixed time, a date from data, or a window.

The result is a `WaitTarget`. A problem that comes from the recipient's data or the
node's settings (a missing date, an unknown time zone, a date in the past with
`if_past: fail`) is returned as `failure` instead of raised, so that the engine fails
that one recipient with the reason and moves on. Only a naive `now`, which is a
programming error, raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from journeys.domain.document import WaitUntilNode
from journeys.domain.durations import parse_offset, wait_offset_problem
from journeys.domain.localtime import format_local, load_zone, resolve_local
from journeys.domain.windows import CallingWindow, next_open_time
from journeys.errors import InvalidInputError

# A date field without a `time` setting releases the recipient at this local time.
DEFAULT_TIME_OF_DAY = time(9, 0)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class WaitTarget:
    """When the wait ends (`at`, aware UTC), a sentence for the `delayed` event, or a failure.

    `at` is None exactly when `failure` is set.
    """

    at: datetime | None
    reason: str
    failure: str | None = None


class _WaitFailure(Exception):
    """A reason the recipient cannot wait at this node; it becomes `WaitTarget.failure`."""


def wait_until_target(
    node: WaitUntilNode,
    *,
    data: Mapping[str, Any],
    zone: str,
    window_zones: Sequence[str],
    now: datetime,
) -> WaitTarget:
    """Compute when a recipient at `node` may move on.

    `zone` is the recipient's time zone, used unless the node names a `timezone`.
    `window_zones` are all the zones of the recipient's number, and a `window` wait
    needs every one of them inside the window. `now` must be aware.
    """
    now = _as_utc(now)
    try:
        if node.window is not None:
            return _window_target(node, zone, window_zones, now)
        if node.at is not None:
            target, detail = _at_instant(node, zone), "fixed time"
        else:
            target, detail = _field_target(node, data, zone)
        display_zone = load_zone(node.timezone or zone).key
    except (_WaitFailure, InvalidInputError) as exc:
        return WaitTarget(at=None, reason=str(exc), failure=str(exc))

    return _unless_past(node, target, f"{format_local(target, display_zone)} ({detail})", now)


def _unless_past(node: WaitUntilNode, target: datetime, described: str, now: datetime) -> WaitTarget:
    if target >= now:
        return WaitTarget(at=target, reason=f"until {described}")
    if node.if_past == "fail":
        failure = f"the date {described} is in the past"
        return WaitTarget(at=None, reason=failure, failure=failure)
    return WaitTarget(at=now, reason=f"no wait: {described} is in the past")


# --- at -----------------------------------------------------------------------


def _at_instant(node: WaitUntilNode, zone: str) -> datetime:
    at = node.at
    if at is None:
        raise _WaitFailure("the node has no 'at' time")
    if at.tzinfo is not None:
        return at.astimezone(UTC)

    # A naive `at` is local to the node's timezone (the document requires one). A time
    # that clocks skip resolves to the moment they go forward rather than failing
    # every recipient, so journey validation is where such a time should be rejected.
    return resolve_local(at, load_zone(node.timezone or zone))


# --- field ----------------------------------------------------------------------


def _field_target(node: WaitUntilNode, data: Mapping[str, Any], zone: str) -> tuple[datetime, str]:
    tz = load_zone(node.timezone or zone)
    name = node.field or ""
    raw = data.get(name)
    value = _read_date_value(raw, name)
    try:
        instant = _field_instant(value, _time_of_day(node.time), _offset(node), tz)
    except OverflowError as exc:
        raise _WaitFailure(f"date {raw!r} in field '{name}' is out of range") from exc
    return instant, _field_detail(node, value)


def _field_instant(
    value: date | datetime, time_of_day: time | None, offset: timedelta, tz: ZoneInfo
) -> datetime:
    days, elapsed = _split_offset(offset)

    # An aware datetime with nothing to change on its wall clock is already an instant.
    # Going through wall time would lose which pass of a repeated hour it names.
    if isinstance(value, datetime) and value.tzinfo is not None and time_of_day is None and not days:
        return value.astimezone(UTC) + elapsed

    wall = _local_wall(value, time_of_day, tz) + timedelta(days=days)
    return resolve_local(wall, tz) + elapsed


def _read_date_value(raw: Any, field_name: str) -> date | datetime:
    """Read a field's value as a date or datetime, raising `_WaitFailure` with the reason.

    Text is `YYYY-MM-DD` for a date or ISO 8601 for a datetime, with or without a
    UTC offset. `date` and `datetime` objects are taken as they are.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _WaitFailure(f"missing date in field '{field_name}'")
    if isinstance(raw, date):
        return raw

    parsed: date | datetime | None = None
    if isinstance(raw, str):
        text = raw.strip()
        try:
            parsed = date.fromisoformat(text) if _DATE_ONLY.match(text) else datetime.fromisoformat(text)
        except ValueError:
            parsed = None
    if parsed is None:
        raise _WaitFailure(f"unreadable date {raw!r} in field '{field_name}'")
    return parsed


def _local_wall(value: date | datetime, time_of_day: time | None, tz: ZoneInfo) -> datetime:
    """Return the naive local wall time that a field value and the node's `time` name."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time_of_day or DEFAULT_TIME_OF_DAY)

    wall = value.astimezone(tz).replace(tzinfo=None) if value.tzinfo is not None else value
    if time_of_day is not None:
        wall = datetime.combine(wall.date(), time_of_day)
    return wall


def _split_offset(offset: timedelta) -> tuple[int, timedelta]:
    """Split an offset into whole days, applied to the local date, and the elapsed rest.

    Whole days keep the local time of day across a change of clocks ("-1 day" from
    09:00 is 09:00 the day before). The rest is elapsed time ("+90 minutes").
    """
    sign = -1 if offset < timedelta(0) else 1
    magnitude = abs(offset)
    days = magnitude.days
    return sign * days, (magnitude - timedelta(days=days)) * sign


def _offset(node: WaitUntilNode) -> timedelta:
    if not node.offset:
        return timedelta(0)

    # Validation rejects these offsets; a journey saved before the maximum may hold one.
    problem = wait_offset_problem(node.offset)
    if problem is not None:
        raise _WaitFailure(problem)
    return parse_offset(node.offset)


def _time_of_day(text: str | None) -> time | None:
    if text is None:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError as exc:
        raise _WaitFailure(f"invalid time {text!r}: write it as HH:MM, such as '09:00'") from exc


def _field_detail(node: WaitUntilNode, value: date | datetime) -> str:
    parts = [f"field {node.field}"]
    if node.time is not None:
        parts.append(f"at {node.time}")
    elif not isinstance(value, datetime):
        parts.append(f"at {DEFAULT_TIME_OF_DAY:%H:%M}")
    detail = " ".join(parts)
    return f"{detail}, {node.offset.strip()}" if node.offset else detail


# --- window ---------------------------------------------------------------------


def _window_target(
    node: WaitUntilNode, zone: str, window_zones: Sequence[str], now: datetime
) -> WaitTarget:
    settings = node.window
    if settings is None:
        raise _WaitFailure("the node has no 'window'")
    window = CallingWindow.from_days(settings.days, settings.start, settings.end)

    zones = [node.timezone] if node.timezone else (list(window_zones) or [zone])
    decision = next_open_time(window, zones, now, default_zone=node.timezone or zone)
    display_zone = load_zone(node.timezone or zone).key

    if decision.at == now:
        reason = f"no wait: inside the window {window} ({display_zone})"
    else:
        reason = f"until {format_local(decision.at, display_zone)} (window {window})"
    if decision.note:
        reason = f"{reason}; {decision.note}"
    return WaitTarget(at=decision.at, reason=reason)


def _as_utc(value: datetime) -> datetime:
    # A naive `now` is a programming error: clocks return aware UTC.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"wait_until_target needs an aware 'now', got naive {value.isoformat()}")
    return value.astimezone(UTC)
