"""Checks on JSON values from outside before they reach a validator or a column.

Three kinds of value parse but cannot be stored or read back:

- U+0000 in a string or key. PostgreSQL text columns reject it, and its json
  type accepts it but fails every later read of that value as text.
- NaN, Infinity and numbers beyond about ±1.8e308. JSON has none of them, yet
  Python's json module reads them (the large numbers as infinity), and SQLite
  would then store text that no JSON reader accepts.
- Deep nesting, which exhausts Python's recursion limit in the parser, in
  Pydantic or in the JSON encoder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from journeys.domain.text import NUL, control_character_problem
from journeys.errors import InvalidInputError

# Journey documents, run settings and callback data nest a few levels, and
# conditions of conditions perhaps a dozen, so deeper input is a mistake or an attack.
MAX_DEPTH = 64

JsonPath = tuple[str | int, ...]

TOO_DEEP = f"the value is nested more than {MAX_DEPTH} levels deep; flatten it"
NOT_FINITE = (
    "the number is not finite: JSON has no NaN or Infinity, and numbers must lie "
    "within ±1.7976931348623157e308; send a finite number"
)


class JsonValueError(InvalidInputError):
    """A JSON value that cannot be stored: nested too deeply, with a NUL character or a non-finite number."""

    code = "invalid_json_value"

    def __init__(self, path: JsonPath, problem: str) -> None:
        where = format_path(path)
        super().__init__(f"{where}: {problem}" if where else problem)
        self.path = path
        self.problem = problem


def parse_json(text: str | bytes) -> Any:
    """Parse JSON text and return the value, checked by check_json_value.

    Raises json.JSONDecodeError for text that is not JSON, ValueError for an
    integer literal longer than Python converts (4,300 digits by default) and
    JsonValueError for a value check_json_value rejects.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        # The parser gives up near Python's recursion limit (1,000 frames by default).
        raise JsonValueError((), TOO_DEEP) from None
    check_json_value(value)
    return value


def check_json_value(value: Any) -> None:
    """Raise JsonValueError at the first string, key or number that cannot be stored, in document order."""
    problem = find_json_problem(value)
    if problem is not None:
        raise JsonValueError(*problem)


def find_json_problem(value: Any) -> tuple[JsonPath, str] | None:
    """Return the path and reason of the first value that cannot be stored, or None.

    The walk uses its own stack, not recursion, so that any depth is safe to check.
    Keys that contain NUL show in the path with NUL written as the text \\u0000.
    """
    stack: list[tuple[JsonPath, Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if len(path) > MAX_DEPTH:
            return path[:MAX_DEPTH], TOO_DEEP

        problem = _scalar_problem(item)
        if problem is not None:
            return path, problem

        if isinstance(item, Mapping):
            children: list[tuple[JsonPath, Any]] = []
            for key, child in item.items():
                if isinstance(key, str) and NUL in key:
                    return (*path, _shown_key(key)), f"the key {control_character_problem(NUL, key.index(NUL))}"
                children.append(((*path, key), child))
            stack.extend(reversed(children))
        elif isinstance(item, (list, tuple)):
            stack.extend(((*path, index), child) for index, child in reversed(list(enumerate(item))))
    return None


def format_path(path: JsonPath) -> str:
    """Return a path such as `nodes[2].message` for its parts."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _scalar_problem(item: Any) -> str | None:
    if isinstance(item, str) and NUL in item:
        return control_character_problem(NUL, item.index(NUL))
    if isinstance(item, float) and not math.isfinite(item):
        return NOT_FINITE
    return None


def _shown_key(key: str) -> str:
    return key.replace(NUL, "\\u0000")
