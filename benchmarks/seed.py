"""Fast creation of a run with many recipients and some history, for the benchmark figures.

Rows go in through the storage layer's bulk inserts (`COPY` on PostgreSQL,
executemany on SQLite) in chunks, not through one API call per recipient, so
a run of 1,000,000 recipients is ready in seconds rather than hours. The
journey, the run, the sender number and the agent go through the services,
so they are exactly what the product stores.

Recipients are spread over statuses and nodes as a large run has them midway:
70% completed, 20% delayed, 5% failed, 0.1% active and the rest waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from journeys.domain.settings import RunSettings
from journeys.errors import ConflictError
from journeys.services import journeys as journey_service
from journeys.services import registry as registry_service
from journeys.services import runs as run_service
from journeys.storage import actions as action_queries
from journeys.storage import events as event_queries
from journeys.storage import imports as import_queries
from journeys.storage import runs as run_queries

SENDER = "+12025550100"
AGENT = "collections"
AGENT_SECRET = "bench-agent-secret-4f8a2c9e1b7d"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
CHUNK = 20_000

# Every kind of field the export formats: text (some of it formula-like),
# numbers, dates, booleans and phone numbers.
JOURNEY: dict[str, Any] = {
    "name": "Benchmark reminder",
    "fields": [
        {"name": "customer_name", "type": "string", "required": True},
        {"name": "balance", "type": "number", "required": True},
        {"name": "due_date", "type": "date"},
        {"name": "vip", "type": "boolean"},
        {"name": "alt_phone", "type": "phone"},
        {"name": "notes", "type": "string"},
    ],
    "nodes": [
        {"id": "start", "type": "start", "next": "call_1"},
        {"id": "call_1", "type": "call", "from_number": SENDER, "agent": AGENT,
         "variables": {"name": "{{ customer_name }}"}, "next": "outcome"},
        {"id": "outcome", "type": "branch", "cases": [
            {"label": "Answered", "when": {"subject": "nodes.call_1.outcome", "op": "equals", "value": "answered"},
             "next": "paid"},
        ], "default": "text"},
        {"id": "text", "type": "sms", "from_number": SENDER,
         "message": "Hi {{ customer_name }}, your balance is {{ balance }}.", "next": "pause"},
        {"id": "pause", "type": "time_delay", "amount": 1, "unit": "days", "next": "call_2"},
        {"id": "call_2", "type": "call", "from_number": SENDER, "agent": AGENT, "next": "done"},
        {"id": "paid", "type": "end", "result": "paid"},
        {"id": "done", "type": "end", "result": "contacted"},
    ],
}

NODES = ("call_1", "outcome", "text", "pause", "call_2", "paid", "done")
FIRST_NAMES = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Niklaus")
LAST_NAMES = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Wirth")


@dataclass
class SeededRun:
    """A run made by `seed_run`: its ids and how many rows of each kind it has."""

    journey_id: int
    run_id: int
    recipients: int
    events: int
    # Ids of webhook calls in progress, whose recipients wait on `call_1`.
    waiting_action_ids: list[int] = field(default_factory=list)


def phone(index: int) -> str:
    """Return the run's `index`-th phone number, unique per index below 8,000,000."""
    return f"+1202{2_000_000 + index}"


def seed_run(
    engine: Engine,
    recipients: int,
    *,
    events_per_recipient: int = 1,
    waiting_calls: int = 0,
    provider: str = "simulator",
    agent_webhook_url: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
) -> SeededRun:
    """Create a journey and a running run with `recipients` recipients and their history.

    The first `waiting_calls` recipients wait on `call_1` with a call in
    progress through `provider`, so that a provider callback can finish it.
    """
    journey_id, run_id = _create_run(engine, provider, agent_webhook_url, allowed_hosts)
    events = 0
    action_ids: list[int] = []
    with engine.begin() as conn:
        first_id = import_queries.last_recipient_id(conn, run_id) + 1
    for start in range(0, recipients, CHUNK):
        indexes = range(start, min(start + CHUNK, recipients))
        with engine.begin() as conn:
            import_queries.insert_recipients(conn, [_recipient(run_id, i, waiting_calls) for i in indexes])
            rows = list(_events(run_id, first_id, indexes, events_per_recipient))
            event_queries.insert_many(conn, rows)
            events += len(rows)
            waiting = [i for i in indexes if i < waiting_calls]
            if waiting:
                action_queries.insert_many(conn, [_action(run_id, first_id + i, i, provider) for i in waiting])
    with engine.begin() as conn:
        # As autovacuum would soon after a bulk load; without statistics
        # PostgreSQL plans the export's pages as sorts of the whole run.
        conn.exec_driver_sql("ANALYZE")
    if waiting_calls:
        with engine.connect() as conn:
            action_ids = action_queries.in_flight_ids(conn, run_id)
    return SeededRun(journey_id, run_id, recipients, events, action_ids)


def _create_run(
    engine: Engine, provider: str, webhook_url: str | None, allowed_hosts: tuple[str, ...]
) -> tuple[int, int]:
    endpoints = {"webhook_url": webhook_url, "webhook_secret": AGENT_SECRET} if webhook_url else {}
    # A second run in the same database finds the number and the agent registered.
    with suppress(ConflictError):
        registry_service.add_number(engine, SENDER, label="Benchmark", calls_per_second=50, now=NOW)
    with suppress(ConflictError):
        registry_service.add_agent(
            engine, AGENT, description=None, now=NOW, endpoints=endpoints, allowed_hosts=allowed_hosts,
        )
    journey_id = journey_service.create_journey(engine, JOURNEY, now=NOW)
    settings = RunSettings(provider=provider, calling_window=None)
    run_id = run_service.create_run(engine, journey_id, name="Benchmark run", settings=settings, now=NOW)
    # Straight to running: a run that has recipients in every state is one a
    # worker has been moving for a while.
    with engine.begin() as conn:
        run_queries.update_run(conn, run_id, now=NOW, status="running", started_at=NOW)
    return journey_id, run_id


def _recipient(run_id: int, index: int, waiting_calls: int) -> dict[str, Any]:
    name = f"{FIRST_NAMES[index % 10]} {LAST_NAMES[(index // 10) % 10]}"
    # One in fifty names looks like a formula, so the guard has work to do.
    if index % 50 == 0:
        name = "=" + name
    data = {
        "customer_name": name,
        "balance": (index * 7_919 % 205_000 - 5_000) / 100,
        "due_date": (date(2026, 3, 1) + timedelta(days=index % 90)).isoformat(),
        "vip": index % 7 == 0,
        "alt_phone": phone(index + 4_000_000) if index % 3 == 0 else None,
        "notes": None if index % 4 else f"Called on {index % 28 + 1} March; prefers evenings, \"urgent\"",
    }
    status, node, result, reason = _state(index, waiting_calls)
    started = NOW - timedelta(hours=2, seconds=index % 3_600)
    finished = started + timedelta(minutes=5) if status in ("completed", "failed") else None
    return {
        "run_id": run_id,
        "line": index + 2,
        "phone_number": phone(index),
        "phone_extension": "12" if index % 97 == 0 else None,
        "data": data,
        "timezones": "America/New_York",
        "search_text": f"{phone(index)} {name.lower()}",
        "status": status,
        "current_node": node,
        "phase": "enter",
        "next_at": NOW + timedelta(hours=1) if status in ("active", "delayed") else None,
        "steps": 1 if index < waiting_calls else 4,
        "outputs": {},
        "result": result,
        "failure_reason": reason,
        "calls_placed": 1 if index < waiting_calls else 1 + index % 2,
        "calls_answered": index % 2,
        "sms_sent": index % 3 % 2,
        "last_call_outcome": None if index < waiting_calls else ("answered", "voicemail", "no_answer")[index % 3],
        "talk_time_seconds": float(index % 300),
        "started_at": started,
        "finished_at": finished,
        "updated_at": NOW,
    }


def _state(index: int, waiting_calls: int) -> tuple[str, str, str | None, str | None]:
    """Return (status, current_node, result, failure_reason) for the recipient at `index`."""
    if index < waiting_calls:
        return "waiting", "call_1", None, None
    share = index % 100
    node = NODES[index % len(NODES)]
    if share < 70:
        return "completed", ("paid", "done")[index % 2], ("paid", "contacted")[index % 2], None
    if share < 90:
        return "delayed", node, None, None
    if share < 95:
        return "failed", node, None, "no result from provider"
    if index % 1000 == 999:
        return "active", node, None, None
    return "waiting", node, None, None


def _events(run_id: int, first_id: int, indexes: range, per_recipient: int) -> Iterator[dict[str, Any]]:
    kinds = (("start", "entered", None), ("call_1", "call_placed", "attempt 1"),
             ("call_1", "call_result", "answered; answered by human; talk time 42.5 s"),
             ("text", "sms_sent", "=Hi Ada, your balance is 120.5."))
    for index in indexes:
        for number in range(per_recipient):
            node, kind, detail = kinds[number % len(kinds)]
            yield {
                "run_id": run_id, "recipient_id": first_id + index,
                "at": NOW - timedelta(hours=2) + timedelta(seconds=number), "node_id": node,
                "type": kind, "detail": detail,
            }


def _action(run_id: int, recipient_id: int, index: int, provider: str) -> dict[str, Any]:
    dispatched = NOW - timedelta(minutes=1)
    return {
        "run_id": run_id, "recipient_id": recipient_id, "node_id": "call_1", "visit": 1,
        "kind": "call", "status": "in_progress", "provider": provider,
        "provider_ref": f"bench-call-{index}", "from_number": SENDER, "to_number": phone(index),
        "request": {"agent": AGENT, "variables": {"name": "Ada"}, "ring_timeout_seconds": 30,
                    "max_duration_seconds": 600, "voicemail": "hang_up", "voicemail_message": None,
                    "attempt": 1, "extension": None, "window_note": None},
        "outcome": None, "result": None, "result_rank": 0, "not_before": dispatched,
        # Far ahead, so the overdue duty of a worker never races the callbacks.
        "deadline_at": NOW + timedelta(days=3650), "created_at": dispatched,
        "dispatched_at": dispatched, "completed_at": None, "lease_owner": None, "lease_expires_at": None,
    }
