"""JOURNEYS_WEBHOOK_SMS_SECRET takes 16 to 200 characters, as an agent's webhook secret does."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import Cli, load_scenario
from journeys.config import load_settings
from journeys.errors import InvalidInputError
from test_cli_errors import assert_one_line_error, cli  # noqa: F401 - a fixture

SHORT = "short-secret"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("JOURNEYS_CONFIG", "JOURNEYS_WEBHOOK_SMS_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("secret", "length"), [(SHORT, 12), ("s" * 201, 201)], ids=["short", "long"])
def test_secret_length_rejected(secret: str, length: int) -> None:
    with pytest.raises(InvalidInputError) as raised:
        load_settings(webhook_sms_secret=secret)

    message = str(raised.value)
    assert "JOURNEYS_WEBHOOK_SMS_SECRET" in message
    assert f"the secret has {length} characters; use 16 to 200" in message
    assert secret not in message


def test_secret_from_environment_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYS_WEBHOOK_SMS_SECRET", SHORT)

    with pytest.raises(InvalidInputError, match="JOURNEYS_WEBHOOK_SMS_SECRET"):
        load_settings()


@pytest.mark.parametrize("length", [16, 200])
def test_secret_length_accepted(length: int) -> None:
    settings = load_settings(webhook_sms_secret="s" * length)

    assert settings.webhook_sms_secret is not None
    assert settings.webhook_sms_secret.get_secret_value() == "s" * length


def test_empty_secret_means_unset() -> None:
    assert load_settings(webhook_sms_secret="").webhook_sms_secret is None


def test_webhook_run_with_short_secret_not_started(cli: Cli) -> None:
    cli.register()
    journey_id = cli.create_journey(load_scenario("call_then_text"))
    run_id = cli.create_run(journey_id, "--provider", "webhook")
    cli.env.update({"JOURNEYS_WEBHOOK_SMS_URL": "https://sms.example.com/send", "JOURNEYS_WEBHOOK_SMS_SECRET": SHORT})

    result = cli.run("run", "start", run_id, expect_exit=None)

    assert_one_line_error(result, "JOURNEYS_WEBHOOK_SMS_SECRET", "12 characters")
    assert SHORT not in result.stderr
    assert cli.show_run(run_id)["status"] == "draft"
