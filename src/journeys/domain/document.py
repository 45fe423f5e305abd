"""The journey document: data fields, nodes and conditions, as Pydantic models.

These models check the shape of each part. Checks that need the whole graph
(references between nodes, reachability, template names) live in
`journeys.domain.validation`, so that every problem can be listed at once.
"""

from __future__ import annotations

import re
from datetime import datetime
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from journeys.domain.sms import sms_length_problem

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# `data` is reserved too, because `data.<field>` is how conditions and templates
# name a field explicitly, so a field called `data` would be ambiguous.
RESERVED_NAMES = frozenset({"data", "nodes", "recipient", "run"})
# Columns of the recipients export after the data fields; a field of the same
# name would give the export two columns with one header.
EXPORT_COLUMNS = frozenset({
    "status", "current_node", "result", "failure_reason", "calls_placed", "last_call_outcome",
    "talk_time_seconds", "sms_sent", "started_at", "finished_at", "phone_extension",
})
BUILTIN_FIELDS = ("phone_number", "timezone")

FieldType = Literal[
    "string", "number", "integer", "boolean", "date", "datetime", "phone", "email", "enum"
]


class _Model(BaseModel):
    # Unknown keys are rejected so that a typo ("nxt") is reported, not ignored.
    # YAML reads .inf and .nan, which JSON columns cannot hold.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Position(_Model):
    x: float = 0
    y: float = 0


class DataField(_Model):
    """A typed per-recipient value that templates and conditions can read."""

    name: str
    type: FieldType = "string"
    required: bool = False
    default: Any = None
    choices: list[str] | None = None
    label: str | None = None

    @field_validator("name")
    @classmethod
    def _check_name(cls, name: str) -> str:
        if not FIELD_NAME.match(name):
            raise ValueError(
                f"invalid field name {name!r}: use lowercase letters, digits and "
                "underscores, starting with a letter"
            )
        if name in RESERVED_NAMES:
            raise ValueError(f"{name!r} is reserved; choose another field name")
        if name in EXPORT_COLUMNS:
            raise ValueError(
                f"{name!r} is a column of the recipients export; choose another field name, "
                f"such as 'customer_{name}'"
            )
        return name

    @model_validator(mode="after")
    def _check_choices(self) -> DataField:
        if self.type == "enum" and not self.choices:
            raise ValueError(f"enum field {self.name!r} needs a non-empty 'choices' list")
        if self.type != "enum" and self.choices is not None:
            raise ValueError(f"'choices' is only allowed on enum fields, not on {self.name!r}")
        return self


# --- Conditions -------------------------------------------------------------

Operator = Literal[
    "equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with",
    "greater_than", "greater_or_equal", "less_than", "less_or_equal", "in", "not_in",
    "is_empty", "is_not_empty", "is_true", "is_false", "before", "after",
]
UNARY_OPERATORS = frozenset({"is_empty", "is_not_empty", "is_true", "is_false"})


class Comparison(_Model):
    subject: str
    op: Operator
    value: Any = None

    @model_validator(mode="after")
    def _check_value(self) -> Comparison:
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"operator {self.op!r} needs a list as 'value'")
        if self.op not in UNARY_OPERATORS and self.value is None:
            raise ValueError(f"operator {self.op!r} needs a 'value'")
        return self


class AllOf(_Model):
    all: list[Condition]


class AnyOf(_Model):
    any: list[Condition]


class NotOf(_Model):
    not_: Condition = Field(alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


def _condition_kind(value: Any) -> str | None:
    # Picks the one model to validate against, so that a bad comparison is
    # reported once instead of once per group model the union also tried.
    if isinstance(value, Mapping):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "comparison"
    kinds = {Comparison: "comparison", AllOf: "all", AnyOf: "any", NotOf: "not"}
    return kinds.get(type(value))


Condition = Annotated[
    Union[
        Annotated[Comparison, Tag("comparison")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotOf, Tag("not")],
    ],
    Discriminator(
        _condition_kind,
        custom_error_type="invalid_condition",
        custom_error_message=(
            "a condition must be an object with 'subject', 'op' and 'value', "
            "or a group with 'all', 'any' or 'not'"
        ),
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


# --- Nodes --------------------------------------------------------------------


class _Node(_Model):
    id: str = Field(min_length=1, max_length=100)
    label: str | None = None
    position: Position | None = None
    next: str | None = None

    def targets(self) -> list[str]:
        """Return the ids of the nodes this node can lead to."""
        return [self.next] if self.next else []


class StartNode(_Node):
    type: Literal["start"]
    trigger: Literal["run", "api"] = "run"


class CallNode(_Node):
    type: Literal["call"]
    from_number: str
    agent: str
    variables: dict[str, str] | None = None
    ring_timeout_seconds: int = Field(30, ge=5, le=120)
    max_duration_seconds: int = Field(600, ge=10, le=4 * 3600)
    voicemail: Literal["hang_up", "leave_message"] = "hang_up"
    voicemail_message: str | None = None

    @model_validator(mode="after")
    def _check_voicemail(self) -> CallNode:
        if self.voicemail == "leave_message" and not self.voicemail_message:
            raise ValueError("voicemail 'leave_message' needs a 'voicemail_message'")
        return self


class SmsNode(_Node):
    type: Literal["sms"]
    from_number: str
    # The template; its rendered text is checked again before each send.
    message: str = Field(min_length=1)

    @field_validator("message")
    @classmethod
    def _check_length(cls, message: str) -> str:
        problem = sms_length_problem(message)
        if problem is not None:
            raise ValueError(f"'message' is too long: {problem}; shorten it")
        return message


class TimeDelayNode(_Node):
    type: Literal["time_delay"]
    amount: float = Field(gt=0)
    unit: Literal["minutes", "hours", "days"]


TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d$"


class WaitWindow(_Model):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], min_length=1
    )
    start: str = Field(pattern=TIME_OF_DAY)
    end: str = Field(pattern=TIME_OF_DAY)


class WaitUntilNode(_Node):
    type: Literal["wait_until"]
    at: datetime | None = None
    field: str | None = None
    time: str | None = Field(None, pattern=TIME_OF_DAY)
    offset: str | None = None
    window: WaitWindow | None = None
    timezone: str | None = None
    if_past: Literal["continue", "fail"] = "continue"

    @model_validator(mode="after")
    def _check_mode(self) -> WaitUntilNode:
        modes = [name for name in ("at", "field", "window") if getattr(self, name) is not None]
        if len(modes) != 1:
            raise ValueError("set exactly one of 'at', 'field' or 'window'")
        if self.at is not None and self.at.tzinfo is None and self.timezone is None:
            raise ValueError("'at' without a UTC offset needs a 'timezone'")
        return self


class BranchCase(_Model):
    label: str = Field(min_length=1)
    when: Condition
    next: str


class BranchNode(_Node):
    type: Literal["branch"]
    cases: list[BranchCase] = Field(min_length=1)
    default: str | None = None

    def targets(self) -> list[str]:
        found = [case.next for case in self.cases]
        if self.default:
            found.append(self.default)
        return found


class EndNode(_Node):
    type: Literal["end"]
    result: str | None = None


Node = Annotated[
    Union[StartNode, CallNode, SmsNode, TimeDelayNode, WaitUntilNode, BranchNode, EndNode],
    Field(discriminator="type"),
]
NodeType = Literal["start", "call", "sms", "time_delay", "wait_until", "branch", "end"]


class JourneyDocument(_Model):
    """A journey: its name, typed data fields and workflow graph."""

    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    fields: list[DataField] = Field(default_factory=list)
    nodes: list[Node] = Field(min_length=1)
    max_steps: int = Field(1000, ge=1, le=100_000)

    def node(self, node_id: str) -> Any:
        """Return the node with this id, or None."""
        return self.node_map().get(node_id)

    def node_map(self) -> dict[str, Any]:
        return {node.id: node for node in self.nodes}

    def start_node(self) -> StartNode:
        return next(node for node in self.nodes if isinstance(node, StartNode))

    def field_map(self) -> dict[str, DataField]:
        return {field.name: field for field in self.fields}
