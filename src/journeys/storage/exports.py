"""Keyset-paged reads of a run's recipients and events, for the CSV exports.

Each call reads one page: the rows of the run with an id above `after_id`,
in id order. A page costs the same however deep into the run it starts,
unlike OFFSET, and rows inserted during an export never shift later pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from journeys.storage.schema import events, recipients

RECIPIENT_EXPORT_COLUMNS = (
    recipients.c.id,
    recipients.c.phone_number,
    recipients.c.data,
    recipients.c.status,
    recipients.c.current_node,
    recipients.c.result,
    recipients.c.failure_reason,
    recipients.c.calls_placed,
    recipients.c.last_call_outcome,
    recipients.c.talk_time_seconds,
    recipients.c.sms_sent,
    recipients.c.started_at,
    recipients.c.finished_at,
    recipients.c.phone_extension,
)


def recipient_page(
    conn: Connection, run_id: int, *, after_id: int, limit: int
) -> Sequence[Row]:
    """Return up to `limit` recipients of the run with an id above `after_id`."""
    query = (
        select(*RECIPIENT_EXPORT_COLUMNS)
        .where(recipients.c.run_id == run_id, recipients.c.id > after_id)
        .order_by(recipients.c.id)
        .limit(limit)
    )
    return conn.execute(query).all()


def event_page(conn: Connection, run_id: int, *, after_id: int, limit: int) -> Sequence[Row]:
    """Return up to `limit` events of the run with an id above `after_id`, with phone numbers."""
    query = (
        select(
            events.c.id,
            recipients.c.phone_number,
            events.c.at,
            events.c.node_id,
            events.c.type,
            events.c.detail,
        )
        .join(recipients, recipients.c.id == events.c.recipient_id)
        .where(events.c.run_id == run_id, events.c.id > after_id)
        .order_by(events.c.id)
        .limit(limit)
    )
    return conn.execute(query).all()


# --- Cells formatted by the database ---------------------------------------------
#
# The exports format the simple cells in SQL: times, phone numbers and guarded
# text. Parsing times and calling a formatter per cell in Python made the
# export run at about 20,000 rows a second. Each expression gives the text
# that `journeys.export.csvsafe` gives for the same value, with NULL as ''.
# The data fields stay JSON text, formatted in Python, because SQL would
# have to parse the JSON once per field (SQLite) or rebuild Python's float
# formatting. `tests/test_export.py` runs every rule on both databases.

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UTC_FORMAT = {"postgresql": 'YYYY-MM-DD"T"HH24:MI:SS"Z"', "sqlite": "%Y-%m-%dT%H:%M:%SZ"}


def recipient_cells_query(dialect: str, run_id: int) -> Select[Any]:
    """Build the page query of the recipients export, with `after_id` and `limit` as bound parameters.

    Rows are (id, data, talk_time_seconds, phone_number, *state) where `data`
    is the JSON text, `talk_time_seconds` the float and the rest text cells:
    the state columns before talk_time_seconds, then the ones after it.
    Build it once per export, because building it costs more than a page.
    """
    postgresql = dialect == "postgresql"
    return (
        select(
            recipients.c.id,
            type_coerce(cast(recipients.c.data, Text) if postgresql else recipients.c.data, Text).label("data"),
            recipients.c.talk_time_seconds,
            _phone_cell(recipients.c.phone_number),
            guard(recipients.c.status),
            guard(recipients.c.current_node),
            guard(recipients.c.result),
            guard(recipients.c.failure_reason),
            cast(recipients.c.calls_placed, Text),
            guard(recipients.c.last_call_outcome),
            cast(recipients.c.sms_sent, Text),
            _utc_cell(recipients.c.started_at, postgresql),
            _utc_cell(recipients.c.finished_at, postgresql),
            guard(recipients.c.phone_extension),
        )
        .where(recipients.c.run_id == run_id, recipients.c.id > bindparam("after_id"))
        .order_by(recipients.c.id)
        .limit(bindparam("limit"))
    )


def recipient_cells_page(conn: Connection, query: Select[Any], *, after_id: int, limit: int) -> Sequence[Row]:
    """Run a query of `recipient_cells_query` for one page: up to `limit` rows after `after_id`."""
    _serial_plan(conn)
    return conn.execute(query, {"after_id": after_id, "limit": limit}).all()


def event_cells_page(conn: Connection, run_id: int, *, after_id: int, limit: int) -> Sequence[Row]:
    """Return up to `limit` events of the run after `after_id` as (id, *cells), formatted for the export."""
    postgresql = conn.dialect.name == "postgresql"
    query = (
        select(
            events.c.id,
            _phone_cell(recipients.c.phone_number),
            _utc_cell(events.c.at, postgresql),
            guard(events.c.node_id),
            guard(events.c.type),
            guard(events.c.detail),
        )
        .join(recipients, recipients.c.id == events.c.recipient_id)
        .where(events.c.run_id == run_id, events.c.id > after_id)
        .order_by(events.c.id)
        .limit(limit)
    )
    _serial_plan(conn)
    return conn.execute(query).all()


def _serial_plan(conn: Connection) -> None:
    """Keep PostgreSQL from planning a page with parallel workers, for this transaction only.

    A page stops after `limit` rows, so starting workers for it cost more than
    they saved: an events page took 125 ms with one worker.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


def guard(text_value: ColumnElement[Any]) -> ColumnElement[Any]:
    """Prefix text with `'` when a spreadsheet would run it as a formula, as csvsafe.guard_text does; NULL is ''."""
    return case(
        (func.substr(text_value, 1, 1).in_(FORMULA_PREFIXES), literal("'", String).concat(text_value)),
        else_=func.coalesce(text_value, ""),
    )


def _is_e164(text_value: ColumnElement[Any]) -> ColumnElement[bool]:
    # String functions, not a regular expression: PostgreSQL's `~` cost about
    # 6 microseconds a row, more than the rest of the row together.
    rest = func.substr(text_value, 2)
    return and_(
        func.substr(text_value, 1, 1) == "+",
        func.substr(text_value, 2, 1).between("1", "9"),
        func.length(text_value).between(3, 16),
        func.ltrim(rest, "0123456789") == "",
    )


def _phone_cell(text_value: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((_is_e164(text_value), text_value), else_=guard(text_value))


def _utc_cell(time_value: ColumnElement[Any], postgresql: bool) -> ColumnElement[Any]:
    if postgresql:
        formatted = func.to_char(func.timezone("UTC", time_value), UTC_FORMAT["postgresql"])
    else:
        formatted = func.strftime(UTC_FORMAT["sqlite"], time_value)
    return func.coalesce(formatted, "")
