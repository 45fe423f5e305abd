"""The import wizard with a file whose header names no phone column: map it in the Columns step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SENDER_NUMBER,
    Server,
    create_journey,
)

NO_PHONE_CSV = b"Name,Customer Name,Appointment\n2025550101,Ana,2026-06-10\n2025550102,Lee,2026-06-11\n"


def _document() -> dict[str, Any]:
    return {
        "name": "Wizard mapping",
        "fields": [{"name": "customer_name", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "next": "text"},
            {"id": "text", "type": "sms", "from_number": SENDER_NUMBER, "message": "Hello", "next": "done"},
            {"id": "done", "type": "end"},
        ],
    }


def _open_wizard(page: Page, server: Server) -> Any:
    journey_id = create_journey(server, _document())
    with server.api() as api:
        created = api.post(f"/api/journeys/{journey_id}/runs", json={"name": "Mapping run"})
        assert created.status_code == 201, created.text
    page.goto(f"/journeys/{journey_id}/runs/{created.json()['id']}")
    page.get_by_role("button", name="Import recipients…").click()
    page.get_by_label("CSV file").set_input_files({"name": "people.csv", "mimeType": "text/csv", "buffer": NO_PHONE_CSV})
    return page.get_by_role("region", name="Import recipients")


def _page_in(browser: Browser, server: Server, locale: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 800}, timezone_id="America/New_York", locale=locale
    )
    signed_in = context.request.post("/api/session", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert signed_in.ok, signed_in.text()
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"the page raised: {errors}"


@pytest.fixture
def us_page(browser: Browser, server: Server) -> Iterator[Page]:
    yield from _page_in(browser, server, "en-US")


@pytest.fixture
def german_page(browser: Browser, server: Server) -> Iterator[Page]:
    yield from _page_in(browser, server, "de-DE")


def test_missing_phone_column_reaches_columns_step(us_page: Page, server: Server) -> None:
    wizard = _open_wizard(us_page, server)

    expect(wizard.get_by_label("Map column Name")).to_be_visible()
    expect(wizard.get_by_label("Map column Customer Name")).to_have_value("customer_name")
    expect(wizard.get_by_role("cell", name="Ana", exact=True)).to_be_visible()
    expect(wizard.get_by_role("alert")).to_contain_text("No column was recognised as the phone number")
    expect(wizard.get_by_role("alert")).not_to_contain_text("mapping=")
    expect(wizard.get_by_role("button", name="Check the file")).to_be_disabled()

    region = wizard.get_by_label("Default region")
    expect(region).to_be_visible()
    expect(region).to_have_value("US")
    expect(wizard).to_contain_text("Preset to US, the region of your browser's language.")

    wizard.get_by_label("Map column Name").select_option("phone_number")
    expect(wizard.get_by_role("alert")).to_have_count(0)
    wizard.get_by_role("button", name="Check the file").click()

    report = wizard.get_by_role("list", name="Import report")
    expect(report).to_contain_text("2 accepted")
    expect(report).to_contain_text("0 rejected")


def test_region_hint_names_wizard_control(us_page: Page, server: Server) -> None:
    wizard = _open_wizard(us_page, server)
    wizard.get_by_label("Map column Name").select_option("phone_number")
    wizard.get_by_label("Default region").select_option("")
    wizard.get_by_role("button", name="Check the file").click()

    report = wizard.get_by_role("list", name="Import report")
    expect(report).to_contain_text("2 rejected")
    reason = wizard.get_by_role("cell", name="the Default region list").first
    expect(reason).to_be_visible()
    expect(wizard).not_to_contain_text("default_region field")


def test_region_preset_from_german_locale(german_page: Page, server: Server) -> None:
    wizard = _open_wizard(german_page, server)

    expect(wizard.get_by_label("Default region")).to_have_value("DE")


def test_real_import_still_rejects_file(server: Server) -> None:
    journey_id = create_journey(server, _document())
    with server.api() as api:
        run_id = api.post(f"/api/journeys/{journey_id}/runs", json={"name": "Direct"}).json()["id"]
        response = api.post(f"/api/runs/{run_id}/imports", files={"file": ("people.csv", NO_PHONE_CSV, "text/csv")})

    assert response.status_code == 422, response.text
    assert "no column maps to phone_number" in response.json()["message"]
