"""PUT /api/session/password: a signed-in user sets or changes their own password."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api_helpers import client_as, make_app
from journeys.api.attempts import MAX_FAILURES_PER_ACCOUNT
from journeys.clock import VirtualClock
from journeys.services import auth
from journeys.storage.schema import users

START = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new long password"
EMAIL = "pat@example.com"
ROUTE = "/api/session/password"


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return make_app(engine, clock=VirtualClock(START))


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def sign_in(client: TestClient, password: str = PASSWORD) -> dict:  # type: ignore[type-arg]
    response = client.post("/api/session", json={"email": EMAIL, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def sign_in_by_link(engine: Engine, client: TestClient, user_id: int) -> None:
    token = auth.create_sign_in_link(engine, user_id, now=START)
    assert client.get(f"/auth/link/{token}", follow_redirects=False).status_code == 303


def csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["journeys_csrf"]}


def stored_hash(engine: Engine, user_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar_one()


def test_link_user_sets_password(engine: Engine, app: FastAPI, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="viewer", password=None, now=START)
    sign_in_by_link(engine, browser, user["id"])
    assert browser.get("/api/session").json()["has_password"] is False

    response = browser.put(ROUTE, json={"current_password": None, "new_password": NEW_PASSWORD}, headers=csrf(browser))

    assert response.status_code == 200, response.text
    assert response.json()["email"] == EMAIL
    assert response.json()["has_password"] is True
    assert browser.get("/api/session").status_code == 200
    with TestClient(app) as other:
        assert sign_in(other, NEW_PASSWORD)["has_password"] is True


def test_link_user_may_omit_current(engine: Engine, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="operator", password=None, now=START)
    sign_in_by_link(engine, browser, user["id"])

    response = browser.put(ROUTE, json={"new_password": NEW_PASSWORD}, headers=csrf(browser))

    assert response.status_code == 200, response.text
    assert auth.verify_password(engine, user["id"], NEW_PASSWORD)


def test_change_with_right_current(engine: Engine, app: FastAPI, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="admin", password=PASSWORD, now=START)
    sign_in(browser)

    response = browser.put(ROUTE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=csrf(browser))

    assert response.status_code == 200, response.text
    assert auth.verify_password(engine, user["id"], NEW_PASSWORD)
    assert not auth.verify_password(engine, user["id"], PASSWORD)
    with TestClient(app, raise_server_exceptions=False) as other:
        assert other.post("/api/session", json={"email": EMAIL, "password": PASSWORD}).status_code == 401
        sign_in(other, NEW_PASSWORD)


def test_wrong_current_changes_nothing(engine: Engine, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="viewer", password=PASSWORD, now=START)
    sign_in(browser)
    before = stored_hash(engine, user["id"])

    response = browser.put(
        ROUTE, json={"current_password": "not the password", "new_password": NEW_PASSWORD}, headers=csrf(browser)
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "the current password is wrong" in response.json()["message"]
    assert stored_hash(engine, user["id"]) == before
    assert browser.get("/api/session").status_code == 200


def test_missing_current_changes_nothing(engine: Engine, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="viewer", password=PASSWORD, now=START)
    sign_in(browser)
    before = stored_hash(engine, user["id"])

    response = browser.put(ROUTE, json={"new_password": NEW_PASSWORD}, headers=csrf(browser))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "the current password is missing" in response.json()["message"]
    assert stored_hash(engine, user["id"]) == before


def test_wrong_current_is_limited(engine: Engine, browser: TestClient) -> None:
    auth.create_user(engine, EMAIL, role="viewer", password=PASSWORD, now=START)
    sign_in(browser)
    wrong = {"current_password": "guess guess guess", "new_password": NEW_PASSWORD}
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert browser.put(ROUTE, json=wrong, headers=csrf(browser)).status_code == 403

    right = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    limited = browser.put(ROUTE, json=right, headers=csrf(browser))

    assert limited.status_code == 429
    assert limited.json()["code"] == "too_many_attempts"
    assert int(limited.headers["Retry-After"]) > 0
    # The same counts also limit password sign-ins to the account.
    assert browser.post("/api/session", json={"email": EMAIL, "password": PASSWORD}).status_code == 429


def test_other_sessions_end(engine: Engine, app: FastAPI, browser: TestClient) -> None:
    auth.create_user(engine, EMAIL, role="operator", password=PASSWORD, now=START)
    sign_in(browser)
    with TestClient(app, raise_server_exceptions=False) as other:
        sign_in(other)

        response = browser.put(
            ROUTE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=csrf(browser)
        )

        assert response.status_code == 200, response.text
        assert browser.get("/api/session").status_code == 200
        assert other.get("/api/session").status_code == 401


def test_every_role_may_change(engine: Engine, app: FastAPI) -> None:
    for role in ("viewer", "operator", "admin"):
        email = f"{role}@example.com"
        user = auth.create_user(engine, email, role=role, password=PASSWORD, now=START)
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.post("/api/session", json={"email": email, "password": PASSWORD}).status_code == 200

            response = client.put(ROUTE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=csrf(client))

        assert response.status_code == 200, f"{role}: {response.text}"
        assert auth.verify_password(engine, user["id"], NEW_PASSWORD), role


def test_needs_csrf_header(engine: Engine, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="viewer", password=PASSWORD, now=START)
    sign_in(browser)
    before = stored_hash(engine, user["id"])

    response = browser.put(ROUTE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 403
    assert "X-CSRF-Token" in response.json()["message"]
    assert stored_hash(engine, user["id"]) == before


def test_api_key_rejected(app: FastAPI) -> None:
    with client_as(app, "admin") as client:
        response = client.put(ROUTE, json={"current_password": None, "new_password": NEW_PASSWORD})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["message"].startswith("API keys have no password")


def test_short_password_changes_nothing(engine: Engine, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="viewer", password=PASSWORD, now=START)
    sign_in(browser)
    before = stored_hash(engine, user["id"])

    response = browser.put(ROUTE, json={"current_password": PASSWORD, "new_password": "short"}, headers=csrf(browser))

    assert response.status_code == 422
    assert "at least 12 characters" in response.json()["message"]
    assert stored_hash(engine, user["id"]) == before


def test_unknown_field_rejected(engine: Engine, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="viewer", password=None, now=START)
    sign_in_by_link(engine, browser, user["id"])

    response = browser.put(ROUTE, json={"new_password": NEW_PASSWORD, "password": NEW_PASSWORD}, headers=csrf(browser))

    assert response.status_code == 422
    assert stored_hash(engine, user["id"]) is None


def test_long_password_rejected(engine: Engine, browser: TestClient) -> None:
    user = auth.create_user(engine, EMAIL, role="viewer", password=None, now=START)
    sign_in_by_link(engine, browser, user["id"])

    response = browser.put(ROUTE, json={"new_password": "x" * 1025}, headers=csrf(browser))

    assert response.status_code == 422
    assert stored_hash(engine, user["id"]) is None


def test_no_credentials_unauthenticated(app: FastAPI) -> None:
    with client_as(app, None) as client:
        response = client.put(ROUTE, json={"current_password": None, "new_password": NEW_PASSWORD})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
