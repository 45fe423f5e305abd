"""Binary files renamed .csv are rejected whole, and long values are cut short in import errors."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from api_helpers import client_as
from api_import_helpers import new_reminder_run, register_reminder_senders, upload
from fastapi import FastAPI

from journeys.errors import ImportFileError
from journeys.importer.encoding import detect_encoding
from journeys.importer.mapping import map_columns
from journeys.importer.options import ImportOptions
from journeys.importer.preview import preview_file


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" + bytes(range(256)) * 8


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types>" + "<Default/>" * 200 + "</Types>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row><c>+12025550101</c></row>" * 500)
    return buffer.getvalue()


def _random_bytes() -> bytes:
    return random.Random(7).randbytes(20_000)


def _random_without_nul() -> bytes:
    return bytes(byte or 1 for byte in _random_bytes())


BINARIES = [("png", _png), ("xlsx", _xlsx), ("random", _random_bytes), ("random without NUL", _random_without_nul)]
MESSAGE = "'leads.csv' is not a text CSV file (it contains binary data); export it from your spreadsheet as CSV."


@pytest.mark.parametrize("make", [make for _, make in BINARIES], ids=[name for name, _ in BINARIES])
def test_binary_file_rejected(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileError) as error:
        detect_encoding(io.BytesIO(make()), None, filename="leads.csv")

    assert str(error.value) == MESSAGE


@pytest.mark.parametrize("make", [make for _, make in BINARIES], ids=[name for name, _ in BINARIES])
def test_binary_file_preview_rejected(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileError, match="is not a text CSV file"):
        preview_file(io.BytesIO(make()), ImportOptions(filename="leads.csv"))


@pytest.mark.parametrize(
    "data",
    [
        "phone_number,name\n+12025550101,Ana\n".encode(),
        "phone_number\tname\n+12025550101\tAna\n".encode(),
        "phone_number,name\n+12025550101,Zoë\n".encode("utf-16"),
        "phone_number,name\n+12025550101,Zoë\n".encode("cp1252"),
    ],
    ids=["utf-8", "tabs", "utf-16 with bom", "windows-1252"],
)
def test_text_file_accepted(data: bytes) -> None:
    assert detect_encoding(io.BytesIO(data), None, filename="leads.csv").name


def test_utf16_without_bom_keeps_its_message() -> None:
    with pytest.raises(ImportFileError, match="looks like UTF-16 without a byte-order mark"):
        detect_encoding(io.BytesIO("phone_number,name\n+12025550101,Ana\n".encode("utf-16-le")), None)


def test_long_column_name_cut_in_message() -> None:
    header = "x" * 20_000

    with pytest.raises(ImportFileError) as error:
        map_columns([header, "name"], ["phone_number", "name"], {})

    message = str(error.value)
    assert "'" + "x" * 60 + "'… (20,000 characters)" in message
    assert len(message) < 500


@pytest.mark.parametrize("make", [make for _, make in BINARIES], ids=[name for name, _ in BINARIES])
@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_api_rejects_binary_upload(app: FastAPI, make, dry_run: str) -> None:  # type: ignore[no-untyped-def]
    register_reminder_senders(app)
    with client_as(app, "operator") as client:
        run_id = new_reminder_run(client)
        response = upload(client, run_id, "leads.csv", make(), dry_run=dry_run)
        recipients = client.get(f"/api/runs/{run_id}/recipients").json()

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "import_file_error"
    assert response.json()["message"] == MESSAGE
    assert recipients["items"] == []


# --- a file with no phone column ---------------------------------------------------------------

NO_PHONE = b"Name,Customer Name,Appointment\nAna,Ana Test,2026-06-10\nLee,Lee Test,2026-06-11\n"


def test_dry_run_previews_file_without_phone_column(app: FastAPI) -> None:
    register_reminder_senders(app)
    with client_as(app, "operator") as client:
        run_id = new_reminder_run(client)
        response = upload(client, run_id, "leads.csv", NO_PHONE, dry_run="true")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["file_error"]["code"] == "phone_column_missing"
    assert "no column maps to phone_number" in body["file_error"]["message"]
    assert body["preview"]["headers"] == ["Name", "Customer Name", "Appointment"]
    assert [row["cells"] for row in body["preview"]["rows"]] == [["Ana", "Ana Test", "2026-06-10"], ["Lee", "Lee Test", "2026-06-11"]]
    assert body["mapping"] == {"Customer Name": "customer_name"}
    assert body["accepted"] == 0


def test_import_rejects_file_without_phone_column(app: FastAPI) -> None:
    register_reminder_senders(app)
    with client_as(app, "operator") as client:
        run_id = new_reminder_run(client)
        response = upload(client, run_id, "leads.csv", NO_PHONE, dry_run="false")

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "import_file_error"
    assert "no column maps to phone_number" in response.json()["message"]
