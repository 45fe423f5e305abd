"""Sign-in, sessions with CSRF, sign-in links, users and API keys over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api_helpers import api_key, client_as, make_app
from journeys.api.attempts import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, WINDOW
from journeys.clock import VirtualClock
from journeys.services import auth
from journeys.storage.schema import api_keys, sessions, users

START = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
ADMIN = "admin@example.com"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START)


@pytest.fixture
def timed_app(engine: Engine, clock: VirtualClock) -> FastAPI:
    """The app on a virtual clock, with one admin who has a password."""
    auth.create_user(engine, ADMIN, role="admin", password=PASSWORD, now=START)
    return make_app(engine, clock=clock)


@pytest.fixture
def browser(timed_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(timed_app, raise_server_exceptions=False) as client:
        yield client


def sign_in(client: TestClient, email: str = ADMIN, password: str = PASSWORD) -> dict:  # type: ignore[type-arg]
    response = client.post("/api/session", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["journeys_csrf"]}


def set_cookies(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Return each Set-Cookie header by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def db_text(engine: Engine, table) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return str([dict(row) for row in conn.execute(select(table)).mappings()])


# --- signing in ----------------------------------------------------------------------------


def test_sign_in_sets_cookie_flags(browser: TestClient) -> None:
    response = browser.post("/api/session", json={"email": ADMIN, "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["email"] == ADMIN
    assert response.json()["role"] == "admin"
    cookies = set_cookies(response)
    session, csrf_cookie = cookies["journeys_session"].lower(), cookies["journeys_csrf"].lower()
    assert "httponly" in session
    assert "samesite=lax" in session
    assert "secure" not in session
    assert "httponly" not in csrf_cookie
    assert "samesite=lax" in csrf_cookie
    assert "max-age=1209600" in session


def test_sign_in_secure_on_https(engine: Engine) -> None:
    auth.create_user(engine, ADMIN, role="admin", password=PASSWORD, now=START)
    app = make_app(engine, public_url="https://journeys.example.com")

    with TestClient(app) as client:
        response = client.post("/api/session", json={"email": ADMIN, "password": PASSWORD})

    assert response.status_code == 200
    cookies = set_cookies(response)
    assert "; secure" in cookies["journeys_session"].lower()
    assert "; secure" in cookies["journeys_csrf"].lower()


def test_wrong_credentials_same_answer(browser: TestClient) -> None:
    wrong_password = browser.post("/api/session", json={"email": ADMIN, "password": "not the password"})
    unknown_email = browser.post("/api/session", json={"email": "nobody@example.com", "password": "not the password"})

    assert wrong_password.status_code == 401
    assert unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert "journeys_session" not in set_cookies(wrong_password)


def test_link_only_user_cannot_use_password(engine: Engine, browser: TestClient) -> None:
    auth.create_user(engine, "link@example.com", role="viewer", password=None, now=START)

    response = browser.post("/api/session", json={"email": "link@example.com", "password": ""})

    assert response.status_code == 401


def test_sign_in_rejects_form_body(browser: TestClient) -> None:
    # A cross-site form can post text/plain without a preflight, so JSON sent
    # that way must not sign anyone in.
    body = f'{{"email": "{ADMIN}", "password": "{PASSWORD}"}}'
    response = browser.post("/api/session", content=body, headers={"Content-Type": "text/plain"})

    assert response.status_code == 422
    assert "journeys_session" not in set_cookies(response)


def test_failed_sign_ins_limited(browser: TestClient, clock: VirtualClock) -> None:
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert browser.post("/api/session", json={"email": ADMIN, "password": "guess guess guess"}).status_code == 401

    limited = browser.post("/api/session", json={"email": ADMIN, "password": PASSWORD})
    assert limited.status_code == 429
    assert limited.json()["code"] == "too_many_attempts"
    assert 0 < int(limited.headers["Retry-After"]) <= WINDOW.total_seconds()

    clock.advance(WINDOW)
    assert browser.post("/api/session", json={"email": ADMIN, "password": PASSWORD}).status_code == 200


def test_limit_is_per_account(engine: Engine, browser: TestClient) -> None:
    auth.create_user(engine, "other@example.com", role="viewer", password=PASSWORD, now=START)
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        browser.post("/api/session", json={"email": ADMIN, "password": "guess guess guess"})

    assert browser.post("/api/session", json={"email": "other@example.com", "password": PASSWORD}).status_code == 200


def test_limit_counts_by_address(timed_app: FastAPI) -> None:
    # Many emails from one address: the per-address limit stops them all.
    limit = MAX_FAILURES_PER_ADDRESS
    with TestClient(timed_app) as client:
        statuses = [
            client.post("/api/session", json={"email": f"u{i}@example.com", "password": "guess guess guess"}).status_code
            for i in range(limit + 1)
        ]

    assert statuses[:limit] == [401] * limit
    assert statuses[limit] == 429


# --- sessions ------------------------------------------------------------------------------


def test_who_am_i(browser: TestClient) -> None:
    assert browser.get("/api/session").status_code == 401

    signed_in = sign_in(browser)
    response = browser.get("/api/session")

    assert response.status_code == 200
    assert response.json() == {
        "role": "admin", "user_id": signed_in["user_id"], "email": ADMIN, "api_key_id": None, "has_password": True
    }


def test_who_am_i_with_api_key(app: FastAPI) -> None:
    with client_as(app, "operator") as client:
        response = client.get("/api/session")

    assert response.status_code == 200
    assert response.json()["role"] == "operator"
    assert response.json()["user_id"] is None
    assert response.json()["api_key_id"] is not None


def test_change_needs_csrf_header(browser: TestClient) -> None:
    sign_in(browser)
    body = {"name": "ci", "role": "viewer"}

    without = browser.post("/api/apikeys", json=body)
    wrong = browser.post("/api/apikeys", json=body, headers={"X-CSRF-Token": "wrong"})
    non_ascii = browser.post("/api/apikeys", json=body, headers={"X-CSRF-Token": "é".encode()})
    right = browser.post("/api/apikeys", json=body, headers=csrf(browser))

    assert without.status_code == 403
    assert without.json()["code"] == "forbidden"
    assert wrong.status_code == 403
    assert non_ascii.status_code == 403
    assert right.status_code == 201


def test_reads_need_no_csrf_header(browser: TestClient) -> None:
    sign_in(browser)

    assert browser.get("/api/users").status_code == 200


def test_expired_session_rejected(browser: TestClient, clock: VirtualClock) -> None:
    sign_in(browser)
    clock.advance(timedelta(days=14) - timedelta(seconds=1))
    assert browser.get("/api/session").status_code == 200

    clock.advance(timedelta(seconds=1))

    assert browser.get("/api/session").status_code == 401
    assert browser.get("/api/users").status_code == 401


def test_sign_out_ends_session(browser: TestClient) -> None:
    sign_in(browser)
    token = browser.cookies["journeys_session"]

    assert browser.delete("/api/session").status_code == 403
    response = browser.delete("/api/session", headers=csrf(browser))

    assert response.status_code == 204
    assert "journeys_session" not in browser.cookies
    browser.cookies.set("journeys_session", token)
    assert browser.get("/api/session").status_code == 401


def test_session_tokens_stored_hashed(engine: Engine, browser: TestClient) -> None:
    sign_in(browser)

    stored = db_text(engine, sessions)

    assert browser.cookies["journeys_session"] not in stored


# --- sign-in links -------------------------------------------------------------------------


def _link_path(engine: Engine, email: str) -> str:
    user = auth.create_user(engine, email, role="operator", password=None, now=START)
    return f"/auth/link/{auth.create_sign_in_link(engine, user['id'], now=START)}"


def test_sign_in_link_works_once(engine: Engine, browser: TestClient) -> None:
    path = _link_path(engine, "op@example.com")

    first = browser.get(path, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/"
    assert first.headers["cache-control"] == "no-store"
    assert browser.get("/api/session").json()["email"] == "op@example.com"

    second = browser.get(path, follow_redirects=False)
    assert second.status_code == 410
    assert second.headers["content-type"].startswith("text/html")
    assert "expired or was already used" in second.text
    assert "Traceback" not in second.text


def test_unknown_sign_in_link_rejected(browser: TestClient) -> None:
    response = browser.get("/auth/link/not-a-real-token", headers={"Accept": "application/json"}, follow_redirects=False)

    assert response.status_code == 400
    assert response.json()["code"] == "sign_in_link_invalid"
    assert "journeys_session" not in set_cookies(response)


def test_expired_sign_in_link_gone(engine: Engine, browser: TestClient, clock: VirtualClock) -> None:
    path = _link_path(engine, "op@example.com")
    clock.advance(auth.SIGN_IN_LINK_LIFETIME)

    response = browser.get(path, headers={"Accept": "application/json"}, follow_redirects=False)

    assert response.status_code == 410
    assert "expired" in response.json()["message"]


# --- users ---------------------------------------------------------------------------------


def test_users_admin_only(app: FastAPI) -> None:
    for role in ("viewer", "operator"):
        with client_as(app, role) as client:
            assert client.get("/api/users").status_code == 403
            assert client.post("/api/users", json={"email": "x@example.com", "role": "admin"}).status_code == 403
    with client_as(app, None) as client:
        assert client.get("/api/users").status_code == 401


def test_user_lifecycle(engine: Engine, app: FastAPI) -> None:
    with client_as(app, "admin") as client:
        created = client.post("/api/users", json={"email": "Bob@Example.com", "role": "viewer", "password": PASSWORD})
        assert created.status_code == 201
        bob = created.json()
        assert bob["email"] == "bob@example.com"
        assert bob["has_password"] is True
        assert bob["sign_in_link"] is None

        changed = client.patch(f"/api/users/{bob['id']}", json={"role": "operator"})
        assert changed.status_code == 200
        assert changed.json()["role"] == "operator"

        listed = client.get("/api/users")
        assert [user["email"] for user in listed.json()] == ["bob@example.com"]

        assert client.delete(f"/api/users/{bob['id']}").status_code == 204
        assert client.get(f"/api/users/{bob['id']}").status_code == 404


def test_password_never_returned(engine: Engine, app: FastAPI) -> None:
    with client_as(app, "admin") as client:
        bodies = [
            client.post("/api/users", json={"email": "bob@example.com", "role": "admin", "password": PASSWORD}).text,
            client.get("/api/users").text,
            client.patch("/api/users/1", json={"password": "another long password"}).text,
            client.get("/api/users/1").text,
        ]
    stored_hash = db_text(engine, users)

    assert "$argon2" in stored_hash
    for body in bodies:
        assert "argon2" not in body
        assert "password_hash" not in body
        assert PASSWORD not in body
        assert "another long password" not in body


def test_user_without_password_gets_link(app: FastAPI) -> None:
    with client_as(app, "admin") as client:
        created = client.post("/api/users", json={"email": "new@example.com", "role": "operator"})
    link = created.json()["sign_in_link"]

    assert created.status_code == 201
    assert link.startswith("http://127.0.0.1:8000/auth/link/")
    with TestClient(app) as browser:
        redeemed = browser.get(link.removeprefix("http://127.0.0.1:8000"), follow_redirects=False)
        assert redeemed.status_code == 303
        assert browser.get("/api/session").json()["email"] == "new@example.com"


def test_new_link_for_user(engine: Engine, app: FastAPI) -> None:
    user = auth.create_user(engine, "lost@example.com", role="viewer", password=PASSWORD, now=START)

    with client_as(app, "admin") as client:
        response = client.post(f"/api/users/{user['id']}/sign-in-link")
        missing = client.post("/api/users/999/sign-in-link")

    assert response.status_code == 201
    assert "/auth/link/" in response.json()["sign_in_link"]
    assert missing.status_code == 404


def test_last_admin_kept(timed_app: FastAPI, browser: TestClient) -> None:
    me = sign_in(browser)

    deleted = browser.delete(f"/api/users/{me['user_id']}", headers=csrf(browser))
    demoted = browser.patch(f"/api/users/{me['user_id']}", json={"role": "viewer"}, headers=csrf(browser))

    assert deleted.status_code == 409
    assert "last admin" in deleted.json()["message"]
    assert demoted.status_code == 409
    assert browser.get("/api/session").json()["role"] == "admin"


def test_short_password_changes_nothing(engine: Engine, app: FastAPI) -> None:
    user = auth.create_user(engine, "bob@example.com", role="viewer", password=PASSWORD, now=START)

    with client_as(app, "admin") as client:
        response = client.patch(f"/api/users/{user['id']}", json={"role": "operator", "password": "short"})
        after = client.get(f"/api/users/{user['id']}").json()

    assert response.status_code == 422
    assert "at least 12 characters" in response.json()["message"]
    assert after["role"] == "viewer"


def test_own_password_change_keeps_session(browser: TestClient) -> None:
    me = sign_in(browser)
    with TestClient(browser.app) as other_browser:
        sign_in(other_browser)

        response = browser.patch(
            f"/api/users/{me['user_id']}", json={"password": "a brand new password"}, headers=csrf(browser)
        )

        assert response.status_code == 200
        assert browser.get("/api/session").status_code == 200
        assert other_browser.get("/api/session").status_code == 401


# --- API keys ------------------------------------------------------------------------------


def test_api_key_shown_once(engine: Engine, app: FastAPI) -> None:
    with client_as(app, "admin") as client:
        created = client.post("/api/apikeys", json={"name": "nightly import", "role": "operator"})
        key = created.json()["key"]
        listed = client.get("/api/apikeys")

    assert created.status_code == 201
    assert key.startswith("jrn_")
    assert key not in listed.text
    assert "key_hash" not in listed.text
    assert all("key" not in record for record in listed.json())
    assert key not in db_text(engine, api_keys)
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        assert client.get("/api/session").json()["role"] == "operator"


def test_revoked_key_rejected(app: FastAPI) -> None:
    key = api_key(app.state.engine, "viewer")
    with client_as(app, "admin") as admin:
        key_id = next(record["id"] for record in admin.get("/api/apikeys").json() if record["role"] == "viewer")
        with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
            assert client.get("/api/numbers").status_code == 200

            assert admin.delete(f"/api/apikeys/{key_id}").status_code == 204

            response = client.get("/api/numbers")
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"] == "Bearer"
        assert admin.delete(f"/api/apikeys/{key_id}").status_code == 409
        assert admin.delete("/api/apikeys/999").status_code == 404


def test_api_keys_admin_only(app: FastAPI) -> None:
    with client_as(app, "operator") as client:
        assert client.get("/api/apikeys").status_code == 403
        assert client.post("/api/apikeys", json={"name": "x", "role": "admin"}).status_code == 403


@pytest.mark.parametrize("header", ["Bearer jrn_nope_nope", "Bearer ", "Basic abc", "Bearer jrn_" + "x" * 300])
def test_bad_authorization_rejected(app: FastAPI, header: str) -> None:
    with TestClient(app, headers={"Authorization": header}) as client:
        assert client.get("/api/numbers").status_code == 401


def test_api_key_needs_no_csrf(app: FastAPI) -> None:
    with client_as(app, "admin") as client:
        assert client.post("/api/apikeys", json={"name": "script", "role": "viewer"}).status_code == 201


def test_control_characters_rejected(app: FastAPI) -> None:
    # PostgreSQL cannot store NUL in text, so these must fail cleanly before any query.
    with TestClient(app) as browser:
        sign_in_response = browser.post("/api/session", json={"email": "ana\x00@example.com", "password": PASSWORD})
    with client_as(app, "admin") as admin:
        user = admin.post("/api/users", json={"email": "ana\x00@example.com", "role": "viewer"})
        key = admin.post("/api/apikeys", json={"name": "ci\x00", "role": "viewer"})

    # NUL is rejected in every request body before a route runs, sign-in's included.
    assert sign_in_response.status_code == 422
    assert sign_in_response.json()["errors"][0]["path"] == "body.email"
    assert user.status_code == 422
    assert key.status_code == 422
    assert "control character" in key.json()["message"]


def test_missing_credentials_message(app: FastAPI) -> None:
    with TestClient(app) as client:
        response = client.get("/api/numbers")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["message"].startswith("no credentials were sent")


@pytest.mark.parametrize("revoke", [False, True], ids=["unknown key", "revoked key"])
def test_rejected_key_message(app: FastAPI, revoke: bool) -> None:
    key = api_key(app.state.engine, "viewer") if revoke else "jrn_nope_nope"
    if revoke:
        with client_as(app, "admin") as admin:
            key_id = next(record["id"] for record in admin.get("/api/apikeys").json() if record["role"] == "viewer")
            assert admin.delete(f"/api/apikeys/{key_id}").status_code == 204

    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        response = client.get("/api/numbers")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["message"].startswith("the API key sent is invalid or revoked")
    assert key not in response.text


def test_malformed_authorization_message(app: FastAPI) -> None:
    with TestClient(app, headers={"Authorization": "Basic abc"}) as client:
        response = client.get("/api/numbers")

    assert response.status_code == 401
    assert response.json()["message"].startswith("the Authorization header is malformed")


def test_ended_session_message(browser: TestClient) -> None:
    browser.cookies.set("journeys_session", "no-such-session")

    response = browser.get("/api/numbers")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["message"].startswith("the session has expired or was signed out")
