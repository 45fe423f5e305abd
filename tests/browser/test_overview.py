"""The Overview tab: figure cards, the calls chart and the node funnel of simulated runs.

Runs use the simulator with no latency and no calling window, so they finish
within seconds of their start while the page watches them.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from browser.conftest import AGENT_NAME, SENDER_NUMBER, Server, create_journey

FAST_SETTINGS = {"calling_window": None, "simulator": {"latency_seconds": 0}}
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "overview.png"
BROWSER_ZONE = ZoneInfo("America/New_York")
# The UI polls every 3 seconds while a run is running; a finished run's figures arrive within a poll or two.
FIGURES_TIMEOUT_MS = 15_000


def _document(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "fields": [],
        "nodes": [
            {"id": "start", "type": "start", "next": "call_1"},
            {"id": "call_1", "type": "call", "from_number": SENDER_NUMBER, "agent": AGENT_NAME, "next": "done"},
            {"id": "done", "type": "end", "result": "contacted"},
        ],
    }


def _started_run(
    server: Server,
    journey_id: int,
    name: str,
    phones: list[str],
    script: dict[str, list[str]] | None = None,
    latency_seconds: float = 0,
) -> int:
    """Create a fast run of the journey, import `phones` from a CSV and start it; return its id.

    `script` maps a phone number to the outcomes of its calls, as the simulator settings take it.
    """
    simulator = {"latency_seconds": latency_seconds, "script": script or {}}
    settings = {**FAST_SETTINGS, "simulator": simulator}
    with server.api() as api:
        created = api.post(f"/api/journeys/{journey_id}/runs", json={"name": name, "settings": settings})
        assert created.status_code == 201, created.text
        run_id = int(created.json()["id"])

        body = ("phone_number\n" + "".join(f"{phone}\n" for phone in phones)).encode()
        imported = api.post(f"/api/runs/{run_id}/imports", files={"file": ("people.csv", body, "text/csv")})
        assert imported.status_code == 201, imported.text
        assert imported.json()["accepted"] == len(phones)

        started = api.post(f"/api/runs/{run_id}/start")
        assert started.status_code == 200, started.text
    return run_id


def _wait_until_finished(server: Server, run_id: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    status = ""
    with server.api() as api:
        while time.monotonic() < deadline:
            status = api.get(f"/api/runs/{run_id}").json()["status"]
            if status == "completed":
                return
            time.sleep(0.2)
    raise AssertionError(f"run {run_id} is {status!r}, not completed, after {timeout} s")


def _stats(server: Server, journey_id: int, run_id: int | None = None) -> dict[str, Any]:
    params = {"run": run_id} if run_id else {}
    with server.api() as api:
        response = api.get(f"/api/journeys/{journey_id}/stats", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _figure(page: Page, label: str) -> Locator:
    """Return the value of the figure card named `label`."""
    term = page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator(".figure", has=term).locator("dd.figure-value")


def _percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f} %"


def _expect_figures(page: Page, stats: dict[str, Any]) -> None:
    expect(_figure(page, "Calls placed")).to_have_text(str(stats["calls_placed"]), timeout=FIGURES_TIMEOUT_MS)
    expect(_figure(page, "Answer rate")).to_have_text(_percent(stats["answer_rate"]))
    expect(_figure(page, "Voicemail")).to_have_text(str(stats["voicemail"]))
    expect(_figure(page, "No answer")).to_have_text(str(stats["no_answer"]))
    expect(_figure(page, "Busy")).to_have_text(str(stats["busy"]))
    expect(_figure(page, "Failed")).to_have_text(str(stats["calls_failed"]))
    expect(_figure(page, "SMS sent")).to_have_text(str(stats["sms_sent"]))


def test_overview_follows_runs(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Overview journey"))
    phones = [f"+1202555{index:04d}" for index in range(201, 206)]
    outcomes = ["answered", "voicemail", "no_answer", "busy", "answered"]
    script = {phone: [outcome] for phone, outcome in zip(phones, outcomes, strict=True)}
    first = _started_run(server, journey_id, "First wave", phones, script)

    page.goto(f"/journeys/{journey_id}/overview")
    _wait_until_finished(server, first)
    stats = _stats(server, journey_id)
    assert stats["calls_placed"] == 5
    assert (stats["calls_answered"], stats["voicemail"], stats["no_answer"], stats["busy"]) == (2, 1, 1, 1)

    _expect_figures(page, stats)
    expect(page.get_by_text(re.compile(r"^Updated \d\d:\d\d:\d\d$"))).to_be_visible()
    expect(page.get_by_role("heading", name="Recipients by status · 5")).to_be_visible()

    chart = page.get_by_role("img", name=re.compile("Chart of calls over time"))
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 1
    page.get_by_role("button", name="Show as table").click()
    cells = page.locator("table tbody td")
    charted = sum(int(text.replace(",", "")) for text in cells.all_inner_texts())
    outcomes = stats["calls_answered"] + stats["voicemail"] + stats["no_answer"] + stats["busy"] + stats["calls_failed"]
    assert charted == outcomes
    page.get_by_role("button", name="Show as chart").click()

    funnel = page.locator(".funnel-name")
    expect(funnel).to_have_text([re.compile("^start"), re.compile("^call_1"), re.compile("^done")])
    expect(page.locator(".funnel-counts").nth(2)).to_have_text("5 entered · 0 on now · 5 left")

    if os.environ.get("JOURNEYS_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))


def test_overview_live_while_running(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Overview live"))
    # Each simulated call lasts 5 s of wall time, so the page sees the run running.
    run_id = _started_run(server, journey_id, "Slow wave", ["+15035550701", "+15035550702"], latency_seconds=5)

    page.goto(f"/journeys/{journey_id}/overview/{run_id}")
    expect(page.get_by_text("Live", exact=True)).to_be_visible()
    _wait_until_finished(server, run_id)

    expect(page.get_by_text("Live", exact=True)).to_have_count(0, timeout=FIGURES_TIMEOUT_MS)
    _expect_figures(page, _stats(server, journey_id, run_id))
    expect(page.locator(".funnel-counts").nth(2)).to_have_text("2 entered · 0 on now · 2 left")


def test_overview_filters_by_run(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Overview filters"))
    first = _started_run(server, journey_id, "Morning wave", [f"+1312555{index:04d}" for index in range(301, 304)])
    second = _started_run(server, journey_id, "Evening wave", [f"+1312555{index:04d}" for index in range(401, 403)])
    _wait_until_finished(server, first)
    _wait_until_finished(server, second)

    page.goto(f"/journeys/{journey_id}/overview")
    expect(_figure(page, "Calls placed")).to_have_text("5")

    page.get_by_label("Run", exact=True).select_option(label=f"Evening wave (#{second}, completed)")
    expect(page).to_have_url(re.compile(f"/journeys/{journey_id}/overview/{second}$"))
    _expect_figures(page, _stats(server, journey_id, second))
    expect(_figure(page, "Calls placed")).to_have_text("2")

    page.reload()
    expect(page.get_by_label("Run", exact=True)).to_have_value(str(second))
    expect(_figure(page, "Calls placed")).to_have_text("2")

    page.get_by_label("Run", exact=True).select_option(label="All runs")
    expect(page).to_have_url(re.compile(f"/journeys/{journey_id}/overview$"))
    expect(_figure(page, "Calls placed")).to_have_text("5")


def test_overview_filters_by_dates(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Overview dates"))
    run_id = _started_run(server, journey_id, "Only wave", [f"+1415555{index:04d}" for index in range(501, 503)])
    _wait_until_finished(server, run_id)
    today = datetime.now(BROWSER_ZONE).date()

    page.goto(f"/journeys/{journey_id}/overview/{run_id}")
    expect(_figure(page, "Calls placed")).to_have_text("2")

    # The calls were placed today in the browser's zone: a range around today keeps them, one before drops them.
    page.get_by_label("From", exact=True).fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("To", exact=True).fill((today + timedelta(days=1)).isoformat())
    expect(_figure(page, "Calls placed")).to_have_text("2")
    page.get_by_label("From", exact=True).fill((today - timedelta(days=3)).isoformat())
    page.get_by_label("To", exact=True).fill((today - timedelta(days=2)).isoformat())
    expect(_figure(page, "Calls placed")).to_have_text("0")
    expect(page.get_by_text("No call with an outcome in this range yet.")).to_be_visible()

    page.get_by_label("From", exact=True).fill(today.isoformat())
    expect(page.get_by_role("alert")).to_contain_text("is before the start date")


def test_overview_without_runs(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Overview empty"))

    page.goto(f"/journeys/{journey_id}/overview")

    expect(page.get_by_role("heading", name="No runs yet")).to_be_visible()
    page.get_by_role("link", name="Create a run").click()
    expect(page).to_have_url(re.compile(f"/journeys/{journey_id}/runs$"))


def test_overview_unknown_run_shows_error(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Overview unknown run"))
    _started_run(server, journey_id, "Some wave", ["+16175550601"])

    page.goto(f"/journeys/{journey_id}/overview/999999")

    expect(page.get_by_role("alert").first).to_contain_text("999999")
