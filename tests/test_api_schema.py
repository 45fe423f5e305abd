"""A bounded property-based run of schemathesis against /openapi.json: no request gets a 5xx.

Each operation gets a few generated requests that fit the schema and a few
that break it, sent with an admin API key to an app on SQLite, so that the
run stays within about a minute. It uses schemathesis's Python API, because
its pytest integration (`schemathesis.pytest.from_fixture`, 4.32) fails on
pytest 9 with "'Function' object has no attribute '_nodeid'".
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from api_helpers import api_key, make_app
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from journeys.storage.db import connect

EXAMPLES_PER_MODE = 15


@pytest.mark.slow
def test_no_operation_answers_5xx(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        headers = {"Authorization": f"Bearer {api_key(engine, 'admin')}"}
        schema = schemathesis.openapi.from_asgi("/openapi.json", make_app(engine))
        failures: list[str] = []
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures += _server_errors(operation, mode, headers)
    finally:
        engine.dispose()

    assert not failures, "\n".join(failures)


def _server_errors(operation, mode: GenerationMode, headers: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def send(case) -> None:  # type: ignore[no-untyped-def]
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # noqa: BLE001 - the test client re-raises what the app did not handle
            found.append(f"{case.method} {case.formatted_path} ({mode.value}): {type(exc).__name__}: {exc}")
            return
        if response.status_code >= 500:
            found.append(f"{case.method} {case.formatted_path} ({mode.value}): {response.status_code} {response.text[:300]}")

    try:
        send()
    except Unsatisfiable:
        # An operation without a parameter or body has no invalid request to generate.
        pass
    return found
