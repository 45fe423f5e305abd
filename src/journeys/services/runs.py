"""Run commands: create, start, schedule, pause, resume, cancel and delete.

Each command checks the lifecycle, then changes the run and its recipients in
one transaction, so a rejected or failed command changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete

from journeys.config import Settings, load_settings
from journeys.domain.document import JourneyDocument
from journeys.domain.lifecycle import check_transition
from journeys.domain.localtime import local_to_utc
from journeys.domain.settings import RunSettings
from journeys.domain.text import check_text
from journeys.errors import ConflictError, InvalidInputError, JourneysError
from journeys.providers.registry import Providers
from journeys.providers.twilio_settings import check_twilio_ready
from journeys.providers.webhook_readiness import check_webhook_run
from journeys.public_url import check_public_url_for_run
from journeys.storage import actions as action_queries
from journeys.storage import journeys as journey_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries
from journeys.storage.schema import runs

logger = logging.getLogger(__name__)

# The width of the runs table's `name` column.
MAX_RUN_NAME_LENGTH = 200


def create_run(
    engine: Engine, journey_id: int, *, name: str, settings: RunSettings, now: datetime
) -> int:
    """Create a draft run of a journey and return its id; the name is stored without surrounding spaces."""
    name = check_run_name(name)
    with engine.begin() as conn:
        journey_queries.get_journey(conn, journey_id)
        run_id = run_queries.insert_run(
            conn, journey_id=journey_id, name=name, settings=settings.model_dump(mode="json"), now=now
        )
    logger.info("Created run %d.", run_id, extra={"action": "run_created", "run_id": run_id})
    return run_id


def check_run_name(name: str) -> str:
    """Return the name without surrounding spaces; raise InvalidInputError if it is blank, too long or has a control character."""
    stripped = check_text(name.strip(), "run name")
    if not stripped:
        raise InvalidInputError("invalid run name: it is blank; give the run a name such as 'Morning wave'")
    if len(stripped) > MAX_RUN_NAME_LENGTH:
        raise InvalidInputError(
            f"invalid run name: it has {len(stripped)} characters; use at most {MAX_RUN_NAME_LENGTH}"
        )
    return stripped


def start_run(engine: Engine, run_id: int, *, now: datetime, config: Settings | None = None) -> dict[str, Any]:
    """Start a draft or scheduled run now: every recipient becomes due at the start node.

    `config` is read from the environment when not given; only webhook runs use it.
    """
    with engine.begin() as conn:
        run = run_queries.get_run(conn, run_id, for_update=True)
        check_transition(run_id, run["status"], "start")
        check_provider_ready(conn, run, config)
        activate(conn, run, now=now)
        return run_queries.get_run(conn, run_id)


def activate(conn: Connection, run: dict[str, Any], *, now: datetime) -> int:
    """Set a run running and make its pending recipients due; return how many."""
    document = JourneyDocument.model_validate(journey_queries.get_document(conn, run["journey_id"]))
    start = document.start_node()
    if recipient_queries.count(conn, run["id"]) == 0 and start.trigger != "api":
        raise ConflictError(
            f"run {run['id']} has no recipients; import a CSV with "
            f"`journeys run import {run['id']} FILE.csv` before starting it"
        )
    run_queries.update_run(conn, run["id"], now=now, status="running", started_at=now)
    started = recipient_queries.activate_pending(conn, run["id"], start_node=start.id, now=now)
    logger.info(
        "Started run %d with %d recipients.", run["id"], started,
        extra={"action": "run_started", "run_id": run["id"]},
    )
    return started


def schedule_run(
    engine: Engine, run_id: int, *, local_time: str, timezone: str, now: datetime, config: Settings | None = None
) -> dict[str, Any]:
    """Schedule a draft run for a local date and time in an IANA zone."""
    at = local_to_utc(local_time, timezone)
    if at <= now:
        raise ConflictError(
            f"the start time {local_time} {timezone} is in the past; choose a later time, "
            f"or start the run now with `journeys run start {run_id}`"
        )
    with engine.begin() as conn:
        run = run_queries.get_run(conn, run_id, for_update=True)
        check_transition(run_id, run["status"], "schedule")
        if recipient_queries.count(conn, run_id) == 0:
            raise ConflictError(
                f"run {run_id} has no recipients; import a CSV before scheduling it"
            )
        check_provider_ready(conn, run, config)
        run_queries.update_run(
            conn, run_id, now=now, status="scheduled", scheduled_at=at,
            schedule_local=f"{local_time} {timezone}",
        )
        return run_queries.get_run(conn, run_id)


def check_provider_ready(conn: Connection, run: dict[str, Any], config: Settings | None) -> None:
    """Raise an error if the run's provider lacks a setting its requests need.

    Checked when a run is started or scheduled, not when a scheduled run's time
    comes: a failure then would have no one to report to. Webhook runs raise
    ConflictError; Twilio runs raise TwilioNotConfiguredError. Both raise
    ConflictError when JOURNEYS_PUBLIC_URL, which their callbacks need, is not set.
    """
    provider = RunSettings.model_validate(run["settings"]).provider
    if provider == "simulator":
        return
    config = config or load_settings()
    if provider == "twilio":
        check_twilio_ready(config)
    if provider == "webhook":
        document = JourneyDocument.model_validate(journey_queries.get_document(conn, run["journey_id"]))
        check_webhook_run(conn, run["id"], document, config)
    check_public_url_for_run(config, run["id"], provider)


def unschedule_run(engine: Engine, run_id: int, *, now: datetime) -> dict[str, Any]:
    """Return a scheduled run to draft."""
    return _transition(engine, run_id, "unschedule", now, scheduled_at=None, schedule_local=None)


def pause_run(engine: Engine, run_id: int, *, now: datetime) -> dict[str, Any]:
    """Pause a running run: no new action starts; calls in progress finish."""
    return _transition(engine, run_id, "pause", now)


def resume_run(engine: Engine, run_id: int, *, now: datetime) -> dict[str, Any]:
    """Resume a paused run; recipients whose wait ended meanwhile continue, paced by limits."""
    return _transition(engine, run_id, "resume", now)


def cancel_run(
    engine: Engine, run_id: int, *, now: datetime, providers: Providers
) -> dict[str, Any]:
    """Cancel a run: queued actions are dropped, calls in progress hung up, recipients cancelled."""
    with engine.begin() as conn:
        run = run_queries.get_run(conn, run_id, for_update=True)
        check_transition(run_id, run["status"], "cancel")
        run_queries.update_run(conn, run_id, now=now, status="cancelled", finished_at=now)
        dropped = action_queries.drop_queued(conn, run_id, now=now)
        cancelled = recipient_queries.cancel_open(conn, run_id, now=now, reason="run cancelled")
        in_flight = action_queries.in_flight_ids(conn, run_id)

    hung_up = _hang_up(providers, run, in_flight, now)
    logger.info(
        "Cancelled run %d: %d recipients cancelled, %d queued actions dropped, %d calls hung up.",
        run_id, cancelled, dropped, hung_up, extra={"action": "run_cancelled", "run_id": run_id},
    )
    with engine.connect() as conn:
        return run_queries.get_run(conn, run_id)


def delete_run(engine: Engine, run_id: int) -> None:
    """Delete a draft run and its recipients."""
    with engine.begin() as conn:
        run = run_queries.get_run(conn, run_id, for_update=True)
        check_transition(run_id, run["status"], "delete")
        conn.execute(delete(runs).where(runs.c.id == run_id))


def _transition(engine: Engine, run_id: int, command, now: datetime, **values: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        run = run_queries.get_run(conn, run_id, for_update=True)
        target = check_transition(run_id, run["status"], command)
        run_queries.update_run(conn, run_id, now=now, status=target, **values)
        logger.info(
            "Run %d is now %s.", run_id, target, extra={"action": f"run_{command}", "run_id": run_id}
        )
        return run_queries.get_run(conn, run_id)


def _hang_up(providers: Providers, run: dict[str, Any], action_ids: list[int], now: datetime) -> int:
    if not action_ids:
        return 0
    settings = RunSettings.model_validate(run["settings"])
    try:
        provider = providers.for_run(run["id"], settings)
    except JourneysError as exc:
        # The cancel is committed already, so an unusable provider (such as
        # Twilio without credentials here) only leaves its calls to run out.
        logger.error(
            "Could not hang up the calls of run %d (%d in progress): %s", run["id"], len(action_ids), exc,
            extra={"action": "hang_up_failed", "run_id": run["id"]},
        )
        return 0
    hung_up = 0
    for action_id in action_ids:
        try:
            hung_up += bool(provider.hang_up(action_id, now))
        except Exception:  # noqa: BLE001 - a failed hang-up must not undo the cancel
            logger.exception(
                "Could not hang up action %d.", action_id,
                extra={"action": "hang_up_failed", "run_id": run["id"], "action_id": action_id},
            )
    return hung_up
