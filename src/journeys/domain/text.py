"""Checks on free text that is stored as it is: no control characters.

PostgreSQL text columns cannot hold NUL at all, and other control characters in
names, emails or URLs are never intended, so they are rejected before any query.
"""

from __future__ import annotations

import re

from journeys.errors import InvalidInputError

NUL = "\x00"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Multi-line text may keep tabs and line breaks.
_CONTROL_EXCEPT_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value: str, what: str, *, multiline: bool = False) -> str:
    """Return `value`, or raise InvalidInputError if it contains a control character.

    The message gives the character and its position but not the value, so
    `what` may name a secret.
    """
    found = (_CONTROL_EXCEPT_BREAKS if multiline else _CONTROL).search(value)
    if found is None:
        return value
    raise InvalidInputError(f"invalid {what}: {control_character_problem(found.group(), found.start())}")


def control_character_problem(char: str, index: int) -> str:
    """Return the reason, for an error message, that text with `char` at `index` (counted from 0) is rejected."""
    return f"it contains the control character U+{ord(char):04X} at position {index + 1}; remove it"


# Error messages quote values from files and requests; a longer value is cut here.
MAX_QUOTED_CHARS = 60


def quoted(value: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """Return `value` quoted as `repr` does, cut to `limit` characters with an ellipsis."""
    if len(value) <= limit:
        return repr(value)
    return repr(value[:limit]) + f"… ({len(value):,} characters)"
