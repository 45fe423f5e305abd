"""Conversion of Pydantic validation errors into readable `Problem`s.

Each problem is located by the id of the node it is in, when the node has one,
and by a path such as `nodes[2].cases[0].when.op` or `fields[1].name`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from journeys.domain.document import (
    TIME_OF_DAY,
    BranchNode,
    CallNode,
    EndNode,
    SmsNode,
    StartNode,
    TimeDelayNode,
    WaitUntilNode,
)
from journeys.errors import Problem

NODE_MODELS: Mapping[str, type[BaseModel]] = {
    "start": StartNode,
    "call": CallNode,
    "sms": SmsNode,
    "time_delay": TimeDelayNode,
    "wait_until": WaitUntilNode,
    "branch": BranchNode,
    "end": EndNode,
}
MAX_SHOWN_INPUT = 60

PathPart = str | int


def schema_problems(error: ValidationError, raw: Mapping[str, Any]) -> list[Problem]:
    """Return one Problem for each error in `error`, which validating `raw` raised."""
    problems: list[Problem] = []
    for details in error.errors():
        problem = _problem(details, raw)
        if problem not in problems:
            problems.append(problem)
    return problems


def format_path(parts: Sequence[PathPart]) -> str:
    """Return a path such as `nodes[2].cases[0].next` for its parts."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = part
    return text


def _problem(details: ErrorDetails, raw: Mapping[str, Any]) -> Problem:
    parts = _path_parts(details["loc"], raw, details["type"])
    node = _node_of(parts, raw)
    node_id = node.get("id") if node is not None else None
    if not isinstance(node_id, str) or not node_id:
        node_id = None

    # Within a node the location is given relative to the node, because the
    # node id already names the node.
    inner = parts[2:] if node is not None else parts
    key = inner[-1] if inner and isinstance(inner[-1], str) else None
    context = inner[:-1] if key is not None else inner
    message = _message(details, key, node)
    if context and node is not None:
        message = f"{format_path(context)}: {message}"
    return Problem(message, node_id=node_id, path=format_path(parts) or None)


def _path_parts(loc: tuple[int | str, ...], raw: Any, kind: str) -> list[PathPart]:
    # Pydantic puts the tag of each discriminated union in the location
    # (('nodes', 1, 'call', 'agent')). Walking the raw input alongside distinguishes a
    # tag, which the input does not contain, from a real key. The one real key
    # the input lacks is the last one of a `missing` error.
    parts: list[PathPart] = []
    current: Any = raw
    for position, element in enumerate(loc):
        if isinstance(current, Mapping) and element in current:
            current = current[element]
        elif isinstance(current, list) and isinstance(element, int) and 0 <= element < len(current):
            current = current[element]
        elif not (kind == "missing" and position == len(loc) - 1):
            continue
        parts.append(element)
    return parts


def _node_of(parts: Sequence[PathPart], raw: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if len(parts) < 2 or parts[0] != "nodes" or not isinstance(parts[1], int):
        return None
    nodes = raw.get("nodes")
    node = nodes[parts[1]] if isinstance(nodes, list) and parts[1] < len(nodes) else None
    return node if isinstance(node, Mapping) else None


def _message(details: ErrorDetails, key: str | None, node: Mapping[str, Any] | None) -> str:
    kind = details["type"]
    context = details.get("ctx") or {}
    noun = "setting" if node is not None else "key"
    shown_input = _shorten(details.get("input"))

    if kind == "missing":
        return f"missing {noun} '{key}'"
    if kind == "extra_forbidden":
        return f"unknown {noun} '{key}'{_suggestion(key, node)}"
    if kind == "literal_error":
        allowed = ", ".join(re.findall(r"'([^']*)'", str(context.get("expected", ""))))
        return f"'{key}' must be one of {allowed}, not {shown_input}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _node_type_message(kind, context)
    if kind == "value_error":
        return str(details["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch" and context.get("pattern") == TIME_OF_DAY:
        return f"'{key}' must be a 24-hour time of day such as 09:30, not {shown_input}"
    if kind in ("string_too_short", "too_short") and context.get("min_length") == 1:
        return f"'{key}' must not be empty"
    return _generic_message(details, key, shown_input)


def _node_type_message(kind: str, context: Mapping[str, Any]) -> str:
    types = ", ".join(NODE_MODELS)
    if kind == "union_tag_not_found":
        return f"missing setting 'type'; use one of {types}"
    return f"unknown node type '{context.get('tag')}'; use one of {types}"


def _generic_message(details: ErrorDetails, key: str | None, shown_input: str) -> str:
    reason = str(details["msg"])
    reason = reason[:1].lower() + reason[1:]
    where = f"invalid '{key}'" if key is not None else "invalid value"
    return f"{where}: {reason}, not {shown_input}"


def _suggestion(key: str | None, node: Mapping[str, Any] | None) -> str:
    if key is None or node is None:
        return ""
    model = NODE_MODELS.get(str(node.get("type")))
    if model is None:
        return ""
    close = difflib.get_close_matches(key, list(model.model_fields), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _shorten(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN_INPUT else text[: MAX_SHOWN_INPUT - 3] + "..."
