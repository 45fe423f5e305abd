"""The account button in the top bar: a user who signed in by a link sets a password and signs in with it."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from browser.conftest import Server

EMAIL = "link-only@example.test"
NEW_PASSWORD = "a fresh password for the web app"


def test_link_user_sets_password(browser: Browser, server: Server) -> None:
    with server.api() as api:
        created = api.post("/api/users", json={"email": EMAIL, "role": "viewer"})
    assert created.status_code == 201, created.text
    link = created.json()["sign_in_link"]
    assert link.startswith(server.url), link

    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(link)
    expect(page.get_by_text(f"{EMAIL} · viewer")).to_be_visible()

    page.get_by_role("button", name="Set password").click()
    dialog = page.get_by_role("dialog", name="Set password")
    expect(dialog.get_by_label("Current password")).to_have_count(0)
    dialog.get_by_label("New password", exact=True).fill("too short")
    dialog.get_by_label("Confirm new password").fill("too short")
    dialog.get_by_role("button", name="Save password").click()
    expect(dialog.get_by_text("Use at least 12 characters; this password has 9.")).to_be_visible()

    dialog.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    dialog.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    dialog.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Password saved")).to_be_visible()
    expect(page.get_by_role("button", name="Change password")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"{EMAIL} · viewer")).to_be_visible()

    page.get_by_role("button", name="Change password").click()
    dialog = page.get_by_role("dialog", name="Change password")
    dialog.get_by_label("Current password").fill("not the password")
    dialog.get_by_label("New password", exact=True).fill("another fresh password")
    dialog.get_by_label("Confirm new password").fill("another fresh password")
    dialog.get_by_role("button", name="Save password").click()
    expect(dialog.get_by_role("alert")).to_contain_text("the current password is wrong")

    context.close()
    assert errors == [], f"the page raised: {errors}"
