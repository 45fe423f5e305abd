"""The stand-in page at `/`: server status, who is signed in, and links to the API description."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from journeys.services import auth

NOW = datetime.now(UTC)


def test_home_page_anonymous(app: FastAPI) -> None:
    with TestClient(app) as browser:
        page = browser.get("/")
        docs = browser.get("/docs")
        description = browser.get("/openapi.json")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert "The server is running" in page.text
    assert "Not signed in" in page.text
    assert 'href="/docs"' in page.text
    assert 'href="/openapi.json"' in page.text
    assert docs.status_code == 200
    assert description.status_code == 200
    assert "/" not in description.json()["paths"]


def test_home_page_loads_nothing_external(app: FastAPI) -> None:
    with TestClient(app) as browser:
        page = browser.get("/")

    assert re.findall(r"(?:src|href)=\"(?!/)", page.text) == []
    assert "<script" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_home_page_after_sign_in_link(app: FastAPI) -> None:
    engine = app.state.engine
    user = auth.create_user(engine, "ana@example.com", role="operator", password=None, now=NOW)
    token = auth.create_sign_in_link(engine, user["id"], now=NOW)

    with TestClient(app) as browser:
        page = browser.get(f"/auth/link/{token}")

    assert page.status_code == 200
    assert str(page.url).endswith("/")
    assert "Signed in as <strong>ana@example.com</strong>, with the operator role." in page.text
    assert "Not signed in" not in page.text


def test_home_page_ignores_invalid_session(app: FastAPI) -> None:
    with TestClient(app) as browser:
        browser.cookies.set("journeys_session", "no-such-session")
        page = browser.get("/")

    assert page.status_code == 200
    assert "Not signed in" in page.text
