"""Every case of tests/fixtures/import/expected.json, imported through the web app's import wizard.

Each test uploads the case's file in the wizard, sets the default region when
the case has one, checks the file, imports it, and reads the report the
wizard received, the rejected-rows table it shows, and the stored recipients
and export over the API.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Server, create_journey

FIXTURES = Path(__file__).parent.parent / "fixtures"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "import" / "expected.json").read_text(encoding="utf-8"))

def case_param(case: dict[str, Any]) -> Any:
    return pytest.param(case, id=case["file"])


def same_value(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)


def new_run(server: Server, name: str) -> tuple[int, int]:
    journey_id = create_journey(server, json.loads((FIXTURES / "journey-reminder.json").read_text(encoding="utf-8")))
    with server.api() as api:
        created = api.post(f"/api/journeys/{journey_id}/runs", json={"name": name})
    assert created.status_code == 201, created.text
    return journey_id, int(created.json()["id"])


@pytest.mark.parametrize("case", [case_param(case) for case in CASES])
def test_wizard_imports_case(page: Page, server: Server, case: dict[str, Any]) -> None:
    expect_ = case["expect"]
    journey_id, run_id = new_run(server, case["file"])
    page.goto(f"/journeys/{journey_id}/runs/{run_id}")
    page.get_by_role("button", name="Import recipients…").click()
    wizard = page.get_by_role("region", name="Import recipients")
    data = (FIXTURES / "import" / case["file"]).read_bytes()
    page.get_by_label("CSV file").set_input_files({"name": case["file"], "mimeType": "text/csv", "buffer": data})

    if "file_error" in expect_:
        expect(wizard.get_by_role("alert")).to_be_visible()
        with server.api() as api:
            listed = api.get(f"/api/runs/{run_id}/recipients").json()["items"]
        assert listed == []
        return

    if "default_region" in case["options"]:
        wizard.get_by_label("Default region").select_option(case["options"]["default_region"])
    wizard.get_by_role("button", name="Check the file").click()
    expect(wizard.get_by_role("list", name="Import report")).to_contain_text(f"{expect_['accepted']} accepted")

    with page.expect_response(lambda response: response.url.endswith(f"/api/runs/{run_id}/imports") and response.request.method == "POST") as posted:
        wizard.get_by_role("button", name=re.compile(r"^Import \d+ recipients?$")).click()
    expect(wizard.get_by_role("status")).to_contain_text("Imported")
    report = posted.value.json()

    assert report["accepted"] == expect_["accepted"]
    errors = [{"line": e["line"], "column": e["column"], "reason": e["reason"]} for e in report["row_errors"]]
    assert errors == expect_.get("row_errors", [])
    assert report["duplicate_count"] == expect_.get("duplicates", 0)
    if "encoding_reported" in expect_:
        assert report["encoding"] == expect_["encoding_reported"]

    with server.api() as api:
        items = api.get(f"/api/runs/{run_id}/recipients", params={"limit": 500}).json()["items"]
        exported = api.get(f"/api/runs/{run_id}/export").content.decode("utf-8")
    stored = {item["phone_number"]: item["data"] for item in items}
    assert len(stored) == expect_["accepted"]
    for phone, fields in expect_.get("values", {}).items():
        assert phone in stored, f"{phone} is not stored"
        for field, value in fields.items():
            assert same_value(stored[phone].get(field), value), (phone, field, stored[phone].get(field))

    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"), newline="")))
    for column, cell in expect_.get("export_cell", {}).items():
        assert cell in [row[column] for row in rows]
