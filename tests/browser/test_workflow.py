"""The Workflow tab: branch handles, validation on nodes, drops onto edges, undo, Start's protection and the save preview."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

import journeys
from browser.conftest import AGENT_NAME, SENDER_NUMBER, Server, create_journey

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "workflow.png"
DEMO_JOURNEY = Path(journeys.__file__).parent / "data" / "demo_journey.json"
# Calls that report back only after ten minutes, so that a recipient stays on its call node.
SLOW_SETTINGS = {"calling_window": None, "simulator": {"latency_seconds": 600}}


def _document(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "fields": [{"name": "customer_name", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "next": "call_1", "position": {"x": 0, "y": 0}},
            {"id": "call_1", "type": "call", "from_number": SENDER_NUMBER, "agent": AGENT_NAME, "next": "done",
             "position": {"x": 0, "y": 200}},
            {"id": "done", "type": "end", "result": "contacted", "position": {"x": 0, "y": 400}},
        ],
    }


def _saved_nodes(server: Server, journey_id: int) -> dict[str, dict[str, Any]]:
    with server.api() as api:
        response = api.get(f"/api/journeys/{journey_id}")
    assert response.status_code == 200, response.text
    return {node["id"]: node for node in response.json()["document"]["nodes"]}


def _open(page: Page, journey_id: int) -> None:
    page.goto(f"/journeys/{journey_id}/workflow")
    expect(_node(page, "start")).to_be_visible()
    # The first validation has finished once the list no longer shows Checking.
    expect(page.get_by_role("region", name="Problems")).not_to_contain_text("Checking")


def _node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def _handle(page: Page, node_id: str, handle: str) -> Locator:
    return _node(page, node_id).locator(f'.react-flow__handle[data-handleid="{handle}"]')


def _connect(page: Page, source: Locator, target: Locator) -> None:
    """Draw a connection with the mouse, from a source handle to a target handle."""
    start = source.bounding_box()
    end = target.bounding_box()
    assert start and end
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def _add(page: Page, type_name: str) -> None:
    """Add a node with the keyboard: focus the palette button and press Enter."""
    page.get_by_role("button", name=type_name, exact=True).focus()
    page.keyboard.press("Enter")


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("No run is scheduled, running or paused")
    dialog.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text("version 2")


def test_branch_cases_and_handles(page: Page, server: Server) -> None:
    document = _document("Branch handles")
    document["nodes"].insert(2, {
        "id": "route", "type": "branch", "position": {"x": 300, "y": 200},
        "cases": [
            {"label": label, "when": {"subject": "nodes.call_1.outcome", "op": "equals", "value": value}, "next": "done"}
            for label, value in (("Answered", "answered"), ("Voicemail", "voicemail"), ("Busy", "busy"))
        ],
        "default": "done",
    })
    document["nodes"][1]["next"] = "route"
    journey_id = create_journey(server, document)
    _open(page, journey_id)

    route = _node(page, "route")
    for index, label in enumerate(("Answered", "Voicemail", "Busy")):
        expect(route.locator(".branch-out").nth(index)).to_contain_text(label)
        expect(_handle(page, "route", f"case-{index}")).to_have_count(1)
    expect(_handle(page, "route", "default")).to_have_count(1)
    expect(route.locator(".react-flow__handle.source")).to_have_count(4)

    # A new branch after the call: one case plus default, each its own handle.
    _node(page, "call_1").click()
    _add(page, "Branch")
    expect(_node(page, "branch_1")).to_be_visible()
    expect(_node(page, "branch_1").locator(".react-flow__handle.source")).to_have_count(2)

    page.locator(".react-flow__pane").click(position={"x": 20, "y": 20})
    _add(page, "End")
    expect(_node(page, "end_1")).to_be_visible()
    page.get_by_role("button", name="Auto layout").click()
    page.wait_for_timeout(500)

    _connect(page, _handle(page, "branch_1", "case-0"), _node(page, "end_1").locator(".react-flow__handle.target"))
    _connect(page, _handle(page, "branch_1", "default"), _node(page, "route").locator(".react-flow__handle.target"))
    expect(page.locator('.react-flow__edge[data-id="branch_1:case-0"]')).to_have_count(1)
    expect(page.get_by_role("region", name="Problems")).to_contain_text("No problems found")
    _save(page)

    saved = _saved_nodes(server, journey_id)
    assert saved["call_1"]["next"] == "branch_1"
    assert saved["branch_1"]["cases"][0]["next"] == "end_1"
    assert saved["branch_1"]["default"] == "route"
    assert saved["end_1"]["result"] == "done"
    assert [case["next"] for case in saved["route"]["cases"]] == ["done", "done", "done"]


def test_problems_shown_on_nodes(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Problems on nodes"))
    _open(page, journey_id)
    expect(page.get_by_role("region", name="Problems")).to_contain_text("No problems found")

    # A new SMS has no message yet, which validation reports on the node.
    _node(page, "start").click()
    _add(page, "SMS")
    sms = _node(page, "sms_1")
    expect(sms.locator(".problem-badge")).to_be_visible()
    badge_count = int(sms.locator(".problem-badge").inner_text())
    assert badge_count >= 1
    expect(page.get_by_role("group", name=f"SMS sms_1, {badge_count} problem{'' if badge_count == 1 else 's'}")).to_be_visible()
    entries = page.get_by_role("region", name="Problems").locator(".problem-item").filter(has_text="sms_1")
    expect(entries).to_have_count(badge_count)

    page.locator(".react-flow__pane").click(position={"x": 20, "y": 20})
    expect(page.get_by_role("complementary", name="SMS sms_1")).to_have_count(0)
    page.get_by_role("button", name="Zoom In").click()
    page.get_by_role("button", name="Zoom In").click()
    page.locator(".react-flow__pane").hover()
    page.mouse.wheel(0, 600)
    entries.first.click()
    expect(sms.locator(".journey-node")).to_have_class(re.compile("is-selected"))
    expect(page.get_by_role("complementary", name="SMS sms_1")).to_be_visible()

    # The view moves so that the chosen node sits in the middle of the canvas.
    page.wait_for_timeout(600)
    canvas = page.locator(".react-flow").bounding_box()
    card = sms.bounding_box()
    assert canvas and card
    assert abs((card["x"] + card["width"] / 2) - (canvas["x"] + canvas["width"] / 2)) < 20
    assert abs((card["y"] + card["height"] / 2) - (canvas["y"] + canvas["height"] / 2)) < 20


def test_drop_on_edge_inserts_node(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Drop on an edge"))
    _open(page, journey_id)

    edge = page.locator('.react-flow__edge[data-id="call_1:next"] .react-flow__edge-path')
    box = edge.bounding_box()
    assert box
    canvas = page.locator(".react-flow")
    canvas_box = canvas.bounding_box()
    assert canvas_box
    middle = {"x": box["x"] + box["width"] / 2 - canvas_box["x"], "y": box["y"] + box["height"] / 2 - canvas_box["y"]}
    page.get_by_role("button", name="Time Delay", exact=True).drag_to(canvas, target_position=middle)

    expect(_node(page, "time_delay_1")).to_be_visible()
    expect(page.locator('.react-flow__edge[data-id="time_delay_1:next"]')).to_have_count(1)
    _save(page)

    saved = _saved_nodes(server, journey_id)
    assert saved["call_1"]["next"] == "time_delay_1"
    assert saved["time_delay_1"]["next"] == "done"
    assert saved["time_delay_1"]["amount"] == 1
    assert saved["time_delay_1"]["unit"] == "hours"


def test_undo_redo_and_start_kept(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Undo and Start"))
    _open(page, journey_id)
    nodes = page.locator(".react-flow__node")
    expect(nodes).to_have_count(3)
    expect(page.get_by_role("button", name="Undo")).to_be_disabled()

    _node(page, "call_1").click()
    _add(page, "Time Delay")
    expect(nodes).to_have_count(4)
    expect(page.get_by_text("Unsaved changes")).to_be_visible()

    page.get_by_role("button", name="Undo").click()
    expect(nodes).to_have_count(3)
    expect(page.get_by_text("Unsaved changes")).to_have_count(0)
    page.get_by_role("button", name="Redo").click()
    expect(nodes).to_have_count(4)

    page.locator(".react-flow__pane").click(position={"x": 20, "y": 20})
    page.keyboard.press("Control+z")
    expect(nodes).to_have_count(3)
    page.keyboard.press("Control+Shift+z")
    expect(nodes).to_have_count(4)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+y")
    expect(nodes).to_have_count(4)

    # Typing in the label field undoes text, not the canvas.
    _node(page, "call_1").click()
    label = page.get_by_label("Label")
    label.fill("First call")
    label.press("Control+z")
    expect(nodes).to_have_count(4)

    _node(page, "start").click()
    panel = page.get_by_role("complementary", name="Start start")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("button", name="Delete node")).to_have_count(0)
    page.keyboard.press("Delete")
    expect(page.get_by_role("status").filter(has_text="cannot be deleted")).to_be_visible()
    page.keyboard.press("Backspace")
    expect(_node(page, "start")).to_be_visible()
    expect(nodes).to_have_count(4)

    # A selected edge goes with Delete too, and comes back with undo.
    page.locator('.react-flow__edge[data-id="start:next"]').click()
    page.keyboard.press("Delete")
    expect(page.locator('.react-flow__edge[data-id="start:next"]')).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(page.locator('.react-flow__edge[data-id="start:next"]')).to_have_count(1)

    # Any other node goes, and its neighbours are joined again.
    _node(page, "time_delay_1").click()
    page.get_by_role("button", name="Delete node").click()
    expect(nodes).to_have_count(3)
    expect(page.locator('.react-flow__edge[data-id="call_1:next"]')).to_have_count(1)


def test_keyboard_adds_after_selection(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Keyboard only"))
    _open(page, journey_id)

    _node(page, "call_1").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("complementary", name="Call call_1")).to_be_visible()
    _add(page, "Wait Until")
    expect(_node(page, "wait_until_1")).to_be_visible()
    expect(_node(page, "wait_until_1")).to_contain_text("Until Mon Tue Wed Thu Fri 09:00–17:00")
    expect(page.locator('.react-flow__edge[data-id="call_1:next"]')).to_have_count(1)
    expect(page.locator('.react-flow__edge[data-id="wait_until_1:next"]')).to_have_count(1)
    _save(page)

    saved = _saved_nodes(server, journey_id)
    assert saved["call_1"]["next"] == "wait_until_1"
    assert saved["wait_until_1"]["next"] == "done"
    assert saved["wait_until_1"]["window"]["start"] == "09:00"


def test_leaving_unsaved_changes_asks(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Leave warning"))
    _open(page, journey_id)
    _node(page, "done").click()
    page.get_by_label("Label").fill("Finished")

    questions: list[str] = []

    def dismiss(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("link", name="Runs").click()
    expect(page).to_have_url(re.compile(r"/workflow$"))
    assert questions == ["This journey has unsaved changes. Leave without saving them?"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Runs").click()
    expect(page).to_have_url(re.compile(r"/runs$"))


def _running_run_on_call(server: Server, journey_id: int, name: str) -> int:
    with server.api() as api:
        created = api.post(f"/api/journeys/{journey_id}/runs", json={"name": name, "settings": SLOW_SETTINGS})
        assert created.status_code == 201, created.text
        run_id = int(created.json()["id"])
        body = b"phone_number,customer_name\n+12025550181,Ada\n"
        imported = api.post(f"/api/runs/{run_id}/imports", files={"file": ("people.csv", body, "text/csv")})
        assert imported.status_code == 201, imported.text
        started = api.post(f"/api/runs/{run_id}/start")
        assert started.status_code == 200, started.text

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            stats = api.get(f"/api/journeys/{journey_id}/stats", params={"run": run_id}).json()
            if any(node["node_id"] == "call_1" and node["on_now"] == 1 for node in stats["nodes"]):
                return run_id
            time.sleep(0.2)
    raise AssertionError(f"the recipient of run {run_id} did not reach call_1 within 20 s: {stats}")


def test_save_shows_impact(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Save impact"))
    _running_run_on_call(server, journey_id, "Impact run")
    _open(page, journey_id)

    page.get_by_label("Show counts for run").select_option(label="Impact run (running)")
    expect(_node(page, "call_1").locator(".journey-node-count")).to_have_text("1 here now")

    _node(page, "done").click()
    page.get_by_label("Label").fill("Finished")
    page.get_by_role("button", name="Save…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 live run will follow the new version")
    expect(dialog.locator(".impact-runs")).to_contain_text("Impact run")
    expect(dialog.locator(".impact-runs")).to_contain_text("running")
    dialog.get_by_role("button", name="Keep editing").click()
    page.get_by_role("button", name="Close the node panel").click()

    # Removing the call where the recipient waits is blocked, with the node and count.
    _node(page, "call_1").click()
    page.get_by_role("button", name="Delete node").click()
    page.get_by_role("button", name="Save…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".impact-blocked")).to_contain_text("call_1: 1 recipient of run Impact run")
    expect(dialog.get_by_role("button", name="Save and publish")).to_be_disabled()
    expect(dialog.get_by_role("alert")).to_contain_text("Saving is blocked")
    dialog.get_by_role("button", name="Keep editing").click()
    assert "call_1" in _saved_nodes(server, journey_id)

    # A new required field passes the preview, and the server's 409 sentence shows in the dialog.
    page.get_by_role("button", name="Undo").click()
    expect(_node(page, "call_1")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Data fields")).click()
    page.get_by_role("button", name="Add field").click()
    page.get_by_role("checkbox", name=re.compile("is required")).last.check()
    page.get_by_role("button", name="Save…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".impact-runs")).to_contain_text("Impact run")
    dialog.get_by_role("button", name="Save and publish").click()
    expect(dialog.get_by_role("alert")).to_contain_text("adds the required field")
    expect(dialog.get_by_role("alert")).to_contain_text("give the field a default")
    dialog.get_by_role("button", name="Keep editing").click()
    expect(page.get_by_text("Unsaved changes")).to_be_visible()


def test_viewer_sees_read_only(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Viewer journey"))
    with server.api() as api:
        key = api.post("/api/apikeys", json={"name": "viewer", "role": "viewer"})
    assert key.status_code == 201, key.text
    page.context.clear_cookies()
    page.context.set_extra_http_headers({"Authorization": f"Bearer {key.json()['key']}"})
    _open(page, journey_id)

    expect(page.locator(".workflow-toolbar").get_by_text("Read only")).to_be_visible()
    expect(page.get_by_role("button", name="Save…")).to_have_count(0)
    expect(page.get_by_role("region", name="Add a step")).to_have_count(0)
    _node(page, "call_1").click()
    expect(page.get_by_label("Label")).to_have_attribute("readonly", "")
    expect(page.get_by_role("button", name="Delete node")).to_have_count(0)


@pytest.mark.skipif(os.environ.get("JOURNEYS_SCREENSHOTS") != "1", reason="set JOURNEYS_SCREENSHOTS=1 to write the screenshot")
def test_workflow_screenshot(page: Page, server: Server) -> None:
    """Write docs/screenshots/workflow.png of the demo journey."""
    journey_id = create_journey(server, json.loads(DEMO_JOURNEY.read_text(encoding="utf-8")))
    _open(page, journey_id)
    _node(page, "first_outcome").click()
    page.wait_for_timeout(500)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
