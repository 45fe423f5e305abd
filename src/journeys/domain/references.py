"""Checks of the names that a journey's templates and conditions read.

A `NameCatalog` lists what a journey provides: its data fields, its nodes by
type and its branches' case labels. It is built from the raw document, so a
node whose settings are invalid still counts as a node, and one mistake does
not make every reference to it look unknown as well.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from journeys.domain.conditions import as_number, is_relative_date, parse_date_value
from journeys.domain.document import Comparison
from journeys.domain.durations import parse_offset
from journeys.domain.outputs import (
    AGENT_DATA_OUTPUT,
    DEFAULT_CASE_LABEL,
    NODE_OUTPUTS,
    RECIPIENT_ATTRIBUTES,
    node_output,
    recipient_attribute,
)
from journeys.domain.templates import (
    TemplateInvalidError,
    referenced_names,
    unsupported_features,
)

BUILTIN_FIELD_TYPES = {"phone_number": "phone", "timezone": "string"}
NAMESPACES = ("data", "nodes", "recipient")
ORDERING_OPERATORS = frozenset({"greater_than", "greater_or_equal", "less_than", "less_or_equal"})
MAX_LISTED = 12
# Far enough for any reminder, and well inside the dates Python can represent.
MAX_OFFSET = timedelta(days=36525)


def offset_problem(text: str) -> str | None:
    """Return why `text` is not a usable offset such as `+3 days`, or None when it is one."""
    try:
        offset = parse_offset(text)
    except ValueError as exc:
        return str(exc)
    except OverflowError:
        offset = MAX_OFFSET * 2
    if abs(offset) > MAX_OFFSET:
        return f"offset {text!r} is too large; use at most 100 years"
    return None


class UnknownNameError(ValueError):
    """A name that no field, node output or recipient attribute provides."""


@dataclass(frozen=True)
class FieldInfo:
    """A data field's type and, for enum fields, its choices."""

    type: str
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Reference:
    """The value a name refers to: its type and, when enumerated, every possible value."""

    name: str
    value_type: str
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class NameCatalog:
    """The fields, nodes and case labels that a journey's names can refer to."""

    fields: Mapping[str, FieldInfo]
    node_types: Mapping[str, str]
    branch_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_raw(cls, raw_fields: Sequence[Any], raw_nodes: Sequence[Any]) -> NameCatalog:
        """Build the catalog from a raw document's `fields` and `nodes` lists."""
        fields = {name: FieldInfo(kind) for name, kind in BUILTIN_FIELD_TYPES.items()}
        for raw in raw_fields:
            if isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
                fields[raw["name"]] = _field_info(raw)

        node_types: dict[str, str] = {}
        branch_labels: dict[str, tuple[str, ...]] = {}
        for raw in raw_nodes:
            if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
                continue
            node_types.setdefault(raw["id"], str(raw.get("type")))
            if raw.get("type") == "branch":
                branch_labels[raw["id"]] = _case_labels(raw)
        return cls(fields=fields, node_types=node_types, branch_labels=branch_labels)


def resolve_name(name: str, catalog: NameCatalog) -> Reference:
    """Return what `name` reads, or raise UnknownNameError saying why it reads nothing."""
    head, _, rest = name.partition(".")
    if head == "data" and rest:
        return _resolve_field(rest, name, catalog)
    if head == "nodes" and rest:
        return _resolve_output(rest, name, catalog)
    if head == "recipient" and rest:
        return _resolve_attribute(rest, name)
    if head in NAMESPACES:
        example = {"data": "data.customer_name", "nodes": "nodes.call_1.outcome"}
        raise UnknownNameError(
            f"'{name}' is incomplete; name one value, such as "
            f"{example.get(head, 'recipient.calls_placed')}"
        )
    if rest:
        raise UnknownNameError(
            f"unknown name '{name}'; use a field name or a name starting with "
            "data., nodes. or recipient."
        )
    return _resolve_field(name, name, catalog)


def template_problems(template: str, catalog: NameCatalog) -> list[str]:
    """Return a message for each syntax error, forbidden feature and unknown name in `template`."""
    try:
        names = referenced_names(template)
        messages = unsupported_features(template)
    except TemplateInvalidError as exc:
        return [str(exc)]

    for name in sorted(names):
        try:
            resolve_name(name, catalog)
        except UnknownNameError as exc:
            messages.append(str(exc))
    return messages


def condition_problems(condition: Any, catalog: NameCatalog, path: str) -> Iterator[tuple[str, str]]:
    """Yield `(path, message)` for each unknown subject and impossible value in `condition`.

    `condition` is a Condition model or its raw JSON form. Raw parts that do not
    parse are skipped, because the document's schema check reports them, and the
    valid parts around them are still checked.
    """
    raw = condition.model_dump(by_alias=True) if isinstance(condition, BaseModel) else condition
    if not isinstance(raw, Mapping):
        return

    for kind in ("all", "any"):
        if kind in raw:
            yield from _group_problems(kind, raw[kind], catalog, path)
            return
    if "not" in raw:
        yield from condition_problems(raw["not"], catalog, f"{path}.not")
        return

    try:
        comparison = Comparison.model_validate(raw)
    except ValidationError:
        return
    for message in _comparison_problems(comparison, catalog):
        yield path, message


def _group_problems(kind: str, parts: Any, catalog: NameCatalog, path: str) -> Iterator[tuple[str, str]]:
    if not isinstance(parts, list):
        return
    if not parts:
        always = "true" if kind == "all" else "false"
        yield path, f"the '{kind}' group is empty, so it is always {always}; add conditions to it"
    for index, part in enumerate(parts):
        yield from condition_problems(part, catalog, f"{path}.{kind}[{index}]")


# --- Names --------------------------------------------------------------------


def _field_info(raw: Mapping[str, Any]) -> FieldInfo:
    choices = raw.get("choices")
    if isinstance(choices, list) and all(isinstance(choice, str) for choice in choices):
        return FieldInfo(str(raw.get("type", "string")), tuple(choices))
    return FieldInfo(str(raw.get("type", "string")))


def _case_labels(raw: Mapping[str, Any]) -> tuple[str, ...]:
    cases = raw.get("cases")
    if not isinstance(cases, list):
        return ()
    return tuple(
        case["label"] for case in cases if isinstance(case, Mapping) and isinstance(case.get("label"), str)
    )


def _resolve_field(field_name: str, name: str, catalog: NameCatalog) -> Reference:
    info = catalog.fields.get(field_name)
    if info is not None:
        return Reference(name, info.type, info.choices)
    if "." in field_name:
        raise UnknownNameError(f"'{name}': a field's value has no parts")
    raise UnknownNameError(
        f"unknown field '{field_name}'; known fields are {_listing(catalog.fields)}"
    )


def _resolve_output(path: str, name: str, catalog: NameCatalog) -> Reference:
    node_id, _, output_path = path.partition(".")
    node_type = catalog.node_types.get(node_id)
    if node_type is None:
        raise UnknownNameError(f"unknown node '{node_id}' in '{name}'")
    if node_type not in NODE_OUTPUTS:
        # The node's type is invalid and reported already, so its outputs are unknown.
        return Reference(name, "any")

    output_name, _, below = output_path.partition(".")
    outputs = NODE_OUTPUTS.get(node_type, ())
    output = node_output(node_type, output_name)
    if output is None and not output_path:
        example = outputs[0].name if outputs else "outcome"
        raise UnknownNameError(f"'{name}' is incomplete; name an output, such as {name}.{example}")
    if output is None:
        listed = f"its outputs are {_listing(o.name for o in outputs)}" if outputs else "it has no outputs"
        raise UnknownNameError(
            f"node '{node_id}' (type {node_type}) has no output '{output_name}'; {listed}"
        )

    if below and output.name != AGENT_DATA_OUTPUT:
        raise UnknownNameError(f"'{name}': the output '{output.name}' has no parts")
    if node_type == "branch":
        return Reference(name, output.kind, (*catalog.branch_labels.get(node_id, ()), DEFAULT_CASE_LABEL))
    return Reference(name, output.kind if not below else "any", output.choices)


def _resolve_attribute(attribute_name: str, name: str) -> Reference:
    attribute = recipient_attribute(attribute_name)
    if attribute is None:
        raise UnknownNameError(
            f"unknown recipient attribute '{attribute_name}'; use one of "
            f"{_listing(a.name for a in RECIPIENT_ATTRIBUTES)}"
        )
    return Reference(name, attribute.kind, attribute.choices)


def _listing(names: Any) -> str:
    ordered = sorted(names)
    if len(ordered) > MAX_LISTED:
        return ", ".join(ordered[:MAX_LISTED]) + f" and {len(ordered) - MAX_LISTED} more"
    return ", ".join(ordered) if ordered else "(none)"


# --- Comparisons --------------------------------------------------------------


def _comparison_problems(comparison: Comparison, catalog: NameCatalog) -> list[str]:
    try:
        reference = resolve_name(comparison.subject, catalog)
    except UnknownNameError as exc:
        return [f"condition subject '{comparison.subject}': {exc}"]

    if comparison.op in ("equals", "not_equals", "in", "not_in") and reference.choices:
        return _choice_problems(comparison, reference)
    if comparison.op in ("before", "after"):
        return _date_value_problems(comparison)
    if comparison.op in ORDERING_OPERATORS and as_number(comparison.value) is None:
        return [f"'{comparison.op}' compares numbers, so its value must be a number, not {comparison.value!r}"]
    return []


def _choice_problems(comparison: Comparison, reference: Reference) -> list[str]:
    values = comparison.value if isinstance(comparison.value, list) else [comparison.value]
    choices = reference.choices or ()
    return [
        f"{value!r} is not a possible value of {reference.name}; use one of {', '.join(choices)}"
        for value in values
        if value not in choices
    ]


def _date_value_problems(comparison: Comparison) -> list[str]:
    value = comparison.value
    if isinstance(value, date):
        return []
    if isinstance(value, str) and value.strip()[:1] in ("+", "-"):
        problem = offset_problem(value.strip())
        return [problem] if problem else []
    if isinstance(value, str) and (is_relative_date(value) or parse_date_value(value) is not None):
        return []
    return [
        f"'{comparison.op}' needs a date, a datetime, 'today', 'now' or an offset "
        f"such as '+3 days' as its value, not {value!r}"
    ]
