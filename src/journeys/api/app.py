"""The FastAPI application: settings, database, error handling and every route group."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI
from sqlalchemy import Engine

from journeys.api import errors, routes
from journeys.api.input_checks import InputCheckMiddleware
from journeys.api.webapp import WebApp
from journeys.clock import Clock, SystemClock
from journeys.config import Settings, load_settings
from journeys.engine.catalog import Catalog
from journeys.storage.db import connect


def create_app(config: Settings | None = None, *, engine: Engine | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app on a database; tests pass their own engine and clock."""
    config = config or load_settings()
    app = FastAPI(
        title="Journeys",
        version=version("journeys"),
        summary="Outbound voice-agent calls and SMS, designed once as a journey and run against recipient lists.",
        # FastAPI's /docs and /redoc pages load their scripts from a CDN, and Journeys
        # loads nothing from the internet; /openapi.json describes the API instead.
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.config = config
    app.state.engine = engine or connect(config.database_url)
    app.state.clock = clock or SystemClock()
    app.state.catalog = Catalog()

    errors.install(app)
    app.add_middleware(InputCheckMiddleware, max_json_bytes=config.max_json_bytes)
    for module in _route_modules():
        app.include_router(module.router)

    # Mounted last, so that every API route matches before the web app's fallback.
    app.mount("/", WebApp(), name="webapp")
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # Callbacks already queued are applied before the server stops responding.
    batcher = getattr(app.state, "agent_callback_batcher", None)
    if batcher is not None:
        batcher.close()


def _route_modules() -> list:  # type: ignore[type-arg]
    names = sorted(info.name for info in pkgutil.iter_modules(routes.__path__))
    return [importlib.import_module(f"{routes.__name__}.{name}") for name in names]
