"""The values a condition or template can read for one recipient at one moment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# Built-in fields that a scope also finds among the recipient attributes when
# the data does not hold them.
BUILTIN_FIELDS = ("phone_number", "timezone")


@dataclass(frozen=True)
class Scope:
    """A recipient's data, the outputs of the nodes it visited and its attributes.

    `nodes` maps a node id to that node's outputs. `now` is an aware datetime,
    and `zone` is the recipient's time zone, which decides what "today" is.
    """

    data: Mapping[str, Any]
    nodes: Mapping[str, Mapping[str, Any]]
    recipient: Mapping[str, Any]
    now: datetime
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError(f"Scope.now must be an aware datetime, got {self.now!r}")

    def today(self) -> date:
        """Return the current date in the recipient's time zone."""
        return self.now.astimezone(self.zone).date()

    def lookup(self, subject: str) -> Any | None:
        """Return the value `subject` names, or None when it is missing.

        Subjects are `data.<field>`, a bare field name, `nodes.<id>.<output>`,
        `nodes.<id>.data.<key>` (values the agent reported, nested keys allowed)
        and `recipient.<attribute>`. A name of any other form is missing too.
        """
        head, _, rest = subject.partition(".")
        if not rest:
            return self.field(head)
        if head == "data":
            return self.field(rest) if "." not in rest else None
        if head == "recipient":
            return self.recipient.get(rest) if "." not in rest else None
        if head == "nodes":
            return self._node_value(rest)
        return None

    def field(self, name: str) -> Any | None:
        """Return a data field's value, falling back to the recipient for built-in fields."""
        value = self.data.get(name)
        if value is None and name in BUILTIN_FIELDS:
            return self.recipient.get(name)
        return value

    def _node_value(self, path: str) -> Any | None:
        node_id, _, output_path = path.partition(".")
        if not output_path:
            return None

        value: Any = self.nodes.get(node_id)
        for key in output_path.split("."):
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value
