"""Every import case's kind, converted by the worker pool of large files, on each database.

Each test builds a file of the case's kind: the case's rows, then the same rows
repeated with new valid phone numbers, in one of several encodings,
delimiters and line endings. It imports the file with the pool forced on and
with it off, in small chunks so that every worker converts several, and
checks that both give the same report and stored rows, that the case's own
rows give the results in expected.json, and that every repeat gives the same
counts as the case.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import load_fixture_json, make_run
from import_cases import (
    CASE_DIR,
    CASES,
    expected_duplicates,
    expected_row_errors,
    same_value,
)
from sqlalchemy import Engine, select

from journeys.errors import ImportFileError
from journeys.importer import parallel
from journeys.importer.options import ImportOptions
from journeys.importer.report import ImportReport
from journeys.importer.service import import_recipients
from journeys.storage.schema import recipients

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Small chunks make a few hundred rows span several chunks per worker.
CHUNK_SIZE = 50
MIN_ROWS = 400
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?\s*[eE]\s*[+-]?\d+$")
EXTENSION = re.compile(r"(?i)\s*(x|ext\.?|extension|#|;ext=)\s*\d+$")

# (id, encoding or None for the case's own, delimiter or None for the case's own, line ending)
VARIANTS = [
    ("own", None, None, "\n"),
    ("semicolon-crlf", None, ";", "\r\n"),
    ("tab-utf16", "utf-16", "\t", "\r\n"),
    ("pipe-utf8-bom", "utf-8-sig", "|", "\n"),
]


def own_encoding(file: str) -> str:
    return "cp1252" if file == "windows_1252.csv" else "utf-8-sig"


def renumber(cell: str, last_seven: str) -> str:
    """Return `cell` with the last seven digits of its number, before any extension, replaced."""
    extension = EXTENSION.search(cell)
    body, tail = (cell[: extension.start()], cell[extension.start():]) if extension else (cell, "")
    positions = [index for index, char in enumerate(body) if char.isdigit()]
    chars = list(body)
    for position, digit in zip(positions[-7:], last_seven, strict=True):
        chars[position] = digit
    return "".join(chars) + tail


def repeated_rows(rows: list[list[str]], repeat: int) -> list[list[str]]:
    """Return `rows` with each phone number replaced by one unique to this repeat.

    Cells that are the same number in the case (duplicates in other formats)
    stay the same number within a repeat.
    """
    numbers: dict[str, str] = {}
    out = []
    for row in rows:
        cell = row[0] if row else ""
        digits = re.sub(r"\D", "", EXTENSION.sub("", cell))
        if len(digits) >= 7 and not SCIENTIFIC.match(cell.strip()):
            key = digits[-10:]
            numbers.setdefault(key, f"{2_000_000 + repeat * 20 + len(numbers):07d}")
            row = [renumber(cell, numbers[key]), *row[1:]]
        out.append(row)
    return out


def large_file(case: dict[str, Any], encoding: str | None, delimiter: str | None, newline: str) -> tuple[bytes, int, int]:
    """Return the file of the case's kind, its case rows' last line, and how many repeats follow them."""
    raw = (CASE_DIR / case["file"]).read_bytes()
    text = raw.decode(own_encoding(case["file"]))
    own_delimiter = ";" if ";" in text.splitlines()[0] else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=own_delimiter))
    header, body = rows[0], rows[1:]
    repeats = max(1, MIN_ROWS // max(1, len(body)))

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter or own_delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(body)
    case_last_line = buffer.getvalue().count(newline)
    for repeat in range(1, repeats + 1):
        writer.writerows(repeated_rows(body, repeat))

    data = buffer.getvalue().encode(encoding or own_encoding(case["file"]))
    if encoding is None and not raw.startswith(b"\xef\xbb\xbf") and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data, case_last_line, repeats


def import_file(engine: Engine, path: Path, case: dict[str, Any]) -> tuple[ImportReport, int]:
    run_id = make_run(engine, load_fixture_json("journey-reminder.json"))
    report = import_recipients(engine, run_id, path, options=ImportOptions(**case["options"]), now=NOW)
    return report, run_id


def stored(engine: Engine, run_id: int) -> list[tuple[Any, ...]]:
    columns = [recipients.c.line, recipients.c.phone_number, recipients.c.phone_extension, recipients.c.data, recipients.c.timezones]
    query = select(*columns).where(recipients.c.run_id == run_id).order_by(recipients.c.line)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def comparable(report: ImportReport) -> dict[str, Any]:
    data = report.to_dict()
    data.pop("run_id")
    return data


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant[0] for variant in VARIANTS])
@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_case_kind_through_pool(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: dict[str, Any], variant: tuple[Any, ...]
) -> None:
    name, encoding, delimiter, newline = variant
    # Encodings, delimiters and line endings are read before the database is involved,
    # so PostgreSQL gets the case's own form only; SQLite gets every form.
    if engine.dialect.name == "postgresql" and name != VARIANTS[0][0]:
        pytest.skip("other file forms are covered on SQLite; the database sees the same rows")
    data, case_last_line, repeats = large_file(case, encoding, delimiter, newline)
    path = tmp_path / case["file"]
    path.write_bytes(data)
    monkeypatch.setattr(parallel, "CHUNK_SIZE", CHUNK_SIZE)
    expect = case["expect"]

    if "file_error" in expect:
        for workers in ("0", "2"):
            monkeypatch.setenv(parallel.WORKERS_ENV, workers)
            with pytest.raises(ImportFileError, match=expect["file_error"]):
                import_file(engine, path, case)
        return

    monkeypatch.setenv(parallel.WORKERS_ENV, "0")
    alone, alone_run = import_file(engine, path, case)
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    pooled, pooled_run = import_file(engine, path, case)

    assert comparable(pooled) == comparable(alone)
    assert stored(engine, pooled_run) == stored(engine, alone_run)

    errors = [{"line": e.line, "column": e.column, "reason": e.reason} for e in pooled.row_errors]
    assert [e for e in errors if e["line"] <= case_last_line] == expected_row_errors(expect)
    assert pooled.row_error_count == len(expected_row_errors(expect)) * (repeats + 1)
    assert pooled.accepted == expect["accepted"] * (repeats + 1)
    assert pooled.duplicate_count == expected_duplicates(expect) * (repeats + 1)
    if "encoding_reported" in expect and encoding is None:
        assert pooled.encoding == expect["encoding_reported"]

    values = {phone: data for _, phone, _, data, _ in stored(engine, pooled_run)}
    for phone, fields in expect.get("values", {}).items():
        assert phone in values, f"{phone} is not stored"
        for field, value in fields.items():
            assert same_value(values[phone].get(field), value), (phone, field, values[phone].get(field))
