"""Queries on recipients: claims, moves, lifecycle updates and listings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from journeys.domain.statuses import OPEN_STATUSES
from journeys.errors import NotFoundError
from journeys.storage.dialect import (
    execute_many,
    is_postgresql,
    lock_rows,
    lock_skip_locked,
)
from journeys.storage.schema import events, recipients

DUE_STATUSES = ("active", "delayed")


def _is_due() -> ColumnElement[bool]:
    # The statuses go into the SQL as literals. With `status IN (?, ?)`, SQLite's
    # planner did not match the WHERE term of the partial index ix_recipients_due
    # (EXPLAIN QUERY PLAN), so each claim sorted every due recipient of the run.
    statuses = bindparam("due_statuses", list(DUE_STATUSES), expanding=True, literal_execute=True)
    return recipients.c.status.in_(statuses)

# The columns a move may change; every other column is fixed at import.
MOVE_COLUMNS = (
    "status", "current_node", "phase", "next_at", "steps", "outputs", "result",
    "failure_reason", "calls_answered", "last_call_outcome", "talk_time_seconds",
    "started_at", "finished_at",
)

# The columns the engine reads to move a recipient (RecipientState.from_row). Leaving
# out the rest saves decoding two timestamps and the search text per row.
ENGINE_COLUMNS = (
    "id", "run_id", "phone_number", "phone_extension", "data", "timezones", "calls_placed", "sms_sent",
    *MOVE_COLUMNS,
)


def claim_due(
    conn: Connection,
    run_id: int,
    *,
    now: datetime,
    owner: str,
    lease_until: datetime,
    limit: int,
) -> list[dict[str, Any]]:
    """Lease up to `limit` due recipients of a running run to `owner` and return them, in id order.

    One UPDATE … RETURNING claims and reads the batch, in place of a SELECT, an
    UPDATE and a second SELECT. On PostgreSQL its subquery locks the rows with
    SKIP LOCKED, so concurrent workers claim disjoint batches.
    """
    lease_free = or_(recipients.c.lease_expires_at.is_(None), recipients.c.lease_expires_at < now)
    due = (
        select(recipients.c.id)
        .where(
            recipients.c.run_id == run_id,
            _is_due(),
            recipients.c.next_at <= now,
            lease_free,
        )
        .order_by(recipients.c.next_at, recipients.c.id)
        .limit(limit)
    )
    claim = (
        update(recipients)
        .where(_id_among(lock_skip_locked(due, conn), conn))
        .values(lease_owner=owner, lease_expires_at=lease_until)
        .returning(*(recipients.c[name] for name in ENGINE_COLUMNS))
    )
    rows = [dict(row) for row in conn.execute(claim).mappings()]
    # RETURNING gives no order; moves and saves lock recipients in id order.
    rows.sort(key=itemgetter("id"))
    return rows


def _id_among(ids: Select, conn: Connection) -> ColumnElement[bool]:
    # PostgreSQL plans `id IN (subquery)` as a hash join over the whole table;
    # `id = ANY(ARRAY(subquery))` runs the subquery once and then reads by primary key.
    if is_postgresql(conn):
        return recipients.c.id == func.any(func.array(ids.scalar_subquery()))
    return recipients.c.id.in_(ids.scalar_subquery())


def get_many(
    conn: Connection, ids: Sequence[int], *, for_update: bool = False, columns: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Return the recipient rows with these ids, in id order: every column, or only `columns`."""
    selected = [recipients.c[name] for name in columns] if columns else [recipients]
    query = select(*selected).where(recipients.c.id.in_(ids)).order_by(recipients.c.id)
    if for_update:
        query = lock_rows(query, conn)
    return [dict(row) for row in conn.execute(query).mappings()]


def get_one(conn: Connection, recipient_id: int) -> dict[str, Any]:
    """Return one recipient row, or raise NotFoundError."""
    rows = get_many(conn, [recipient_id])
    if not rows:
        raise NotFoundError(
            f"recipient {recipient_id} not found; `journeys run recipients RUN_ID` lists a run's recipients"
        )
    return rows[0]


def still_leased(conn: Connection, ids: Sequence[int], owner: str) -> set[int]:
    """Return which of these recipients `owner` still holds, locking them in id order."""
    query = (
        select(recipients.c.id)
        .where(recipients.c.id.in_(ids), recipients.c.lease_owner == owner)
        .order_by(recipients.c.id)
    )
    return set(conn.execute(lock_rows(query, conn)).scalars())


def save_states(conn: Connection, states: Iterable[dict[str, Any]], *, now: datetime) -> None:
    """Write the move columns of several recipients and release their leases."""
    rows = [
        {"b_id": state["id"], **{name: state[name] for name in MOVE_COLUMNS}} for state in states
    ]
    if not rows:
        return
    for row in rows:
        row.update(updated_at=now, lease_owner=None, lease_expires_at=None)
    execute_many(conn, update(recipients).where(recipients.c.id == bindparam("b_id")), rows)


def add_counters(conn: Connection, increments: Sequence[tuple[int, str]]) -> None:
    """Add one to `calls_placed` or `sms_sent` of each (recipient id, column) pair."""
    # Locked in id order first, the order that moves and results use, so that
    # workers do not deadlock on these rows.
    locked = sorted({recipient_id for recipient_id, _ in increments})
    if locked:
        get_many(conn, locked, for_update=True)
    # One UPDATE per column and count, in place of one per recipient: a batch
    # almost always adds one to each of its recipients.
    counts = Counter(increments)
    for column in ("calls_placed", "sms_sent"):
        by_count: dict[int, list[int]] = {}
        for (recipient_id, name), count in counts.items():
            if name == column:
                by_count.setdefault(count, []).append(recipient_id)
        for count, ids in by_count.items():
            conn.execute(
                update(recipients).where(recipients.c.id.in_(ids)).values({column: recipients.c[column] + count})
            )


def activate_pending(conn: Connection, run_id: int, *, start_node: str, now: datetime) -> int:
    """Make every pending recipient of a run due at the start node; return how many."""
    result = conn.execute(
        update(recipients)
        .where(recipients.c.run_id == run_id, recipients.c.status == "pending")
        .values(
            status="active", current_node=start_node, phase="enter", next_at=now,
            started_at=now, updated_at=now,
        )
    )
    return int(result.rowcount or 0)


def cancel_open(conn: Connection, run_id: int, *, now: datetime, reason: str) -> int:
    """Cancel every unfinished recipient of a run, with a `cancelled` event each."""
    open_rows = and_(recipients.c.run_id == run_id, recipients.c.status.in_(OPEN_STATUSES))
    conn.execute(
        insert(events).from_select(
            ["run_id", "recipient_id", "at", "node_id", "type", "detail"],
            select(
                recipients.c.run_id,
                recipients.c.id,
                bindparam("at", now, type_=events.c.at.type),
                recipients.c.current_node,
                bindparam("type", "cancelled", type_=events.c.type.type),
                bindparam("detail", reason, type_=events.c.detail.type),
            ).where(open_rows),
        )
    )
    result = conn.execute(
        update(recipients)
        .where(open_rows)
        .values(status="cancelled", next_at=None, finished_at=now, updated_at=now,
                lease_owner=None, lease_expires_at=None)
    )
    return int(result.rowcount or 0)


def has_open(conn: Connection, run_id: int) -> bool:
    """Return whether any recipient of the run has not finished."""
    query = (
        select(recipients.c.id)
        .where(recipients.c.run_id == run_id, recipients.c.status.in_(OPEN_STATUSES))
        .limit(1)
    )
    return conn.execute(query).first() is not None


def count(conn: Connection, run_id: int) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(recipients).where(recipients.c.run_id == run_id)
        ).scalar_one()
    )


def waiting_at_nodes(conn: Connection, journey_run_ids: Sequence[int], node_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Count unfinished recipients of these runs on each of these nodes, per run.

    Returns rows of `run_id`, `node_id` and `recipients`, ordered by run and node,
    with no row for a node that has no such recipient in a run.
    """
    if not journey_run_ids or not node_ids:
        return []
    query = (
        select(recipients.c.run_id, recipients.c.current_node, func.count())
        .where(
            recipients.c.run_id.in_(journey_run_ids),
            recipients.c.current_node.in_(node_ids),
            recipients.c.status.in_(OPEN_STATUSES),
        )
        .group_by(recipients.c.run_id, recipients.c.current_node)
        .order_by(recipients.c.run_id, recipients.c.current_node)
    )
    return [
        {"run_id": int(run_id), "node_id": node, "recipients": int(total)}
        for run_id, node, total in conn.execute(query)
    ]


def next_due_at(conn: Connection, run_ids: Sequence[int], *, after: datetime) -> datetime | None:
    """Return the earliest `next_at` later than `after` of due or delayed recipients of these runs."""
    if not run_ids:
        return None
    query = select(func.min(recipients.c.next_at)).where(
        recipients.c.run_id.in_(run_ids),
        _is_due(),
        recipients.c.next_at > after,
    )
    return conn.execute(query).scalar_one_or_none()


def list_page(
    conn: Connection,
    run_id: int,
    *,
    status: str | None = None,
    node: str | None = None,
    search: str | None = None,
    phone: str | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Return one page of a run's recipients in id order, after `after_id` (keyset).

    `search` is a substring of the phone number or a text field, which scans
    the run's rows; `phone`, an exact E.164 number, is one index lookup.
    """
    query = (
        select(recipients)
        .where(recipients.c.run_id == run_id, recipients.c.id > after_id)
        .order_by(recipients.c.id)
        .limit(limit)
    )
    if status:
        query = query.where(recipients.c.status == status)
    if node:
        query = query.where(recipients.c.current_node == node)
    if search:
        # NOTE: a substring search scans the run's rows in id order until the page is
        # full: about 0.4 s for a rare match among 1,000,000 recipients, as measured by
        # scripts/bench_recipient_list.py. A pg_trgm index on search_text would avoid it.
        query = query.where(recipients.c.search_text.contains(search.lower(), autoescape=True))
    if phone:
        query = query.where(recipients.c.phone_number == phone)
    return [dict(row) for row in conn.execute(query).mappings()]


def find_by_client_key(conn: Connection, run_id: int, client_key: str) -> dict[str, Any] | None:
    """Return the run's recipient added with this idempotency key, or None."""
    query = select(recipients).where(recipients.c.run_id == run_id, recipients.c.client_key == client_key)
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def find_by_phone(conn: Connection, run_id: int, phone_number: str) -> dict[str, Any] | None:
    """Return the run's recipient with this E.164 number, or None."""
    query = select(recipients).where(recipients.c.run_id == run_id, recipients.c.phone_number == phone_number)
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def insert_one(conn: Connection, values: dict[str, Any]) -> int:
    """Insert one recipient and return its id."""
    return int(conn.execute(insert(recipients).values(**values)).inserted_primary_key[0])
