"""Bodies of the recipient routes: pages of a run's recipients, one recipient's timeline, additions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from journeys.api.models.base import RequestModel


class RecipientSummary(BaseModel):
    """A recipient as a list shows it: number, data and where it is."""

    id: int
    run_id: int
    phone_number: str
    phone_extension: str | None = None
    data: dict[str, Any]
    status: str
    current_node: str | None = None
    next_at: datetime | None = Field(None, description="When the recipient acts next, in UTC.")
    result: str | None = None
    failure_reason: str | None = None
    calls_placed: int
    sms_sent: int
    last_call_outcome: str | None = None
    client_key: str | None = None


class RecipientPage(BaseModel):
    """One page of a run's recipients in id order."""

    items: list[RecipientSummary]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to read the next page; null on the last page."
    )


class EventOut(BaseModel):
    """One timestamped fact of a recipient's history."""

    id: int
    at: datetime
    node_id: str | None = None
    type: str
    detail: str | None = None


class Recipient(RecipientSummary):
    """A recipient's data, full state and event timeline."""

    line: int | None = Field(None, description="The line of the imported file it came from.")
    timezones: str | None = Field(None, description="Space-separated IANA zones the calling window uses.")
    phase: str
    steps: int
    outputs: dict[str, Any]
    calls_answered: int
    talk_time_seconds: float
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[EventOut]


class RecipientCreate(RequestModel):
    """A recipient to add to a run whose journey's start node has trigger 'api'.

    Values are checked as a CSV row's cells are: `data` holds the journey's
    fields by name, as text, numbers or booleans.
    """

    phone_number: str = Field(max_length=100, examples=["+12025550123"])
    phone_extension: str | None = Field(None, max_length=20)
    timezone: str | None = Field(None, max_length=100, description="IANA zone; by default the number's.")
    data: dict[str, str | int | float | bool | None] = Field(default_factory=dict, examples=[{"customer_name": "Ada"}])
    default_region: str | None = Field(
        None, max_length=2, description="Two-letter region for a number without a country code.", examples=["US"]
    )
    client_key: str | None = Field(
        None, min_length=1, max_length=200,
        description="Idempotency key: a repeat with the same key returns the recipient it added, with 200.",
    )
