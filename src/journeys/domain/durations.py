"""Relative offsets such as `+3 days` or `-2 hours`, used by conditions and waits."""

from __future__ import annotations

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
