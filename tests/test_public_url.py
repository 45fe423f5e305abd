"""The public URL: served addresses, the warning for workers, run start without it, and link notes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from api_helpers import client_as, make_app
from engine_helpers import NOW, call_journey, new_run, register, run_row
from journeys.config import Settings
from journeys.domain.settings import RunSettings
from journeys.errors import ConflictError
from journeys.public_url import (
    check_public_url_for_run,
    public_url_is_set,
    served_url,
    unset_public_url_note,
    warn_if_public_url_unset,
)
from journeys.services import runs as run_service
from journeys.storage import registry as registry_queries

AGENT_URL = "http://127.0.0.1:9/agents/collections"
AGENT_SECRET = "agent-secret-8d1f0c2b7e94a6"
WEBHOOK_RUN = RunSettings(provider="webhook", calling_window=None)


def settings(**values: object) -> Settings:
    return Settings(database_url="sqlite://", **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8080, "http://127.0.0.1:8080"),
        ("localhost", 8000, "http://localhost:8000"),
        ("::1", 20103, "http://[::1]:20103"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),
        ("::", 8000, "http://[::1]:8000"),
        ("fe80::1", 9000, "http://[fe80::1]:9000"),
        ("journeys.example.com", 443, "http://journeys.example.com:443"),
    ],
)
def test_served_url(host: str, port: int, expected: str) -> None:
    assert served_url(host, port) == expected


def test_public_url_set_explicitly_or_by_serve() -> None:
    default = settings()
    derived = default.model_copy(update={"public_url": "http://127.0.0.1:8080"})

    assert not public_url_is_set(default)
    assert public_url_is_set(settings(public_url="https://journeys.example.com"))
    assert public_url_is_set(derived)


def test_public_url_from_environment_is_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JOURNEYS_CONFIG", raising=False)
    monkeypatch.setenv("JOURNEYS_PUBLIC_URL", "https://journeys.example.com")

    assert public_url_is_set(Settings())


def test_worker_warning_when_unset(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("journeys.test_public_url")
    caplog.set_level(logging.WARNING, logger=logger.name)

    warned = warn_if_public_url_unset(settings(), logger)
    silent = warn_if_public_url_unset(settings(public_url="https://journeys.example.com"), logger)

    assert warned is True
    assert silent is False
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "JOURNEYS_PUBLIC_URL is not set" in record.getMessage()
    assert "http://127.0.0.1:8000" in record.getMessage()
    assert record.action == "public_url_unset"  # type: ignore[attr-defined]


def test_link_note_only_when_unset() -> None:
    note = unset_public_url_note(settings())

    assert note is not None
    assert "JOURNEYS_PUBLIC_URL is not set" in note
    assert "http://127.0.0.1:8000" in note
    assert unset_public_url_note(settings(public_url="https://journeys.example.com")) is None


@pytest.mark.parametrize("provider", ["webhook", "twilio"])
def test_callback_provider_needs_public_url(provider: str) -> None:
    with pytest.raises(ConflictError) as raised:
        check_public_url_for_run(settings(), 7, provider)

    assert f"run 7 uses the {provider} provider" in str(raised.value)
    assert "JOURNEYS_PUBLIC_URL is not set" in str(raised.value)


def test_simulator_needs_no_public_url() -> None:
    check_public_url_for_run(settings(), 7, "simulator")


# --- run start on each database ---------------------------------------------------------------


@pytest.fixture
def webhook_run(engine: Engine, tmp_path: Path) -> int:
    register(engine)
    with engine.begin() as conn:
        registry_queries.update_agent(conn, "collections", webhook_url=AGENT_URL, webhook_secret=AGENT_SECRET)
    return new_run(engine, tmp_path, call_journey(), 1, run_settings=WEBHOOK_RUN)


def test_start_rejected_without_public_url(engine: Engine, webhook_run: int) -> None:
    unset = settings(webhook_allowed_hosts=["127.0.0.1"])

    with pytest.raises(ConflictError, match="JOURNEYS_PUBLIC_URL is not set"):
        run_service.start_run(engine, webhook_run, now=NOW, config=unset)
    with pytest.raises(ConflictError, match="JOURNEYS_PUBLIC_URL is not set"):
        run_service.schedule_run(engine, webhook_run, local_time="2026-03-03 09:00", timezone="UTC", now=NOW, config=unset)

    assert run_row(engine, webhook_run)["status"] == "draft"


def test_start_accepted_with_served_url(engine: Engine, webhook_run: int) -> None:
    served = settings(webhook_allowed_hosts=["127.0.0.1"]).model_copy(update={"public_url": "http://127.0.0.1:8080"})

    started = run_service.start_run(engine, webhook_run, now=NOW, config=served)

    assert started["status"] == "running"


def test_api_start_rejected_without_public_url(engine: Engine, webhook_run: int) -> None:
    app = make_app(engine, webhook_allowed_hosts=["127.0.0.1"])

    with client_as(app, "operator") as client:
        response = client.post(f"/api/runs/{webhook_run}/start")

    assert response.status_code == 409
    assert "JOURNEYS_PUBLIC_URL is not set" in response.json()["message"]
    assert run_row(engine, webhook_run)["status"] == "draft"


# --- link printers ------------------------------------------------------------------------------


def run_cli(tmp_path: Path, *args: str, public_url: str | None) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JOURNEYS_")}
    environment["JOURNEYS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'links.db'}"
    if public_url is not None:
        environment["JOURNEYS_PUBLIC_URL"] = public_url
    return subprocess.run(
        [sys.executable, "-m", "journeys.cli.main", *args],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )


def test_user_link_names_default_base(tmp_path: Path) -> None:
    created = run_cli(tmp_path, "user", "create", "ana@example.com", "--role", "viewer", public_url=None)
    linked = run_cli(tmp_path, "user", "link", "ana@example.com", public_url=None)
    explicit = run_cli(tmp_path, "user", "link", "ana@example.com", public_url="https://journeys.example.com")

    assert created.returncode == 0, created.stderr
    assert "http://127.0.0.1:8000/auth/link/" in created.stdout
    assert "Note: JOURNEYS_PUBLIC_URL is not set" in created.stderr
    assert linked.returncode == 0, linked.stderr
    assert "Note: JOURNEYS_PUBLIC_URL is not set, so the link starts with the default http://127.0.0.1:8000" in linked.stderr
    assert explicit.returncode == 0, explicit.stderr
    assert "https://journeys.example.com/auth/link/" in explicit.stdout
    assert explicit.stderr == ""


def test_worker_command_warns_when_unset(tmp_path: Path) -> None:
    unset = run_cli(tmp_path, "worker", "--drain", public_url=None)
    explicit = run_cli(tmp_path, "worker", "--drain", public_url="https://journeys.example.com")

    assert unset.returncode == 0, unset.stderr
    assert "JOURNEYS_PUBLIC_URL is not set, so the callback URLs" in unset.stderr
    assert explicit.returncode == 0, explicit.stderr
    assert "JOURNEYS_PUBLIC_URL" not in explicit.stderr
