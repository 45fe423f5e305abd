"""GET /metrics for Prometheus, without credentials, as scrapers usually have none.

It shows counts by status, kind and outcome and worker ids, never a phone
number, a name or a secret. A server reachable from the internet should
block the path at its reverse proxy.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from journeys.api import deps
from journeys.api.metrics import render

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text exposition format."}},
)
async def metrics(engine: Engine = Depends(deps.engine), now: datetime = Depends(deps.now)) -> Response:
    """Return the Prometheus metrics of the server and of the database it shares with workers."""
    body = await run_in_threadpool(render, engine, now)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
