"""Every case of tests/fixtures/import/expected.json, imported over the HTTP API on each database.

Each test registers the sender number and agent that the payment-reminder
journey calls from, then creates the journey and a draft run through the API.
It uploads the case's file as multipart form data and reads the report, the
recipients and the export back through the API.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import client_as
from api_import_helpers import (
    export_rows,
    import_form_fields,
    new_reminder_run,
    recipient_data,
    register_reminder_senders,
    upload,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, select

from import_cases import (
    CASES,
    case_bytes,
    case_id,
    cases_expecting,
    expected_duplicates,
    expected_row_errors,
    same_value,
)
from journeys.storage.schema import imports

# The report fields that only a dry run sets.
DRY_RUN_ONLY = ("dry_run", "preview")


@pytest.fixture
def api(app: FastAPI) -> FastAPI:
    register_reminder_senders(app)
    return app


def upload_case(client: TestClient, run_id: int, case: dict[str, Any], *, dry_run: bool = False) -> Response:
    fields = import_form_fields(case["options"])
    if dry_run:
        fields["dry_run"] = "true"
    return upload(client, run_id, case["file"], case_bytes(case), **fields)


def stored_import_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(imports.c.id)).all())


def assert_report_matches(report: dict[str, Any], expect: dict[str, Any]) -> None:
    found_errors = [
        {"line": error["line"], "column": error["column"], "reason": error["reason"]}
        for error in report["row_errors"]
    ]

    assert report["accepted"] == expect["accepted"]
    assert found_errors == expected_row_errors(expect)
    assert report["row_error_count"] == len(expected_row_errors(expect))
    assert report["duplicate_count"] == expected_duplicates(expect)
    assert len(report["duplicates"]) == expected_duplicates(expect)
    assert report["rows"] == report["accepted"] + report["rejected_rows"] + report["duplicate_count"]
    if "encoding_reported" in expect:
        assert report["encoding"] == expect["encoding_reported"]


def assert_file_error(response: Response, expect: dict[str, Any]) -> None:
    body = response.json()

    assert response.status_code == 422
    assert body["code"] == "import_file_error"
    assert expect["file_error"] in body["message"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_api_import_case(api: FastAPI, engine: Engine, case: dict[str, Any]) -> None:
    expect = case["expect"]
    with client_as(api, "operator") as client:
        run_id = new_reminder_run(client)
        response = upload_case(client, run_id, case)
        stored = recipient_data(client, run_id)

    if "file_error" in expect:
        assert_file_error(response, expect)
        assert stored == {}
        assert stored_import_count(engine) == 0
        return

    assert response.status_code == 201, response.text
    report = response.json()
    assert report["dry_run"] is False
    assert report["filename"] == case["file"]
    assert_report_matches(report, expect)
    assert len(stored) == expect["accepted"]
    assert stored_import_count(engine) == 1
    for phone, values in expect.get("values", {}).items():
        assert phone in stored, sorted(stored)
        data = stored[phone]["data"]
        for name, value in values.items():
            assert same_value(data[name], value), (phone, name, data[name])


@pytest.mark.parametrize("case", cases_expecting("export_cell"), ids=case_id)
def test_api_import_case_export(api: FastAPI, case: dict[str, Any]) -> None:
    with client_as(api, "operator") as client:
        run_id = new_reminder_run(client)
        assert upload_case(client, run_id, case).status_code == 201
        rows = export_rows(client, run_id)

    assert len(rows) == case["expect"]["accepted"]
    for name, cell in case["expect"]["export_cell"].items():
        assert [row[name] for row in rows] == [cell] * len(rows)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_api_import_case_dry_run(api: FastAPI, engine: Engine, case: dict[str, Any]) -> None:
    # The dry run goes first, into the same run as the real import, so that
    # anything it left behind would show up as duplicates in the real one.
    expect = case["expect"]
    with client_as(api, "operator") as client:
        run_id = new_reminder_run(client)
        dry = upload_case(client, run_id, case, dry_run=True)
        stored_after_dry_run = recipient_data(client, run_id)
        imports_after_dry_run = stored_import_count(engine)
        real = upload_case(client, run_id, case)

    assert stored_after_dry_run == {}
    assert imports_after_dry_run == 0
    if "file_error" in expect:
        assert_file_error(real, expect)
        assert_dry_run_file_error(dry, real)
        return

    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True
    assert dry.json()["preview"] is not None
    assert_report_matches(dry.json(), expect)
    assert without_dry_run_fields(dry.json()) == without_dry_run_fields(real.json())


def assert_dry_run_file_error(dry: Response, real: Response) -> None:
    # A file with no phone column still gets its preview on a dry run, so that
    # the user can pick the column. Every other file error gets the import's 422.
    if "no column maps to phone_number" not in real.json()["message"]:
        assert dry.status_code == 422, dry.text
        assert dry.json() == real.json()
        return

    assert dry.status_code == 200, dry.text
    assert dry.json()["file_error"] == {"code": "phone_column_missing", "message": real.json()["message"]}
    assert dry.json()["preview"] is not None
    assert dry.json()["accepted"] == 0


def without_dry_run_fields(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key not in DRY_RUN_ONLY}
