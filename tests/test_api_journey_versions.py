"""Saving a journey from an editor that loaded an older version gets 409 version_conflict."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from api_helpers import client_as
from engine_helpers import end, journey, register, sms, start
from fastapi import FastAPI
from sqlalchemy import Engine

from journeys.errors import VersionConflictError
from journeys.services import journeys as journey_service

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def _document(message: str) -> dict[str, Any]:
    return journey(start("text"), sms("text", "done", message=message), end())


@pytest.fixture
def api(app: FastAPI) -> FastAPI:
    register(app.state.engine)
    return app


def test_stale_base_version_gets_409(api: FastAPI) -> None:
    with client_as(api, "operator") as operator:
        journey_id = operator.post("/api/journeys", json=_document("One")).json()["id"]
        first = operator.put(f"/api/journeys/{journey_id}", params={"base_version": 1}, json=_document("Two"))
        second = operator.put(f"/api/journeys/{journey_id}", params={"base_version": 1}, json=_document("Three"))
        shown = operator.get(f"/api/journeys/{journey_id}").json()

    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    assert second.status_code == 409, second.text
    assert second.json()["code"] == "version_conflict"
    assert second.json()["message"] == (
        f"journey {journey_id} changed since you loaded version 1: version 2 is current; "
        "reload it, reapply your changes and save again"
    )
    assert shown["version"] == 2
    assert shown["document"]["nodes"][1]["message"] == "Two"


def test_current_or_absent_base_version_saves(api: FastAPI) -> None:
    with client_as(api, "operator") as operator:
        journey_id = operator.post("/api/journeys", json=_document("One")).json()["id"]
        with_base = operator.put(f"/api/journeys/{journey_id}", params={"base_version": 1}, json=_document("Two"))
        without_base = operator.put(f"/api/journeys/{journey_id}", json=_document("Three"))

    assert with_base.status_code == 200, with_base.text
    assert without_base.status_code == 200, without_base.text
    assert without_base.json()["version"] == 3


def test_invalid_base_version_gets_422(api: FastAPI) -> None:
    with client_as(api, "operator") as operator:
        journey_id = operator.post("/api/journeys", json=_document("One")).json()["id"]
        response = operator.put(f"/api/journeys/{journey_id}", params={"base_version": 0}, json=_document("Two"))

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["path"] == "query.base_version"


def test_concurrent_saves_one_wins(engine: Engine) -> None:
    register(engine)
    for round_number in range(5):
        journey_id = journey_service.create_journey(engine, _document("Base"), now=NOW)
        barrier = threading.Barrier(2)
        outcomes: list[object] = []

        def save(message: str, journey_id: int = journey_id, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                outcomes.append(journey_service.update_journey(engine, journey_id, _document(message), now=NOW, base_version=1))
            except Exception as exc:  # noqa: BLE001 - the test inspects what each save raised
                outcomes.append(exc)

        threads = [threading.Thread(target=save, args=(f"Tab {tab}",)) for tab in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        versions = [outcome for outcome in outcomes if isinstance(outcome, int)]
        conflicts = [outcome for outcome in outcomes if isinstance(outcome, VersionConflictError)]
        assert versions == [2], f"round {round_number}: {outcomes!r}"
        assert len(conflicts) == 1, f"round {round_number}: {outcomes!r}"
