"""A whole run driven only over HTTP: `journeys serve` with the webhook provider and a fake agent platform.

The server runs as its own process, exactly as an operator starts it, with
its engine worker inside. Everything after the first API key goes through
the API: numbers, agents, the journey, the run, the CSV import, the start,
the progress and both exports.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.agent_platform import FakeAgentPlatform

pytestmark = pytest.mark.slow

AGENT_SECRET = "e2e-agent-secret-5b8c1d7e"
SMS_SECRET = "e2e-sms-secret-9f2a6c4b"
SENDER = "+12025550100"
FINISH_TIMEOUT_SECONDS = 90

# Each recipient's outcome, by phone number, decides the path through the journey.
OUTCOMES = {
    "+12025550101": {"outcome": "answered", "talk_time_seconds": 42.5, "data": {"promise_to_pay": True}},
    "+12025550102": {"outcome": "answered", "talk_time_seconds": 12.0, "data": {"promise_to_pay": False}},
    "+12025550103": {"outcome": "voicemail", "talk_time_seconds": 0, "data": {}},
    "+12025550104": {"outcome": "no_answer", "talk_time_seconds": 0, "data": {}},
}

CSV_TEXT = (
    "Phone,Name,Balance\n"
    "(202) 555-0101,Ada Lovelace,120.50\n"
    "(202) 555-0102,Alan Turing,80\n"
    "(202) 555-0103,Grace Hopper,300\n"
    "(202) 555-0104,=Edsger Dijkstra,15.25\n"
    "not a phone,Bad Row,10\n"
)

JOURNEY = {
    "name": "End-to-end reminder",
    "fields": [
        {"name": "customer_name", "type": "string", "required": True},
        {"name": "balance", "type": "number", "required": True},
    ],
    "nodes": [
        {"id": "start", "type": "start", "next": "reminder"},
        {"id": "reminder", "type": "call", "from_number": SENDER, "agent": "collections",
         "variables": {"name": "{{ customer_name }}", "balance": "{{ balance }}"}, "next": "outcome"},
        {"id": "outcome", "type": "branch", "cases": [
            {"label": "Promised", "when": {"subject": "nodes.reminder.data.promise_to_pay", "op": "is_true"}, "next": "promised"},
            {"label": "Voicemail", "when": {"subject": "nodes.reminder.outcome", "op": "equals", "value": "voicemail"}, "next": "text"},
        ], "default": "unreached"},
        {"id": "text", "type": "sms", "from_number": SENDER,
         "message": "Hi {{ customer_name }}, please call us about your balance of {{ balance }}.", "next": "texted"},
        {"id": "promised", "type": "end", "result": "promised"},
        {"id": "texted", "type": "end", "result": "texted"},
        {"id": "unreached", "type": "end", "result": "unreached"},
    ],
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _respond(request: dict[str, Any]) -> dict[str, Any]:
    if request["type"] == "sms.send":
        return {"status": "delivered"}
    return {"status": "completed", "ended_reason": "agent ended the call", **OUTCOMES[request["to"]]}


def _journeys(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "journeys.cli.main", *args]
    return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=60, check=True)


@pytest.fixture
def platform() -> Iterator[FakeAgentPlatform]:
    with FakeAgentPlatform({"/agents/collections": AGENT_SECRET, "/sms": SMS_SECRET}) as fake:
        fake.behaviour.respond = _respond
        yield fake


@pytest.fixture
def server(database_url: str, platform: FakeAgentPlatform, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Start `journeys serve` on a free loopback port; yield its base URL and an admin key header."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "JOURNEYS_DATABASE_URL": database_url,
        "JOURNEYS_PUBLIC_URL": base,
        "JOURNEYS_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "JOURNEYS_WEBHOOK_SMS_URL": platform.url("/sms"),
        "JOURNEYS_WEBHOOK_SMS_SECRET": SMS_SECRET,
    }
    created = _journeys("apikey", "create", "--role", "admin", "--name", "e2e", "--json", env=env)
    headers = {"Authorization": f"Bearer {json.loads(created.stdout)['key']}"}

    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "journeys.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    try:
        _wait_until_up(base, process, tmp_path / "serve.log")
        yield base, headers
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"journeys serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"journeys serve did not answer within 30 s:\n{log.read_text()}")


def test_run_over_http_with_webhook_provider(server: tuple[str, dict[str, str]], platform: FakeAgentPlatform) -> None:
    base, headers = server
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as anonymous:
        assert anonymous.get("/api/journeys").status_code == 401
    with httpx.Client(base_url=base, headers=headers, timeout=30, trust_env=False) as api:
        _drive_run(api, platform)


def _drive_run(api: httpx.Client, platform: FakeAgentPlatform) -> None:
    assert api.post("/api/numbers", json={"number": SENDER, "calls_per_second": 10}).status_code == 201
    agent = {"name": "collections", "webhook_url": platform.url("/agents/collections"), "webhook_secret": AGENT_SECRET}
    created_agent = api.post("/api/agents", json=agent)
    assert created_agent.status_code == 201, created_agent.text
    assert AGENT_SECRET not in created_agent.text

    journey = api.post("/api/journeys", json=JOURNEY)
    assert journey.status_code == 201, journey.text
    settings = {"provider": "webhook", "calling_window": None, "max_concurrent_calls": 4}
    run = api.post(f"/api/journeys/{journey.json()['id']}/runs", json={"name": "wave 1", "settings": settings})
    assert run.status_code == 201, run.text
    run_id = run.json()["id"]

    imported = api.post(
        f"/api/runs/{run_id}/imports",
        files={"file": ("wave.csv", CSV_TEXT.encode(), "text/csv")},
        data={"mapping": ["Phone=phone_number", "Name=customer_name", "Balance=balance"], "default_region": "US"},
    )
    assert imported.status_code == 201, imported.text
    report = imported.json()
    assert report["accepted"] == 4, report
    assert [error["line"] for error in report["row_errors"]] == [6], report

    assert api.post(f"/api/runs/{run_id}/start").status_code == 200
    final = _wait_for_finish(api, run_id)
    assert final["status"] == "completed", final
    assert platform.errors == []

    rows = _csv(api.get(f"/api/runs/{run_id}/export"))
    by_phone = {row["phone_number"]: row for row in rows}
    assert set(by_phone) == set(OUTCOMES)
    assert {phone: row["result"] for phone, row in by_phone.items()} == {
        "+12025550101": "promised",
        "+12025550102": "unreached",
        "+12025550103": "texted",
        "+12025550104": "unreached",
    }
    assert by_phone["+12025550101"]["talk_time_seconds"] == "42.5"
    assert by_phone["+12025550103"]["sms_sent"] == "1"
    assert by_phone["+12025550104"]["customer_name"] == "'=Edsger Dijkstra"
    assert all(row["status"] == "completed" for row in rows)
    assert all(row["calls_placed"] == "1" for row in rows)

    events = _csv(api.get(f"/api/runs/{run_id}/export", params={"events": "true"}))
    sms_texts = [row["detail"] for row in events if row["type"] == "sms_sent"]
    assert sms_texts == ["Hi Grace Hopper, please call us about your balance of 300."]
    assert sum(row["type"] == "call_placed" for row in events) == 4
    assert sum(row["type"] == "call_result" for row in events) == 4

    starts = platform.requests_of("call.start")
    assert len(starts) == 4
    assert all(item.signature_ok for item in starts)
    assert {item.json["variables"]["name"] for item in starts} >= {"Ada Lovelace", "Grace Hopper"}


def _wait_for_finish(api: httpx.Client, run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + FINISH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        run = api.get(f"/api/runs/{run_id}").json()
        if run["status"] not in ("running", "scheduled"):
            return run
        time.sleep(0.2)
    pytest.fail(f"run {run_id} did not finish within {FINISH_TIMEOUT_SECONDS} s: {run}")


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
