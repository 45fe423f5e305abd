"""The CSV export of a run, streamed page by page as the command line writes it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.params import RowId
from journeys.export import iter_csv_bytes, iter_event_rows, iter_recipient_rows

router = APIRouter(tags=["runs"])

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


@router.get(
    "/api/runs/{run_id}/export",
    response_class=StreamingResponse,
    responses={200: {"content": {CSV_MEDIA_TYPE: {}}, "description": "UTF-8 CSV with a byte-order mark."}},
    dependencies=[Depends(security.viewer)],
)
def export_run(
    run_id: RowId,
    events: bool = Query(False, description="Export the event history instead of one row per recipient."),
    engine: Engine = Depends(deps.engine),
) -> StreamingResponse:
    """Stream a run's recipients, or its events, as CSV; memory stays flat however large the run."""
    # Both iterators look the run up before they return, so an unknown run
    # gets 404 here rather than a broken stream.
    rows = iter_event_rows(engine, run_id) if events else iter_recipient_rows(engine, run_id)
    filename = f"run-{run_id}-{'events' if events else 'recipients'}.csv"
    return StreamingResponse(
        iter_csv_bytes(rows),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
