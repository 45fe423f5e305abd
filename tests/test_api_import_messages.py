"""Import errors over HTTP name the API's form fields, never the command line's flags."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI

from api_helpers import client_as
from api_import_helpers import new_reminder_run, register_reminder_senders, upload
from engine_helpers import NOW, call, end, journey, register
from journeys.domain.settings import RunSettings
from journeys.errors import ImportFileError
from journeys.importer.dialect import detect_delimiter
from journeys.importer.mapping import map_columns
from journeys.services import journeys as journey_service
from journeys.services import runs as run_service

# A command-line flag such as --map or --default-region.
FLAG = re.compile(r"--[a-z]")


@pytest.fixture
def reminder_run(app: FastAPI) -> int:
    register_reminder_senders(app)
    with client_as(app, "operator") as client:
        return new_reminder_run(client)


def file_error(app: FastAPI, run_id: int, data: bytes, **fields: Any) -> str:
    """Upload a file that the import rejects as a whole; return the error message."""
    with client_as(app, "operator") as client:
        response = upload(client, run_id, "leads.csv", data, **fields)
    assert response.status_code in (400, 422), response.text
    return str(response.json()["message"])


def row_messages(app: FastAPI, run_id: int, data: bytes, **fields: Any) -> list[str]:
    """Import a file as a dry run; return the message of every row error."""
    with client_as(app, "operator") as client:
        response = upload(client, run_id, "leads.csv", data, dry_run="true", **fields)
    assert response.status_code == 200, response.text
    return [error["message"] for error in response.json()["row_errors"]]


@pytest.mark.parametrize(
    ("data", "fields", "expected"),
    [
        (b"phone_number,customer_name;zip\n", {}, "declare it with the delimiter field"),
        ("phone_number,customer_name\n".encode("utf-16-le"), {}, "encoding=utf-16-le or encoding=utf-16-be"),
        ("phone_number,customer_name\n+12025550101,Zoë\n".encode() + b"+12025550102,Bj\xf6rn\n", {}, "with the encoding field"),
        (b"mobile_phone_x,customer_name\n+12025550101,Ada\n", {}, "map it with mapping=COLUMN=phone_number"),
        (b"phone_number,customer_name\n+12025550101,Ada\n", {"mapping": ["Nope=phone_number"]}, "mapping=Nope=phone_number: the file has no column"),
        (b"phone_number,customer_name\n+12025550101,Ada\n", {"mapping": ["customer_name=nope"]}, "mapping=customer_name=nope: the journey has no field"),
        (b"phone_number,Phone,customer_name\n+12025550101,+12025550102,Ada\n", {"mapping": ["Phone=phone_number"]}, "ignore one with mapping=Phone=-"),
        (b"phone_number,zip\n+12025550101,10001\n", {}, "map one with mapping=COLUMN=customer_name"),
    ],
    ids=["delimiter", "utf-16", "encoding", "phone column", "missing column", "unknown field", "two columns", "required field"],
)
def test_file_error_names_form_field(app: FastAPI, reminder_run: int, data: bytes, fields: dict[str, Any], expected: str) -> None:
    message = file_error(app, reminder_run, data, **fields)

    assert expected in message
    assert not FLAG.search(message), message


@pytest.mark.parametrize(
    ("cells", "fields", "expected"),
    [
        ("2025550101,Ada,,,", {}, "set the default_region field"),
        ("+12025550101,Ada,,03/01/2025,", {}, "declare the format with the date_format field"),
        ("+12025550101,Ada,\"1,234\",,", {}, "as the decimal separator (decimal=,)"),
        ("+12025550101,Ada,\"1.234\",,", {"decimal": ","}, "as the decimal separator (decimal=.)"),
        ("+12025550101,Ada,\"12,5\",,", {}, "declare ',' (decimal=,) if the file uses it"),
    ],
    ids=["region", "date format", "ambiguous number", "ambiguous with comma", "decimal comma"],
)
def test_row_error_names_form_field(app: FastAPI, reminder_run: int, cells: str, fields: dict[str, Any], expected: str) -> None:
    data = f"phone_number,customer_name,balance,due_date,zip\n{cells}\n".encode()

    messages = row_messages(app, reminder_run, data, **fields)

    assert len(messages) == 1, messages
    assert expected in messages[0]
    assert not FLAG.search(messages[0]), messages[0]


def test_added_recipient_error_names_field(app: FastAPI) -> None:
    engine = app.state.engine
    register(engine)
    start_node = {"id": "start", "type": "start", "next": "call_1", "trigger": "api"}
    document = journey(start_node, call("call_1", "done"), end())
    journey_id = journey_service.create_journey(engine, document, now=NOW)
    run_id = run_service.create_run(engine, journey_id, name="API run", settings=RunSettings(), now=NOW)

    with client_as(app, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/recipients", json={"phone_number": "2025550101"})

    assert response.status_code == 422, response.text
    assert "set the default_region field" in response.text
    assert not FLAG.search(response.text), response.text


def test_cli_names_kept_by_default() -> None:
    with pytest.raises(ImportFileError) as delimiter:
        detect_delimiter("a,b;c")
    with pytest.raises(ImportFileError) as phone:
        map_columns(["mobile_phone_x"], ["phone_number"], {})
    with pytest.raises(ImportFileError) as twice:
        map_columns(["phone_number", "Phone"], ["phone_number"], {"Phone": "phone_number"})

    assert "declare it with --delimiter." in str(delimiter.value)
    assert "map it with --map COLUMN=phone_number." in str(phone.value)
    assert "ignore one with --map 'Phone=-'" in str(twice.value)
