"""Recipient routes: keyset pages with filters, one recipient's timeline, and idempotent additions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from api_helpers import client_as, make_app
from engine_helpers import NOW, call, drive, end, journey, new_run, phones, register, start, worker
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from journeys.clock import VirtualClock
from journeys.services import journeys as journey_service
from journeys.services import runs as run_service
from journeys.storage.schema import recipients

FIELDS = [
    {"name": "customer_name", "type": "string", "required": True},
    {"name": "balance", "type": "number"},
    {"name": "autopay", "type": "boolean"},
]


@pytest.fixture
def registered(engine: Engine) -> Engine:
    register(engine)
    return engine


@pytest.fixture
def api(registered: Engine) -> FastAPI:
    return make_app(registered, clock=VirtualClock(NOW))


def imported_run(engine: Engine, tmp_path: Path, count: int) -> int:
    rows = [
        {"phone_number": phone, "customer_name": f"Person {index:03d}"}
        for index, phone in enumerate(phones(count))
    ]
    return new_run(engine, tmp_path, journey(start("call_1"), call("call_1", "done"), end(), fields=FIELDS), rows)


def api_run(engine: Engine, *, trigger: str = "api", status: str | None = None) -> int:
    start_node = {"id": "start", "type": "start", "next": "call_1", "trigger": trigger}
    document = journey(start_node, call("call_1", "done"), end(), fields=FIELDS)
    journey_id = journey_service.create_journey(engine, document, now=NOW)
    run_id = run_service.create_run(engine, journey_id, name="API run", settings=run_service.RunSettings(), now=NOW)
    if status == "running":
        run_service.start_run(engine, run_id, now=NOW)
    return run_id


def all_pages(client: TestClient, run_id: int, **params: Any) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"/api/runs/{run_id}/recipients", params=query).json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def set_status(engine: Engine, ids: list[int], status: str, node: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(update(recipients).where(recipients.c.id.in_(ids)).values(status=status, current_node=node))


# --- Listing ---------------------------------------------------------------------------


def test_pages_cover_run_without_overlap(api: FastAPI, registered: Engine, tmp_path: Path) -> None:
    run_id = imported_run(registered, tmp_path, 23)

    with client_as(api, "viewer") as client:
        pages = all_pages(client, run_id, limit=5)

    ids = [recipient_id for page in pages for recipient_id in page]
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert ids == sorted(ids)
    assert len(set(ids)) == 23


def test_exact_page_size_ends_without_cursor(api: FastAPI, registered: Engine, tmp_path: Path) -> None:
    run_id = imported_run(registered, tmp_path, 10)

    with client_as(api, "viewer") as client:
        pages = all_pages(client, run_id, limit=5)

    assert [len(page) for page in pages] == [5, 5]


def test_filters_by_status_and_node(api: FastAPI, registered: Engine, tmp_path: Path) -> None:
    run_id = imported_run(registered, tmp_path, 12)
    with client_as(api, "viewer") as client:
        everyone = [item["id"] for item in client.get(f"/api/runs/{run_id}/recipients", params={"limit": 100}).json()["items"]]
        set_status(registered, everyone[::3], "waiting", "call_1")
        set_status(registered, everyone[1::3], "delayed", "call_1")

        waiting = all_pages(client, run_id, status="waiting", limit=2)
        on_call = all_pages(client, run_id, node="call_1", limit=3)
        both = all_pages(client, run_id, node="call_1", status="delayed")

    assert [i for page in waiting for i in page] == everyone[::3]
    assert [i for page in on_call for i in page] == sorted(everyone[::3] + everyone[1::3])
    assert both == [everyone[1::3]]


def test_search_by_name_and_phone(api: FastAPI, registered: Engine, tmp_path: Path) -> None:
    run_id = imported_run(registered, tmp_path, 12)
    target = phones(12)[7]

    with client_as(api, "viewer") as client:
        by_name = client.get(f"/api/runs/{run_id}/recipients", params={"q": "person 007"}).json()["items"]
        by_phone = client.get(f"/api/runs/{run_id}/recipients", params={"q": target}).json()["items"]
        by_digits = client.get(f"/api/runs/{run_id}/recipients", params={"q": target[-6:]}).json()["items"]
        nobody = client.get(f"/api/runs/{run_id}/recipients", params={"q": "+12025550999"}).json()["items"]

    assert [item["data"]["customer_name"] for item in by_name] == ["Person 007"]
    assert [item["phone_number"] for item in by_phone] == [target]
    assert [item["phone_number"] for item in by_digits] == [target]
    assert nobody == []


def test_search_treats_percent_literally(api: FastAPI, registered: Engine, tmp_path: Path) -> None:
    run_id = imported_run(registered, tmp_path, 3)

    with client_as(api, "viewer") as client:
        items = client.get(f"/api/runs/{run_id}/recipients", params={"q": "%"}).json()["items"]

    assert items == []


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"cursor": "not-a-cursor"}, "query.cursor"),
        ({"cursor": "eyJhZnRlciI6LTF9"}, "query.cursor"),
        ({"status": "sleeping"}, "query.status"),
        ({"node": "no_such_node"}, "query.node"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 501}, "query.limit"),
    ],
)
def test_list_rejects_bad_parameters(
    api: FastAPI, registered: Engine, tmp_path: Path, params: dict[str, Any], path: str
) -> None:
    run_id = imported_run(registered, tmp_path, 2)

    with client_as(api, "viewer") as client:
        response = client.get(f"/api/runs/{run_id}/recipients", params=params)

    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == [path]


def test_list_of_unknown_run_is_404(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.get("/api/runs/999/recipients")

    assert response.status_code == 404


# --- One recipient ---------------------------------------------------------------------


def test_recipient_shows_data_state_and_events(api: FastAPI, registered: Engine, tmp_path: Path) -> None:
    run_id = imported_run(registered, tmp_path, 1)
    run_service.start_run(registered, run_id, now=NOW)
    worker(registered, VirtualClock(NOW)).tick()

    with client_as(api, "viewer") as client:
        recipient_id = client.get(f"/api/runs/{run_id}/recipients").json()["items"][0]["id"]
        body = client.get(f"/api/recipients/{recipient_id}").json()

    assert body["run_id"] == run_id
    assert body["data"]["customer_name"] == "Person 000"
    assert body["current_node"] == "call_1"
    assert body["line"] == 2
    assert [event["type"] for event in body["events"]][:2] == ["entered", "entered"]
    assert body["events"][0]["node_id"] == "start"
    assert "lease_owner" not in body
    assert "search_text" not in body


def test_unknown_recipient_is_404(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.get("/api/recipients/999")

    assert response.status_code == 404


# --- Adding recipients -----------------------------------------------------------------


def test_add_to_running_run_starts_at_once(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, status="running")

    with client_as(api, "operator") as client:
        response = client.post(
            f"/api/runs/{run_id}/recipients",
            json={"phone_number": "(202) 555-0143", "default_region": "US", "data": {"customer_name": "Ada", "balance": 12.5, "autopay": True}},
        )

    assert response.status_code == 201
    body = response.json()
    assert body["phone_number"] == "+12025550143"
    assert body["status"] == "active"
    assert body["current_node"] == "start"
    assert body["data"] == {"customer_name": "Ada", "balance": 12.5, "autopay": True}


def test_add_to_draft_run_waits_for_start(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered)

    with client_as(api, "operator") as client:
        added = client.post(f"/api/runs/{run_id}/recipients", json={"phone_number": "+12025550143", "data": {"customer_name": "Ada"}})
        client.post(f"/api/runs/{run_id}/start")
        after = client.get(f"/api/recipients/{added.json()['id']}").json()

    assert added.status_code == 201
    assert added.json()["status"] == "pending"
    assert after["status"] == "active"


def test_repeat_with_client_key_returns_same(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, status="running")
    body = {"phone_number": "+12025550143", "data": {"customer_name": "Ada"}, "client_key": "lead-42"}

    with client_as(api, "operator") as client:
        first = client.post(f"/api/runs/{run_id}/recipients", json=body)
        second = client.post(f"/api/runs/{run_id}/recipients", json=body)
        listed = client.get(f"/api/runs/{run_id}/recipients").json()["items"]

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["client_key"] == "lead-42"
    assert len(listed) == 1


def test_same_phone_without_key_is_409(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, status="running")
    body = {"phone_number": "+12025550143", "data": {"customer_name": "Ada"}}

    with client_as(api, "operator") as client:
        client.post(f"/api/runs/{run_id}/recipients", json=body)
        response = client.post(f"/api/runs/{run_id}/recipients", json=body)

    assert response.status_code == 409
    assert "already recipient" in response.json()["message"]


def test_add_checks_values_like_csv(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, status="running")
    body = {"phone_number": "12345", "data": {"balance": "twelve", "autopay": "perhaps", "shoe_size": 44}}

    with client_as(api, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/recipients", json=body)
        listed = client.get(f"/api/runs/{run_id}/recipients").json()["items"]

    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == ["body.data.shoe_size"]
    assert listed == []

    with client_as(api, "operator") as client:
        body["data"].pop("shoe_size")
        response = client.post(f"/api/runs/{run_id}/recipients", json=body)

    paths = {error["path"] for error in response.json()["errors"]}
    assert response.status_code == 422
    assert paths == {"body.phone_number", "body.data.customer_name", "body.data.balance", "body.data.autopay"}


def test_add_rejects_nested_values(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, status="running")

    with client_as(api, "operator") as client:
        response = client.post(
            f"/api/runs/{run_id}/recipients", json={"phone_number": "+12025550143", "data": {"customer_name": {"first": "Ada"}}}
        )

    assert response.status_code == 422
    assert all(error["path"].startswith("body.data.customer_name") for error in response.json()["errors"])


def test_add_to_run_trigger_is_409(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, trigger="run")

    with client_as(api, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/recipients", json={"phone_number": "+12025550143", "data": {"customer_name": "Ada"}})

    assert response.status_code == 409
    assert "trigger 'run'" in response.json()["message"]


def test_add_to_cancelled_run_is_409(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, status="running")

    with client_as(api, "operator") as client:
        client.post(f"/api/runs/{run_id}/cancel")
        response = client.post(f"/api/runs/{run_id}/recipients", json={"phone_number": "+12025550143", "data": {"customer_name": "Ada"}})

    assert response.status_code == 409
    assert "is cancelled" in response.json()["message"]


def test_add_to_unknown_run_is_404(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/runs/999/recipients", json={"phone_number": "+12025550143"})

    assert response.status_code == 404


def test_concurrent_repeats_create_one(api: FastAPI, registered: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import ExitStack

    run_id = api_run(registered, status="running")
    body = {"phone_number": "+12025550143", "data": {"customer_name": "Ada"}, "client_key": "lead-7"}

    with ExitStack() as stack:
        clients = [stack.enter_context(client_as(api, "operator")) for _ in range(4)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            responses = list(pool.map(lambda client: client.post(f"/api/runs/{run_id}/recipients", json=body), clients))

    assert sorted(response.status_code for response in responses) == [200, 200, 200, 201]
    assert len({response.json()["id"] for response in responses}) == 1


def test_api_run_stays_running_when_drained(api: FastAPI, registered: Engine) -> None:
    run_id = api_run(registered, status="running")
    clock = VirtualClock(NOW)
    work = worker(registered, clock)

    work.tick()
    with client_as(api, "operator") as client:
        assert client.get(f"/api/runs/{run_id}").json()["status"] == "running"
        added = client.post(f"/api/runs/{run_id}/recipients", json={"phone_number": "+12025550101", "data": {"customer_name": "Ada"}})
        assert added.status_code == 201, added.text
        drive(work, until=NOW + timedelta(days=1))
        recipient = client.get(f"/api/recipients/{added.json()['id']}").json()
        run = client.get(f"/api/runs/{run_id}").json()

    assert recipient["status"] == "completed"
    assert run["status"] == "running"
