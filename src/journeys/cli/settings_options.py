"""The run settings options shared by `run create` and `simulate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from journeys.domain.jsonvalues import JsonValueError, parse_json
from journeys.domain.phones import normalize_phone
from journeys.domain.settings import DEFAULT_CALLING_WINDOW, RunSettings
from journeys.errors import InvalidInputError

CallingWindowOption = Annotated[
    str, typer.Option("--calling-window", help='Days and local hours for calls and SMS, e.g. "mon-fri 09:00-20:00".')
]
NoCallingWindowOption = Annotated[
    bool, typer.Option("--no-calling-window", help="Send at any hour. Use with care: calls at night break rules in many places.")
]
DefaultTimezoneOption = Annotated[
    str, typer.Option("--default-timezone", help="IANA zone used when a recipient's zone is unknown or ambiguous.")
]
MaxConcurrentOption = Annotated[int, typer.Option("--max-concurrent-calls", help="Calls of this run in progress at once.")]
ProviderOption = Annotated[str, typer.Option("--provider", help="Provider that places calls and SMS: simulator (the default), twilio or webhook.")]
OutcomesOption = Annotated[
    str | None, typer.Option("--outcomes", help="Simulator call outcome weights, e.g. answered=0.5,voicemail=0.2,no_answer=0.3.")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Simulator seed; the same seed gives the same outcomes.")]
ScriptOption = Annotated[
    Path | None, typer.Option("--script", help="JSON file: a phone number to the outcomes of its successive calls.")
]
LatencyOption = Annotated[
    float | None, typer.Option("--sim-latency", help="Wall-time seconds a simulated call or SMS takes; default: realistic ring and talk times.")
]


def build_settings(
    *,
    calling_window: str,
    no_calling_window: bool,
    default_timezone: str,
    max_concurrent_calls: int,
    provider: str,
    outcomes: str | None,
    seed: int,
    script: Path | None,
    sim_latency: float | None,
) -> RunSettings:
    """Turn command-line options into validated run settings."""
    if no_calling_window and calling_window != DEFAULT_CALLING_WINDOW:
        raise InvalidInputError(
            f"--calling-window {calling_window!r} and --no-calling-window contradict each other; give one of them"
        )
    simulator: dict[str, Any] = {"seed": seed, "latency_seconds": sim_latency}
    if outcomes:
        simulator["outcomes"] = parse_outcomes(outcomes)
    if script:
        simulator["script"] = read_script(script)
    raw = {
        "calling_window": None if no_calling_window else calling_window,
        "default_timezone": default_timezone,
        "max_concurrent_calls": max_concurrent_calls,
        "provider": provider,
        "simulator": simulator,
    }
    try:
        return RunSettings.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInputError(_settings_message(exc)) from exc


def parse_outcomes(text: str) -> dict[str, float]:
    """Parse `answered=0.5,voicemail=0.2` into weights."""
    weights: dict[str, float] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, separator, value = part.partition("=")
        try:
            if not separator:
                raise ValueError
            weights[name.strip()] = float(value)
        except ValueError as exc:
            raise InvalidInputError(
                f"invalid --outcomes entry {part!r}: write OUTCOME=WEIGHT, e.g. answered=0.5"
            ) from exc
    return weights


def read_script(path: Path) -> dict[str, list[str]]:
    """Read a simulator script file: a phone number to a list of call outcomes."""
    try:
        script = parse_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInputError(f"script file {path} not found") from exc
    except JsonValueError as exc:
        raise InvalidInputError(f"script file {path} cannot be used: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"script file {path} is not valid JSON ({exc}); write an object that maps phone numbers "
            'to lists of outcomes, e.g. {"+12025550101": ["no_answer", "answered"]}'
        ) from exc
    if not isinstance(script, dict) or not all(isinstance(v, list) for v in script.values()):
        raise InvalidInputError(
            f"script file {path} must map phone numbers to lists of outcomes, "
            'e.g. {"+12025550101": ["no_answer", "answered"]}'
        )
    return _script_by_e164(path, script)


def _script_by_e164(path: Path, script: dict[str, list[str]]) -> dict[str, list[str]]:
    # The simulator looks outcomes up by the recipient's E.164 number, so a key
    # written as "+1 202-555-0101" would otherwise be ignored without a word.
    by_e164: dict[str, list[str]] = {}
    for number, outcomes in script.items():
        try:
            e164, _ = normalize_phone(number, None)
        except InvalidInputError as exc:
            raise InvalidInputError(
                f"script file {path}: {number!r} is not a valid phone number with its country code; "
                "write it in E.164, such as +12025550101"
            ) from exc
        if e164 in by_e164:
            raise InvalidInputError(f"script file {path}: {e164} appears twice; keep one list of outcomes for it")
        by_e164[e164] = outcomes
    return by_e164


def _settings_message(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "settings"
        problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return "invalid run settings: " + "; ".join(problems)


DEFAULTS = {"calling_window": DEFAULT_CALLING_WINDOW, "default_timezone": "UTC", "max_concurrent_calls": 10, "provider": "simulator", "seed": 0}
