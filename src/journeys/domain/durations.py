"""Relative offsets such as `+3 days` or `-2 hours`, used by conditions and waits."""

from __future__ import annotations

import math
import re
from datetime import timedelta

_OFFSET = re.compile(
    r"^\s*([+-])\s*(\d+(?:\.\d+)?)\s*(minute|minutes|hour|hours|day|days|week|weeks)\s*$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "week": 604800}


def parse_offset(text: str) -> timedelta:
    """Parse an offset like `+3 days` or `-90 minutes` into a timedelta.

    Raises ValueError naming the text when it is not of that form.
    """
    match = _OFFSET.match(text)
    if match is None:
        raise ValueError(
            f"invalid offset {text!r}: write a sign, a number and a unit, "
            "such as '+3 days', '-2 hours' or '+30 minutes'"
        )
    sign, amount, unit = match.groups()
    seconds = float(amount) * _UNIT_SECONDS[unit.lower().rstrip("s")]
    return timedelta(seconds=-seconds if sign == "-" else seconds)


def is_offset(text: str) -> bool:
    """Return whether `text` is an offset that `parse_offset` accepts."""
    return _OFFSET.match(text) is not None


# The longest time a `time_delay` node or a `wait_until` offset may hold a
# recipient. Ten years is far past any outreach schedule, and it keeps every
# computed date well inside what `datetime` can hold.
MAX_DELAY_DAYS = 3650
MAX_DELAY = timedelta(days=MAX_DELAY_DAYS)
DELAY_UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}


def delay_problem(amount: object, unit: object) -> str | None:
    """Return why `amount` `unit` is not a usable time delay, or None when it is one."""
    if unit not in DELAY_UNIT_SECONDS or isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return None  # The schema check reports a wrong type or unit.
    if not math.isfinite(amount) or amount <= 0:
        return f"amount {amount!r} must be a positive, finite number"
    if amount * DELAY_UNIT_SECONDS[str(unit)] > MAX_DELAY.total_seconds():
        return (
            f"amount {amount:g} {unit} is too long; the maximum is {MAX_DELAY_DAYS:,} days "
            f"({MAX_DELAY_DAYS * 24:,} hours, {MAX_DELAY_DAYS * 1440:,} minutes)"
        )
    return None


def delay_duration(amount: float, unit: str) -> timedelta:
    """Return the duration of a time delay, raising ValueError with the reason when it is unusable."""
    problem = delay_problem(amount, unit)
    if problem is not None:
        raise ValueError(problem)
    return timedelta(seconds=amount * DELAY_UNIT_SECONDS[unit])


def wait_offset_problem(text: str) -> str | None:
    """Return why `text` is not a usable `wait_until` offset, or None when it is one."""
    try:
        offset = parse_offset(text)
    except ValueError as exc:
        return str(exc)
    except OverflowError:
        offset = MAX_DELAY * 2
    if abs(offset) > MAX_DELAY:
        return f"offset {text!r} is too large; the maximum is {MAX_DELAY_DAYS:,} days either way"
    return None
