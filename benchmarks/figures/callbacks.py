"""Provider callbacks accepted per second by `journeys serve`, with latency percentiles.

`journeys serve --no-worker` runs as its own process on a free port of
127.0.0.1, on a database seeded with webhook calls in progress. A load
generator in this process keeps 32 HTTP/1.1 keep-alive connections busy,
each posting signed callbacks (HMAC-SHA256, as docs/webhook-protocol.md
describes) for its share of the calls: `in_progress`, then `completed` with
an outcome, which moves the recipient on. The requests are written by hand
on raw sockets, so the client spends little of the two cores; it still
shares them with the server. The server's worker is off, so the figure
measures receiving only. Every callback must get 200 and be logged.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Context, Measurement, database, reproduce_command
from benchmarks.seed import AGENT_SECRET, seed_run
from journeys.providers.signing import sign
from journeys.storage import webhooks as webhook_queries
from journeys.storage.db import connect

FIGURE = "callbacks"
TARGET = ">= 1,000 accepted callbacks/s from a local load generator"
ACCEPTED_TARGET = 1_000
CONNECTIONS = 64
PROFILED_CALLBACKS = 4_000
# Set while _profile runs a sample: py-spy's path and the file for its samples.
_SPY_OUTPUT: tuple[Path, Path] | None = None
START_TIMEOUT_SECONDS = 60


def measure(ctx: Context, database_kind: str) -> list[Measurement]:
    total = ctx.rows("callbacks")
    command = reproduce_command(ctx, FIGURE, database_kind)
    rate = Measurement(
        figure="callbacks accepted by journeys serve", database=database_kind, unit="callbacks/s", samples=[],
        target=">= 1,000 callbacks/s", command=command,
    )
    p50 = Measurement(figure="callback latency p50", database=database_kind, unit="ms", samples=[], target="(no target)", command=command)
    p99 = Measurement(figure="callback latency p99", database=database_kind, unit="ms", samples=[], target="(no target)", command=command)
    for _ in range(ctx.repeats):
        accepted_per_second, latencies, logged = _sample(ctx, database_kind, total)
        rate.samples.append(accepted_per_second)
        p50.samples.append(_percentile(latencies, 50) * 1000)
        p99.samples.append(_percentile(latencies, 99) * 1000)
        if logged != total:
            raise RuntimeError(f"{logged} callbacks were logged of {total} accepted; every callback must be logged")
    rate.notes.append(
        f"{total:,} callbacks per sample ({total // 2:,} calls, each in_progress then completed), "
        f"{CONNECTIONS} keep-alive connections, over HTTP on 127.0.0.1; every callback got 200 and was logged."
    )
    if ctx.size != "tiny":
        rate.met = rate.median >= ACCEPTED_TARGET
    if rate.met is False:
        rate.notes.append(f"Short of the target by {ACCEPTED_TARGET / rate.median:.1f}x. " + _profile(ctx, database_kind))
    return [rate, p50, p99]


# Frames whose share of the server's samples the profile note lists, by label.
PROFILE_GROUPS = {
    "applying batches (CallbackBatcher)": "CallbackBatcher._apply_in_transaction",
    "  of which the engine's apply_reports_in": "apply_reports_in ",
    "  of which action lookups and signature checks": "read_report ",
    "HTTP parsing, ASGI and FastAPI": "RequestResponseCycle.run_asgi",
    "logging": "Logger._log",
    "SQLAlchemy statement execution": "Connection._execute_context",
}


def _profile(ctx: Context, database_kind: str) -> str:
    """Sample the server with py-spy during a short extra run; return where its time goes."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        return "No profile: py-spy is not installed in this environment (pip install py-spy)."
    output = ctx.work_dir / "callbacks-profile.txt"
    global _SPY_OUTPUT
    _SPY_OUTPUT = (spy, output)
    try:
        _sample(ctx, database_kind, PROFILED_CALLBACKS)
    finally:
        _SPY_OUTPUT = None
    shares = _frame_shares(output)
    output.unlink(missing_ok=True)
    listed = "; ".join(f"{label.strip()} {shares.get(frame, 0.0):.0%}" for label, frame in PROFILE_GROUPS.items())
    return (
        f"py-spy on the server over {PROFILED_CALLBACKS:,} callbacks, share of its samples in each part "
        f"(a part includes what it calls): {listed}."
    )


def _frame_shares(raw_profile: Path) -> dict[str, float]:
    """Return, for each PROFILE_GROUPS frame, the share of py-spy's raw samples whose stack contains it."""
    counts = dict.fromkeys(PROFILE_GROUPS.values(), 0)
    total = 0
    for line in raw_profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        for frame in counts:
            if frame in stack:
                counts[frame] += int(count)
    return {frame: count / total for frame, count in counts.items()} if total else {}


def _sample(ctx: Context, database_kind: str, total: int) -> tuple[float, list[float], int]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with database(database_kind, ctx.work_dir) as url:
        engine = connect(url)
        try:
            seeded = seed_run(
                engine, total // 2, events_per_recipient=1, waiting_calls=total // 2, provider="webhook",
                agent_webhook_url="http://127.0.0.1:9/agent", allowed_hosts=("127.0.0.1",),
            )
        finally:
            engine.dispose()
        with _serving(ctx, url, base, port):
            started = time.perf_counter()
            latencies = asyncio.run(_load(port, seeded.waiting_action_ids))
            seconds = time.perf_counter() - started
        engine = connect(url)
        try:
            logged = _logged_callbacks(engine, seeded.run_id)
        finally:
            engine.dispose()
    return len(latencies) / seconds, latencies, logged


def _logged_callbacks(engine, run_id: int) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return webhook_queries.count_logged_callbacks(conn, run_id)


@contextmanager
def _serving(ctx: Context, url: str, base: str, port: int) -> Iterator[None]:
    env = {
        **os.environ,
        "JOURNEYS_DATABASE_URL": url,
        "JOURNEYS_PUBLIC_URL": base,
        "JOURNEYS_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    }
    log_path = ctx.work_dir / f"serve-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "journeys.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ctx.work_dir,
        )
        spy = None
        try:
            _wait_until_up(port, process, log_path)
            if _SPY_OUTPUT is not None:
                spy = subprocess.Popen(
                    [str(_SPY_OUTPUT[0]), "record", "-p", str(process.pid), "-o", str(_SPY_OUTPUT[1]),
                     "--format", "raw", "--rate", "200", "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
                time.sleep(1)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if spy is not None:
                # py-spy writes its file when the process it samples exits.
                spy.wait(timeout=60)
    log_path.unlink(missing_ok=True)


def _wait_until_up(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"journeys serve exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"journeys serve did not listen on port {port} within {START_TIMEOUT_SECONDS} s")


async def _load(port: int, action_ids: list[int]) -> list[float]:
    """Post two callbacks per action over CONNECTIONS connections; return each request's latency."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for action_id in action_ids:
        queue.put_nowait(action_id)
    latencies: list[float] = []
    await asyncio.gather(*(_connection(port, queue, latencies) for _ in range(CONNECTIONS)))
    return latencies


async def _connection(port: int, queue: asyncio.Queue[int], latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while not queue.empty():
            action_id = queue.get_nowait()
            for body in (
                {"status": "in_progress", "call_id": f"bench-call-{action_id}"},
                {"status": "completed", "outcome": "answered", "call_id": f"bench-call-{action_id}",
                 "talk_time_seconds": 42.5, "ended_reason": "agent ended the call", "data": {"promise_to_pay": True}},
            ):
                started = time.perf_counter()
                status, answer = await _post(reader, writer, port, action_id, body)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"callback for action {action_id} got {status}: {answer[:300]!r}")
    finally:
        writer.close()


async def _post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int, action_id: int, body: dict[str, object]
) -> tuple[int, bytes]:
    content = json.dumps(body).encode()
    headers = sign(AGENT_SECRET, content, datetime.now(UTC))
    request = (
        f"POST /webhooks/agent/calls/{action_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        + "\r\n"
    ).encode() + content
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    answer = await reader.readexactly(length)
    return status, answer


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

