"""Translate Twilio call and message statuses into the engine's ranked statuses and results.

Status callbacks and REST resources name the same facts differently
(`CallStatus` and `status`, `CallDuration` and `duration`), so the callers
extract the values and these functions decide what they mean. docs/design.md
has the mapping as a table.
"""

from __future__ import annotations

from typing import Any

# Twilio's non-final call statuses, renamed to the ranks in journeys.engine.ranking.
_CALL_PROGRESS = {"queued": "queued", "initiated": "initiated", "ringing": "ringing", "in-progress": "in_progress"}
_CALL_ENDED = {"busy": "busy", "no-answer": "no_answer", "failed": "failed", "canceled": "cancelled"}
_ENDED_REASONS = {
    "completed": "call ended",
    "busy": "busy",
    "no-answer": "no answer",
    "failed": "call failed",
    "canceled": "canceled before it was answered",
}

MACHINE_VERDICTS = frozenset({"machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other"})

# Every message status Twilio documents for outbound SMS. `read` is sent for
# channels with read receipts (WhatsApp) and implies delivery; `canceled`
# ends a scheduled message that was never sent.
_MESSAGE_STATUSES = {
    "queued": "queued",
    "accepted": "accepted",
    "scheduled": "accepted",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}


def answered_by(verdict: str | None) -> str:
    """Return `human`, `machine` or `unknown` for a Twilio AnsweredBy value; fax counts as a machine."""
    if verdict == "human":
        return "human"
    if verdict in MACHINE_VERDICTS or verdict == "fax":
        return "machine"
    return "unknown"


def call_report(
    status: str, verdict: str | None, duration_seconds: int | None, sip_code: str | None = None
) -> tuple[str, dict[str, Any]]:
    """Return the engine status and result of a call in Twilio status `status`.

    `verdict` is the AnsweredBy of answering-machine detection, None when it
    never ran or has not finished; `duration_seconds` is Twilio's CallDuration,
    which starts when the call is answered. A status Twilio adds later ranks
    as unknown (0), so it never moves a recipient.
    """
    if status in _CALL_PROGRESS:
        return _CALL_PROGRESS[status], {"answered_by": answered_by(verdict)}

    duration = max(int(duration_seconds or 0), 0)
    if status == "completed":
        outcome = _completed_outcome(verdict, duration)
    else:
        outcome = _CALL_ENDED.get(status, status)

    reason = _ENDED_REASONS.get(status, status)
    if sip_code and status in ("failed", "busy", "no-answer"):
        reason += f" (SIP {sip_code})"
    if verdict == "fax":
        reason = "answered by a fax machine"
    return outcome, {
        "status": outcome,
        "answered_by": answered_by(verdict),
        "talk_time_seconds": duration if outcome == "answered" else 0,
        "duration_seconds": duration,
        "ended_reason": reason,
        "twilio_status": status,
    }


def _completed_outcome(verdict: str | None, duration: int) -> str:
    if verdict == "human":
        return "answered"
    if verdict in MACHINE_VERDICTS:
        return "voicemail"
    if verdict == "fax":
        return "failed"
    # Detection was inconclusive or off (a call to an extension turns it off).
    # A call that lasted a second or more was picked up, and the agent spoke
    # to whoever was there; one dropped at once reached no one.
    return "answered" if duration > 0 else "no_answer"


def message_report(status: str, error_code: str | int | None = None) -> tuple[str, dict[str, Any]]:
    """Return the engine status and result of an SMS in Twilio status `status`."""
    mapped = _MESSAGE_STATUSES.get(status, status)
    result: dict[str, Any] = {"status": mapped, "twilio_status": status}
    if error_code not in (None, ""):
        result["error_code"] = str(error_code)
    return mapped, result


def with_request_fields(kind: str, result: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Add the fields that the action's request contains and Twilio does not report: a call's attempt, an SMS's encoding."""
    if kind == "call":
        return {**result, "attempt": request.get("attempt"), "data": {}}
    return {**result, "segments": result.get("segments") or request.get("segments"), "encoding": request.get("encoding")}
