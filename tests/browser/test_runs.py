"""The Runs tab: the import wizard, scheduling across zones, the run lifecycle, exports and a recipient's timeline."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    AGENT_NAME,
    SENDER_NUMBER,
    Server,
    _free_port,
    _journeys,
    _wait_until_healthy,
    create_journey,
)

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "runs.png"
# Instant simulated calls and no calling window, so that runs move within seconds.
FAST_SETTINGS = {"calling_window": None, "simulator": {"latency_seconds": 0}}
RECIPIENT_HEADER = [
    "phone_number", "customer_name", "timezone", "status", "current_node", "result", "failure_reason",
    "calls_placed", "last_call_outcome", "talk_time_seconds", "sms_sent", "started_at", "finished_at",
    "phone_extension",
]
SMALL_UPLOAD_BYTES = 2000
VIEWER_PASSWORD = "viewer password for the runs tab"
EVENT_HEADER = ["phone_number", "at", "node_id", "type", "detail"]


def _document(name: str) -> dict[str, Any]:
    call = {"type": "call", "from_number": SENDER_NUMBER, "agent": AGENT_NAME}
    return {
        "name": name,
        "fields": [{"name": "customer_name", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "next": "call_1"},
            {"id": "call_1", **call, "next": "wait"},
            {"id": "wait", "type": "time_delay", "amount": 30, "unit": "minutes", "next": "call_2"},
            {"id": "call_2", **call, "next": "done"},
            {"id": "done", "type": "end", "result": "contacted"},
        ],
    }


def _phones(count: int) -> list[str]:
    return [f"+1202555{100 + index:04d}" for index in range(1, count + 1)]


def _draft_run(server: Server, name: str, recipients: int = 0) -> tuple[int, int]:
    """Create a journey and a fast draft run with `recipients` imported; return both ids."""
    journey_id = create_journey(server, _document(name))
    with server.api() as api:
        created = api.post(f"/api/journeys/{journey_id}/runs", json={"name": f"{name} run", "settings": FAST_SETTINGS})
        assert created.status_code == 201, created.text
        run_id = int(created.json()["id"])
        if recipients:
            rows = "".join(f"{phone},Customer {index}\n" for index, phone in enumerate(_phones(recipients)))
            body = f"phone_number,customer_name\n{rows}".encode()
            imported = api.post(f"/api/runs/{run_id}/imports", files={"file": ("people.csv", body, "text/csv")})
            assert imported.status_code == 201, imported.text
            assert imported.json()["accepted"] == recipients
    return journey_id, run_id


def _run(server: Server, run_id: int) -> dict[str, Any]:
    with server.api() as api:
        response = api.get(f"/api/runs/{run_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _wait_for_status(server: Server, run_id: int, status: str, *, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        counts = _run(server, run_id)["recipients"]
        if counts.get(status) == count:
            return
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not reach {count} {status} recipients within {timeout} s: {counts}")


def _open_run(page: Page, journey_id: int, run_id: int) -> None:
    page.goto(f"/journeys/{journey_id}/runs/{run_id}")
    expect(page.get_by_role("region", name="Run").get_by_role("heading", level=2)).to_be_visible()


def _csv_rows(path: str) -> list[list[str]]:
    text = Path(path).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_new_run_dialog(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("New run dialog"))
    page.goto(f"/journeys/{journey_id}/runs")
    page.get_by_role("button", name="New run").click()
    dialog = page.get_by_role("dialog", name="New run")
    dialog.get_by_label("Run name").fill("Evening wave")
    dialog.get_by_label("Max concurrent calls").fill("0")
    dialog.get_by_role("button", name="Create draft").click()

    limit = dialog.get_by_label("Max concurrent calls")
    expect(limit).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_role("alert")).to_contain_text("Max concurrent calls must be a whole number of at least 1.")

    limit.fill("3")
    dialog.get_by_label("No calling window").check()
    dialog.get_by_text("Advanced: simulator").click()
    dialog.get_by_label("Latency (seconds)").fill("0")
    dialog.get_by_label("Seed").fill("7")
    dialog.get_by_role("button", name="Create draft").click()

    expect(page).to_have_url(re.compile(rf"/journeys/{journey_id}/runs/\d+$"))
    run_id = int(page.url.rsplit("/", 1)[1])
    settings = _run(server, run_id)["settings"]
    assert settings["calling_window"] is None
    assert settings["max_concurrent_calls"] == 3
    assert settings["default_timezone"] == "America/New_York"
    assert settings["simulator"]["latency_seconds"] == 0
    assert settings["simulator"]["seed"] == 7
    expect(page.get_by_role("complementary", name="Runs of this journey")).to_contain_text("Evening wave")
    expect(page.get_by_role("complementary", name="Runs of this journey")).to_contain_text("0 recipients")


def test_viewer_sees_no_controls(browser: Browser, server: Server) -> None:
    journey_id, run_id = _draft_run(server, "Viewer", recipients=2)
    with server.api() as api:
        created = api.post("/api/users", json={"email": "viewer@example.test", "role": "viewer", "password": VIEWER_PASSWORD})
    assert created.status_code == 201, created.text
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800}, timezone_id="America/New_York")
    try:
        signed_in = context.request.post("/api/session", data={"email": "viewer@example.test", "password": VIEWER_PASSWORD})
        assert signed_in.ok, signed_in.text()
        page = context.new_page()
        _open_run(page, journey_id, run_id)

        expect(page.get_by_role("row", name="Recipient +12025550101")).to_be_visible()
        expect(page.get_by_role("group", name="Run controls")).to_have_count(0)
        expect(page.get_by_role("button", name="New run")).to_have_count(0)
        expect(page.get_by_role("link", name="Recipients CSV")).to_be_visible()
    finally:
        context.close()


def test_import_wizard_errors(page: Page, server: Server) -> None:
    journey_id, run_id = _draft_run(server, "Import errors")
    _open_run(page, journey_id, run_id)
    page.get_by_role("button", name="Import recipients…").click()

    page.get_by_label("CSV file").set_input_files({"name": "no-phone.csv", "mimeType": "text/csv", "buffer": b"name,city\nAda,Oslo\n"})
    wizard = page.get_by_role("region", name="Import recipients")
    expect(wizard.get_by_role("alert")).to_contain_text("No column was recognised as the phone number")
    wizard.get_by_role("button", name="Back").click()
    expect(wizard.get_by_label("CSV file")).to_be_visible()

    body = b"phone_number,customer_name\n+12025550101,Ada\n=1+2,Bob\n+12025550102,Cy\n"
    page.get_by_label("CSV file").set_input_files({"name": "one-bad.csv", "mimeType": "text/csv", "buffer": body})
    expect(wizard.get_by_label("Map column phone_number")).to_have_value("phone_number")
    expect(wizard.get_by_label("Map column customer_name")).to_have_value("customer_name")
    expect(wizard.get_by_role("cell", name="Ada")).to_be_visible()
    wizard.get_by_role("button", name="Check the file").click()

    report = wizard.get_by_role("list", name="Import report")
    expect(report).to_contain_text("2 accepted")
    expect(report).to_contain_text("1 rejected")
    expect(report).to_contain_text("utf-8")
    expect(wizard.get_by_role("cell", name="=1+2", exact=True)).to_be_visible()
    with page.expect_download() as download_info:
        wizard.get_by_role("link", name="Download rejected rows (CSV)").click()
    rows = _csv_rows(download_info.value.path())
    assert rows[0] == ["line", "column", "value", "reason", "message"]
    assert len(rows) == 2
    assert rows[1][:3] == ["3", "phone_number", "'=1+2"]

    wizard.get_by_role("button", name="Import 2 recipients").click()
    expect(wizard.get_by_role("status")).to_contain_text("Imported 2 recipients")
    assert _run(server, run_id)["recipients"] == {"pending": 2}
    expect(page.get_by_role("list", name="Recipients by status")).to_contain_text("2 pending")


def test_schedule_in_another_zone(page: Page, server: Server) -> None:
    journey_id, run_id = _draft_run(server, "Schedule zones", recipients=1)
    _open_run(page, journey_id, run_id)

    page.get_by_role("button", name="Schedule…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Time zone")).to_have_value("America/New_York")
    dialog.get_by_label("Date").fill("2030-06-01")
    dialog.get_by_label("Time", exact=True).fill("09:00")
    dialog.get_by_label("Time zone").select_option("Asia/Tokyo")
    dialog.get_by_role("button", name="Schedule").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    run = _run(server, run_id)
    assert run["status"] == "scheduled"
    assert run["scheduled_at"] == "2030-06-01T00:00:00Z"
    facts = page.locator(".run-facts")
    expect(facts).to_contain_text("Jun 1, 2030, 9:00 AM GMT+9 (Asia/Tokyo)")
    expect(facts).to_contain_text("May 31, 2030, 8:00 PM EDT (America/New_York) in your zone")

    page.get_by_role("button", name="Unschedule").click()
    expect(page.get_by_role("button", name="Start now")).to_be_visible()
    assert _run(server, run_id)["status"] == "draft"


def test_schedule_in_dst_gap(page: Page, server: Server) -> None:
    journey_id, run_id = _draft_run(server, "Schedule gap", recipients=1)
    _open_run(page, journey_id, run_id)

    page.get_by_role("button", name="Schedule…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Date").fill("2030-03-10")
    dialog.get_by_label("Time", exact=True).fill("02:30")
    dialog.get_by_role("button", name="Schedule").click()

    error = dialog.get_by_role("alert")
    expect(error).to_contain_text("does not exist in America/New_York")
    expect(error).to_contain_text("2030-03-10 03:00")
    expect(dialog.get_by_label("Time", exact=True)).to_have_attribute("aria-invalid", "true")
    assert _run(server, run_id)["status"] == "draft"


def test_lifecycle_and_exports(page: Page, server: Server) -> None:
    journey_id, run_id = _draft_run(server, "Lifecycle", recipients=12)
    _open_run(page, journey_id, run_id)
    table = page.get_by_role("region", name="Recipients")
    expect(table.get_by_role("row", name="Recipient +12025550101")).to_contain_text("pending")

    page.get_by_role("button", name="Start now").click()
    expect(page.locator(".run-title .badge")).to_have_text("running")
    # The table refreshes by itself: the recipients finish their first call and wait.
    expect(table.get_by_role("row", name="Recipient +12025550101")).to_contain_text("delayed", timeout=15_000)
    expect(table.locator("tbody tr", has_text="pending")).to_have_count(0, timeout=15_000)
    expect(page.get_by_role("list", name="Recipients by status")).to_contain_text("12 delayed")
    if os.environ.get("JOURNEYS_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".run-title .badge")).to_have_text("paused")
    assert _run(server, run_id)["status"] == "paused"
    page.get_by_role("button", name="Resume").click()
    expect(page.locator(".run-title .badge")).to_have_text("running")

    page.get_by_role("button", name="Cancel run").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Cancel Lifecycle run?")
    dialog.get_by_role("button", name="Keep it").click()
    expect(page.locator(".run-title .badge")).to_have_text("running")
    page.get_by_role("button", name="Cancel run").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel run").click()
    expect(page.locator(".run-title .badge")).to_have_text("cancelled")
    expect(page.get_by_role("group", name="Run controls")).to_have_count(0)
    assert _run(server, run_id)["recipients"] == {"cancelled": 12}

    with page.expect_download() as recipients_download:
        page.get_by_role("link", name="Recipients CSV").click()
    recipients = _csv_rows(recipients_download.value.path())
    assert recipients[0] == RECIPIENT_HEADER
    assert len(recipients) == 13
    with page.expect_download() as events_download:
        page.get_by_role("link", name="Events CSV").click()
    events = _csv_rows(events_download.value.path())
    assert events[0] == EVENT_HEADER
    assert {row[3] for row in events[1:]} >= {"entered", "call_placed", "call_result", "delayed", "cancelled"}


def test_recipient_drawer_timeline(page: Page, server: Server) -> None:
    journey_id, run_id = _draft_run(server, "Drawer", recipients=3)
    with server.api() as api:
        assert api.post(f"/api/runs/{run_id}/start").status_code == 200
    _wait_for_status(server, run_id, "delayed", count=3)
    _open_run(page, journey_id, run_id)

    row = page.get_by_role("row", name="Recipient +12025550102")
    expect(row).to_contain_text("Customer 1")
    row.focus()
    page.keyboard.press("Enter")
    drawer = page.get_by_role("complementary", name="Recipient +12025550102")
    timeline = drawer.get_by_role("list", name="Timeline")
    with server.api() as api:
        page_one = api.get(f"/api/runs/{run_id}/recipients", params={"q": "+12025550102"}).json()
        events = api.get(f"/api/recipients/{page_one['items'][0]['id']}").json()["events"]
    types = [event["type"] for event in events]
    assert {"entered", "call_placed", "call_result", "delayed"} <= set(types)
    expect(timeline.locator(".timeline-head strong")).to_have_text(types)
    expect(timeline.get_by_role("listitem").last).to_contain_text("wait")
    expect(drawer).to_contain_text("Customer 1")
    expect(drawer).to_contain_text("wait")

    page.keyboard.press("Escape")
    expect(page.get_by_role("complementary", name="Recipient +12025550102")).to_have_count(0)
    page.get_by_role("row", name="Recipient +12025550103").click()
    expect(page.get_by_role("complementary", name="Recipient +12025550103")).to_be_visible()

    with server.api() as api:
        api.post(f"/api/runs/{run_id}/cancel")


@pytest.fixture(scope="module")
def small_upload_server(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A second `journeys serve` whose upload limit is SMALL_UPLOAD_BYTES; `server` first checks the build."""
    work_dir = tmp_path_factory.mktemp("small-upload")
    env = {
        **os.environ,
        "JOURNEYS_DATABASE_URL": f"sqlite:///{work_dir / 'journeys.db'}",
        "JOURNEYS_PUBLIC_URL": "",
        "JOURNEYS_MAX_UPLOAD_BYTES": str(SMALL_UPLOAD_BYTES),
    }
    env.pop("JOURNEYS_CONFIG", None)
    _journeys(env, "db", "upgrade")
    _journeys(env, "user", "create", ADMIN_EMAIL, "--role", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    _journeys(env, "number", "add", SENDER_NUMBER)
    _journeys(env, "agent", "add", AGENT_NAME)
    api_key = json.loads(_journeys(env, "apikey", "create", "--role", "admin", "--name", "small uploads", "--json"))["key"]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env["JOURNEYS_PUBLIC_URL"] = url
    log_path = work_dir / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "journeys.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(url, process, log_path)
            yield Server(url=url, api_key=api_key, work_dir=work_dir)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_import_too_large_file(browser: Browser, small_upload_server: Server) -> None:
    journey_id, run_id = _draft_run(small_upload_server, "Too large")
    context = browser.new_context(base_url=small_upload_server.url, viewport={"width": 1280, "height": 800})
    try:
        signed_in = context.request.post("/api/session", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert signed_in.ok, signed_in.text()
        page = context.new_page()
        _open_run(page, journey_id, run_id)
        page.get_by_role("button", name="Import recipients…").click()

        rows = "".join(f"{phone},Customer\n" for phone in _phones(200))
        body = f"phone_number,customer_name\n{rows}".encode()
        assert len(body) > SMALL_UPLOAD_BYTES
        page.get_by_label("CSV file").set_input_files({"name": "large.csv", "mimeType": "text/csv", "buffer": body})

        wizard = page.get_by_role("region", name="Import recipients")
        expect(wizard.get_by_role("alert")).to_contain_text(f"larger than the limit of {SMALL_UPLOAD_BYTES:,} bytes")
        expect(wizard.get_by_label("CSV file")).to_be_visible()
    finally:
        context.close()
