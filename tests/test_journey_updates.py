"""Publishing a new journey version while runs are live."""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from conftest import load_fixture_json
from journeys.domain.settings import RunSettings
from journeys.errors import ConflictError
from journeys.importer.options import ImportOptions
from journeys.importer.service import import_recipients
from journeys.services import journeys as journey_service
from journeys.services import registry
from journeys.services import runs as run_service

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
CSV = b"phone_number,customer_name\n+12025550101,Ana Test\n"


@pytest.fixture
def live_run(engine: Engine) -> tuple[int, int]:
    registry.add_number(engine, "+12025550100", label=None, calls_per_second=1, now=NOW)
    registry.add_agent(engine, "collections", description=None, now=NOW)
    journey_id = journey_service.create_journey(engine, load_fixture_json("journey-reminder.json"), now=NOW)
    run_id = run_service.create_run(engine, journey_id, name="live", settings=RunSettings(), now=NOW)
    import_recipients(engine, run_id, io.BytesIO(CSV), options=ImportOptions(), now=NOW)
    run_service.start_run(engine, run_id, now=NOW)
    return journey_id, run_id


def test_new_required_field_rejected_while_live(engine: Engine, live_run: tuple[int, int]) -> None:
    document = load_fixture_json("journey-reminder.json")
    document["fields"].append({"name": "amount", "type": "number", "required": True})

    with pytest.raises(ConflictError, match="'amount'"):
        journey_service.update_journey(engine, live_run[0], document, now=NOW)


def test_new_required_field_with_default_accepted(engine: Engine, live_run: tuple[int, int]) -> None:
    document = load_fixture_json("journey-reminder.json")
    document["fields"].append({"name": "amount", "type": "number", "required": True, "default": 0})

    assert journey_service.update_journey(engine, live_run[0], document, now=NOW) == 2


def test_removing_node_with_recipients_rejected(engine: Engine, live_run: tuple[int, int]) -> None:
    document = load_fixture_json("journey-reminder.json")
    document["nodes"] = [node for node in document["nodes"] if node["id"] != "start"]
    replacement = copy.deepcopy(load_fixture_json("journey-reminder.json")["nodes"][0])
    replacement["id"] = "begin"
    document["nodes"].insert(0, replacement)

    with pytest.raises(ConflictError, match="node 'start' has 1 recipient"):
        journey_service.update_journey(engine, live_run[0], document, now=NOW)
