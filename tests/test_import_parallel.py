"""Imports converted by worker processes: same results as in one process, in file order, atomic."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import make_run
from sqlalchemy import Engine, select

from journeys.importer import parallel
from journeys.importer import service as service_module
from journeys.importer.options import ImportOptions
from journeys.importer.records import Record
from journeys.importer.report import ImportReport
from journeys.importer.rows import ChunkResult, RowConverter
from journeys.importer.service import import_recipients
from journeys.storage.schema import imports, recipients

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DOCUMENT = {
    "name": "Parallel",
    "fields": [
        {"name": "name", "type": "string", "required": True},
        {"name": "number", "type": "number"},
        {"name": "date", "type": "date"},
        {"name": "boolean", "type": "boolean"},
        {"name": "text", "type": "string"},
    ],
    "nodes": [{"id": "start", "type": "start", "next": "done"}, {"id": "done", "type": "end", "result": "ok"}],
}
CRASH_LINE = 150


class CrashingConverter(RowConverter):
    """A converter whose worker process dies at CRASH_LINE, as one killed for memory would."""

    def convert_chunk(self, records: Sequence[Record]) -> list[ChunkResult]:
        if any(record.line == CRASH_LINE for record in records):
            os._exit(3)
        return super().convert_chunk(records)


def write_file(path: Path) -> Path:
    """Write rows with every outcome: valid, invalid, duplicates, blanks and multi-line cells."""
    lines = ["phone,name,number,date,boolean,text"]
    for index in range(600):
        phone = f"+1202{5550000 + index:07d}"
        if index % 37 == 0:
            phone = "555-01"
        if index % 41 == 0:
            phone = f"(202) {555}-{index - 1:04d}"
        if index % 97 == 0:
            lines.append(",,,,,")
        text = '"two\nlines"' if index % 53 == 0 else f"note {index}"
        number = "1,234" if index % 61 == 0 else str(index)
        lines.append(f"{phone},Name {index},{number},2025-01-{index % 28 + 1:02d},yes,{text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_import(engine: Engine, path: Path, rejected: Path, **keywords: Any) -> tuple[ImportReport, int]:
    run_id = make_run(engine, DOCUMENT)
    report = import_recipients(
        engine, run_id, path, options=ImportOptions(default_region="US"), now=NOW, rejected_path=rejected, **keywords
    )
    return report, run_id


def stored(engine: Engine, run_id: int) -> list[tuple[Any, ...]]:
    columns = [recipients.c.line, recipients.c.phone_number, recipients.c.data, recipients.c.timezones, recipients.c.search_text]
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(*columns).where(recipients.c.run_id == run_id).order_by(recipients.c.id))]


def comparable(report: ImportReport) -> dict[str, Any]:
    data = report.to_dict()
    data.pop("run_id")
    return data


@pytest.mark.parametrize("other_thread", [False, True], ids=["fork", "forkserver"])
def test_pool_gives_same_results_as_one_process(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_thread: bool
) -> None:
    path = write_file(tmp_path / "recipients.csv")
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 50)

    monkeypatch.setenv(parallel.WORKERS_ENV, "0")
    alone, alone_run = run_import(engine, path, tmp_path / "alone.csv")
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    # A second thread, as an API server has, makes the pool start from a forkserver.
    # Earlier tests in this process may have left idle threads behind, so the
    # fork case counts the test's own thread only.
    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    if other_thread:
        waiter.start()
    else:
        monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    try:
        assert parallel._context().get_start_method() == ("forkserver" if other_thread else "fork")
        pooled, pooled_run = run_import(engine, path, tmp_path / "pooled.csv")
    finally:
        release.set()
        if other_thread:
            waiter.join()

    assert alone.accepted > 500
    assert alone.rejected_rows > 10
    assert alone.duplicate_count > 5
    assert alone.blank_rows == 7
    assert comparable(pooled) == comparable(alone)
    assert stored(engine, pooled_run) == stored(engine, alone_run)
    assert (tmp_path / "pooled.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()


def test_worker_death_stores_nothing(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file(tmp_path / "recipients.csv")
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 50)
    monkeypatch.setattr(service_module, "BATCH_SIZE", 20)
    monkeypatch.setattr(service_module, "RowConverter", CrashingConverter)
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")

    with pytest.raises(parallel.ImportWorkerError, match="worker process of the import stopped"):
        run_import(engine, path, tmp_path / "rejected.csv")

    with engine.connect() as conn:
        assert conn.execute(select(recipients.c.id)).all() == []
        assert conn.execute(select(imports.c.id)).all() == []
    assert not (tmp_path / "rejected.csv").exists()


def test_worker_count_follows_size_and_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.WORKERS_ENV, raising=False)
    assert parallel.worker_count(parallel.PARALLEL_MIN_BYTES - 1) == 0
    assert parallel.worker_count(parallel.PARALLEL_MIN_BYTES) == ((os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else 0)

    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.worker_count(10**9) == 0
    monkeypatch.setenv(parallel.WORKERS_ENV, "3")
    assert parallel.worker_count(10) == 3


def test_worker_count_rejects_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, "many")

    with pytest.raises(Exception, match="JOURNEYS_IMPORT_WORKERS='many' is not a number"):
        parallel.worker_count(10)
