"""Every /api route answers 401 without credentials, 403 below its role, and neither at or above it.

ROUTE_ROLES classifies each route by the least role it needs. A new route
fails `test_every_api_route_is_classified` until it is added there, so no
route can ship without a decided role.
"""

from __future__ import annotations

import re

from api_helpers import ROLES, api_key
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

PUBLIC = "public"

# (method, path) -> the least role that may call the route, or PUBLIC.
# Viewers read, operators run, admins also manage numbers, agents, users and keys.
ROUTE_ROLES: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): PUBLIC,
    # Sign-in and sign-out work without credentials; GET names who is signed in.
    ("POST", "/api/session"): PUBLIC,
    ("DELETE", "/api/session"): PUBLIC,
    ("GET", "/api/session"): "viewer",
    # Every signed-in user sets their own password. API keys pass the role check,
    # so the empty body sent here gets 422; a valid body gets 403 from the route.
    ("PUT", "/api/session/password"): "viewer",
    ("GET", "/api/journeys"): "viewer",
    ("POST", "/api/journeys"): "operator",
    ("POST", "/api/journeys/validate"): "viewer",
    ("GET", "/api/journeys/{journey_id}"): "viewer",
    ("PUT", "/api/journeys/{journey_id}"): "operator",
    ("DELETE", "/api/journeys/{journey_id}"): "operator",
    ("POST", "/api/journeys/{journey_id}/impact"): "operator",
    ("GET", "/api/journeys/{journey_id}/versions"): "viewer",
    ("GET", "/api/journeys/{journey_id}/stats"): "viewer",
    ("GET", "/api/journeys/{journey_id}/calls-over-time"): "viewer",
    ("GET", "/api/journeys/{journey_id}/runs"): "viewer",
    ("POST", "/api/journeys/{journey_id}/runs"): "operator",
    ("GET", "/api/runs/{run_id}"): "viewer",
    ("DELETE", "/api/runs/{run_id}"): "operator",
    ("POST", "/api/runs/{run_id}/start"): "operator",
    ("POST", "/api/runs/{run_id}/schedule"): "operator",
    ("POST", "/api/runs/{run_id}/unschedule"): "operator",
    ("POST", "/api/runs/{run_id}/pause"): "operator",
    ("POST", "/api/runs/{run_id}/resume"): "operator",
    ("POST", "/api/runs/{run_id}/cancel"): "operator",
    ("POST", "/api/runs/{run_id}/imports"): "operator",
    ("GET", "/api/runs/{run_id}/recipients"): "viewer",
    ("POST", "/api/runs/{run_id}/recipients"): "operator",
    ("GET", "/api/runs/{run_id}/export"): "viewer",
    ("GET", "/api/recipients/{recipient_id}"): "viewer",
    ("GET", "/api/numbers"): "viewer",
    ("POST", "/api/numbers"): "admin",
    ("DELETE", "/api/numbers/{number}"): "admin",
    ("GET", "/api/agents"): "viewer",
    ("POST", "/api/agents"): "admin",
    ("PATCH", "/api/agents/{name}"): "admin",
    ("DELETE", "/api/agents/{name}"): "admin",
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("GET", "/api/users/{user_id}"): "admin",
    ("PATCH", "/api/users/{user_id}"): "admin",
    ("DELETE", "/api/users/{user_id}"): "admin",
    ("POST", "/api/users/{user_id}/sign-in-link"): "admin",
    ("GET", "/api/apikeys"): "admin",
    ("POST", "/api/apikeys"): "admin",
    ("DELETE", "/api/apikeys/{key_id}"): "admin",
}

# An id that no test row has: calls at or above the role get 404 or 422, never a change.
ABSENT_ID = "999999"
BODY_METHODS = {"POST", "PUT", "PATCH"}


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Return (method, path) of every route under /api, HEAD and OPTIONS aside."""
    found = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and (route.path == "/api" or route.path.startswith("/api/")):
            found |= {(method, route.path) for method in route.methods if method not in ("HEAD", "OPTIONS")}
    return found


def call(client: TestClient, method: str, path: str, key: str | None) -> int:
    url = re.sub(r"\{[^}]+\}", ABSENT_ID, path)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {"json": {}} if method in BODY_METHODS else {}
    return client.request(method, url, headers=headers, **body).status_code


def test_every_api_route_is_classified(app: FastAPI) -> None:
    routes = api_routes(app)

    unclassified = sorted(routes - set(ROUTE_ROLES))
    stale = sorted(set(ROUTE_ROLES) - routes)

    assert not unclassified, f"add these routes to ROUTE_ROLES with the least role they need: {unclassified}"
    assert not stale, f"these ROUTE_ROLES entries match no route any more; remove or rename them: {stale}"


def test_roles_are_enforced_on_every_route(app: FastAPI) -> None:
    keys = {role: api_key(app.state.engine, role) for role in ROLES}
    failures: list[str] = []

    with TestClient(app, raise_server_exceptions=False) as client:
        for (method, path), needed in sorted(ROUTE_ROLES.items()):
            anonymous = call(client, method, path, None)
            if needed == PUBLIC and anonymous in (401, 403):
                failures.append(f"{method} {path} without credentials: {anonymous}, expected neither 401 nor 403")
            if needed != PUBLIC and anonymous != 401:
                failures.append(f"{method} {path} without credentials: {anonymous}, expected 401")

            for role in ROLES:
                got = call(client, method, path, keys[role])
                allowed = needed == PUBLIC or ROLES.index(role) >= ROLES.index(needed)
                if got >= 500:
                    failures.append(f"{method} {path} as {role}: {got}, a server error")
                elif allowed and got in (401, 403):
                    failures.append(f"{method} {path} as {role}: {got}, expected the role to be allowed")
                elif not allowed and got != 403:
                    failures.append(f"{method} {path} as {role}: {got}, expected 403")

    assert not failures, "\n".join(failures)
