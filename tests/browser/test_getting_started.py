"""The getting-started path, in the browser only: design a journey, import recipients, run, pause, resume, export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from browser.conftest import AGENT_NAME, SENDER_NUMBER, Server

RECIPIENTS_CSV = (
    "Phone,Customer Name\n"
    "(202) 555-0101,Ada Lovelace\n"
    "+1 312 555 0123,Alan Turing\n"
    "not a number,Grace Hopper\n"
    "+1 623 555 0115,Katherine Johnson\n"
)


def _node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def _drop_on_edge(page: Page, palette_item: str, edge_id: str) -> None:
    """Drag a palette item onto the middle of an edge, which inserts the node there."""
    edge = page.locator(f'.react-flow__edge[data-id="{edge_id}"] .react-flow__edge-path')
    box = edge.bounding_box()
    canvas = page.locator(".react-flow")
    canvas_box = canvas.bounding_box()
    assert box and canvas_box, f"edge {edge_id} is not on screen"
    middle = {"x": box["x"] + box["width"] / 2 - canvas_box["x"], "y": box["y"] + box["height"] / 2 - canvas_box["y"]}
    page.get_by_role("button", name=palette_item, exact=True).drag_to(canvas, target_position=middle)


def _choose_number_and_agent(page: Page, node_id: str) -> None:
    _node(page, node_id).click()
    page.get_by_label("Sender number", exact=True).select_option(SENDER_NUMBER)
    page.get_by_label("Agent", exact=True).select_option(AGENT_NAME)


def _csv_rows(path: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))


def test_getting_started_path(page: Page, server: Server) -> None:
    # 1. A new journey, a Call dropped after Start, with a number and an agent.
    page.goto("/")
    page.get_by_role("button", name="New journey").click()
    page.get_by_label("Journey name").fill("Getting started")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/journeys/\d+/workflow$"))
    journey_id = int(page.url.split("/")[-2])
    expect(_node(page, "start")).to_be_visible()

    _drop_on_edge(page, "Call", "start:next")
    expect(_node(page, "call_1")).to_be_visible()
    _choose_number_and_agent(page, "call_1")

    # 2. A Time Delay and a second Call after the first, then save.
    _drop_on_edge(page, "Time Delay", "call_1:next")
    expect(_node(page, "time_delay_1")).to_be_visible()
    _drop_on_edge(page, "Call", "time_delay_1:next")
    expect(_node(page, "call_2")).to_be_visible()
    _choose_number_and_agent(page, "call_2")
    expect(page.get_by_role("region", name="Problems")).to_contain_text("No problems found")

    page.get_by_role("button", name="Save…").click()
    page.get_by_role("dialog").get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text("version 2")

    with server.api() as api:
        document = api.get(f"/api/journeys/{journey_id}").json()["document"]
    nodes = {node["id"]: node for node in document["nodes"]}
    assert nodes["start"]["next"] == "call_1"
    assert nodes["call_1"]["next"] == "time_delay_1"
    assert nodes["time_delay_1"]["next"] == "call_2"
    assert nodes["call_2"]["next"] == "end"
    assert nodes["call_2"]["from_number"] == SENDER_NUMBER
    assert nodes["call_2"]["agent"] == AGENT_NAME

    # 3. A draft run on a zero-latency simulator, and a CSV with one bad row.
    page.get_by_role("navigation", name="Journey").get_by_role("link", name="Runs").click()
    page.get_by_role("button", name="New run").click()
    dialog = page.get_by_role("dialog", name="New run")
    dialog.get_by_label("Run name").fill("First wave")
    dialog.get_by_label("No calling window").check()
    dialog.get_by_text("Advanced: simulator").click()
    dialog.get_by_label("Latency (seconds)").fill("0")
    dialog.get_by_role("button", name="Create draft").click()
    expect(page).to_have_url(re.compile(rf"/journeys/{journey_id}/runs/\d+$"))

    page.get_by_role("button", name="Import recipients…").click()
    wizard = page.get_by_role("region", name="Import recipients")
    wizard.get_by_label("CSV file").set_input_files(
        {"name": "recipients.csv", "mimeType": "text/csv", "buffer": RECIPIENTS_CSV.encode()}
    )
    expect(wizard.get_by_label("Map column Phone")).to_have_value("phone_number")
    wizard.get_by_label("Default region").select_option("US")
    wizard.get_by_role("button", name="Check the file").click()
    report = wizard.get_by_role("list", name="Import report")
    expect(report).to_contain_text("3 accepted")
    expect(report).to_contain_text("1 rejected")
    expect(wizard.get_by_role("cell", name="not a number", exact=True)).to_be_visible()
    wizard.get_by_role("button", name="Import 3 recipients").click()
    expect(wizard.get_by_role("status")).to_contain_text("Imported 3 recipients")

    # 4. Start: the recipients leave pending, take their first call and wait at the delay.
    table = page.get_by_role("region", name="Recipients")
    expect(table.locator("tbody tr", has_text="pending")).to_have_count(3)
    page.get_by_role("button", name="Start now").click()
    expect(page.locator(".run-title .badge")).to_have_text("running")
    expect(table.locator("tbody tr", has_text="pending")).to_have_count(0, timeout=20_000)
    expect(table.locator("tbody tr", has_text="time_delay_1")).to_have_count(3, timeout=20_000)

    # 5. Pause, resume, then export both files.
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".run-title .badge")).to_have_text("paused")
    page.get_by_role("button", name="Resume").click()
    expect(page.locator(".run-title .badge")).to_have_text("running")

    with page.expect_download() as recipients_download:
        page.get_by_role("link", name="Recipients CSV").click()
    header, *rows = _csv_rows(recipients_download.value.path())
    assert header[0] == "phone_number"
    assert sorted(row[0] for row in rows) == ["+12025550101", "+13125550123", "+16235550115"]
    assert {row[header.index("current_node")] for row in rows} == {"time_delay_1"}
    assert {row[header.index("calls_placed")] for row in rows} == {"1"}

    with page.expect_download() as events_download:
        page.get_by_role("link", name="Events CSV").click()
    events = _csv_rows(events_download.value.path())
    assert events[0] == ["phone_number", "at", "node_id", "type", "detail"]
    assert sum(1 for row in events[1:] if row[3] == "call_placed") == 3
