"""Every case of tests/fixtures/import/expected.json, imported on each database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from conftest import load_fixture_json, make_run
from import_cases import (
    CASE_DIR,
    CASES,
    case_id,
    cases_expecting,
    expected_duplicates,
    expected_row_errors,
    same_value,
)
from journeys.errors import ImportFileError
from journeys.importer.options import ImportOptions
from journeys.importer.service import import_recipients
from journeys.storage.schema import imports, recipients

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def stored_data(engine: Engine, run_id: int) -> dict[str, dict[str, Any]]:
    query = select(recipients.c.phone_number, recipients.c.data).where(
        recipients.c.run_id == run_id
    )
    with engine.connect() as conn:
        return {phone: dict(data) for phone, data in conn.execute(query)}


def import_case(engine: Engine, case: dict[str, Any]) -> tuple[int, Any]:
    run_id = make_run(engine, load_fixture_json("journey-reminder.json"))
    report = import_recipients(
        engine,
        run_id,
        CASE_DIR / case["file"],
        options=ImportOptions(**case["options"]),
        now=NOW,
    )
    return run_id, report


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_import_case(engine: Engine, case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "file_error" in expect:
        with pytest.raises(ImportFileError, match=expect["file_error"]):
            import_case(engine, case)
        return

    run_id, report = import_case(engine, case)
    stored = stored_data(engine, run_id)

    assert report.accepted == expect["accepted"]
    assert len(stored) == expect["accepted"]
    found = [
        {"line": error.line, "column": error.column, "reason": error.reason}
        for error in report.row_errors
    ]
    assert found == expected_row_errors(expect)
    assert report.duplicate_count == expected_duplicates(expect)
    if "encoding_reported" in expect:
        assert report.encoding == expect["encoding_reported"]
    for phone, values in expect.get("values", {}).items():
        assert phone in stored
        for name, value in values.items():
            assert same_value(stored[phone][name], value), (phone, name, stored[phone][name])


@pytest.mark.parametrize(
    "case",
    cases_expecting("export_cell"),
    ids=case_id,
)
def test_import_case_stores_raw_text_for_export(engine: Engine, case: dict[str, Any]) -> None:
    # The export adds the formula guard ("'" prefix); the import stores the text as read.
    run_id, _ = import_case(engine, case)
    stored = stored_data(engine, run_id)

    for name, cell in case["expect"]["export_cell"].items():
        raw = cell.removeprefix("'")
        assert [data[name] for data in stored.values()] == [raw]


@pytest.mark.parametrize(
    "case",
    cases_expecting("file_error"),
    ids=case_id,
)
def test_import_case_file_error_stores_nothing(engine: Engine, case: dict[str, Any]) -> None:
    run_id = make_run(engine, load_fixture_json("journey-reminder.json"))

    with pytest.raises(ImportFileError):
        import_recipients(
            engine,
            run_id,
            CASE_DIR / case["file"],
            options=ImportOptions(**case["options"]),
            now=NOW,
        )

    with engine.connect() as conn:
        assert conn.execute(select(recipients.c.id)).all() == []
        assert conn.execute(select(imports.c.id)).all() == []
