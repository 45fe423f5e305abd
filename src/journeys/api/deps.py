"""What route handlers share: the database engine, the settings, the clock and the catalog."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from sqlalchemy import Engine

from journeys.config import Settings
from journeys.engine.catalog import Catalog


def engine(request: Request) -> Engine:
    return request.app.state.engine


def config(request: Request) -> Settings:
    return request.app.state.config


def catalog(request: Request) -> Catalog:
    return request.app.state.catalog


def now(request: Request) -> datetime:
    return request.app.state.clock.now()
