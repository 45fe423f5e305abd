"""A recipient's engine state, and the changes one advance of it produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from journeys.domain.statuses import RecipientStatus

Phase = Literal["enter", "resume"]
EventType = Literal[
    "entered", "call_placed", "call_result", "sms_sent", "sms_result", "delayed",
    "branch_taken", "completed", "failed", "cancelled",
]


@dataclass
class RecipientState:
    """The mutable working copy of one recipient row while the engine moves it."""

    id: int
    run_id: int
    phone_number: str
    phone_extension: str | None
    data: dict[str, Any]
    timezones: list[str]
    status: RecipientStatus
    current_node: str | None
    phase: Phase
    next_at: datetime | None
    steps: int
    outputs: dict[str, dict[str, Any]]
    result: str | None = None
    failure_reason: str | None = None
    calls_placed: int = 0
    calls_answered: int = 0
    sms_sent: int = 0
    last_call_outcome: str | None = None
    talk_time_seconds: float = 0.0
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Any) -> RecipientState:
        return cls(
            id=row["id"],
            run_id=row["run_id"],
            phone_number=row["phone_number"],
            phone_extension=row["phone_extension"],
            data=dict(row["data"] or {}),
            timezones=(row["timezones"] or "").split(),
            status=row["status"],
            current_node=row["current_node"],
            phase=row["phase"],
            next_at=row["next_at"],
            steps=row["steps"],
            outputs={key: dict(value) for key, value in (row["outputs"] or {}).items()},
            result=row["result"],
            failure_reason=row["failure_reason"],
            calls_placed=row["calls_placed"],
            calls_answered=row["calls_answered"],
            sms_sent=row["sms_sent"],
            last_call_outcome=row["last_call_outcome"],
            talk_time_seconds=row["talk_time_seconds"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
        )

    def attributes(self) -> dict[str, Any]:
        """Return the `recipient.<attribute>` values that conditions and templates read."""
        return {
            "phone_number": self.phone_number,
            "calls_placed": self.calls_placed,
            "calls_answered": self.calls_answered,
            "sms_sent": self.sms_sent,
            "last_call_outcome": self.last_call_outcome,
            "timezone": self.data.get("timezone") or (self.timezones[0] if self.timezones else None),
        }


@dataclass(frozen=True)
class NewEvent:
    """One event to insert with the recipient's move."""

    recipient_id: int
    run_id: int
    at: datetime
    node_id: str | None
    type: EventType
    detail: str | None = None


@dataclass(frozen=True)
class NewAction:
    """One call or SMS to queue in the outbox with the recipient's move."""

    recipient_id: int
    run_id: int
    node_id: str
    visit: int
    kind: Literal["call", "sms"]
    from_number: str
    to_number: str
    request: dict[str, Any]
    not_before: datetime


@dataclass
class Move:
    """Everything one advance of one recipient changes, committed together."""

    state: RecipientState
    events: list[NewEvent] = field(default_factory=list)
    actions: list[NewAction] = field(default_factory=list)
    # True when only the events are written: a late result for a recipient
    # that has moved on or been cancelled is recorded but moves no one.
    record_only: bool = False
