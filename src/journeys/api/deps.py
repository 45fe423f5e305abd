"""The values route handlers share: the database engine, the settings, the clock, the catalog and the providers."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from sqlalchemy import Engine

from journeys.config import Settings
from journeys.engine.catalog import Catalog
from journeys.providers.registry import Providers


def engine(request: Request) -> Engine:
    return request.app.state.engine


def config(request: Request) -> Settings:
    return request.app.state.config


def catalog(request: Request) -> Catalog:
    return request.app.state.catalog


def now(request: Request) -> datetime:
    return request.app.state.clock.now()


def providers(request: Request) -> Providers:
    """Return the app's providers, made on first use; a cancel hangs up calls through them."""
    state = request.app.state
    if getattr(state, "providers", None) is None:
        state.providers = Providers(state.engine, state.config)
    return state.providers
