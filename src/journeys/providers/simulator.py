"""The built-in simulator: a provider that decides outcomes instead of dialling.

Outcomes depend only on the seed, the phone number, the node and the attempt,
never on timing or on which worker dispatched the call, so a run gives the same
results with one worker or many.
"""

from __future__ import annotations

import logging
import math
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from journeys.domain.settings import SimulatorSettings
from journeys.providers.base import ActionRequest, Placed, ProviderError, ProviderReport
from journeys.storage import simulator as records

logger = logging.getLogger(__name__)

SMS_REPORT_SECONDS = 3.0
# A polled report that no one acknowledges within this time is returned again,
# so that a worker that dies between polling and applying loses nothing.
REDELIVER_AFTER = timedelta(seconds=30)
MEDIAN_TALK_SECONDS = 75.0


class SimulatorProvider:
    """A provider that records simulated calls and SMS and reports them when due."""

    name = "simulator"

    def __init__(self, engine: Engine, settings: SimulatorSettings | None = None) -> None:
        self._engine = engine
        self._settings = settings or SimulatorSettings()

    def place_call(self, request: ActionRequest, now: datetime) -> Placed:
        return self._record([request], now)[0]

    def send_sms(self, request: ActionRequest, now: datetime) -> Placed:
        return self._record([request], now)[0]

    def place_many(self, requests: list[ActionRequest], now: datetime) -> list[Placed | ProviderError]:
        """Place calls and send SMS in one transaction; return one receipt per request, in order.

        The dispatcher hands a batch over this way, because one round trip per
        action took a third of the engine's time with 10,000 recipients.
        """
        return list(self._record(requests, now))

    def lookup(self, action_id: int) -> Placed | None:
        with self._engine.connect() as conn:
            found = records.find(conn, action_id)
        return Placed(provider_ref=_ref(action_id)) if found else None

    def fetch_result(self, action_id: int, provider_ref: str | None) -> ProviderReport | None:
        # The simulator reports every action it placed; a missing result means none.
        return None

    def hang_up(self, action_id: int, now: datetime) -> bool:
        result = {
            "status": "cancelled",
            "answered_by": "unknown",
            "talk_time_seconds": 0,
            "duration_seconds": 0,
            "ended_reason": "hung up by Journeys after the run was cancelled",
        }
        with self._engine.begin() as conn:
            return records.cut_short(conn, action_id, result=result, now=now)

    def poll_reports(self, now: datetime, limit: int) -> list[ProviderReport]:
        with self._engine.begin() as conn:
            rows = records.claim_due(conn, now=now, limit=limit, redeliver_at=now + REDELIVER_AFTER)
        return [
            ProviderReport(
                action_id=row["action_id"],
                status=row["result"]["status"],
                provider_ref=_ref(row["action_id"]),
                result=dict(row["result"]),
                payload={"simulated": True, **row["result"]},
            )
            for row in rows
        ]

    def acknowledge(self, reports: list[ProviderReport]) -> None:
        if reports:
            with self._engine.begin() as conn:
                records.mark_reported(conn, [report.action_id for report in reports])

    def next_report_at(self, after: datetime) -> datetime | None:
        with self._engine.connect() as conn:
            return records.next_report_at(conn, after=after)

    def _record(self, requests: list[ActionRequest], now: datetime) -> list[Placed]:
        messages = [self._message(request, now) for request in requests]
        with self._engine.begin() as conn:
            # A second dispatch of the same action keeps the first record,
            # as a platform with idempotency keys would.
            recorded = records.insert_messages_once(conn, messages)
        again = sorted(request.action_id for request in requests if request.action_id not in recorded)
        if again:
            # The engine looks an action up before it sends it again, so this
            # means a dispatch overlapped another; a provider without
            # idempotency keys would have placed these calls twice.
            logger.warning(
                "The simulator was asked again for actions it had already placed: %s.", again,
                extra={"action": "placed_again"},
            )
        return [Placed(provider_ref=_ref(request.action_id)) for request in requests]

    def _message(self, request: ActionRequest, now: datetime) -> dict[str, Any]:
        if request.kind == "call":
            result = self._call_result(request)
            duration = result["duration_seconds"]
        else:
            result = self._sms_result(request)
            duration = SMS_REPORT_SECONDS
        latency = self._settings.latency_seconds
        report_at = now + timedelta(seconds=duration if latency is None else latency)
        return {"action_id": request.action_id, "kind": request.kind, "result": result, "report_at": report_at}

    def _sms_result(self, request: ActionRequest) -> dict[str, Any]:
        failed = self._rng(request).random() < self._settings.sms_failure_rate
        return {
            "status": "failed" if failed else "delivered",
            "segments": request.payload.get("segments"),
            "encoding": request.payload.get("encoding"),
        }

    def _call_result(self, request: ActionRequest) -> dict[str, Any]:
        rng = self._rng(request)
        attempt = int(request.payload.get("attempt") or 1)
        outcome = self._scripted(request.to_number, attempt) or self._draw(rng)
        ring_timeout = float(request.payload.get("ring_timeout_seconds") or 30)
        max_duration = float(request.payload.get("max_duration_seconds") or 600)

        ring = min(rng.uniform(4, 20), ring_timeout)
        talk = 0.0
        answered_by = "unknown"
        duration = ring
        ended_reason = {"no_answer": "no answer", "busy": "busy", "failed": "network error"}.get(
            outcome, "hangup"
        )
        if outcome == "answered":
            talk = min(rng.lognormvariate(math.log(MEDIAN_TALK_SECONDS), 0.6), max_duration)
            answered_by, duration, ended_reason = "human", ring + talk, "customer hung up"
        elif outcome == "voicemail":
            answered_by, duration, ended_reason = "machine", ring + rng.uniform(15, 40), "voicemail"
        elif outcome == "no_answer":
            duration = ring_timeout
        elif outcome in ("busy", "failed"):
            duration = rng.uniform(1, 5)

        return {
            "status": outcome,
            "answered_by": answered_by,
            "talk_time_seconds": round(talk, 1),
            "duration_seconds": round(duration, 1),
            "ended_reason": ended_reason,
            "attempt": attempt,
            "data": {},
        }

    def _scripted(self, number: str, attempt: int) -> str | None:
        script = self._settings.script.get(number)
        if script and attempt <= len(script):
            return script[attempt - 1]
        return None

    def _draw(self, rng: random.Random) -> str:
        outcomes = self._settings.outcomes
        names = sorted(outcomes)
        return rng.choices(names, weights=[outcomes[name] for name in names])[0]

    def _rng(self, request: ActionRequest) -> random.Random:
        attempt = request.payload.get("attempt") or 0
        key = f"{self._settings.seed}:{request.to_number}:{request.node_id}:{attempt}:{request.kind}"
        return random.Random(key)


def _ref(action_id: int) -> str:
    return f"sim-{action_id}"
