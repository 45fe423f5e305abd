"""The events export: one CSV row per event of a run, in the order they were stored."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import BinaryIO, TextIO

from sqlalchemy import Connection, Engine, Row

from journeys.export.csvfile import write_csv
from journeys.export.csvsafe import format_phone, format_utc, format_value
from journeys.export.paging import (
    DEFAULT_PAGE_SIZE,
    check_page_size,
    iter_pages,
    read_once,
)
from journeys.storage import exports as export_queries
from journeys.storage import runs as run_queries

EVENT_HEADER = ("phone_number", "at", "node_id", "type", "detail")


def iter_event_rows(
    source: Engine | Connection, run_id: int, *, page_size: int = DEFAULT_PAGE_SIZE
) -> Iterator[list[str]]:
    """Return an iterator over the header and then one row per event, in id order.

    An `sms_sent` event's detail is the text sent; like any text, it gets a
    leading `'` when it starts as a formula would. The run is looked up before
    this returns, so an unknown run raises NotFoundError at once.
    """
    check_page_size(page_size)
    read_once(source, lambda conn: run_queries.get_run(conn, run_id))
    return _rows(source, run_id, page_size)


def write_events_csv(
    source: Engine | Connection,
    run_id: int,
    out: TextIO | BinaryIO,
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> int:
    """Write the run's events as CSV to `out` and return the number of events.

    `out` is a UTF-8 text stream opened with `newline=""`, or a binary stream.
    """
    rows = iter_event_rows(source, run_id, page_size=page_size)
    return write_csv(rows, out) - 1


def format_event(row: Row) -> list[str]:
    """Format one event row of `storage.exports.event_page` as CSV cells."""
    return [
        format_phone(row.phone_number),
        format_utc(row.at),
        format_value(row.node_id),
        format_value(row.type),
        format_value(row.detail),
    ]


def _rows(source: Engine | Connection, run_id: int, page_size: int) -> Iterator[list[str]]:
    yield list(EVENT_HEADER)

    # The database formats the cells, by the rules of format_event.
    def query(conn: Connection, after_id: int, limit: int) -> Sequence[Row]:
        return export_queries.event_cells_page(conn, run_id, after_id=after_id, limit=limit)

    for page in iter_pages(source, query, page_size=page_size):
        for row in page:
            yield list(row[1:])
