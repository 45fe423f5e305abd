"""Node settings: template completion and the SMS counter, the branch condition builder, and the data fields."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from browser.conftest import AGENT_NAME, SENDER_NUMBER, Server, create_journey

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "node-settings.png"


def _sms_document() -> dict[str, Any]:
    return {
        "name": "Settings SMS",
        "fields": [{"name": "customer_name", "type": "string", "required": True}],
        "nodes": [
            {"id": "start", "type": "start", "next": "text", "position": {"x": 0, "y": 0}},
            {"id": "text", "type": "sms", "from_number": SENDER_NUMBER, "message": "Hello ", "next": "done",
             "position": {"x": 0, "y": 200}},
            {"id": "done", "type": "end", "result": "texted", "position": {"x": 0, "y": 400}},
        ],
    }


def _branch_document() -> dict[str, Any]:
    return {
        "name": "Settings branch",
        "fields": [{"name": "customer_name", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "next": "call_1", "position": {"x": 0, "y": 0}},
            {"id": "call_1", "type": "call", "from_number": SENDER_NUMBER, "agent": AGENT_NAME, "next": "outcome",
             "position": {"x": 0, "y": 180}},
            {"id": "outcome", "type": "branch", "position": {"x": 0, "y": 360},
             "cases": [{"label": "Named", "when": {"subject": "data.customer_name", "op": "is_not_empty"}, "next": "done"}],
             "default": "done"},
            {"id": "done", "type": "end", "result": "contacted", "position": {"x": 0, "y": 560}},
        ],
    }


def _open_node(page: Page, journey_id: int, node_id: str) -> Locator:
    page.goto(f"/journeys/{journey_id}/workflow")
    node = page.locator(f'.react-flow__node[data-id="{node_id}"]')
    expect(node).to_be_visible()
    node.click()
    return page.get_by_role("complementary").filter(has=page.get_by_role("region", name="settings"))


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save…").click()
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status").filter(has_text="Saved · version 2")).to_be_visible()


def _saved_node(server: Server, journey_id: int, node_id: str) -> dict[str, Any]:
    with server.api() as api:
        response = api.get(f"/api/journeys/{journey_id}")
    assert response.status_code == 200, response.text
    nodes = {node["id"]: node for node in response.json()["document"]["nodes"]}
    return nodes[node_id]


def test_sms_completion_and_counter(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _sms_document())
    _open_node(page, journey_id, "text")

    message = page.get_by_role("combobox", name="Message")
    expect(message).to_have_value("Hello ")
    counter = page.locator(".sms-count")
    expect(counter).to_have_text("1 segment · GSM-7 · 6 characters")

    message.click()
    page.keyboard.press("End")
    page.keyboard.type("{{ ")
    names = page.get_by_role("listbox", name="Names for Message")
    expect(names).to_be_visible()
    expect(message).to_have_attribute("aria-expanded", "true")
    expect(names.get_by_role("option", name="phone_number")).to_be_visible()

    page.keyboard.type("cus")
    option = names.get_by_role("option").first
    expect(option).to_contain_text("customer_name")
    expect(names.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(message).to_have_value("Hello {{ customer_name }}")
    expect(names).to_be_hidden()
    expect(counter).to_have_text("1 segment · GSM-7 · 25 characters before values are filled in")

    page.keyboard.type(", ")
    page.keyboard.insert_text("😀")
    expect(message).to_have_value("Hello {{ customer_name }}, 😀")
    expect(counter).to_have_text("1 segment · UCS-2 · 28 characters before values are filled in")

    if os.environ.get("JOURNEYS_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

    _save(page)
    saved = _saved_node(server, journey_id, "text")
    assert saved["message"] == "Hello {{ customer_name }}, 😀"
    assert saved["from_number"] == SENDER_NUMBER
    assert saved["next"] == "done"


def test_escape_closes_suggestions(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _sms_document())
    _open_node(page, journey_id, "text")

    message = page.get_by_role("combobox", name="Message")
    message.click()
    page.keyboard.press("End")
    page.keyboard.type("{{ t")
    names = page.get_by_role("listbox", name="Names for Message")
    expect(names).to_be_visible()
    page.keyboard.press("Escape")
    expect(names).to_be_hidden()
    expect(message).to_have_attribute("aria-expanded", "false")

    # The list stays closed while the same name is typed on, and Tab then inserts nothing.
    page.keyboard.type("i")
    expect(names).to_be_hidden()
    page.keyboard.press("Tab")
    expect(message).to_have_value("Hello {{ ti")
    expect(message).not_to_be_focused()


def test_branch_condition_builder(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _branch_document())
    _open_node(page, journey_id, "outcome")

    case = page.get_by_role("group", name="Case 1", exact=True)
    case.get_by_label("Case 1 label").fill("Voicemail")
    subject = case.get_by_label("Case 1 condition: subject")
    expect(subject.locator("option", has_text="nodes.call_1.outcome")).to_have_count(1)
    expect(subject.locator("option", has_text="recipient.calls_placed")).to_have_count(1)
    subject.select_option("nodes.call_1.outcome")

    operator = case.get_by_label("Case 1 condition: operator")
    expect(operator).to_have_value("is_not_empty")
    expect(case.get_by_label("Case 1 condition: value")).to_have_count(0)
    operator.select_option("equals")

    value = case.get_by_label("Case 1 condition: value")
    expect(value.locator("option")).to_contain_text(["Choose a value", "answered", "voicemail", "no_answer"])
    value.select_option("voicemail")
    expect(case).to_contain_text("Goes to done")

    _save(page)
    saved = _saved_node(server, journey_id, "outcome")
    assert saved["cases"] == [
        {"label": "Voicemail", "when": {"subject": "nodes.call_1.outcome", "op": "equals", "value": "voicemail"}, "next": "done"}
    ]
    assert saved["default"] == "done"


def test_branch_groups_and_order(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _branch_document())
    _open_node(page, journey_id, "outcome")

    case = page.get_by_role("group", name="Case 1", exact=True)
    case.get_by_label("Case 1 condition: kind").select_option("any")
    case.get_by_role("button", name="Add comparison to Case 1 condition").click()
    second = case.get_by_role("group", name="Case 1 condition, part 2")
    second.get_by_label("Case 1 condition, part 2: subject").select_option("recipient.calls_placed")
    second.get_by_label("Case 1 condition, part 2: operator").select_option("greater_or_equal")
    second.get_by_label("Case 1 condition, part 2: value").fill("3")

    page.get_by_role("button", name="Add case").click()
    page.get_by_role("button", name="Move Case 2 up").click()
    first = page.get_by_role("group", name="Case 1", exact=True)
    expect(first.get_by_label("Case 1 label")).to_have_value("Case 2")
    expect(first).to_contain_text("nothing yet")
    page.get_by_role("button", name="Remove Case 1").click()

    _save(page)
    saved = _saved_node(server, journey_id, "outcome")
    assert saved["cases"] == [
        {
            "label": "Named",
            "when": {"any": [
                {"subject": "data.customer_name", "op": "is_not_empty"},
                {"subject": "recipient.calls_placed", "op": "greater_or_equal", "value": 3},
            ]},
            "next": "done",
        }
    ]


def test_fields_editor_checks_names(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _sms_document())
    page.goto(f"/journeys/{journey_id}/workflow")
    page.get_by_role("button", name="Data fields").click()
    editor = page.get_by_role("region", name="Data fields")
    expect(editor).to_contain_text("phone_number")
    expect(editor.get_by_label("Name of field 1")).to_have_value("customer_name")

    editor.get_by_role("button", name="Add field").click()
    name = editor.get_by_label("Name of field 2")
    name.fill("Due date")
    expect(editor).to_contain_text("invalid field name 'Due date'")
    name.fill("nodes")
    expect(editor).to_contain_text("'nodes' is reserved")
    name.fill("due_date")
    expect(editor.get_by_role("alert")).to_have_count(0)
    editor.get_by_label("Type of due_date").select_option("date")
    editor.get_by_label("Default of due_date").fill("2026-06-10")

    _save(page)
    with server.api() as api:
        fields = api.get(f"/api/journeys/{journey_id}").json()["document"]["fields"]
    assert [field["name"] for field in fields] == ["customer_name", "due_date"]
    assert fields[1]["type"] == "date"
    assert fields[1]["default"] == "2026-06-10"
    assert fields[1].get("required", False) is False


def test_problems_shown_beside_settings(page: Page, server: Server) -> None:
    journey_id = create_journey(server, _sms_document())
    _open_node(page, journey_id, "text")

    message = page.get_by_role("combobox", name="Message")
    message.fill("Hello {{ nickname }}")
    editor = page.locator(".template-editor")
    expect(editor.get_by_role("alert")).to_contain_text("unknown field 'nickname'")
    expect(message).to_have_attribute("aria-invalid", "true")

    message.fill("Hello {{ customer_name }}")
    expect(editor.get_by_role("alert")).to_have_count(0)
