"""Keyset-paged reads of a run's recipients and events, for the CSV exports.

Each call reads one page: the rows of the run with an id above `after_id`,
in id order. A page costs the same however deep into the run it starts,
unlike OFFSET, and rows inserted during an export never shift later pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Row, select

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
