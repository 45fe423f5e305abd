"""Helpers for import tests over the API: the payment-reminder run, uploads, and what a run stores.

Everything goes through HTTP, so that a test checks what an API client receives.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from api_helpers import client_as
from conftest import load_fixture_json
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

# The sender number and agent that journey-reminder.json calls from.
REMINDER_SENDER = "+12025550100"
REMINDER_AGENT = "collections"

# The import options of expected.json, each sent as the form field of the same name.
FORM_OPTIONS = ("default_region", "encoding", "delimiter", "decimal", "date_format", "datetime_format")

# Large enough for one page to contain every recipient these tests import.
PAGE_LIMIT = 500


def register_reminder_senders(app: FastAPI) -> None:
    """Register, as an admin, the sender number and agent the payment-reminder journey uses."""
    with client_as(app, "admin") as admin:
        number = admin.post("/api/numbers", json={"number": REMINDER_SENDER})
        agent = admin.post("/api/agents", json={"name": REMINDER_AGENT})

    assert number.status_code == 201, number.text
    assert agent.status_code == 201, agent.text


def new_reminder_run(client: TestClient) -> int:
    """Create the payment-reminder journey and a draft run of it; return the run's id."""
    journey = client.post("/api/journeys", json=load_fixture_json("journey-reminder.json"))
    assert journey.status_code == 201, journey.text

    run = client.post(f"/api/journeys/{journey.json()['id']}/runs", json={"name": "Import cases"})
    assert run.status_code == 201, run.text
    assert run.json()["status"] == "draft"
    return int(run.json()["id"])


def import_form_fields(options: Mapping[str, Any]) -> dict[str, Any]:
    """Return the multipart form fields for import options as expected.json writes them.

    `mapping` (column to field) becomes one `COLUMN=field` entry per column.
    Raises ValueError for an option with no form field, so that a new option
    in the cases fails loudly instead of being dropped.
    """
    unknown = set(options) - {"mapping", *FORM_OPTIONS}
    if unknown:
        raise ValueError(f"no form field for import options {sorted(unknown)}; add them to FORM_OPTIONS")

    fields: dict[str, Any] = {name: options[name] for name in FORM_OPTIONS if name in options}
    mapping = options.get("mapping", {})
    if mapping:
        fields["mapping"] = [f"{column}={field}" for column, field in mapping.items()]
    return fields


def upload(client: TestClient, run_id: int, filename: str, data: bytes, **fields: Any) -> Response:
    """POST `data` as the import's file part, with `fields` as the other form fields."""
    files = {"file": (filename, data, "text/csv")}
    return client.post(f"/api/runs/{run_id}/imports", files=files, data=fields)


def recipient_data(client: TestClient, run_id: int) -> dict[str, dict[str, Any]]:
    """Return each recipient of the run as the API lists it, keyed by E.164 phone number."""
    response = client.get(f"/api/runs/{run_id}/recipients", params={"limit": PAGE_LIMIT})
    assert response.status_code == 200, response.text

    page = response.json()
    assert page["next_cursor"] is None, "more recipients than one page holds"
    return {item["phone_number"]: item for item in page["items"]}


def export_rows(client: TestClient, run_id: int) -> list[dict[str, str]]:
    """Return the rows of the run's recipients export as dicts keyed by column, byte-order mark removed."""
    response = client.get(f"/api/runs/{run_id}/export")
    assert response.status_code == 200, response.text

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "the export has no byte-order mark"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
