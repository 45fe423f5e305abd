"""The journey validator: every problem in a document, each with its node id or path.

The API, the command line and the canvas all validate a journey here before
saving it. Pydantic checks the shape of each part. The checks in this module
need the whole document: references between nodes, reachability, field names
and defaults, template and condition names, time zones, offsets, and
registered sender numbers and agents. They read the raw document, so a node
with an invalid setting still takes part in the graph checks, and one save
lists every problem at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from journeys.domain.document import BUILTIN_FIELDS, DataField, JourneyDocument
from journeys.domain.durations import delay_problem, wait_offset_problem
from journeys.domain.jsonvalues import JsonPath, find_json_problem, format_path
from journeys.domain.outputs import DEFAULT_CASE_LABEL
from journeys.domain.references import (
    NameCatalog,
    condition_problems,
    template_problems,
)
from journeys.domain.schema_problems import schema_problems
from journeys.domain.text import NUL
from journeys.errors import JourneyInvalidError, Problem

# Ids appear in names such as `nodes.call_1.outcome`, so a dot or a space in
# one would make those names unreadable.
NODE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
DATE_FIELD_TYPES = frozenset({"date", "datetime"})
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LISTED = 10
# Node types that park the recipient, so a cycle through one of them is a schedule, not a spin.
PAUSING_TYPES = frozenset({"time_delay", "wait_until"})
_LIST_ITEM = re.compile(r"^(fields|nodes)\[(\d+)\]")


def validate_journey(
    raw: Mapping[str, Any] | JourneyDocument,
    *,
    numbers: set[str] | None = None,
    agents: set[str] | None = None,
) -> JourneyDocument:
    """Return the journey document in `raw`, or raise JourneyInvalidError listing every problem.

    When `numbers` or `agents` is given, every `from_number` or `agent` must
    be one of them. When it is None, that check is skipped.
    """
    document, problems = _validate(raw, numbers, agents)
    if problems or document is None:
        raise JourneyInvalidError(problems)
    return document


def validation_problems(
    raw: Mapping[str, Any] | JourneyDocument,
    *,
    numbers: set[str] | None = None,
    agents: set[str] | None = None,
) -> list[Problem]:
    """Return every problem in the journey document `raw`, or an empty list if it is valid."""
    return _validate(raw, numbers, agents)[1]


@dataclass(frozen=True)
class _RawNode:
    """One entry of the raw `nodes` list, read without trusting its shape."""

    index: int
    id: str | None
    type: str | None
    settings: Mapping[str, Any]

    @classmethod
    def read(cls, index: int, raw: Any) -> _RawNode:
        settings = raw if isinstance(raw, Mapping) else {}
        node_id = settings.get("id")
        node_type = settings.get("type")
        return cls(
            index=index,
            id=node_id if isinstance(node_id, str) and node_id else None,
            type=node_type if isinstance(node_type, str) else None,
            settings=settings,
        )

    def problem(self, message: str, setting: str | None = None) -> Problem:
        path = f"nodes[{self.index}]" + (f".{setting}" if setting else "")
        return Problem(message, node_id=self.id, path=path)

    def text(self, setting: str) -> str | None:
        value = self.settings.get(setting)
        return value if isinstance(value, str) else None

    def targets(self) -> list[tuple[str, str]]:
        """Return `(setting, target id)` for each string `next`, case `next` and `default`."""
        found = [("next", self.settings["next"])] if self.text("next") is not None else []
        if self.type != "branch":
            return found

        cases = self.settings.get("cases")
        for index, case in enumerate(cases if isinstance(cases, list) else []):
            if isinstance(case, Mapping) and isinstance(case.get("next"), str):
                found.append((f"cases[{index}].next", case["next"]))
        if self.text("default") is not None:
            found.append(("default", self.settings["default"]))
        return found


def _validate(
    raw: Any, numbers: set[str] | None, agents: set[str] | None
) -> tuple[JourneyDocument | None, list[Problem]]:
    document: JourneyDocument | None = None
    problems: list[Problem] = []
    if isinstance(raw, JourneyDocument):
        document, data = raw, raw.model_dump(by_alias=True)
    elif isinstance(raw, Mapping):
        # Checked first, because the schema and graph checks assume a value
        # that can be stored and is shallow enough to walk by recursion.
        unstorable = find_json_problem(raw)
        if unstorable is not None:
            return None, [_unstorable_problem(raw, *unstorable)]
        data = raw
        try:
            document = JourneyDocument.model_validate(data)
        except ValidationError as exc:
            problems.extend(schema_problems(exc, data))
    else:
        message = f"a journey document must be an object with 'name' and 'nodes', not {type(raw).__name__}"
        return None, [Problem(message)]

    raw_fields = data.get("fields") if isinstance(data.get("fields"), list) else []
    raw_nodes = data.get("nodes") if isinstance(data.get("nodes"), list) else []
    nodes = [_RawNode.read(index, node) for index, node in enumerate(raw_nodes)]
    catalog = NameCatalog.from_raw(raw_fields, raw_nodes)

    problems.extend(_field_problems(raw_fields))
    problems.extend(_graph_problems(nodes))
    for node in nodes:
        problems.extend(_node_problems(node, catalog, numbers, agents))
    problems.sort(key=_document_order)
    return (None if problems else document), problems


def _unstorable_problem(raw: Mapping[str, Any], path: JsonPath, reason: str) -> Problem:
    node_id = None
    nodes = raw.get("nodes")
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int) and isinstance(nodes, list):
        node = nodes[path[1]]
        found = node.get("id") if isinstance(node, Mapping) else None
        # An id with the NUL character in it is left out of the message, as other bad values are.
        node_id = found if isinstance(found, str) and found and NUL not in found else None

    # Within a node the message names the setting, because the node id names the node.
    setting = format_path(path[2:]) if node_id is not None else ""
    message = f"{setting}: {reason}" if setting else reason
    return Problem(message, node_id=node_id, path=format_path(path) or None)


def _document_order(problem: Problem) -> tuple[int, int]:
    # Lists problems as the document reads: its own keys, then fields, then
    # nodes, each in list order. The sort is stable, so a node's problems keep
    # the order in which they were found.
    match = _LIST_ITEM.match(problem.path or "")
    if match is None:
        return (0, 0)
    return (1 if match.group(1) == "fields" else 2, int(match.group(2)))


# --- Data fields --------------------------------------------------------------


def _field_problems(raw_fields: list[Any]) -> Iterator[Problem]:
    first_index: dict[str, int] = {}
    for index, raw in enumerate(raw_fields):
        name = raw.get("name") if isinstance(raw, Mapping) else None
        if not isinstance(name, str):
            continue

        path = f"fields[{index}]"
        if name in BUILTIN_FIELDS:
            yield Problem(
                f"'{name}' is a built-in field that every journey has; remove it from 'fields'",
                path=f"{path}.name",
            )
        elif name in first_index:
            yield Problem(
                f"duplicate field name '{name}' (also fields[{first_index[name]}]); "
                "give each field its own name",
                path=f"{path}.name",
            )
        else:
            first_index[name] = index

        message = _default_problem(raw)
        if message is not None:
            yield Problem(message, path=f"{path}.default")


def _default_problem(raw: Mapping[str, Any]) -> str | None:
    if raw.get("default") is None:
        return None
    try:
        field = DataField.model_validate(raw)
    except ValidationError:
        # The field itself is invalid, which is reported already.
        return None
    if _fits_type(field.default, field):
        return None

    hints = {
        "date": "write dates as YYYY-MM-DD",
        "datetime": "write datetimes in ISO 8601, such as 2026-06-10T09:00:00-04:00",
        "phone": "write phone numbers in E.164, such as +12025550100",
        "enum": f"use one of {', '.join(field.choices or [])}",
    }
    hint = hints.get(field.type, "give a value of that type or remove the default")
    return f"default {field.default!r} does not fit field '{field.name}' of type {field.type}; {hint}"


def _fits_type(value: Any, field: DataField) -> bool:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    checks = {
        "string": lambda: isinstance(value, str),
        "number": lambda: is_number,
        "integer": lambda: is_number and float(value).is_integer(),
        "boolean": lambda: isinstance(value, bool),
        "date": lambda: _is_date(value),
        "datetime": lambda: _is_datetime(value),
        "phone": lambda: isinstance(value, str) and E164.match(value) is not None,
        "email": lambda: isinstance(value, str) and EMAIL.match(value) is not None,
        "enum": lambda: value in (field.choices or []),
    }
    return checks[field.type]()


def _is_date(value: Any) -> bool:
    if isinstance(value, date) and not isinstance(value, datetime):
        return True
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: Any) -> bool:
    if isinstance(value, datetime):
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- Graph --------------------------------------------------------------------


def _graph_problems(nodes: list[_RawNode]) -> Iterator[Problem]:
    yield from _id_problems(nodes)
    yield from _start_problems(nodes)
    yield from _target_problems(nodes)
    yield from _unreachable_problems(nodes)
    yield from _loop_problems(nodes)


def _id_problems(nodes: list[_RawNode]) -> Iterator[Problem]:
    first_index: dict[str, int] = {}
    for node in nodes:
        if node.id is None:
            continue
        if not NODE_ID.match(node.id):
            yield node.problem(
                f"invalid node id '{node.id}': use letters, digits, underscores and dashes", "id"
            )
        if node.id in first_index:
            yield node.problem(
                f"duplicate node id '{node.id}' (also nodes[{first_index[node.id]}]); "
                "give each node its own id",
                "id",
            )
        else:
            first_index[node.id] = node.index


def _start_problems(nodes: list[_RawNode]) -> Iterator[Problem]:
    starts = [node for node in nodes if node.type == "start"]
    if not starts and nodes:
        yield Problem("missing start node; add a node with type 'start'", path="nodes")
    for extra in starts[1:]:
        yield extra.problem(
            f"more than one start node (the first is '{starts[0].id}'); keep one start node"
        )
    for start in starts:
        if start.settings.get("next") is None:
            yield start.problem("the start node has no 'next'; point it at the first step", "next")


def _target_problems(nodes: list[_RawNode]) -> Iterator[Problem]:
    ids = sorted({node.id for node in nodes if node.id is not None})
    for node in nodes:
        for setting, target in node.targets():
            if target not in ids:
                yield node.problem(
                    f"'{setting}' points to '{target}', which is not a node id{_did_you_mean(target, ids)}",
                    setting,
                )
        if node.type == "branch" and node.settings.get("default") is None:
            yield node.problem(
                "the branch has no 'default'; add the node to go to when no case matches", "default"
            )
        if node.type == "end" and node.settings.get("next") is not None:
            yield node.problem("an end node finishes the recipient, so it cannot have 'next'", "next")


def _unreachable_problems(nodes: list[_RawNode]) -> Iterator[Problem]:
    edges: dict[str, list[str]] = {}
    for node in nodes:
        if node.id is not None:
            edges.setdefault(node.id, []).extend(target for _, target in node.targets())

    reached = {node.id for node in nodes if node.type == "start" and node.id is not None}
    waiting = list(reached)
    while waiting:
        for target in edges.get(waiting.pop(), []):
            if target in edges and target not in reached:
                reached.add(target)
                waiting.append(target)

    if not reached:
        return
    for node in nodes:
        if node.id is not None and node.id not in reached:
            yield node.problem("unreachable: no path from the start node leads here; connect it or remove it")


def _loop_problems(nodes: list[_RawNode]) -> Iterator[Problem]:
    """Report each cycle of nodes that has no `time_delay` or `wait_until` node in it.

    The engine moves a recipient through such a cycle without pausing, so it would
    repeat the same calls or messages at once until the step limit fails it.
    """
    by_id = {node.id: node for node in nodes if node.id is not None}
    pausing = {node_id for node_id, node in by_id.items() if node.type in PAUSING_TYPES}
    edges = {
        node_id: [target for _, target in node.targets() if target in by_id and target not in pausing]
        for node_id, node in by_id.items()
        if node_id not in pausing
    }
    for cycle in _cycles(edges):
        steps = " → ".join([*cycle, cycle[0]])
        yield by_id[cycle[0]].problem(
            f"nodes {steps} form a loop without a Time Delay or Wait Until; add one, or the "
            "recipient would repeat these steps at once until the step limit"
        )


def _cycles(edges: Mapping[str, list[str]]) -> Iterator[list[str]]:
    """Yield one cycle for each strongly connected group of nodes that loops (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    # Iterative, so a long chain of nodes cannot exceed the recursion limit.
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node_id, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges[target])))
                elif target in on_stack:
                    low[node_id] = min(low[node_id], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node_id])
            if low[node_id] == index[node_id]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node_id:
                        break
                if len(group) > 1 or node_id in edges[node_id]:
                    groups.append(group)

    for group in groups:
        yield _cycle_in(set(group), edges)


def _cycle_in(group: set[str], edges: Mapping[str, list[str]]) -> list[str]:
    """Return one cycle through the nodes of a strongly connected `group`, in edge order."""
    first = min(group)
    path = [first]
    seen = {first: 0}
    while True:
        following = next(target for target in edges[path[-1]] if target in group)
        if following in seen:
            return path[seen[following]:]
        seen[following] = len(path)
        path.append(following)


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


# --- Node settings ------------------------------------------------------------


def _node_problems(
    node: _RawNode, catalog: NameCatalog, numbers: set[str] | None, agents: set[str] | None
) -> Iterator[Problem]:
    if node.type in ("call", "sms"):
        yield from _registration_problems(node, numbers, agents)
    if node.type == "sms":
        yield from _template_problems(node, "message", node.text("message"), catalog)
    if node.type == "call":
        yield from _call_template_problems(node, catalog)
    if node.type == "wait_until":
        yield from _wait_until_problems(node, catalog)
    if node.type == "time_delay":
        problem = delay_problem(node.settings.get("amount"), node.settings.get("unit"))
        if problem is not None:
            yield node.problem(problem, "amount")
    if node.type == "branch":
        yield from _branch_problems(node, catalog)


def _registration_problems(
    node: _RawNode, numbers: set[str] | None, agents: set[str] | None
) -> Iterator[Problem]:
    number = node.text("from_number")
    if numbers is not None and number is not None and number not in numbers:
        yield node.problem(
            f"sender number '{number}' is not registered; register it with "
            f"'journeys number add' or use one of: {_listing(numbers)}",
            "from_number",
        )

    agent = node.text("agent")
    if node.type == "call" and agents is not None and agent is not None and agent not in agents:
        yield node.problem(
            f"agent '{agent}' is not registered; register it with "
            f"'journeys agent add' or use one of: {_listing(agents)}",
            "agent",
        )


def _call_template_problems(node: _RawNode, catalog: NameCatalog) -> Iterator[Problem]:
    variables = node.settings.get("variables")
    if isinstance(variables, Mapping):
        for name, template in variables.items():
            text = template if isinstance(template, str) else None
            yield from _template_problems(node, f"variables.{name}", text, catalog)
    yield from _template_problems(node, "voicemail_message", node.text("voicemail_message"), catalog)


def _template_problems(
    node: _RawNode, setting: str, template: str | None, catalog: NameCatalog
) -> Iterator[Problem]:
    if template is None:
        return
    for message in template_problems(template, catalog):
        yield node.problem(f"{setting}: {message}", setting)


def _wait_until_problems(node: _RawNode, catalog: NameCatalog) -> Iterator[Problem]:
    zone = node.text("timezone")
    if zone is not None and not _is_zone(zone):
        yield node.problem(
            f"unknown time zone '{zone}'; use an IANA name such as America/New_York", "timezone"
        )

    offset = node.text("offset")
    problem = wait_offset_problem(offset) if offset is not None else None
    if problem is not None:
        yield node.problem(problem, "offset")

    field_name = node.text("field")
    if field_name is not None:
        yield from _wait_field_problems(node, field_name, catalog)
    elif node.settings.get("field") is None:
        for setting in ("time", "offset"):
            if node.settings.get(setting) is not None:
                yield node.problem(f"'{setting}' only applies with 'field'; remove it", setting)


def _wait_field_problems(node: _RawNode, field_name: str, catalog: NameCatalog) -> Iterator[Problem]:
    info = catalog.fields.get(field_name)
    if info is None:
        known = [name for name, field in catalog.fields.items() if field.type in DATE_FIELD_TYPES]
        yield node.problem(
            f"unknown field '{field_name}'; date and datetime fields are: {_listing(known)}", "field"
        )
    elif info.type not in DATE_FIELD_TYPES:
        yield node.problem(
            f"'field' must name a date or datetime field, and '{field_name}' is of type {info.type}",
            "field",
        )


def _branch_problems(node: _RawNode, catalog: NameCatalog) -> Iterator[Problem]:
    cases = node.settings.get("cases")
    if not isinstance(cases, list):
        return

    labels: set[str] = set()
    for index, case in enumerate(cases):
        if not isinstance(case, Mapping):
            continue
        label = case.get("label")
        if isinstance(label, str):
            yield from _label_problems(node, index, label, labels)
            labels.add(label)
        yield from _case_condition_problems(node, index, case, catalog)


def _label_problems(node: _RawNode, index: int, label: str, earlier: set[str]) -> Iterator[Problem]:
    # The label is what `nodes.<id>.taken` holds, so it must name one path only.
    setting = f"cases[{index}].label"
    if label == DEFAULT_CASE_LABEL:
        yield node.problem(
            f"case label '{label}' is reserved for the default path; rename the case", setting
        )
    elif label in earlier:
        yield node.problem(f"duplicate case label '{label}'; give each case its own label", setting)


def _case_condition_problems(
    node: _RawNode, index: int, case: Mapping[str, Any], catalog: NameCatalog
) -> Iterator[Problem]:
    for path, message in condition_problems(case.get("when"), catalog, f"cases[{index}].when"):
        yield node.problem(f"{path}: {message}", path)


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _listing(names: Iterable[str]) -> str:
    ordered = sorted(names)
    if not ordered:
        return "(none registered)"
    if len(ordered) > MAX_LISTED:
        return ", ".join(ordered[:MAX_LISTED]) + f" and {len(ordered) - MAX_LISTED} more"
    return ", ".join(ordered)
