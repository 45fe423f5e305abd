"""Run settings: calling window, time zone, concurrency, provider and simulator."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

CALL_OUTCOMES = ("answered", "voicemail", "no_answer", "busy", "failed")
DEFAULT_OUTCOMES = {"answered": 0.5, "voicemail": 0.2, "no_answer": 0.25, "busy": 0.05}
DEFAULT_CALLING_WINDOW = "daily 09:00-20:00"


class SimulatorSettings(BaseModel):
    """How the built-in simulator decides what happens to each call and SMS."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    outcomes: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_OUTCOMES))
    seed: int = 0
    # A phone number to the outcomes of its successive calls; past the end of
    # the list, outcomes are drawn at random again.
    # NOTE: only the command line normalises these keys to E.164; other callers must pass E.164.
    script: dict[str, list[str]] = Field(default_factory=dict)
    # Wall-time seconds a call or SMS takes; None means realistic ring and talk times.
    latency_seconds: float | None = Field(None, ge=0)
    sms_failure_rate: float = Field(0.0, ge=0, le=1)

    @field_validator("outcomes")
    @classmethod
    def _check_outcomes(cls, outcomes: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(outcomes) - set(CALL_OUTCOMES))
        if unknown:
            raise ValueError(
                f"unknown call outcome {unknown[0]!r}; use {', '.join(CALL_OUTCOMES)}"
            )
        if any(weight < 0 for weight in outcomes.values()) or sum(outcomes.values()) <= 0:
            raise ValueError("outcome probabilities must be non-negative and not all zero")
        return outcomes

    @field_validator("script")
    @classmethod
    def _check_script(cls, script: dict[str, list[str]]) -> dict[str, list[str]]:
        for number, outcomes in script.items():
            for outcome in outcomes:
                if outcome not in CALL_OUTCOMES:
                    raise ValueError(
                        f"script for {number}: unknown call outcome {outcome!r}; "
                        f"use {', '.join(CALL_OUTCOMES)}"
                    )
        return script


class RunSettings(BaseModel):
    """The settings a run is created with; stored as JSON on the run."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    # A window such as "mon-fri 09:00-20:00", or None for no calling window.
    calling_window: str | None = DEFAULT_CALLING_WINDOW
    default_timezone: str = "UTC"
    max_concurrent_calls: int = Field(10, ge=1, le=10_000)
    provider: Literal["simulator", "twilio", "webhook"] = "simulator"
    simulator: SimulatorSettings = Field(default_factory=SimulatorSettings)

    @field_validator("default_timezone")
    @classmethod
    def _check_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {zone!r}; use an IANA name such as America/New_York"
            ) from exc
        return zone

    @field_validator("calling_window")
    @classmethod
    def _check_window(cls, window: str | None) -> str | None:
        if window is not None:
            from journeys.domain.windows import CallingWindow
            from journeys.errors import InvalidInputError

            try:
                CallingWindow.parse(window)
            except InvalidInputError as exc:
                raise ValueError(str(exc)) from exc
        return window
