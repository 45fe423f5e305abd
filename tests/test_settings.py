"""Run settings: defaults and the validation of each setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from journeys.domain.settings import RunSettings, SimulatorSettings


def test_defaults_are_safe() -> None:
    settings = RunSettings()

    assert settings.calling_window == "daily 09:00-20:00"
    assert settings.max_concurrent_calls == 10
    assert settings.provider == "simulator"
    assert settings.default_timezone == "UTC"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"default_timezone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"max_concurrent_calls": 0}, "max_concurrent_calls"),
        ({"provider": "carrier-pigeon"}, "provider"),
        ({"simulator": {"outcomes": {"answerd": 1}}}, "answerd"),
        ({"simulator": {"outcomes": {"answered": 0}}}, "not all zero"),
        ({"simulator": {"script": {"+12025550101": ["picked_up"]}}}, "picked_up"),
        ({"simulator": {"latency_seconds": -1}}, "latency_seconds"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_invalid_setting_rejected(raw: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RunSettings.model_validate(raw)


def test_invalid_calling_window_rejected() -> None:
    with pytest.raises(ValidationError, match="mon-fry"):
        RunSettings.model_validate({"calling_window": "mon-fry 09:00-17:00"})


def test_no_calling_window_allowed() -> None:
    assert RunSettings.model_validate({"calling_window": None}).calling_window is None


def test_settings_round_trip_through_json() -> None:
    settings = RunSettings.model_validate(
        {"calling_window": "mon-fri 09:00-17:00", "simulator": {"seed": 3, "script": {"+12025550101": ["busy"]}}}
    )

    assert RunSettings.model_validate(settings.model_dump(mode="json")) == settings


def test_simulator_outcome_weights_accept_subset() -> None:
    assert SimulatorSettings(outcomes={"answered": 1}).outcomes == {"answered": 1}
