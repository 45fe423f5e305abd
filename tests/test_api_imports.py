"""CSV imports over HTTP: stored imports, dry runs with a preview, upload limits and form errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_helpers import client_as, make_app
from engine_helpers import NOW, call, end, journey, phones, register, start
from fastapi import FastAPI
from sqlalchemy import Engine

from journeys.clock import VirtualClock
from journeys.services import journeys as journey_service
from journeys.services import runs as run_service
from journeys.storage import recipients as recipient_queries

FIELDS = [
    {"name": "customer_name", "type": "string", "required": True},
    {"name": "balance", "type": "number"},
]


@pytest.fixture
def registered(engine: Engine) -> Engine:
    register(engine)
    return engine


@pytest.fixture
def api(registered: Engine) -> FastAPI:
    return make_app(registered, clock=VirtualClock(NOW))


@pytest.fixture
def run_id(registered: Engine) -> int:
    engine = registered
    document = journey(start("call_1"), call("call_1", "done"), end(), fields=FIELDS)
    journey_id = journey_service.create_journey(engine, document, now=NOW)
    return run_service.create_run(engine, journey_id, name="Imports", settings=run_service.RunSettings(), now=NOW)


def csv_text(count: int, *, bad_lines: int = 0) -> str:
    lines = ["Mobile,Customer Name,balance"]
    lines += [f"{phone},Person {index},{index}.50" for index, phone in enumerate(phones(count))]
    lines += [f"not a phone {index},Broken,abc" for index in range(bad_lines)]
    return "\r\n".join(lines) + "\r\n"


def upload(client, run_id: int, text: str, **fields):  # type: ignore[no-untyped-def]
    files = {"file": ("leads.csv", text.encode("utf-8"), "text/csv")}
    return client.post(f"/api/runs/{run_id}/imports", files=files, data=fields)


def stored_count(engine: Engine, run_id: int) -> int:
    with engine.connect() as conn:
        return recipient_queries.count(conn, run_id)


def test_import_stores_rows_and_reports(api: FastAPI, engine: Engine, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = upload(client, run_id, csv_text(5, bad_lines=2), mapping=["Mobile=phone_number"])

    assert response.status_code == 201
    report = response.json()
    assert report["dry_run"] is False
    assert report["filename"] == "leads.csv"
    assert report["accepted"] == 5
    assert report["rejected_rows"] == 2
    assert report["mapping"] == {"Mobile": "phone_number", "Customer Name": "customer_name", "balance": "balance"}
    assert [error["line"] for error in report["row_errors"] if error["column"] == "phone_number"] == [7, 8]
    assert report["preview"] is None
    assert stored_count(engine, run_id) == 5


def test_dry_run_previews_and_stores_nothing(api: FastAPI, engine: Engine, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = upload(client, run_id, csv_text(25), dry_run="true", default_region="US")

    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert body["accepted"] == 25
    assert body["mapping"]["Mobile"] == "phone_number"
    preview = body["preview"]
    assert preview["headers"] == ["Mobile", "Customer Name", "balance"]
    assert len(preview["rows"]) == 10
    assert preview["rows"][0] == {"line": 2, "cells": [phones(1)[0], "Person 0", "0.50"]}
    assert preview["fields"] == ["phone_number", "timezone", "phone_extension", "customer_name", "balance"]
    assert stored_count(engine, run_id) == 0


def test_import_ignores_column_by_mapping(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        report = upload(client, run_id, csv_text(2), mapping=["balance=-"]).json()

    assert report["ignored_columns"] == ["balance"]
    assert "balance" not in report["mapping"]


def test_import_rejects_malformed_mapping(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = upload(client, run_id, csv_text(2), mapping=["Mobile"])

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body.mapping"


def test_import_rejects_unknown_field(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = upload(client, run_id, csv_text(2), mapping=["Mobile=mobile_phone"])

    assert response.status_code == 422
    assert "no field 'mobile_phone'" in response.json()["message"]


def test_import_rejects_bad_region(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = upload(client, run_id, csv_text(2), default_region="Atlantis")

    assert response.status_code == 422


def test_import_without_file_is_422(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/imports", data={"dry_run": "true"}, files={"other": ("x.csv", b"a")})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body.file"


def test_import_of_json_body_is_422(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/imports", json={"file": "phone_number\n+12025550101"})

    assert response.status_code == 422
    assert "multipart/form-data" in response.json()["message"]


def test_import_without_phone_column_is_422(api: FastAPI, engine: Engine, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = upload(client, run_id, "name,balance\r\nAda,1\r\n")

    assert response.status_code == 422
    assert response.json()["code"] == "import_file_error"
    assert stored_count(engine, run_id) == 0


def test_import_into_running_run_is_409(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        upload(client, run_id, csv_text(2))
        client.post(f"/api/runs/{run_id}/start")
        response = upload(client, run_id, csv_text(3))

    assert response.status_code == 409


def test_import_into_unknown_run_is_404(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = upload(client, 999, csv_text(2))

    assert response.status_code == 404


def test_upload_over_declared_limit_is_413(engine: Engine, run_id: int) -> None:
    small = make_app(engine, max_upload_bytes=1_000)
    with client_as(small, "operator") as client:
        response = upload(client, run_id, csv_text(100))

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "1,000 bytes" in response.json()["message"]
    assert stored_count(engine, run_id) == 0


def test_chunked_upload_over_limit_is_413(engine: Engine, run_id: int) -> None:
    """A body sent without Content-Length is counted as it arrives."""
    boundary = "journeys-test-boundary"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:
        yield head
        yield b"phone_number,customer_name\r\n"
        for phone in phones(200):
            yield f"{phone},Someone\r\n".encode()
        yield f"\r\n--{boundary}--\r\n".encode()

    small = make_app(engine, max_upload_bytes=2_000)
    with client_as(small, "operator") as client:
        response = client.post(
            f"/api/runs/{run_id}/imports",
            content=chunks(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert stored_count(engine, run_id) == 0


def test_chunked_upload_under_limit_imports(engine: Engine, run_id: int) -> None:
    boundary = "journeys-test-boundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n"
        f"phone_number,customer_name\r\n{phones(1)[0]},Ada\r\n"
        f"\r\n--{boundary}--\r\n"
    ).encode()

    with client_as(make_app(engine), "operator") as client:
        response = client.post(
            f"/api/runs/{run_id}/imports",
            content=iter([body[:50], body[50:]]),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    assert response.status_code == 201
    assert response.json()["accepted"] == 1
