"""Run routes: read and delete runs, and the lifecycle commands start, schedule, pause, resume and cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Response, status
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.params import RowId
from journeys.api.models.runs import Run, RunDetail, ScheduleRequest
from journeys.config import Settings
from journeys.providers.registry import Providers
from journeys.services import runs as service
from journeys.storage import runs as run_queries
from journeys.storage import stats as stats_queries
from journeys.storage.stats import StatsScope

router = APIRouter(prefix="/api/runs", tags=["runs"])


@router.get("/{run_id}", response_model=RunDetail, dependencies=[Depends(security.viewer)])
def get_run(run_id: RowId, engine: Engine = Depends(deps.engine)) -> RunDetail:
    """Return a run with its settings and how many recipients are in each status."""
    with engine.connect() as conn:
        run = run_queries.get_run(conn, run_id)
        counts = stats_queries.count_recipients_by_status(conn, StatsScope(journey_id=run["journey_id"], run_id=run_id))
    return RunDetail(**run, recipients=counts)


@router.delete("/{run_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Depends(security.operator)])
def delete_run(run_id: RowId, engine: Engine = Depends(deps.engine)) -> Response:
    """Delete a draft run and its recipients; a run in any other status gets 409."""
    service.delete_run(engine, run_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{run_id}/start", response_model=Run, dependencies=[Depends(security.operator)])
def start_run(
    run_id: RowId, engine: Engine = Depends(deps.engine), now: datetime = Depends(deps.now),
    config: Settings = Depends(deps.config),
) -> Run:
    """Start a draft or scheduled run now; the worker moves its recipients."""
    return _run(service.start_run(engine, run_id, now=now, config=config))


@router.post("/{run_id}/schedule", response_model=Run, dependencies=[Depends(security.operator)])
def schedule_run(
    run_id: RowId, body: ScheduleRequest, engine: Engine = Depends(deps.engine), now: datetime = Depends(deps.now),
    config: Settings = Depends(deps.config),
) -> Run:
    """Schedule a draft run for a local time; a time clocks skip gets 422 naming the next valid one."""
    return _run(service.schedule_run(engine, run_id, local_time=body.at, timezone=body.timezone, now=now, config=config))


@router.post("/{run_id}/unschedule", response_model=Run, dependencies=[Depends(security.operator)])
def unschedule_run(run_id: RowId, engine: Engine = Depends(deps.engine), now: datetime = Depends(deps.now)) -> Run:
    """Return a scheduled run to draft."""
    return _run(service.unschedule_run(engine, run_id, now=now))


@router.post("/{run_id}/pause", response_model=Run, dependencies=[Depends(security.operator)])
def pause_run(run_id: RowId, engine: Engine = Depends(deps.engine), now: datetime = Depends(deps.now)) -> Run:
    """Pause a running run: no new call or SMS starts; calls in progress finish."""
    return _run(service.pause_run(engine, run_id, now=now))


@router.post("/{run_id}/resume", response_model=Run, dependencies=[Depends(security.operator)])
def resume_run(run_id: RowId, engine: Engine = Depends(deps.engine), now: datetime = Depends(deps.now)) -> Run:
    """Resume a paused run."""
    return _run(service.resume_run(engine, run_id, now=now))


@router.post("/{run_id}/cancel", response_model=Run, dependencies=[Depends(security.operator)])
def cancel_run(
    run_id: RowId,
    engine: Engine = Depends(deps.engine),
    now: datetime = Depends(deps.now),
    providers: Providers = Depends(deps.providers),
) -> Run:
    """Cancel a run: queued calls and SMS are dropped and calls in progress hung up."""
    return _run(service.cancel_run(engine, run_id, now=now, providers=providers))


def _run(row: dict[str, Any]) -> Run:
    return Run.model_validate(row)
