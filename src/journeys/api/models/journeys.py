"""Bodies of the journey routes: journeys, versions, validation results and statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from journeys.errors import Problem

# The demo journey, trimmed: what a request body of POST and PUT /api/journeys looks like.
DOCUMENT_EXAMPLE: dict[str, Any] = {
    "name": "Payment reminder",
    "fields": [{"name": "customer_name", "type": "string", "required": True}],
    "nodes": [
        {"id": "start", "type": "start", "next": "call_1"},
        {"id": "call_1", "type": "call", "from_number": "+12025550100", "agent": "collections", "next": "done"},
        {"id": "done", "type": "end", "result": "contacted"},
    ],
}


class JourneySummary(BaseModel):
    """A journey without its document, as lists show it."""

    id: int
    name: str
    current_version: int
    created_at: datetime
    updated_at: datetime


class Journey(JourneySummary):
    """A journey with the document of one of its versions."""

    version: int = Field(description="The version whose document this is.")
    document: dict[str, Any]


class JourneyVersion(BaseModel):
    """One immutable version of a journey."""

    version: int
    created_at: datetime


class ProblemOut(BaseModel):
    """One problem of a journey document, located by node id or path."""

    node_id: str | None = None
    path: str | None = None
    message: str

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        return cls(node_id=problem.node_id, path=problem.path, message=problem.message)


class ValidationResult(BaseModel):
    """The outcome of checking a journey document without saving it."""

    valid: bool
    problems: list[ProblemOut] = Field(default_factory=list)
    name: str | None = Field(None, description="The journey's name, when the document is valid.")
    nodes: int | None = Field(None, description="The number of nodes, when the document is valid.")


class NodeStatsOut(BaseModel):
    """Recipients that entered a node, are on it now, and left it."""

    node_id: str
    entered: int
    on_now: int
    left: int


class StatsOut(BaseModel):
    """The figures of a journey, or of one of its runs; `journeys.stats` defines each one."""

    journey_id: int
    run_id: int | None
    since: datetime | None
    until: datetime | None
    recipients: int
    by_status: dict[str, int]
    calls_placed: int
    calls_answered: int
    calls_with_final_outcome: int
    answer_rate: float | None
    average_talk_time_seconds: float | None
    voicemail: int
    no_answer: int
    busy: int
    calls_failed: int
    calls_cancelled: int
    sms_sent: int
    sms_delivered: int
    sms_failed: int
    nodes: list[NodeStatsOut]


class ImpactRun(BaseModel):
    """A live run that would follow the new version."""

    id: int
    name: str
    status: str


class BlockedNode(BaseModel):
    """A node the new version removes while recipients of a live run wait on it."""

    node_id: str
    run_id: int
    run_name: str
    recipients: int


class SaveImpactOut(BaseModel):
    """The effect of publishing a document; any `blocked` entry or problem makes the save fail."""

    runs: list[ImpactRun]
    blocked: list[BlockedNode]
    problems: list[ProblemOut]
