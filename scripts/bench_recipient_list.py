"""Time the recipient list query on a run of 1,000,000 recipients, on PostgreSQL or SQLite.

Usage: .venv/bin/python scripts/bench_recipient_list.py postgresql|sqlite [--with-indexes]

The PostgreSQL case creates and drops a throwaway database on the server of
JOURNEYS_TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432). The SQLite case
writes a file in a temporary folder. Statuses and nodes are spread as a large
run has them midway: 70% completed, 20% delayed, 5% failed, 0.1% active, the
rest waiting, over eight nodes. Nothing runs ANALYZE, as after a fresh import.
`--with-indexes` first adds (run_id, status, id) and (run_id, current_node, id)
indexes, which the schema does not have, to compare.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from journeys.storage import recipients as recipient_queries
from journeys.storage.db import connect

RECIPIENTS = 1_000_000
ADMIN_URL = os.environ.get("JOURNEYS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
STATUS = (
    "CASE WHEN i % 100 < 70 THEN 'completed' WHEN i % 100 < 90 THEN 'delayed' WHEN i % 100 < 95 THEN 'failed' "
    "WHEN i % 1000 < 999 THEN 'waiting' ELSE 'active' END"
)
EXTRA_INDEXES = (
    "CREATE INDEX ix_bench_run_status_id ON recipients (run_id, status, id)",
    "CREATE INDEX ix_bench_run_node_id ON recipients (run_id, current_node, id)",
)
CASES = [
    ("no filter", {}),
    ("status completed", {"status": "completed"}),
    ("status active (0.1%)", {"status": "active"}),
    ("node", {"node": "node_3"}),
    ("node and status", {"node": "node_3", "status": "waiting"}),
    ("exact phone", {"phone": "+12021777777"}),
    ("search, one match", {"search": "name777777 "}),
    ("search, every row", {"search": "smith"}),
]


def fill(engine: Engine, postgresql: bool, with_indexes: bool) -> None:
    now = datetime.now(UTC)
    series = "generate_series(1, :n) AS i" if postgresql else "s"
    prefix = "" if postgresql else "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) "
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO journeys (id, name, current_version, created_at, updated_at) VALUES (1, 'j', 1, :n, :n)"), {"n": now})
        conn.execute(text("INSERT INTO runs (id, journey_id, name, status, settings, created_at, updated_at) VALUES (1, 1, 'r', 'running', '{}', :n, :n)"), {"n": now})
        conn.execute(text(
            prefix + "INSERT INTO recipients (run_id, phone_number, data, status, current_node, phase, steps, outputs, "
            "calls_placed, calls_answered, sms_sent, talk_time_seconds, search_text, next_at) "
            f"SELECT 1, '+1202' || (1000000 + i), '{{}}', {STATUS}, 'node_' || (i % 8), 'enter', 0, '{{}}', 0, 0, 0, 0, "
            f"'+1202' || (1000000 + i) || ' name' || i || ' smith', :now FROM {series}"
        ), {"n": RECIPIENTS, "now": now})
        for statement in EXTRA_INDEXES if with_indexes else ():
            conn.execute(text(statement))


def measure(engine: Engine, label: str) -> None:
    for name, filters in CASES:
        for after_id in (0, 900_000):
            with engine.connect() as conn:
                started = time.perf_counter()
                rows = recipient_queries.list_page(conn, 1, after_id=after_id, limit=51, **filters)
                elapsed = time.perf_counter() - started
            print(f"{label} {name:22s} after={after_id:7d} rows={len(rows):3d} {elapsed * 1000:8.1f} ms", flush=True)


def main(kind: str, with_indexes: bool) -> None:
    if kind == "postgresql":
        name = f"journeys_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = connect(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
        try:
            fill(engine, postgresql=True, with_indexes=with_indexes)
            measure(engine, kind)
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return

    with tempfile.TemporaryDirectory() as folder:
        engine = connect(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            fill(engine, postgresql=False, with_indexes=with_indexes)
            measure(engine, kind)
        finally:
            engine.dispose()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not 1 <= len(arguments) <= 2 or arguments[0] not in ("postgresql", "sqlite") or arguments[1:] not in ([], ["--with-indexes"]):
        sys.exit("usage: bench_recipient_list.py postgresql|sqlite [--with-indexes]")
    main(arguments[0], with_indexes=arguments[1:] == ["--with-indexes"])
