"""The save-impact route: what publishing a journey document would affect, before it is saved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.models.journeys import (
    DOCUMENT_EXAMPLE,
    BlockedNode,
    ImpactRun,
    ProblemOut,
    SaveImpactOut,
)
from journeys.api.params import RowId
from journeys.services import journeys as service

router = APIRouter(prefix="/api/journeys", tags=["journeys"])


@router.post("/{journey_id}/impact", response_model=SaveImpactOut, dependencies=[Depends(security.operator)])
def save_impact(
    journey_id: RowId,
    document: dict[str, Any] = Body(
        description="The journey document that a PUT to /api/journeys/{journey_id} would publish.",
        examples=[DOCUMENT_EXAMPLE],
    ),
    engine: Engine = Depends(deps.engine),
) -> SaveImpactOut:
    """List the live runs that would follow this document, the removed nodes where recipients wait, and its problems.

    Nothing is saved. A PUT of the same document fails with 409 while `blocked`
    has an entry, and with 422 while `problems` has one.
    """
    impact = service.save_impact(engine, journey_id, document)
    return SaveImpactOut(
        runs=[ImpactRun(**run) for run in impact.runs],
        blocked=[BlockedNode(**row) for row in impact.blocked],
        problems=[ProblemOut.of(problem) for problem in impact.problems],
    )
