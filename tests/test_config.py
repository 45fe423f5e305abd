"""Server settings from the environment and a TOML config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeys.config import load_settings
from journeys.errors import InvalidInputError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("JOURNEYS_CONFIG", "JOURNEYS_PUBLIC_URL", "JOURNEYS_WEBHOOK_ALLOWED_HOSTS", "JOURNEYS_TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_without_file_or_environment() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite:///journeys.db"
    assert settings.max_upload_bytes == 100 * 1024 * 1024
    assert settings.webhook_allowed_hosts == []


def test_allowed_hosts_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYS_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1, *.example.com")

    assert load_settings().webhook_allowed_hosts == ["127.0.0.1", "*.example.com"]


def test_allowed_hosts_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYS_WEBHOOK_ALLOWED_HOSTS", '["agents.example.com"]')

    assert load_settings().webhook_allowed_hosts == ["agents.example.com"]


def test_default_config_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "journeys.toml").write_text('public_url = "https://journeys.example.com/"\n', encoding="utf-8")

    assert load_settings().public_url == "https://journeys.example.com"


def test_environment_wins_over_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "journeys.toml").write_text('public_url = "https://file.example.com"\n', encoding="utf-8")
    monkeypatch.setenv("JOURNEYS_PUBLIC_URL", "https://env.example.com")

    assert load_settings().public_url == "https://env.example.com"


def test_missing_named_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYS_CONFIG", "/nonexistent/journeys.toml")

    with pytest.raises(InvalidInputError, match="/nonexistent/journeys.toml"):
        load_settings()


def test_bad_value_names_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYS_PUBLIC_URL", "ftp://example.com")

    with pytest.raises(InvalidInputError, match="JOURNEYS_PUBLIC_URL") as raised:
        load_settings()

    assert "ftp://example.com" in str(raised.value)


def test_unknown_file_key_rejected(tmp_path: Path) -> None:
    (tmp_path / "journeys.toml").write_text('pubic_url = "https://x.example.com"\n', encoding="utf-8")

    with pytest.raises(InvalidInputError, match="pubic_url"):
        load_settings()


def test_secret_hidden_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYS_TWILIO_AUTH_TOKEN", "super-secret-token-value")

    settings = load_settings()

    assert "super-secret-token-value" not in repr(settings)
    assert settings.twilio_auth_token is not None
    assert settings.twilio_auth_token.get_secret_value() == "super-secret-token-value"


def test_readme_lists_every_setting() -> None:
    from journeys.config import Settings

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration"):]
    # The Twilio API base exists only so that tests can point the SDK at a fake.
    documented = set(Settings.model_fields) - {"twilio_api_base"}

    missing = [name for name in sorted(documented) if f"JOURNEYS_{name.upper()}" not in table]

    assert missing == []
