"""The import as a whole: run states, atomicity, batches, reports and the rejected-rows file."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from conftest import load_fixture_json, make_run
from journeys.errors import ConflictError, ImportFileError, JourneysError, NotFoundError
from journeys.importer import report as report_module
from journeys.importer import service as service_module
from journeys.importer.options import ImportOptions
from journeys.importer.report import ImportReport
from journeys.importer.service import import_recipients
from journeys.storage import imports as import_queries
from journeys.storage import runs as run_queries
from journeys.storage.db import connect
from journeys.storage.schema import imports, recipients

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HEADER = "phone_number,customer_name,autopay\n"


def reminder() -> dict[str, Any]:
    return load_fixture_json("journey-reminder.json")


def api_journey() -> dict[str, Any]:
    document = reminder()
    document["nodes"][0]["trigger"] = "api"
    return document


def phones(count: int, start: int = 0) -> list[str]:
    """Return distinct fictional numbers: +1 NPA 555 01xx for many area codes."""
    area_codes = [202, 312, 415, 617, 212, 305, 404, 503, 602, 713]
    return [
        f"+1{area_codes[(start + index) // 100 % 10]}55501{(start + index) % 100:02d}"
        for index in range(count)
    ]


def write_csv(tmp_path: Path, body: str, name: str = "recipients.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def run_import(
    engine: Engine, run_id: int, source: Path | Any, **keywords: Any
) -> ImportReport:
    options = keywords.pop("options", ImportOptions())
    return import_recipients(engine, run_id, source, options=options, now=NOW, **keywords)


def recipient_rows(engine: Engine, run_id: int | None = None) -> list[dict[str, Any]]:
    query = select(recipients).order_by(recipients.c.id)
    if run_id is not None:
        query = query.where(recipients.c.run_id == run_id)
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def import_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(imports)).mappings()]


def set_status(engine: Engine, run_id: int, status: str) -> None:
    with engine.begin() as conn:
        run_queries.update_run(conn, run_id, now=NOW, status=status)


# --- New recipients and the run's state ----------------------------------------------------


def test_import_into_draft_stores_pending_recipients(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())

    report = run_import(engine, run_id, write_csv(tmp_path, "+12025550101,Ana Test,yes\n"))
    [row] = recipient_rows(engine, run_id)

    assert report.recipient_status == "pending"
    assert row["status"] == "pending"
    assert row["phase"] == "enter"
    assert row["current_node"] is None
    assert row["next_at"] is None
    assert row["started_at"] is None
    assert row["steps"] == 0
    assert row["outputs"] == {}
    assert row["calls_placed"] == 0
    assert row["calls_answered"] == 0
    assert row["sms_sent"] == 0
    assert row["talk_time_seconds"] == 0
    assert row["line"] == 2
    assert row["phone_extension"] is None


def test_import_stores_data_and_search_text(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    path = tmp_path / "r.csv"
    path.write_text(
        "phone_number,customer_name,email,balance,notes\n"
        '+12025550101,Ana TEST,Ana@Example.com,12.5,"Side\ndoor"\n',
        encoding="utf-8",
    )

    run_import(engine, run_id, path)
    [row] = recipient_rows(engine, run_id)

    assert row["data"] == {
        "customer_name": "Ana TEST", "balance": 12.5, "due_date": None, "autopay": None,
        "zip": None, "email": "Ana@Example.com", "notes": "Side\ndoor",
    }
    assert row["search_text"] == "+12025550101 ana test ana@example.com side door"
    assert row["timezones"] == "America/New_York"


def test_import_search_text_is_capped(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())

    run_import(engine, run_id, write_csv(tmp_path, f"+12025550101,{'x' * 900},\n"))
    [row] = recipient_rows(engine, run_id)

    assert len(row["search_text"]) == 400
    assert row["data"]["customer_name"] == "x" * 900


def test_import_toll_free_number_gets_no_zones(engine: Engine, tmp_path: Path) -> None:
    # A North American toll-free number maps to dozens of zones, past the column's 400 characters.
    run_id = make_run(engine, reminder())

    run_import(engine, run_id, write_csv(tmp_path, "+18005550101,Ana,\n"))
    [row] = recipient_rows(engine, run_id)

    assert row["timezones"] is None


def test_running_api_trigger_run_gets_active_recipients(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, api_journey())
    set_status(engine, run_id, "running")

    report = run_import(engine, run_id, write_csv(tmp_path, "+12025550101,Ana,\n"))
    [row] = recipient_rows(engine, run_id)

    assert report.recipient_status == "active"
    assert row["status"] == "active"
    assert row["current_node"] == "start"
    assert row["phase"] == "enter"
    assert row["next_at"] == NOW
    assert row["started_at"] == NOW


def test_draft_api_trigger_run_gets_pending_recipients(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, api_journey())

    run_import(engine, run_id, write_csv(tmp_path, "+12025550101,Ana,\n"))

    assert recipient_rows(engine, run_id)[0]["status"] == "pending"


@pytest.mark.parametrize(
    ("document", "status"),
    [
        (reminder, "running"),
        (reminder, "scheduled"),
        (reminder, "paused"),
        (reminder, "completed"),
        (reminder, "cancelled"),
        (reminder, "failed"),
        (api_journey, "paused"),
        (api_journey, "completed"),
    ],
)
def test_import_into_non_draft_run_is_conflict(
    engine: Engine, tmp_path: Path, document: Any, status: str
) -> None:
    run_id = make_run(engine, document())
    set_status(engine, run_id, status)

    with pytest.raises(ConflictError) as caught:
        run_import(engine, run_id, write_csv(tmp_path, "+12025550101,Ana,\n"))

    assert f"run {run_id} is {status}" in str(caught.value)
    assert "draft" in str(caught.value)
    assert recipient_rows(engine) == []


def test_import_into_unknown_run_is_not_found(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        run_import(engine, 999, write_csv(tmp_path, "+12025550101,Ana,\n"))


# --- Atomicity and dry runs --------------------------------------------------------------------


def test_failure_mid_import_stores_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "BATCH_SIZE", 10)
    run_id = make_run(engine, reminder())
    path = write_csv(tmp_path, "".join(f"{phone},Ana,\n" for phone in phones(35)))
    calls: list[tuple[int, int]] = []

    def fail_on_third_batch(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 3:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        run_import(engine, run_id, path, progress=fail_on_third_batch)

    assert len(calls) == 3
    assert recipient_rows(engine) == []
    assert import_rows(engine) == []


def test_dry_run_stores_nothing_and_reports_the_same(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    path = write_csv(tmp_path, "+12025550101,Ana,\n+12025550101,Ben,\n+12025550102,,\n")

    dry = run_import(engine, run_id, path, dry_run=True)
    dry_rows = recipient_rows(engine)
    real = run_import(engine, run_id, path)

    assert dry_rows == []
    assert import_rows(engine)[0]["report"]["dry_run"] is False
    assert len(import_rows(engine)) == 1
    assert dry.dry_run is True
    assert (dry.accepted, dry.duplicate_count, dry.rejected_rows) == (1, 1, 1)
    assert (real.accepted, real.duplicate_count, real.rejected_rows) == (1, 1, 1)


def test_file_error_leaves_run_untouched(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    path = tmp_path / "bad.csv"
    path.write_bytes(b"phone_number,customer_name\n+12025550101,Ana\n+12025550102,\x81\n")

    with pytest.raises(ImportFileError):
        run_import(engine, run_id, path)

    assert recipient_rows(engine) == []
    assert import_rows(engine) == []


# --- Batches and duplicates -----------------------------------------------------------------


def test_duplicates_across_batches_name_first_line(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "BATCH_SIZE", 3)
    run_id = make_run(engine, reminder())
    first, second, third = phones(3)
    body = (
        f"{first},A,\n{second},B,\n{third},C,\n"  # batch 1
        f"{first},D,\n{second},E,\n{second},F,\n"  # batch 2: two of batch 1, one of itself
    )

    report = run_import(engine, run_id, write_csv(tmp_path, body))

    assert report.accepted == 3
    assert [(item.line, item.phone_number, item.duplicate_of) for item in report.duplicates] == [
        (5, first, 2),
        (6, second, 3),
        (7, second, 3),
    ]


def test_duplicates_within_one_batch_name_first_line(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    body = "+12025550114,A,\n+12025550115,B,\n(202) 555-0114,C,\n"

    report = run_import(engine, run_id, write_csv(tmp_path, body), options=ImportOptions(default_region="US"))

    assert [(item.line, item.duplicate_of) for item in report.duplicates] == [(4, 2)]


def test_duplicate_check_is_one_query_per_batch(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "BATCH_SIZE", 10)
    run_id = make_run(engine, reminder())
    path = write_csv(tmp_path, "".join(f"{phone},Ana,\n" for phone in phones(35)))
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        run_import(engine, run_id, path)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "phone_number" in s]
    assert len(lookups) == 4
    assert len(recipient_rows(engine, run_id)) == 35


def test_large_file_in_many_batches(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    numbers = phones(1000) * 5
    path = write_csv(tmp_path, "".join(f"{phone},Name {index},yes\n" for index, phone in enumerate(numbers)))

    report = run_import(engine, run_id, path)
    rows = recipient_rows(engine, run_id)

    assert report.accepted == 1000
    assert report.duplicate_count == 4000
    assert len(rows) == 1000
    assert rows[-1]["line"] == 1001
    assert len(report.duplicates) == report_module.MAX_DETAILS


def test_import_into_second_run_ignores_first_run(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "+12025550101,Ana,\n")
    first = make_run(engine, reminder())
    second = make_run(engine, reminder())

    run_import(engine, first, path)
    report = run_import(engine, second, path)

    assert report.accepted == 1
    assert report.duplicate_count == 0


# --- Reports ---------------------------------------------------------------------------------


def test_report_keeps_capped_details_but_counts_all(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_module, "MAX_DETAILS", 3)
    run_id = make_run(engine, reminder())
    body = "".join(f"{phone},,maybe\n" for phone in phones(5))
    body += "+12025550150,Ana,\n" * 6

    report = run_import(engine, run_id, write_csv(tmp_path, body))
    data = report.to_dict()

    assert report.rejected_rows == 5
    assert report.row_error_count == 10
    assert len(report.row_errors) == 3
    assert data["row_errors_omitted"] == 7
    assert report.duplicate_count == 5
    assert len(report.duplicates) == 3
    assert data["duplicates_omitted"] == 2


def test_report_is_stored_with_the_import(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    path = tmp_path / "wave one.csv"
    path.write_bytes(
        "phone_number;customer_name;Region\n+12025550101;Zoë;East\n;;\n+12025550102;;West\n"
        .encode("cp1252")
    )

    report = run_import(engine, run_id, path)
    [stored] = import_rows(engine)

    assert stored["run_id"] == run_id
    assert stored["filename"] == "wave one.csv"
    assert stored["created_at"] == NOW
    assert stored["report"] == json.loads(json.dumps(report.to_dict()))
    assert stored["report"]["encoding"] == "windows-1252"
    assert stored["report"]["encoding_fallback"] is True
    assert stored["report"]["delimiter"] == ";"
    assert stored["report"]["unmapped_columns"] == ["Region"]
    assert stored["report"]["blank_rows"] == 1
    assert stored["report"]["skipped"] == 1
    assert stored["report"]["row_errors"] == [
        {
            "line": 4,
            "column": "customer_name",
            "value": "",
            "reason": "required",
            "message": "customer_name is required but the value is empty; fill it in, or remove the row.",
        }
    ]


def test_report_filename_option_wins(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())

    report = run_import(
        engine, run_id, write_csv(tmp_path, "+12025550101,Ana,\n"),
        options=ImportOptions(filename="March wave.csv"),
    )

    assert report.filename == "March wave.csv"
    assert import_rows(engine)[0]["filename"] == "March wave.csv"


def test_progress_reports_bytes_up_to_file_size(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "BATCH_SIZE", 10)
    run_id = make_run(engine, reminder())
    path = write_csv(tmp_path, "".join(f"{phone},Ana,\n" for phone in phones(25)))
    calls: list[tuple[int, int]] = []

    run_import(engine, run_id, path, progress=lambda done, total: calls.append((done, total)))

    size = path.stat().st_size
    assert len(calls) == 3
    assert all(total == size for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (size, size)


# --- Sources -------------------------------------------------------------------------------------


class _OneWayStream(io.RawIOBase):
    """A readable stream that cannot seek, like standard input."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("kind", ["bytes-io", "one-way"])
def test_import_from_binary_stream(engine: Engine, kind: str) -> None:
    run_id = make_run(engine, reminder())
    data = (HEADER + "+12025550118,François,\n").encode("cp1252")
    stream = io.BytesIO(data) if kind == "bytes-io" else io.BufferedReader(_OneWayStream(data))

    report = run_import(engine, run_id, stream)

    assert report.accepted == 1
    assert report.encoding == "windows-1252"
    assert recipient_rows(engine, run_id)[0]["data"]["customer_name"] == "François"
    assert not stream.closed


def test_missing_file_is_file_error(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())

    with pytest.raises(ImportFileError, match="nothing.csv"):
        run_import(engine, run_id, tmp_path / "nothing.csv")


# --- Rejected rows file ----------------------------------------------------------------------


def read_rejected(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_rejected_rows_file_lists_skipped_rows(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    body = (
        "+12025550101,Ana,yes\n"
        "4.15555E+10,Ben,no\n"
        "+12025550102,,maybe\n"
        "+12025550101,\"Cy, Jr\",\n"
        "+12025550103,Di,y,extra\n"
    )
    rejected = tmp_path / "out" / "rejected.csv"
    rejected.parent.mkdir()

    run_import(engine, run_id, write_csv(tmp_path, body), rejected_path=rejected)

    assert read_rejected(rejected) == [
        ["_line", "_errors", "phone_number", "customer_name", "autopay"],
        ["3", "phone_number: scientific notation", "4.15555E+10", "Ben", "no"],
        ["4", "customer_name: required; autopay: invalid boolean", "+12025550102", "", "maybe"],
        ["6", "row: too many cells", "+12025550103", "Di", "y", "extra"],
        ["5", "phone_number: duplicate of line 2", "+12025550101", "Cy, Jr", ""],
    ]
    assert list(rejected.parent.iterdir()) == [rejected]


def test_rejected_rows_file_names_earlier_import(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    run_import(engine, run_id, write_csv(tmp_path, "+12025550101,Ana,\n", "first.csv"))
    rejected = tmp_path / "rejected.csv"

    run_import(engine, run_id, write_csv(tmp_path, "+12025550101,Ben,\n"), rejected_path=rejected)

    assert read_rejected(rejected)[1][:2] == ["2", "phone_number: already in the run"]


def test_rejected_rows_file_keeps_original_cells_reimportable(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    rejected = tmp_path / "rejected.csv"
    body = '+12025550101,,\n+12025550102,"Zoë ""Z""\nDemo",maybe\n'

    run_import(engine, run_id, write_csv(tmp_path, body), rejected_path=rejected)
    fixed = rejected.read_text(encoding="utf-8-sig").replace(",maybe", ",yes").replace(
        "+12025550101,,", "+12025550101,Ana,"
    )
    rejected.write_text(fixed, encoding="utf-8-sig")
    report = run_import(engine, run_id, rejected)

    assert report.accepted == 2
    assert report.unmapped_columns == ["_line", "_errors"]
    assert recipient_rows(engine, run_id)[1]["data"]["customer_name"] == 'Zoë "Z"\nDemo'


def test_rejected_rows_file_written_on_dry_run(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())
    rejected = tmp_path / "rejected.csv"

    run_import(engine, run_id, write_csv(tmp_path, "+12025550101,,\n"), rejected_path=rejected, dry_run=True)

    assert len(read_rejected(rejected)) == 2


def test_rejected_rows_file_not_left_after_failure(engine: Engine, tmp_path: Path) -> None:
    # The callback fails at the end, after the last row, just before the commit.
    run_id = make_run(engine, reminder())
    output = tmp_path / "out"
    output.mkdir()

    def fail(done: int, total: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        run_import(
            engine, run_id, write_csv(tmp_path, "+12025550101,,\n"),
            rejected_path=output / "rejected.csv", progress=fail,
        )

    assert list(output.iterdir()) == []


def test_rejected_rows_unwritable_path_is_file_error(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, reminder())

    with pytest.raises(ImportFileError, match="rejected rows"):
        run_import(
            engine, run_id, write_csv(tmp_path, "+12025550101,Ana,\n"),
            rejected_path=tmp_path / "missing-folder" / "rejected.csv",
        )

    assert recipient_rows(engine) == []


# --- Options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"default_region": "USA"},
        {"encoding": "klingon"},
        {"delimiter": ":"},
        {"decimal": ";"},
        {"date_format": "dd/mm/yyyy"},
        {"datetime_format": "%Q"},
    ],
)
def test_invalid_options_are_rejected(options: dict[str, str]) -> None:
    with pytest.raises(JourneysError):
        ImportOptions(**options)  # type: ignore[arg-type]


def test_options_normalise_region_and_delimiter() -> None:
    options = ImportOptions(default_region="au", delimiter="tab")

    assert options.default_region == "AU"
    assert options.delimiter == "\t"


# --- Queries -----------------------------------------------------------------------------------


def test_existing_phones_finds_only_this_run(engine: Engine, tmp_path: Path) -> None:
    first = make_run(engine, reminder())
    second = make_run(engine, reminder())
    run_import(engine, first, write_csv(tmp_path, "+12025550101,Ana,\n+12025550102,Ben,\n"))
    run_import(engine, second, write_csv(tmp_path, "+12025550103,Cy,\n"))

    with engine.connect() as conn:
        found = import_queries.existing_phones(
            conn, first, ["+12025550102", "+12025550103", "+12025550199"]
        )

    assert list(found) == ["+12025550102"]
    assert found["+12025550102"].line == 3


def test_existing_phones_of_empty_collection(engine: Engine) -> None:
    run_id = make_run(engine, reminder())

    with engine.connect() as conn:
        assert import_queries.existing_phones(conn, run_id, []) == {}


# --- Memory ------------------------------------------------------------------------------------


def peak_memory_of_import(tmp_path: Path, rows: int) -> int:
    engine = connect(f"sqlite:///{tmp_path / f'memory-{rows}.db'}")
    run_id = make_run(engine, reminder())
    path = write_csv(
        tmp_path,
        "".join(f"{phone},Name {index},yes\n" for index, phone in enumerate(phones(rows))),
        f"memory-{rows}.csv",
    )
    tracemalloc.start()
    try:
        run_import(engine, run_id, path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        engine.dispose()


@pytest.mark.slow
def test_import_memory_stays_flat(tmp_path: Path) -> None:
    # Four times the rows must not need much more memory: batches, the report's
    # capped details and the rejected-rows writer are all bounded.
    small = peak_memory_of_import(tmp_path, 4_000)
    large = peak_memory_of_import(tmp_path, 16_000)

    assert large < small * 1.5
