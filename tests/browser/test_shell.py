"""The app shell: sign-in, the journeys list and its dialogs, and page paths that survive a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Server


def test_sign_in_with_password(browser: Browser, server: Server) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("/")

    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong email or password")

    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Journeys")).to_be_visible()
    expect(page.get_by_text(f"{ADMIN_EMAIL} · admin")).to_be_visible()
    context.close()


def test_create_rename_duplicate_delete(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="New journey").click()
    page.get_by_label("Journey name").fill("Shell test journey")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/journeys/\d+/workflow$"))
    expect(page.get_by_role("heading", name="Shell test journey")).to_be_visible()

    page.get_by_role("link", name="Journeys", exact=True).click()
    page.get_by_role("button", name="Rename Shell test journey").click()
    page.get_by_label("Journey name").fill("Renamed journey")
    page.get_by_role("button", name="Rename", exact=True).click()
    expect(page.get_by_role("link", name="Renamed journey")).to_be_visible()

    page.get_by_role("button", name="Duplicate Renamed journey").click()
    page.get_by_role("button", name="Duplicate", exact=True).click()
    expect(page.get_by_role("heading", name="Copy of Renamed journey")).to_be_visible()

    page.get_by_role("link", name="Journeys", exact=True).click()
    page.get_by_role("button", name="Delete Copy of Renamed journey").click()
    expect(page.get_by_role("dialog")).to_contain_text("Delete Copy of Renamed journey?")
    page.get_by_role("button", name="Delete journey").click()
    expect(page.get_by_role("link", name="Copy of Renamed journey")).to_have_count(0)
    expect(page.get_by_role("link", name="Renamed journey")).to_be_visible()


def test_create_needs_a_name(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="New journey").click()
    create = page.get_by_role("button", name="Create")
    page.get_by_label("Journey name").fill("   ")
    expect(create).to_be_disabled()
    page.get_by_label("Journey name").fill("Named")
    expect(create).to_be_enabled()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_deep_link_survives_reload(page: Page, server: Server) -> None:
    page.goto("/journeys/999999/runs")
    expect(page.get_by_role("heading", name="Journey 999999 was not found")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Journey 999999 was not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Journey")).to_have_count(0)
