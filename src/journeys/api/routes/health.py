"""The one route that needs no credentials: is the server up and its database reachable."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import Engine, text

from journeys.api import deps

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/api/health", response_model=Health)
def health(engine: Engine = Depends(deps.engine)) -> Health:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Health(status="ok")
