"""The serializer of every JSON column, which rejects values the column cannot hold."""

from __future__ import annotations

import json
from typing import Any

from journeys.domain.jsonvalues import find_json_problem, format_path


def dump_json(value: Any) -> str:
    """Serialize a JSON column's value; raise ValueError for NaN, Infinity or NUL, which the column cannot hold.

    Without this check SQLite would store NaN and Infinity as text that no JSON
    reader accepts, and PostgreSQL would store NUL in a json value that then
    fails every read as text. Callers check input first, so this only catches a mistake.
    """
    try:
        text = json.dumps(value, allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"cannot store a NaN or Infinity number in a JSON column: {exc}") from exc
    # A backslash written out before "u0000" also matches, so the walk decides.
    if "\\u0000" in text:
        problem = find_json_problem(value)
        if problem is not None:
            path, reason = problem
            raise ValueError(f"cannot store a NUL character in a JSON column, at {format_path(path) or 'the top'}: {reason}")
    return text
