"""`journeys serve` as a user runs it: a real process on a loopback port, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_health(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"journeys serve exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"journeys serve did not answer on port {port} within {STARTUP_SECONDS} s")


def serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    env = {**os.environ, "JOURNEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    env.pop("JOURNEYS_PUBLIC_URL", None)
    env.pop("JOURNEYS_LOG_FORMAT", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "journeys.cli.main", "serve", "--port", str(port), *args],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return process, port


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=STARTUP_SECONDS)
    return stdout, stderr


@pytest.mark.slow
def test_serve_prints_link_and_stops_cleanly(tmp_path: Path) -> None:
    process, port = serve(tmp_path, "--log-format", "json")
    try:
        wait_for_health(port, process)
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    finally:
        stdout, stderr = stop(process)

    assert process.returncode == 0
    assert metrics.status_code == 200
    lines = stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Sign in as admin: http://127.0.0.1:{port}/auth/link/")
    records = [json.loads(line) for line in stderr.splitlines()]
    actions = [record.get("action") for record in records]
    assert "worker_started" in actions
    assert "worker_stopped" in actions
    assert any(record["logger"] == "uvicorn.error" for record in records)


@pytest.mark.slow
def test_serve_without_worker_and_second_start(tmp_path: Path) -> None:
    first, port = serve(tmp_path)
    try:
        wait_for_health(port, first)
    finally:
        stop(first)

    second, port = serve(tmp_path, "--no-worker")
    try:
        wait_for_health(port, second)
    finally:
        stdout, stderr = stop(second)

    assert second.returncode == 0
    assert "Sign in as admin" not in stdout
    assert "worker_started" not in stderr
    assert "Uvicorn running on" in stderr


@pytest.mark.slow
def test_serve_redacts_sign_in_token_from_access_log(tmp_path: Path) -> None:
    process, port = serve(tmp_path)
    try:
        wait_for_health(port, process)
        link = process.stdout.readline().strip() if process.stdout else ""
        token = link.rpartition("/auth/link/")[2]
        redeemed = httpx.get(f"http://127.0.0.1:{port}/auth/link/{token}", timeout=5, follow_redirects=False)
    finally:
        stdout, stderr = stop(process)

    assert link.startswith(f"Sign in as admin: http://127.0.0.1:{port}/auth/link/")
    assert token
    assert redeemed.status_code == 303
    assert token not in stderr
    assert '"GET /auth/link/[redacted] HTTP/1.1" 303' in stderr
    assert f"JOURNEYS_PUBLIC_URL is not set, so links and callbacks use http://127.0.0.1:{port}" in stderr


def free_ipv6_port() -> int | None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            return int(probe.getsockname()[1])
    except OSError:
        return None


@pytest.mark.slow
def test_serve_on_ipv6_loopback_prints_bracketed_link(tmp_path: Path) -> None:
    port = free_ipv6_port()
    if port is None:
        pytest.skip("this machine has no IPv6 loopback address")
    env = {**os.environ, "JOURNEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    env.pop("JOURNEYS_PUBLIC_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "journeys.cli.main", "serve", "--host", "::1", "--port", str(port), "--no-worker"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        link = process.stdout.readline().strip() if process.stdout else ""
        deadline = time.monotonic() + STARTUP_SECONDS
        health = None
        while health is None and time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://[::1]:{port}/api/health", timeout=1)
            except httpx.TransportError:
                time.sleep(0.2)
    finally:
        stop(process)

    assert link.startswith(f"Sign in as admin: http://[::1]:{port}/auth/link/")
    assert health is not None
    assert health.status_code == 200
