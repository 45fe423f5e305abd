"""CSV cells and headers the database cannot store, through the command line and the API alike.

A cell with a NUL character rejects its row with the same row error in a dry
run and a real import, and numbers such as 1e999 are invalid numbers. Each
case runs on SQLite and PostgreSQL, because only PostgreSQL rejects NUL in text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import client_as
from fastapi import FastAPI

from cli_helpers import Cli, load_scenario
from engine_helpers import register
from journeys.domain.values import InvalidValueError, parse_number
from test_cli_errors import assert_one_line_error, cli, draft_run  # noqa: F401 - fixtures

NUL_ROWS = [
    ("+12025550111,Ada\x00Lovelace", "customer_name"),
    ("+1202555\x000111,Ada", "phone_number"),
]


def assert_nul_row_error(report: dict[str, Any], column: str) -> None:
    """Check a report that kept line 3 and rejected line 2 for a NUL character in `column`."""
    assert report["accepted"] == 1
    assert report["rejected_rows"] == 1
    (error,) = report["row_errors"]
    assert error["line"] == 2
    assert error["column"] == column
    assert error["reason"] == "contains a NUL character"
    assert "U+0000" in error["message"]
    assert "\x00" not in error["value"]
    assert "\ufffd" in error["value"]


@pytest.mark.parametrize(("row", "column"), NUL_ROWS, ids=["text field", "phone number"])
def test_cli_nul_in_cell_rejected(cli: Cli, draft_run: int, tmp_path: Path, row: str, column: str) -> None:
    path = tmp_path / "nul.csv"
    path.write_text(f"phone_number,customer_name\n{row}\n+12025550112,Bob\n", encoding="utf-8")

    dry = cli.json("run", "import", draft_run, path, "--dry-run")
    real = cli.json("run", "import", draft_run, path)
    recipients = cli.recipients(draft_run)

    assert_nul_row_error(dry, column)
    assert_nul_row_error(real, column)
    assert [recipient["phone_number"] for recipient in recipients] == ["+12025550112"]


def test_cli_nul_in_header_rejected(cli: Cli, draft_run: int, tmp_path: Path) -> None:
    path = tmp_path / "nul-header.csv"
    path.write_text("phone_number,customer\x00name\n+12025550111,Ada\n", encoding="utf-8")

    result = cli.run("run", "import", draft_run, path, expect_exit=None)

    assert_one_line_error(result, "Column 2 of the header", "U+0000")
    assert cli.recipients(draft_run) == []


NOT_NUMBERS = ["inf", "-inf", "nan", "NaN", "Infinity", "1e999", "-1e999", "9" * 400]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_number_parsing_rejects(text: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        parse_number("balance", text, ".")

    assert raised.value.reason == "invalid number"


def test_cli_non_finite_numbers_rejected(cli: Cli, tmp_path: Path) -> None:
    cli.register()
    document = load_scenario("call_then_text")
    document["fields"].append({"name": "balance", "type": "number"})
    run_id = cli.create_run(cli.create_journey(document))
    rows = [f"+120255501{index:02d},{text}" for index, text in enumerate(NOT_NUMBERS)]
    path = tmp_path / "numbers.csv"
    path.write_text("phone_number,balance\n" + "\n".join([*rows, "+12025550199,12.5"]) + "\n", encoding="utf-8")

    report = cli.json("run", "import", run_id, path)

    assert report["accepted"] == 1
    assert [error["line"] for error in report["row_errors"]] == list(range(2, 2 + len(NOT_NUMBERS)))
    assert {error["column"] for error in report["row_errors"]} == {"balance"}
    assert {error["reason"] for error in report["row_errors"]} == {"invalid number"}


# --- over the API ---------------------------------------------------------------------------


@pytest.fixture
def api_run(app: FastAPI) -> int:
    """A draft run of the call-then-text scenario, created over the API."""
    register(app.state.engine)
    with client_as(app, "operator") as client:
        journey = client.post("/api/journeys", json=load_scenario("call_then_text"))
        run = client.post(f"/api/journeys/{journey.json()['id']}/runs", json={"name": "CSV checks"})
    assert run.status_code == 201, run.text
    return int(run.json()["id"])


@pytest.mark.parametrize(("row", "column"), NUL_ROWS, ids=["text field", "phone number"])
def test_api_nul_in_cell_rejected(app: FastAPI, api_run: int, row: str, column: str) -> None:
    content = f"phone_number,customer_name\n{row}\n+12025550112,Bob\n".encode()
    files = {"file": ("nul.csv", content, "text/csv")}

    with client_as(app, "operator") as client:
        dry = client.post(f"/api/runs/{api_run}/imports", files=files, data={"dry_run": "true"})
        real = client.post(f"/api/runs/{api_run}/imports", files=files)
        listed = client.get(f"/api/runs/{api_run}/recipients").json()["items"]

    assert dry.status_code == 200, dry.text
    assert real.status_code == 201, real.text
    assert_nul_row_error(dry.json(), column)
    assert_nul_row_error(real.json(), column)
    assert [recipient["phone_number"] for recipient in listed] == ["+12025550112"]


def test_api_nul_in_header_rejected(app: FastAPI, api_run: int) -> None:
    files = {"file": ("nul.csv", b"phone_number,customer\x00name\n+12025550111,Ada\n", "text/csv")}

    with client_as(app, "operator") as client:
        response = client.post(f"/api/runs/{api_run}/imports", files=files)

    assert response.status_code == 422
    assert response.json()["code"] == "import_file_error"
    assert "Column 2 of the header" in response.json()["message"]
