"""Helpers for API tests: an app on a test database, and clients that act as each role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from journeys.api.app import create_app
from journeys.clock import Clock
from journeys.config import Settings
from journeys.services import auth

ROLES = ("viewer", "operator", "admin")


def make_app(engine: Engine, *, clock: Clock | None = None, **settings: Any) -> FastAPI:
    """Build the app on `engine`, with settings given here rather than read from the environment."""
    config = Settings(database_url=str(engine.url.render_as_string(hide_password=False)), **settings)
    return create_app(config, engine=engine, clock=clock)


def api_key(engine: Engine, role: str) -> str:
    """Create an API key with `role` and return it in clear."""
    _, key = auth.create_api_key(engine, name=f"test {role}", role=role, created_by=None, now=datetime.now(UTC))
    return key


@contextmanager
def client_as(app: FastAPI, role: str | None) -> Iterator[TestClient]:
    """Yield a client that sends an API key of `role`, or no credentials for None."""
    headers = {"Authorization": f"Bearer {api_key(app.state.engine, role)}"} if role else {}
    with TestClient(app, headers=headers, raise_server_exceptions=False) as client:
        yield client
