"""The recipients export: one CSV row per recipient of a run, in id order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, TextIO

from sqlalchemy import Connection, Engine, Row

from journeys.domain.document import DataField
from journeys.export.csvfile import write_csv
from journeys.export.csvsafe import (
    format_number,
    format_phone,
    format_utc,
    format_value,
)
from journeys.export.paging import (
    DEFAULT_PAGE_SIZE,
    check_page_size,
    iter_pages,
    read_once,
)
from journeys.storage import exports as export_queries
from journeys.storage import journeys as journey_queries
from journeys.storage import runs as run_queries

# raw_decode skips two Python frames of json.loads per row; the data column is always an object.
_decode = json.JSONDecoder().raw_decode

# The columns after phone_number and the data fields, in export order.
STATE_COLUMNS = (
    "timezone",
    "status",
    "current_node",
    "result",
    "failure_reason",
    "calls_placed",
    "last_call_outcome",
    "talk_time_seconds",
    "sms_sent",
    "started_at",
    "finished_at",
    # After the contract's columns, so that their order stays as documented;
    # without it an export would drop extensions on re-import.
    "phone_extension",
)


def recipient_header(fields: Sequence[DataField]) -> list[str]:
    """Return the export's header: phone_number, the data fields in order, then state."""
    return ["phone_number", *(field.name for field in fields), *STATE_COLUMNS]


def iter_recipient_rows(
    source: Engine | Connection, run_id: int, *, page_size: int = DEFAULT_PAGE_SIZE
) -> Iterator[list[str]]:
    """Return an iterator over the header and then one row per recipient, in id order.

    The data fields are those of the journey's current version. Recipients
    are read `page_size` at a time, so memory stays flat. The run is looked
    up before this returns, so an unknown run raises NotFoundError at once,
    before a streaming response has started.
    """
    check_page_size(page_size)
    fields = read_once(source, lambda conn: _journey_fields(conn, run_id))
    return _rows(source, run_id, fields, page_size)


def write_recipients_csv(
    source: Engine | Connection,
    run_id: int,
    out: TextIO | BinaryIO,
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> int:
    """Write the run's recipients as CSV to `out` and return the number of recipients.

    `out` is a UTF-8 text stream opened with `newline=""`, or a binary stream.
    """
    rows = iter_recipient_rows(source, run_id, page_size=page_size)
    return write_csv(rows, out) - 1


def format_recipient(row: Row, fields: Sequence[DataField]) -> list[str]:
    """Format one recipient row of `storage.exports.recipient_page` as CSV cells."""
    data: dict[str, Any] = row.data or {}
    cells = [format_phone(row.phone_number)]
    for field in fields:
        value = data.get(field.name)
        cells.append(format_phone(value) if field.type == "phone" else format_value(value))

    cells += [
        format_value(data.get("timezone")),
        format_value(row.status),
        format_value(row.current_node),
        format_value(row.result),
        format_value(row.failure_reason),
        format_value(row.calls_placed),
        format_value(row.last_call_outcome),
        format_value(row.talk_time_seconds),
        format_value(row.sms_sent),
        format_utc(row.started_at),
        format_utc(row.finished_at),
        format_value(row.phone_extension),
    ]
    return cells


def _journey_fields(conn: Connection, run_id: int) -> list[DataField]:
    run = run_queries.get_run(conn, run_id)
    document = journey_queries.get_document(conn, int(run["journey_id"]))
    return [DataField.model_validate(field) for field in document.get("fields", [])]


def _rows(
    source: Engine | Connection, run_id: int, fields: list[DataField], page_size: int
) -> Iterator[list[str]]:
    yield recipient_header(fields)

    # The database formats the plain cells (see storage.exports); the data
    # fields are formatted here from the JSON text, by csvsafe's rules.
    query = export_queries.recipient_cells_query(source.dialect.name, run_id)
    formatters = [(field.name, format_phone if field.type == "phone" else format_value) for field in fields]

    def read(conn: Connection, after_id: int, limit: int) -> Sequence[Row]:
        return export_queries.recipient_cells_page(conn, query, after_id=after_id, limit=limit)

    for page in iter_pages(source, read, page_size=page_size):
        for row in page:
            yield _cells(row, formatters)


def _cells(row: Row, formatters: list[tuple[str, Callable[[Any], str]]]) -> list[str]:
    """Return the cells of a row of `storage.exports.recipient_cells_query`, in export order."""
    data = _decode(row[1])[0]
    cells = [row[3]]
    cells += [format_cell(data.get(name)) for name, format_cell in formatters]
    cells.append(format_value(data.get("timezone")))
    cells += row[4:10]
    cells.append(format_number(row[2]) if row[2] is not None else "")
    cells += row[10:14]
    return cells
