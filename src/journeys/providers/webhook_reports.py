"""What a voice-agent platform reports about a call or an SMS, and how the engine reads it.

The same bodies arrive as signed callbacks and as responses to `call.status`
and `sms.status` requests. Fields this version does not know are ignored, so a
platform can send more than the protocol asks for.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from journeys.providers.base import ProviderReport

CallOutcome = Literal["answered", "voicemail", "no_answer", "busy", "failed", "cancelled"]

# The default of `answered_by` when the platform leaves it out: a voicemail is a machine.
_ANSWERED_BY = {"answered": "human", "voicemail": "machine"}


class CallReport(BaseModel):
    """A call's status; `outcome` is required once the status is `completed`."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    status: Literal["queued", "initiated", "ringing", "in_progress", "completed"]
    outcome: CallOutcome | None = None
    call_id: str | None = Field(None, min_length=1, max_length=100)
    answered_by: Literal["human", "machine", "unknown"] | None = None
    talk_time_seconds: float | None = Field(None, ge=0)
    duration_seconds: float | None = Field(None, ge=0)
    ended_reason: str | None = Field(None, max_length=500)
    # Values the agent gathered during the call; they become the call node's
    # `data` output, which later branches read as nodes.<id>.data.<key>.
    data: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_outcome(self) -> CallReport:
        if self.status == "completed" and self.outcome is None:
            raise ValueError("a completed call needs an outcome: answered, voicemail, no_answer, busy, failed or cancelled")
        if self.status != "completed" and self.outcome is not None:
            raise ValueError(f"outcome is only allowed with status 'completed', not {self.status!r}")
        return self

    def to_report(self, action_id: int, *, attempt: int | None, raw: dict[str, Any]) -> ProviderReport:
        """Return the report the engine ranks and applies; `attempt` comes from the action."""
        if self.outcome is None:
            return ProviderReport(
                action_id=action_id, status=self.status, provider_ref=self.call_id,
                result={"status": self.status}, payload=raw,
            )
        result = {
            "status": self.outcome,
            "answered_by": self.answered_by or _ANSWERED_BY.get(self.outcome, "unknown"),
            "talk_time_seconds": self.talk_time_seconds or 0.0,
            "duration_seconds": self.duration_seconds or self.talk_time_seconds or 0.0,
            "ended_reason": self.ended_reason,
            "attempt": attempt,
            "data": self.data,
        }
        return ProviderReport(
            action_id=action_id, status=self.outcome, provider_ref=self.call_id, result=result, payload=raw,
        )


class SmsReport(BaseModel):
    """An SMS's delivery status."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    status: Literal["queued", "accepted", "sending", "sent", "delivered", "undelivered", "failed"]
    message_id: str | None = Field(None, min_length=1, max_length=100)
    error: str | None = Field(None, max_length=500)

    def to_report(self, action_id: int, *, segments: int | None, encoding: str | None, raw: dict[str, Any]) -> ProviderReport:
        """Return the report the engine ranks and applies; segments and encoding come from the action."""
        result: dict[str, Any] = {"status": self.status, "segments": segments, "encoding": encoding}
        if self.error:
            result["ended_reason"] = self.error
        return ProviderReport(
            action_id=action_id, status=self.status, provider_ref=self.message_id, result=result, payload=raw,
        )


def report_for_action(action: dict[str, Any], body: dict[str, Any]) -> ProviderReport:
    """Validate a platform's body for an action row and return it as a report.

    Raises pydantic.ValidationError when the body does not fit the protocol.
    """
    request = action["request"] or {}
    if action["kind"] == "call":
        return CallReport.model_validate(body).to_report(action["id"], attempt=request.get("attempt"), raw=body)
    return SmsReport.model_validate(body).to_report(
        action["id"], segments=request.get("segments"), encoding=request.get("encoding"), raw=body,
    )
