"""Shared fixtures: a migrated database on SQLite and, where reachable, PostgreSQL."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from journeys.storage import journeys as journey_queries
from journeys.storage import runs as run_queries
from journeys.storage.db import connect

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_ADMIN_URL = os.environ.get(
    "JOURNEYS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
_postgres_state: dict[str, Any] = {}


def _postgres_reachable() -> bool:
    if "reachable" not in _postgres_state:
        try:
            probe = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
            with probe.connect():
                pass
            probe.dispose()
            _postgres_state["reachable"] = True
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            _postgres_state["reachable"] = False
            _postgres_state["reason"] = str(exc).splitlines()[0]
    return bool(_postgres_state["reachable"])


def _create_postgres_database() -> str:
    name = f"journeys_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'journeys.db'}"
        return

    if not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {_postgres_state['reason']}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}")
    url = _create_postgres_database()
    try:
        yield url
    finally:
        _drop_postgres_database(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Yield a migrated engine on each kind of database."""
    created = connect(database_url)
    try:
        yield created
    finally:
        created.dispose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """End the run with one clear line when tests were skipped for want of PostgreSQL."""
    skipped = [
        report for report in terminalreporter.stats.get("skipped", [])
        if "PostgreSQL" in _skip_reason(report)
    ]
    if not skipped:
        return
    reason = _postgres_state.get("reason") or _skip_reason(skipped[0])
    terminalreporter.write_sep(
        "!",
        f"{len(skipped)} tests did not run on PostgreSQL: {reason}. Start PostgreSQL on 127.0.0.1:5432 "
        "(user postgres, trust authentication) or set JOURNEYS_TEST_POSTGRES_URL to run them.",
        yellow=True,
        bold=True,
    )


def _skip_reason(report: Any) -> str:
    # A skip's longrepr is (file, line, "Skipped: reason").
    longrepr = report.longrepr
    return str(longrepr[2] if isinstance(longrepr, tuple) else longrepr)


def load_fixture_json(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_run(engine: Engine, document: dict[str, Any], **settings: Any) -> int:
    """Store a journey document as it is and create a draft run of it."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        journey_id = journey_queries.insert_journey(
            conn, name=document["name"], document=document, now=now
        )
        return run_queries.insert_run(
            conn, journey_id=journey_id, name="test run", settings=settings, now=now
        )


@pytest.fixture
def app(engine: Engine):  # type: ignore[no-untyped-def]
    """The API app on each kind of database, with default settings."""
    from api_helpers import make_app

    return make_app(engine)
