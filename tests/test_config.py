"""Server settings from the environment and a TOML config file."""

from __future__ import annotations

import os
import subprocess
import sys
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


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"public_url = \n", "is not valid TOML: Invalid value (at line 1, column 14)"),
        (b'public_url = "https://x.example.com"\npublic_url = "https://y.example.com"\n', "is not valid TOML"),
        (b"[unclosed\n", "is not valid TOML"),
    ],
)
def test_malformed_toml_names_file(tmp_path: Path, content: bytes, expected: str) -> None:
    (tmp_path / "journeys.toml").write_bytes(content)

    with pytest.raises(InvalidInputError) as raised:
        load_settings()

    assert "config file journeys.toml" in str(raised.value)
    assert expected in str(raised.value)


def test_non_utf8_config_file_names_byte(tmp_path: Path) -> None:
    (tmp_path / "journeys.toml").write_bytes('public_url = "https://café.example.com"\n'.encode("cp1252"))

    with pytest.raises(InvalidInputError) as raised:
        load_settings()

    assert "config file journeys.toml is not UTF-8 text" in str(raised.value)
    assert "0xE9" in str(raised.value)
    assert "save the file as UTF-8" in str(raised.value)


def test_malformed_named_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    named = tmp_path / "elsewhere.toml"
    named.write_bytes(b"log_format = json\n")
    monkeypatch.setenv("JOURNEYS_CONFIG", str(named))

    with pytest.raises(InvalidInputError) as raised:
        load_settings()

    assert f"config file {named} is not valid TOML" in str(raised.value)
    assert "JOURNEYS_CONFIG" in str(raised.value)


def test_cli_reports_malformed_config_file(tmp_path: Path) -> None:
    (tmp_path / "journeys.toml").write_bytes(b"public_url = \n")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JOURNEYS_")}
    environment["JOURNEYS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"

    completed = subprocess.run(
        [sys.executable, "-m", "journeys.cli.main", "user", "link", "ana@example.com"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60, check=False,
    )

    assert completed.returncode == 1, completed.stderr
    assert completed.stderr.startswith("Error: config file journeys.toml is not valid TOML")
    assert "Internal error" not in completed.stderr
