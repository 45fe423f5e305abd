"""Builders and queries shared by the engine tests: journeys, runs, recipients and rows to check."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from journeys.clock import VirtualClock
from journeys.domain.document import JourneyDocument
from journeys.domain.settings import RunSettings, SimulatorSettings
from journeys.engine.stepper import CompiledJourney
from journeys.engine.worker import Worker, WorkerSettings
from journeys.importer.options import ImportOptions
from journeys.importer.service import import_recipients
from journeys.services import journeys as journey_service
from journeys.services import registry as registry_service
from journeys.services import runs as run_service
from journeys.storage import runs as run_queries
from journeys.storage.actions import IN_FLIGHT
from journeys.storage.schema import actions, callbacks, events, recipients, simulated_messages

# Monday 2 March 2026, 10:00 in New York (EST, UTC-5): inside the default calling window.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SENDER = "+12025550100"
AGENT = "collections"
AREA_CODES = (202, 312, 415, 617, 212, 305, 404, 503, 602, 713)


# --- Journey documents --------------------------------------------------------------


def journey(*nodes: dict[str, Any], fields: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """Return a journey document with these nodes; `extra` sets top-level keys such as max_steps."""
    return {"name": "Engine test", "fields": fields or [], "nodes": list(nodes), **extra}


def start(next_: str) -> dict[str, Any]:
    return {"id": "start", "type": "start", "next": next_}


def call(node_id: str, next_: str | None, **settings: Any) -> dict[str, Any]:
    node = {"id": node_id, "type": "call", "from_number": SENDER, "agent": AGENT, **settings}
    if next_ is not None:
        node["next"] = next_
    return node


def sms(node_id: str, next_: str | None, message: str = "Hello from Journeys.") -> dict[str, Any]:
    node = {"id": node_id, "type": "sms", "from_number": SENDER, "message": message}
    if next_ is not None:
        node["next"] = next_
    return node


def delay(node_id: str, next_: str, amount: float, unit: str = "hours") -> dict[str, Any]:
    return {"id": node_id, "type": "time_delay", "amount": amount, "unit": unit, "next": next_}


def end(node_id: str = "done", result: str = "contacted") -> dict[str, Any]:
    return {"id": node_id, "type": "end", "result": result}


def outcome_is(node_id: str, outcome: str) -> dict[str, Any]:
    return {"subject": f"nodes.{node_id}.outcome", "op": "equals", "value": outcome}


def call_journey() -> dict[str, Any]:
    """Return start, one call and an end: the smallest journey that places a call."""
    return journey(start("call_1"), call("call_1", "done"), end())


def retry_journey() -> dict[str, Any]:
    """Return a journey with no delays: call, then SMS on voicemail or a second call otherwise."""
    return journey(
        start("call_1"),
        call("call_1", "outcome"),
        {
            "id": "outcome",
            "type": "branch",
            "cases": [
                {"label": "Answered", "when": outcome_is("call_1", "answered"), "next": "done"},
                {"label": "Voicemail", "when": outcome_is("call_1", "voicemail"), "next": "text"},
            ],
            "default": "call_2",
        },
        call("call_2", "done"),
        sms("text", "done"),
        end(),
    )


def compiled(document: dict[str, Any]) -> CompiledJourney:
    """Parse a document without the registry checks, as the worker's catalog does."""
    return CompiledJourney.of(JourneyDocument.model_validate(document))


# --- Settings, registry, runs and recipients ---------------------------------------------


def settings(
    *,
    calling_window: str | None = None,
    max_concurrent_calls: int = 10,
    **simulator: Any,
) -> RunSettings:
    """Return run settings; by default no calling window, so that virtual time runs freely."""
    return RunSettings(
        calling_window=calling_window,
        max_concurrent_calls=max_concurrent_calls,
        simulator=SimulatorSettings(**simulator),
    )


def register(engine: Engine, *, calls_per_second: float = 100.0, now: datetime = NOW) -> None:
    """Register the sender number and the agent that the builders above use."""
    registry_service.add_number(engine, SENDER, label=None, calls_per_second=calls_per_second, now=now)
    registry_service.add_agent(engine, AGENT, description=None, now=now)


def phones(count: int, first: int = 0) -> list[str]:
    """Return distinct fictional numbers of the form +1 NPA 555 01xx."""
    return [
        f"+1{AREA_CODES[(first + index) // 100 % len(AREA_CODES)]}55501{(first + index) % 100:02d}"
        for index in range(count)
    ]


def write_csv(tmp_path: Path, rows: list[dict[str, Any]], name: str = "recipients.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def new_run(
    engine: Engine,
    tmp_path: Path,
    document: dict[str, Any],
    rows: list[dict[str, Any]] | int,
    *,
    run_settings: RunSettings | None = None,
    now: datetime = NOW,
    name: str = "engine test",
) -> int:
    """Create a journey and a draft run of it, and import these rows (or this many numbers)."""
    if isinstance(rows, int):
        rows = [{"phone_number": phone} for phone in phones(rows)]
    journey_id = journey_service.create_journey(engine, document, now=now)
    run_id = run_service.create_run(
        engine, journey_id, name=name, settings=run_settings or settings(), now=now
    )
    csv_path = write_csv(tmp_path, rows, name=f"run-{run_id}.csv")
    report = import_recipients(engine, run_id, csv_path, options=ImportOptions(), now=now)
    if report.accepted != len(rows):
        raise ValueError(f"the import accepted {report.accepted} of {len(rows)} rows: {report.row_errors}")
    return run_id


def started_run(engine: Engine, tmp_path: Path, document: dict[str, Any], rows: list[dict[str, Any]] | int, **keywords: Any) -> int:
    """Create, import and start a run; return its id."""
    run_id = new_run(engine, tmp_path, document, rows, **keywords)
    run_service.start_run(engine, run_id, now=keywords.get("now", NOW))
    return run_id


def worker(engine: Engine, clock: VirtualClock, **worker_settings: Any) -> Worker:
    return Worker(engine, clock, settings=WorkerSettings(**worker_settings))


# --- Driving the worker ----------------------------------------------------------------


def drive(
    work: Worker,
    *,
    until: datetime,
    after_tick: Callable[[], None] | None = None,
    max_ticks: int = 100_000,
) -> None:
    """Tick, jumping the virtual clock to each next wake time, until `until` or nothing is left.

    Unlike `run_until_finished` this also runs while a run is paused, and calls
    `after_tick` after every tick so that a test can check an invariant throughout.
    """
    clock = work.clock
    if not isinstance(clock, VirtualClock):
        raise TypeError("drive needs a worker on a VirtualClock")
    for _ in range(max_ticks):
        handled = work.tick()
        if after_tick is not None:
            after_tick()
        if handled:
            continue
        wake = work.next_wake()
        if wake is None or wake > until:
            clock.advance_to(max(until, clock.now()))
            return
        clock.advance_to(wake)
    raise RuntimeError(f"drive did not reach {until.isoformat()} within {max_ticks} ticks")


# --- Reading rows back ---------------------------------------------------------------


def run_row(engine: Engine, run_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return run_queries.get_run(conn, run_id)


def recipient_rows(engine: Engine, run_id: int) -> list[dict[str, Any]]:
    query = select(recipients).where(recipients.c.run_id == run_id).order_by(recipients.c.id)
    return _rows(engine, query)


def action_rows(engine: Engine, run_id: int | None = None) -> list[dict[str, Any]]:
    query = select(actions).order_by(actions.c.id)
    if run_id is not None:
        query = query.where(actions.c.run_id == run_id)
    return _rows(engine, query)


def event_rows(engine: Engine, run_id: int, type_: str | None = None) -> list[dict[str, Any]]:
    query = select(events).where(events.c.run_id == run_id).order_by(events.c.id)
    if type_ is not None:
        query = query.where(events.c.type == type_)
    return _rows(engine, query)


def simulated_rows(engine: Engine, kind: str | None = None) -> list[dict[str, Any]]:
    query = select(simulated_messages).order_by(simulated_messages.c.id)
    if kind is not None:
        query = query.where(simulated_messages.c.kind == kind)
    return _rows(engine, query)


def callback_rows(engine: Engine, action_id: int | None = None) -> list[dict[str, Any]]:
    query = select(callbacks).order_by(callbacks.c.id)
    if action_id is not None:
        query = query.where(callbacks.c.action_id == action_id)
    return _rows(engine, query)


def in_flight_calls(engine: Engine, run_id: int) -> int:
    query = select(func.count()).select_from(actions).where(
        actions.c.run_id == run_id, actions.c.kind == "call", actions.c.status.in_(IN_FLIGHT)
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def by_phone(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["phone_number"]: row for row in rows}


def outcomes_of(engine: Engine, run_id: int) -> dict[str, tuple[Any, ...]]:
    """Return each phone number's path through the run: the columns a result decides."""
    columns = ("status", "result", "current_node", "calls_placed", "calls_answered", "sms_sent",
               "last_call_outcome", "talk_time_seconds", "outputs")
    return {
        phone: tuple(row[name] for name in columns)
        for phone, row in by_phone(recipient_rows(engine, run_id)).items()
    }


def _rows(engine: Engine, query: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
