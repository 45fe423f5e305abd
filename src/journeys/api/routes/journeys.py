"""Journey routes: create, list, read, publish, delete and validate journeys; versions, stats and new runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Response, status
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.models.call_series import Bucket, CallSeriesOut
from journeys.api.models.journeys import (
    DOCUMENT_EXAMPLE,
    Journey,
    JourneySummary,
    JourneyVersion,
    ProblemOut,
    StatsOut,
    ValidationResult,
)
from journeys.api.models.runs import Run, RunCreate, RunListItem
from journeys.api.params import MAX_ID, RowId
from journeys.errors import ForbiddenError, JourneyInvalidError
from journeys.services import journeys as service
from journeys.services import runs as run_service
from journeys.services.auth import Principal
from journeys.services.call_series import calls_over_time
from journeys.stats import journey_stats
from journeys.storage import journeys as queries
from journeys.storage import runs as run_queries

router = APIRouter(prefix="/api/journeys", tags=["journeys"])

DocumentBody = Body(
    description="A journey document: name, fields and nodes, as `journeys journey create` reads it.",
    examples=[DOCUMENT_EXAMPLE],
)


@router.post("", response_model=Journey, status_code=status.HTTP_201_CREATED, dependencies=[Depends(security.operator)])
def create_journey(
    document: dict[str, Any] = DocumentBody,
    engine: Engine = Depends(deps.engine),
    now: datetime = Depends(deps.now),
) -> Journey:
    """Validate and store a new journey; a document with problems gets 422 listing each one."""
    journey_id = service.create_journey(engine, document, now=now)
    return _read_journey(engine, journey_id, None)


@router.get("", response_model=list[JourneySummary], dependencies=[Depends(security.viewer)])
def list_journeys(engine: Engine = Depends(deps.engine)) -> list[JourneySummary]:
    """List journeys, newest first."""
    with engine.connect() as conn:
        return [JourneySummary.model_validate(row) for row in queries.list_journeys(conn)]


@router.post("/validate", response_model=ValidationResult, dependencies=[Depends(security.viewer)])
def validate_journey(document: dict[str, Any] = DocumentBody, engine: Engine = Depends(deps.engine)) -> ValidationResult:
    """Check a document without saving it: 200 with `valid` false and every problem, or `valid` true."""
    try:
        parsed = service.validate(engine, document)
    except JourneyInvalidError as exc:
        return ValidationResult(valid=False, problems=[ProblemOut.of(problem) for problem in exc.problems])
    return ValidationResult(valid=True, name=parsed.name, nodes=len(parsed.nodes))


@router.get("/{journey_id}", response_model=Journey, dependencies=[Depends(security.viewer)])
def get_journey(
    journey_id: RowId,
    version: int | None = Query(None, ge=1, le=MAX_ID, description="The version to return; the current one by default."),
    engine: Engine = Depends(deps.engine),
) -> Journey:
    """Return a journey with the document of its current version, or of `version`."""
    return _read_journey(engine, journey_id, version)


@router.put("/{journey_id}", response_model=Journey, dependencies=[Depends(security.operator)])
def update_journey(
    journey_id: RowId,
    document: dict[str, Any] = DocumentBody,
    base_version: int | None = Query(
        None, ge=1, le=MAX_ID,
        description="The version the editor loaded; when another version is current, the save gets 409 version_conflict.",
    ),
    engine: Engine = Depends(deps.engine),
    now: datetime = Depends(deps.now),
) -> Journey:
    """Publish a new version; live runs follow it.

    A save that removes a node where recipients of a live run wait, adds a
    required field those recipients lack, or starts from a `base_version` that
    is no longer current, gets 409.
    """
    version = service.update_journey(engine, journey_id, document, now=now, base_version=base_version)
    return _read_journey(engine, journey_id, version)


@router.delete(
    "/{journey_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        403: {"description": "`force=true` from a caller without the admin role."},
        409: {"description": "The journey has a live run, or a finished run and no `force=true`."},
    },
)
def delete_journey(
    journey_id: RowId,
    force: bool = Query(
        False,
        description="Also delete finished (completed, cancelled or failed) runs with their recipients, "
        "events and call records. Admins only.",
    ),
    principal: Principal = Depends(security.operator),
    engine: Engine = Depends(deps.engine),
) -> Response:
    """Delete a journey with its versions and its draft runs.

    A journey with a finished run gets 409, because deleting it would delete
    the run's recipients, events and call records; an admin may pass
    `force=true` to delete them too. A journey with a scheduled, running or
    paused run gets 409 even then: cancel the run first.
    """
    if force and not principal.allows("admin"):
        raise ForbiddenError(
            f"force=true needs the admin role, and these credentials have the {principal.role} role; "
            "ask an admin to delete the journey"
        )
    service.delete_journey(engine, journey_id, force=force)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{journey_id}/versions", response_model=list[JourneyVersion], dependencies=[Depends(security.viewer)])
def list_versions(journey_id: RowId, engine: Engine = Depends(deps.engine)) -> list[JourneyVersion]:
    """List a journey's versions, newest first."""
    with engine.connect() as conn:
        queries.get_journey(conn, journey_id)
        return [JourneyVersion.model_validate(row) for row in queries.list_versions(conn, journey_id)]


@router.get("/{journey_id}/stats", response_model=StatsOut, dependencies=[Depends(security.viewer)])
def get_stats(
    journey_id: RowId,
    run: int | None = Query(None, ge=1, le=MAX_ID, description="Only this run of the journey."),
    since: datetime | None = Query(None, description="Count facts from this time on (ISO 8601 with offset)."),
    until: datetime | None = Query(None, description="Count facts before this time (ISO 8601 with offset)."),
    engine: Engine = Depends(deps.engine),
) -> StatsOut:
    """Return calls placed, answer rate, talk time, SMS, recipients by status and node counts."""
    with engine.connect() as conn:
        figures = journey_stats(conn, journey_id, run_id=run, since=since, until=until)
    return StatsOut.model_validate(figures.to_dict())


@router.get("/{journey_id}/calls-over-time", response_model=CallSeriesOut, dependencies=[Depends(security.viewer)])
def get_calls_over_time(
    journey_id: RowId,
    run: int | None = Query(None, ge=1, le=MAX_ID, description="Only this run of the journey."),
    since: datetime | None = Query(
        None, description="Count calls placed from this time on (ISO 8601 with offset); the first bucket starts here."
    ),
    until: datetime | None = Query(None, description="Count calls placed before this time (ISO 8601 with offset)."),
    bucket: Bucket | None = Query(
        None, description="The length of each bucket; by default minutes, hours or days, whichever suits the range."
    ),
    engine: Engine = Depends(deps.engine),
) -> CallSeriesOut:
    """Return the calls placed per bucket of time, by final outcome, for the Overview chart.

    The buckets add up to the outcome figures of the stats route for the same run and range.
    """
    with engine.connect() as conn:
        series = calls_over_time(conn, journey_id, run_id=run, since=since, until=until, bucket=bucket)
    return CallSeriesOut.model_validate(series, from_attributes=True)


@router.get("/{journey_id}/runs", response_model=list[RunListItem], dependencies=[Depends(security.viewer)])
def list_runs(journey_id: RowId, engine: Engine = Depends(deps.engine)) -> list[RunListItem]:
    """List a journey's runs, newest first, each with its number of recipients."""
    with engine.connect() as conn:
        queries.get_journey(conn, journey_id)
        rows = run_queries.list_runs(conn, journey_id)
        counts = run_queries.count_recipients_per_run(conn, journey_id)
    return [RunListItem(**row, recipient_count=counts.get(row["id"], 0)) for row in rows]


@router.post("/{journey_id}/runs", response_model=Run, status_code=status.HTTP_201_CREATED, dependencies=[Depends(security.operator)])
def create_run(
    journey_id: RowId,
    body: RunCreate,
    engine: Engine = Depends(deps.engine),
    now: datetime = Depends(deps.now),
) -> Run:
    """Create a draft run with its settings; import recipients into it, then start or schedule it."""
    run_id = run_service.create_run(engine, journey_id, name=body.name, settings=body.settings, now=now)
    with engine.connect() as conn:
        return Run.model_validate(run_queries.get_run(conn, run_id))


def _read_journey(engine: Engine, journey_id: RowId, version: int | None) -> Journey:
    with engine.connect() as conn:
        journey = queries.get_journey(conn, journey_id)
        shown = version or journey["current_version"]
        document = queries.get_document(conn, journey_id, shown)
    return Journey(**journey, version=shown, document=document)
