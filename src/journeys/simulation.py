"""`journeys simulate` and `journeys demo`: a whole run in virtual time on a throwaway database."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from journeys.clock import VirtualClock
from journeys.domain.settings import RunSettings
from journeys.engine.worker import Worker
from journeys.importer.service import ImportOptions, import_recipients
from journeys.providers.registry import Providers
from journeys.services import journeys as journey_service
from journeys.services import registry as registry_service
from journeys.services import runs as run_service
from journeys.storage import runs as run_queries
from journeys.storage.db import connect

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimulationResult:
    """The summary of a simulated run, and the import report of its recipients."""

    summary: dict[str, Any]
    import_report: Any


def simulate(
    document: dict[str, Any],
    recipients_csv: Path,
    *,
    settings: RunSettings,
    import_options: ImportOptions,
    start: datetime,
    export_path: Path | None = None,
    events_path: Path | None = None,
) -> SimulationResult:
    """Run a journey against a CSV in virtual time, from `start` until every recipient finishes."""
    with tempfile.TemporaryDirectory(prefix="journeys-simulate-") as folder:
        engine = connect(f"sqlite:///{Path(folder) / 'simulation.db'}")
        try:
            return _simulate(engine, document, recipients_csv, settings, import_options, start, export_path, events_path)
        finally:
            engine.dispose()


def _simulate(engine: Engine, document, recipients_csv, settings, import_options, start, export_path, events_path) -> SimulationResult:  # type: ignore[no-untyped-def]
    clock = VirtualClock(start)
    _register_references(engine, document, clock.now())
    journey_id = journey_service.create_journey(engine, document, now=clock.now())
    run_id = run_service.create_run(engine, journey_id, name="simulation", settings=settings, now=clock.now())
    report = import_recipients(engine, run_id, recipients_csv, options=import_options, now=clock.now())
    run_service.start_run(engine, run_id, now=clock.now())

    worker = Worker(engine, clock, providers=Providers(engine))
    worker.run_until_finished(run_id)

    summary = run_summary(engine, run_id)
    _write_exports(engine, run_id, export_path, events_path)
    return SimulationResult(summary=summary, import_report=report)


def run_summary(engine: Engine, run_id: int) -> dict[str, Any]:
    """Return the Overview figures of a run with its start and finish times."""
    from journeys.stats import run_stats

    with engine.connect() as conn:
        stats = run_stats(conn, run_id).to_dict()
        run = run_queries.get_run(conn, run_id)
    return {
        "recipients": stats["recipients"],
        "by_status": stats["by_status"],
        "calls_placed": stats["calls_placed"],
        "answered": stats["calls_answered"],
        "answer_rate": stats["answer_rate"],
        "average_talk_time_seconds": stats["average_talk_time_seconds"],
        "voicemail": stats["voicemail"],
        "no_answer": stats["no_answer"],
        "busy": stats["busy"],
        "calls_failed": stats["calls_failed"],
        "sms_sent": stats["sms_sent"],
        "sms_delivered": stats["sms_delivered"],
        "status": run["status"],
        "started_at": _iso(run["started_at"]),
        "finished_at": _iso(run["finished_at"]),
    }


def _register_references(engine: Engine, document: dict[str, Any], now: datetime) -> None:
    """Register the sender numbers and agents the journey names, as `simulate` promises."""
    numbers, agents = set(), set()
    for node in document.get("nodes") or []:
        if isinstance(node, dict):
            if isinstance(node.get("from_number"), str):
                numbers.add(node["from_number"])
            if node.get("type") == "call" and isinstance(node.get("agent"), str):
                agents.add(node["agent"])
    for number in sorted(numbers):
        try:
            registry_service.add_number(engine, number, label=None, calls_per_second=1.0, now=now)
        except Exception:  # noqa: BLE001 - validation reports the bad number with its node
            logger.debug("Could not register %s for the simulation.", number)
    for agent in sorted(agents):
        try:
            registry_service.add_agent(engine, agent, description=None, now=now)
        except Exception:  # noqa: BLE001 - validation reports the bad agent with its node
            logger.debug("Could not register agent %s for the simulation.", agent)


def _write_exports(engine: Engine, run_id: int, export_path: Path | None, events_path: Path | None) -> None:
    from journeys.export.events import write_events_csv
    from journeys.export.recipients import write_recipients_csv

    if export_path is not None:
        with export_path.open("wb") as out:
            write_recipients_csv(engine, run_id, out)
    if events_path is not None:
        with events_path.open("wb") as out:
            write_events_csv(engine, run_id, out)


def _iso(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z") if value else None
