"""Import of a CSV file of recipients into a run, in one transaction.

The file is decoded once to check its encoding, then read again record by
record. Records are converted in chunks, by worker processes for large files
(see `parallel`), and their results are taken in file order. Accepted rows are
inserted in batches, with one COPY per batch on PostgreSQL and one
executemany on SQLite, inside the import's transaction. Each batch's
duplicate check is one query plus a set of that batch's numbers, so memory
stays flat however many rows the file has.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from sqlalchemy import Connection, Engine

from journeys.domain.document import BUILTIN_FIELDS, DataField, JourneyDocument
from journeys.errors import ConflictError
from journeys.importer.encoding import DetectedEncoding, detect_encoding
from journeys.importer.mapping import EXTENSION_COLUMN, ColumnMapping, map_columns
from journeys.importer.options import ImportOptions
from journeys.importer.parallel import converted_records, worker_count
from journeys.importer.records import Record, Table, read_table
from journeys.importer.rejected import RejectedRows, open_rejected_rows
from journeys.importer.report import ALREADY_IN_RUN, Duplicate, ImportReport, RowError
from journeys.importer.rows import PHONE_NUMBER_INDEX, RowConverter
from journeys.importer.source import SourceFile, open_source
from journeys.storage import imports as import_queries
from journeys.storage import journeys as journey_queries
from journeys.storage import runs as run_queries

logger = logging.getLogger(__name__)

BATCH_SIZE = 2_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Target:
    """The run being imported into and the state its new recipients start in."""

    run_id: int
    document: JourneyDocument
    status: Literal["pending", "active"]
    start_node: str | None


def import_recipients(
    engine: Engine,
    run_id: int,
    source: Path | BinaryIO,
    *,
    options: ImportOptions,
    now: datetime,
    rejected_path: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the recipients in `source` (a path or a binary stream) into a run.

    Every accepted row is stored, with the report, or none is: an exception
    anywhere rolls the whole import back. A dry run does all the work and then
    rolls back. Skipped rows are written to `rejected_path` when given, dry run
    or not. `progress`, when given, is called with (bytes read, file size)
    after every BATCH_SIZE rows and at the end.

    The run must be a draft, or running with a journey whose start node has
    trigger 'api'; then the new recipients start at once. Raises
    ImportFileError for a file that cannot be read or mapped (nothing stored),
    ConflictError for a run in another status, NotFoundError for an unknown run.
    """
    with open_source(source) as file:
        encoding = detect_encoding(file.stream, options.encoding, options.names, filename=options.filename or file.name)
        report = ImportReport(
            run_id=run_id,
            filename=options.filename or file.name,
            dry_run=dry_run,
            encoding=encoding.name,
            encoding_fallback=encoding.fallback,
        )
        with (
            open_rejected_rows(rejected_path) as rejected,
            engine.connect() as conn,
            conn.begin() as transaction,
        ):
            _import_in_transaction(conn, file, encoding, options, report, now, rejected, progress)
            if dry_run:
                transaction.rollback()

    logger.info(
        "Imported %d of %d rows into run %d (%d rejected, %d duplicates)%s.",
        report.accepted,
        report.rows,
        run_id,
        report.rejected_rows,
        report.duplicate_count,
        " as a dry run, so nothing was stored" if dry_run else "",
        extra={"action": "import_finished", "run_id": run_id},
    )
    return report


def _import_in_transaction(
    conn: Connection,
    file: SourceFile,
    encoding: DetectedEncoding,
    options: ImportOptions,
    report: ImportReport,
    now: datetime,
    rejected: RejectedRows,
    progress: Progress | None,
) -> None:
    target = _load_target(conn, report.run_id)
    report.recipient_status = target.status

    file.stream.seek(file.start + encoding.bom_length)
    text = io.TextIOWrapper(file.stream, encoding=encoding.codec, errors="strict", newline="")
    try:
        table = read_table(text, options.delimiter, options.names)
        mapping = _map_columns(table, target.document, options)
        _describe_file(report, table, mapping)
        converter = RowConverter(
            _declared_fields(target.document), mapping, options.conversion_options()
        )

        rejected.write_header(table.headers)
        batches = _Batches(conn, target, report, rejected, now)
        workers = worker_count(file.size)
        with import_queries.import_page_cache(conn):
            batches.read(table, converter, workers, lambda: _report_progress(progress, file))
    finally:
        # Detach so that closing the wrapper never closes the caller's stream.
        text.detach()

    import_queries.insert_import(conn, report.run_id, report.filename, report.to_dict(), now)
    if progress is not None:
        progress(file.size, file.size)


def _load_target(conn: Connection, run_id: int) -> _Target:
    # The row lock makes a concurrent start or import of the same run wait.
    run = run_queries.get_run(conn, run_id, for_update=True)
    document = JourneyDocument.model_validate(
        journey_queries.get_document(conn, run["journey_id"])
    )
    start = document.start_node()

    if run["status"] == "draft":
        return _Target(run_id, document, "pending", None)
    if run["status"] == "running" and start.trigger == "api":
        return _Target(run_id, document, "active", start.id)
    raise ConflictError(
        f"run {run_id} is {run['status']}, so recipients cannot be imported into it; "
        "import into a draft run, or into a running run whose journey's start node "
        "has trigger 'api'. Create a new run for these recipients."
    )


def _declared_fields(document: JourneyDocument) -> list[DataField]:
    return [field for field in document.fields if field.name not in BUILTIN_FIELDS]


def _map_columns(table: Table, document: JourneyDocument, options: ImportOptions) -> ColumnMapping:
    names = [*BUILTIN_FIELDS, EXTENSION_COLUMN, *(field.name for field in _declared_fields(document))]
    return map_columns(table.headers, names, options.mapping, options.names)


def _describe_file(report: ImportReport, table: Table, mapping: ColumnMapping) -> None:
    report.delimiter = table.delimiter
    report.mapping = mapping.as_dict()
    report.ignored_columns = list(mapping.ignored)
    report.unmapped_columns = list(mapping.unmapped)


def _report_progress(progress: Progress | None, file: SourceFile) -> None:
    if progress is not None:
        progress(min(file.bytes_read(), file.size), file.size)


class _Batches:
    """Takes converted records in order, checks duplicates per batch and inserts accepted rows."""

    def __init__(
        self,
        conn: Connection,
        target: _Target,
        report: ImportReport,
        rejected: RejectedRows,
        now: datetime,
    ) -> None:
        self._conn = conn
        self._target = target
        self._report = report
        self._rejected = rejected
        self._shared = _shared_values(target, now)
        # Rows of this run with a higher id were inserted by this import, so a
        # duplicate of one of them names its line rather than an earlier import.
        self._last_earlier_id = import_queries.last_recipient_id(conn, target.run_id)

    def read(
        self, table: Table, converter: RowConverter, workers: int, on_batch: Callable[[], None]
    ) -> None:
        """Read every record of the table, storing accepted rows batch by batch."""
        batch: list[tuple[Record, tuple[Any, ...]]] = []
        for record, result in converted_records(table.records, converter, workers):
            if result is None:
                self._report.blank_rows += 1
                continue

            self._report.rows += 1
            if isinstance(result, list):
                self._reject(record.line, record.cells, result)
            else:
                batch.append((record, result))

            if len(batch) >= BATCH_SIZE:
                self._store(batch)
                batch = []
            if self._report.rows % BATCH_SIZE == 0:
                on_batch()
        self._store(batch)

    def _reject(self, line: int, cells: list[str], errors: list[RowError]) -> None:
        self._report.add_rejected_row(errors)
        reasons = [f"{error.column or 'row'}: {error.reason}" for error in errors]
        self._rejected.write(line, cells, reasons)

    def _store(self, batch: list[tuple[Record, tuple[Any, ...]]]) -> None:
        existing = import_queries.existing_phones(
            self._conn, self._target.run_id, {row[PHONE_NUMBER_INDEX] for _, row in batch}
        )
        kept_lines: dict[str, int] = {}
        rows: list[tuple[Any, ...]] = []
        for record, row in batch:
            phone = row[PHONE_NUMBER_INDEX]
            duplicate_of = self._duplicate_of(phone, existing, kept_lines)
            if duplicate_of is not None:
                self._add_duplicate(record, phone, duplicate_of)
                continue
            kept_lines[phone] = record.line
            rows.append(row)

        import_queries.insert_imported(self._conn, rows, self._shared)
        self._report.accepted += len(rows)

    def _duplicate_of(
        self,
        phone: str,
        existing: dict[str, import_queries.ExistingPhone],
        kept_lines: dict[str, int],
    ) -> int | Literal["already in the run"] | None:
        if phone in kept_lines:
            return kept_lines[phone]
        found = existing.get(phone)
        if found is None:
            return None
        if found.recipient_id > self._last_earlier_id and found.line is not None:
            return found.line
        return ALREADY_IN_RUN

    def _add_duplicate(
        self, record: Record, phone: str, duplicate_of: int | Literal["already in the run"]
    ) -> None:
        self._report.add_duplicate(Duplicate(record.line, phone, duplicate_of))
        where = f"duplicate of line {duplicate_of}" if isinstance(duplicate_of, int) else duplicate_of
        self._rejected.write(record.line, record.cells, [f"phone_number: {where}"])


def _shared_values(target: _Target, now: datetime) -> dict[str, Any]:
    """Return the column values that every recipient of the import starts with."""
    active = target.status == "active"
    return {
        "run_id": target.run_id,
        "status": target.status,
        "current_node": target.start_node,
        "phase": "enter",
        "next_at": now if active else None,
        "started_at": now if active else None,
        "steps": 0,
        "outputs": {},
        "calls_placed": 0,
        "calls_answered": 0,
        "sms_sent": 0,
        "talk_time_seconds": 0,
        "updated_at": now,
    }
