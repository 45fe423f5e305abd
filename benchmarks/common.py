"""What every benchmark figure shares: sizes, databases, measurements and timing."""

from __future__ import annotations

import cProfile
import io
import os
import platform
import pstats
import resource
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

POSTGRES_ADMIN_URL = os.environ.get(
    "JOURNEYS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

# Row counts per size. "full" is the size the targets are stated for; "tiny" is for CI.
# The engine's PostgreSQL figures run fewer recipients than its SQLite figure, so
# that `--size full` of the engine and DBOS figures ends within about 15 minutes
# on a 2-core machine at 3 repeats.
SIZES: dict[str, dict[str, int]] = {
    "tiny": {"import_rows": 2_000, "export_rows": 2_000, "engine_recipients": 300, "engine_postgresql_recipients": 300,
             "engine_scaling_recipients": 300, "callbacks": 300, "page_recipients": 5_000},
    "small": {"import_rows": 100_000, "export_rows": 100_000, "engine_recipients": 10_000,
              "engine_postgresql_recipients": 10_000, "engine_scaling_recipients": 3_000, "callbacks": 5_000,
              "page_recipients": 100_000},
    "full": {"import_rows": 1_000_000, "export_rows": 1_000_000, "engine_recipients": 100_000,
             "engine_postgresql_recipients": 10_000, "engine_scaling_recipients": 3_000, "callbacks": 20_000,
             "page_recipients": 1_000_000},
}


@dataclass(frozen=True)
class Context:
    """Settings of one benchmark session, handed to every figure."""

    size: str
    repeats: int
    work_dir: Path

    def rows(self, key: str) -> int:
        return SIZES[self.size][key]


@dataclass
class Measurement:
    """One figure on one database: its samples, unit and target."""

    figure: str
    database: str
    unit: str
    samples: list[float]
    target: str
    met: bool | None = None
    notes: list[str] = field(default_factory=list)
    command: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)


@contextmanager
def database(kind: str, work_dir: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of `kind` ("sqlite" or "postgresql"), dropped after."""
    if kind == "sqlite":
        path = work_dir / f"bench_{uuid.uuid4().hex[:8]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return

    name = f"journeys_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(action: Callable[[], object]) -> float:
    """Run `action` once and return its wall time in seconds."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    """Describe the machine the figures come from."""
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def reproduce_command(ctx: Context, figure: str, database: str) -> str:
    """Return the command that measures one figure on one database again, at this size."""
    return (
        f"python -m benchmarks --size {ctx.size} --repeats {ctx.repeats} "
        f"--databases {database} --only {figure} --output {figure}-{database}.md"
    )


def postgres_unreachable_reason() -> str | None:
    """Return why the benchmark's PostgreSQL server cannot be reached, or None when it can."""
    probe = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            return None
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "unreachable"
        return str(exc).strip().splitlines()[0]
    finally:
        probe.dispose()


def profile_table(profiler: cProfile.Profile, top: int = 15) -> str:
    """Return the `top` functions by own time of a profile, with their share of the total."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(own for (_, _, own, _, _) in entries.values()) or 1.0
    by_own = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:top]
    lines = [f"{'own time':>9}  {'share':>6}  function"]
    for (path, line, name), (_, _, own, _, _) in by_own:
        where = path.rsplit("site-packages/", 1)[-1].rsplit("src/", 1)[-1]
        lines.append(f"{own:8.2f}s  {own / total:6.1%}  {name} ({where}:{line})")
    return "\n".join(lines)
