"""Cell values for CSV exports, guarded against spreadsheet formula injection.

A spreadsheet runs a cell whose text starts with `=`, `+`, `-`, `@`, a tab or
a carriage return as a formula, so such text gets a leading `'`, which
spreadsheets show as plain text. Two kinds of value are written unguarded:

- JSON numbers (`-5`, `1.5`): a spreadsheet reads them as numbers, not as
  formulas, and a guard would turn a negative balance into text.
- Phone numbers in E.164 form (`+12025550120`): the importer validated them,
  and they must re-import as they are. A phone value that is not E.164 is
  guarded like any text.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Matched with fullmatch: `$` would also accept a trailing newline.
E164 = re.compile(r"\+[1-9][0-9]{1,14}")

# Floats up to this size print without a decimal part when they are whole.
_MAX_EXACT_FLOAT = 2.0**53


def guard_text(text: str) -> str:
    """Return `text`, prefixed with `'` when a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def format_value(value: Any) -> str:
    """Format a stored value as cell text: empty for null, true/false, plain numbers.

    Strings, and lists or dicts (written as JSON), go through `guard_text`.
    """
    # Text first: an export formats millions of these.
    if value.__class__ is str:
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return guard_text(json.dumps(value, ensure_ascii=False))
    return guard_text(str(value))


def format_phone(value: Any) -> str:
    """Format a phone number: E.164 text as it is, anything else as `format_value` does."""
    if isinstance(value, str) and E164.fullmatch(value):
        return value
    return format_value(value)


def format_number(value: float) -> str:
    """Format a float without exponent notation, and whole values without `.0`."""
    if not math.isfinite(value):
        return repr(value)
    if value.is_integer() and abs(value) <= _MAX_EXACT_FLOAT:
        return str(int(value))

    text = repr(value)
    if "e" in text or "E" in text:
        # Spreadsheets and the importer may read 1e-07 differently; 0.0000001 is unambiguous.
        text = format(Decimal(text), "f")
    return text


def format_utc(value: datetime | None) -> str:
    """Format a time as ISO 8601 UTC to the second, such as 2026-12-04T19:20:00Z.

    A naive datetime is taken as UTC, because SQLite returns stored UTC times
    without their offset.
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
