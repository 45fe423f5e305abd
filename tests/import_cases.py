"""The import cases of tests/fixtures/import/expected.json, shared by the library and API tests.

Each case names a file under tests/fixtures/import, the options to import it
with, and what the import must report and store. A key left out of `expect`
means none: no `row_errors` means no row errors, no `duplicates` means 0.
"""

from __future__ import annotations

import json
from typing import Any

from conftest import FIXTURES

CASE_DIR = FIXTURES / "import"

CASES: list[dict[str, Any]] = json.loads((CASE_DIR / "expected.json").read_text(encoding="utf-8"))


def case_id(case: dict[str, Any]) -> str:
    """Return the test id of a case: its file name."""
    return str(case["file"])


def cases_expecting(key: str) -> list[dict[str, Any]]:
    """Return the cases whose `expect` has `key`, such as "file_error" or "export_cell"."""
    return [case for case in CASES if key in case["expect"]]


def case_bytes(case: dict[str, Any]) -> bytes:
    """Return the case's file exactly as stored, byte-order mark included."""
    return (CASE_DIR / case["file"]).read_bytes()


def expected_row_errors(expect: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the row errors a case expects as line, column and reason, in file order."""
    return list(expect.get("row_errors", []))


def expected_duplicates(expect: dict[str, Any]) -> int:
    """Return how many duplicate rows a case expects."""
    return int(expect.get("duplicates", 0))


def same_value(actual: Any, expected: Any) -> bool:
    """Return whether a stored value equals an expected one, telling true from 1 and false from 0."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)
