"""Web app fixes from a newcomer's first session: stale problems after undo, undo steps
in the data fields, foreign and missing ids in the path, the favicon, the badge, one
connection notice, the new run form's checks and concurrent saves."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

from browser.conftest import AGENT_NAME, SENDER_NUMBER, Server, create_journey


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


def _node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def _open(page: Page, journey_id: int) -> Locator:
    page.goto(f"/journeys/{journey_id}/workflow")
    expect(_node(page, "start")).to_be_visible()
    problems = page.get_by_role("region", name="Problems")
    expect(problems).to_contain_text("No problems found")
    return problems


def _create_run(server: Server, journey_id: int, name: str) -> int:
    with server.api() as api:
        response = api.post(f"/api/journeys/{journey_id}/runs", json={"name": name})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_undo_restores_problem_list(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Undo problems"))
    problems = _open(page, journey_id)

    # A new SMS after the call has no message yet, which is a problem.
    _node(page, "call_1").click()
    page.get_by_role("button", name="SMS", exact=True).focus()
    page.keyboard.press("Enter")
    expect(problems.locator(".problem-item").first).to_be_visible()

    # The list is right at once, before the next check (400 ms after an edit) could answer.
    page.get_by_role("button", name="Undo").click()
    expect(problems.locator(".problem-item")).to_have_count(0, timeout=250)
    expect(problems).to_contain_text("No problems found")

    page.get_by_role("button", name="Redo").click()
    expect(problems.locator(".problem-item").first).to_be_visible(timeout=250)


def test_inserted_node_overlaps_none(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Insert without overlap"))
    _open(page, journey_id)

    _node(page, "call_1").click()
    page.get_by_role("button", name="Time Delay", exact=True).focus()
    page.keyboard.press("Enter")
    expect(_node(page, "time_delay_1")).to_be_visible()

    boxes = {node_id: _node(page, node_id).bounding_box() for node_id in ("start", "call_1", "time_delay_1", "done")}
    names = list(boxes)
    for index, first in enumerate(names):
        for second in names[index + 1:]:
            a, b = boxes[first], boxes[second]
            assert a and b
            apart = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"] \
                or a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            assert apart, f"{first} {a} overlaps {second} {b}"


def test_field_edits_undo_one_at_a_time(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Field undo"))
    _open(page, journey_id)
    page.get_by_role("button", name="Data fields (1)").click()
    panel = page.get_by_role("complementary", name="Data fields")

    panel.get_by_label("Name of field 1").fill("customer")
    panel.get_by_role("button", name="Add field").click()
    panel.get_by_label("Name of field 2").fill("plan")

    undo = page.get_by_role("button", name="Undo")
    undo.click()
    expect(panel.get_by_label("Name of field 2")).not_to_have_value("plan")
    expect(panel.get_by_label("Name of field 1")).to_have_value("customer")
    undo.click()
    expect(panel.get_by_label("Name of field 2")).to_have_count(0)
    expect(panel.get_by_label("Name of field 1")).to_have_value("customer")
    undo.click()
    expect(panel.get_by_label("Name of field 1")).to_have_value("customer_name")


def test_run_of_other_journey_explained(page: Page, server: Server) -> None:
    owner = create_journey(server, _document("Run owner"))
    other = create_journey(server, _document("Other journey"))
    run_id = _create_run(server, owner, "Owned run")

    for tab in ("runs", "overview"):
        page.goto(f"/journeys/{other}/{tab}/{run_id}")
        expect(page.get_by_text(f"Run {run_id} is not a run of this journey.")).to_be_visible()
        expect(page.get_by_role("heading", name="Owned run")).to_have_count(0)
        page.get_by_role("link", name=f"Open run {run_id} in journey {owner}").click()
        expect(page).to_have_url(f"{server.url}/journeys/{owner}/{tab}/{run_id}")
        expect(page.get_by_role("heading", name="Run owner")).to_be_visible()


def test_missing_journey_page(page: Page, server: Server) -> None:
    page.goto("/journeys/999/workflow")
    expect(page.get_by_role("heading", name="Journey 999 was not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Journey")).to_have_count(0)
    # The API's sentence names a CLI command in backquotes, which a browser user cannot run.
    expect(page.locator("body")).not_to_contain_text("`journeys")
    page.get_by_role("link", name="Go to the journeys list.").click()
    expect(page).to_have_url(f"{server.url}/")


def test_no_console_errors_on_pages(page: Page, server: Server) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    journey_id = create_journey(server, _document("Quiet console"))

    page.goto("/")
    page.wait_for_load_state("networkidle")
    page.goto(f"/journeys/{journey_id}/workflow")
    expect(_node(page, "start")).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert failed == []
    assert errors == []


def test_run_list_badge_fits(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Badge shape"))
    run_id = _create_run(server, journey_id, "A run whose long name wraps onto several lines of the list")
    page.goto(f"/journeys/{journey_id}/runs/{run_id}")

    badge = page.get_by_role("complementary", name="Runs of this journey").locator(".badge")
    expect(badge).to_have_text("draft")
    box = badge.bounding_box()
    assert box
    # One line of small text: a badge stretched to the wrapped name's height is taller.
    assert box["height"] < 30, box


def test_one_connection_notice(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Offline"))
    _open(page, journey_id)

    page.route("**/api/**", lambda route: route.abort())
    page.get_by_role("button", name="Data fields (1)").click()
    page.get_by_role("complementary", name="Data fields").get_by_label("Name of field 1").fill("offline_edit")
    # The problems list and the save dialog both fail to reach the server.
    expect(page.get_by_role("region", name="Problems")).to_contain_text("could not be checked while the server is out of reach")
    page.get_by_role("button", name="Save…").click()
    expect(page.get_by_role("dialog")).not_to_contain_text("Checking what this version affects")
    expect(page.get_by_text("The server cannot be reached")).to_have_count(1)
    page.get_by_role("dialog").get_by_role("button", name="Keep editing").click()

    page.unroute("**/api/**")
    page.get_by_role("complementary", name="Data fields").get_by_label("Name of field 1").fill("online_again")
    expect(page.get_by_text("The server cannot be reached")).to_have_count(0)


def test_new_run_form_checks_window(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _document("Run form"))
    page.goto(f"/journeys/{journey_id}/runs")
    page.get_by_role("button", name="New run").click()
    dialog = page.get_by_role("dialog", name="New run")
    dialog.get_by_label("Run name").fill("Night calls")
    dialog.get_by_label("From").fill("22:00")
    dialog.get_by_label("Until").fill("06:00")
    dialog.get_by_label("Max concurrent calls").fill("0")
    dialog.get_by_role("button", name="Create draft").click()

    expect(dialog).to_contain_text("Until (06:00) must be later than From (22:00): a calling window cannot run past midnight.")
    expect(dialog).to_contain_text("Max concurrent calls must be a whole number of at least 1.")
    expect(dialog).not_to_contain_text("Value error")
    expect(dialog).not_to_contain_text("Input should be")

    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        dialog.get_by_label(day, exact=True).uncheck()
    dialog.get_by_label("Until").fill("23:00")
    dialog.get_by_label("Max concurrent calls").fill("3")
    dialog.get_by_role("button", name="Create draft").click()
    expect(dialog).to_contain_text("Choose at least one calling day, or tick No calling window.")

    dialog.get_by_label("Mon", exact=True).check()
    dialog.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("dialog", name="New run")).to_have_count(0)
    expect(page.get_by_role("heading", name="Night calls")).to_be_visible()


def test_concurrent_save_offers_reload(page: Page, server: Server) -> None:
    document = _document("Two editors")
    journey_id = create_journey(server, document)
    _open(page, journey_id)

    # Another editor saves version 2 while this page still edits version 1.
    document["nodes"][2]["result"] = "saved elsewhere"
    with server.api() as api:
        response = api.put(f"/api/journeys/{journey_id}", json=document, params={"base_version": 1})
    assert response.status_code == 200, response.text

    page.get_by_role("button", name="Data fields (1)").click()
    page.get_by_role("complementary", name="Data fields").get_by_label("Name of field 1").fill("local_edit")
    page.get_by_role("button", name="Save…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Save and publish").click()
    expect(dialog).to_contain_text(f"journey {journey_id} changed since you loaded version 1")

    # Reloading asks first, and keeping the changes leaves them in place.
    dialog.get_by_role("button", name="Reload the journey").click()
    dialog.get_by_role("button", name="Keep my changes").click()
    dialog.get_by_role("button", name="Reload the journey").click()
    dialog.get_by_role("button", name="Discard my changes and reload").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text("version 2")
    expect(_node(page, "done")).to_contain_text("saved elsewhere")
    page.get_by_role("button", name="Data fields (1)").click()
    expect(page.get_by_role("complementary", name="Data fields").get_by_label("Name of field 1")).to_have_value("customer_name")

    # A save after the reload is based on version 2 and goes through.
    page.get_by_role("complementary", name="Data fields").get_by_label("Name of field 1").fill("after_reload")
    page.get_by_role("button", name="Save…").click()
    page.get_by_role("dialog").get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text("version 3")
    with server.api() as api:
        saved = api.get(f"/api/journeys/{journey_id}").json()["document"]
    assert saved["fields"][0]["name"] == "after_reload"
    assert saved["nodes"][2]["result"] == "saved elsewhere"
