"""Server settings, read from the environment and an optional TOML file.

Every setting has an environment variable `JOURNEYS_<NAME>`. A config file,
`journeys.toml` in the working folder or the file named by `JOURNEYS_CONFIG`,
holds the same names in lower case; the environment wins over the file.
Secrets are `SecretStr`, so they never show in a repr, a log line or an API answer.
"""

from __future__ import annotations

import json
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource
from pydantic_settings.exceptions import SettingsError

from journeys.errors import InvalidInputError
from journeys.providers.signing import MAX_SECRET_LENGTH, MIN_SECRET_LENGTH, SECRET_HINT
from journeys.storage.db import DEFAULT_URL

CONFIG_ENV = "JOURNEYS_CONFIG"
DEFAULT_CONFIG_FILE = "journeys.toml"


class Settings(BaseSettings):
    """Everything an operator can set for `journeys serve` and `journeys worker`."""

    model_config = SettingsConfigDict(env_prefix="JOURNEYS_", extra="forbid", frozen=True)

    database_url: str = DEFAULT_URL
    # The address at which providers reach this server's /webhooks routes; Twilio
    # signs callbacks against it, so it must be exactly what Twilio posts to.
    public_url: str = "http://127.0.0.1:8000"

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    # Where the Twilio SDK sends its requests; only tests point it elsewhere.
    twilio_api_base: str | None = None

    # Hosts that agent webhook URLs may name; empty means any host that is not
    # loopback, private, link-local or a cloud metadata address.
    # In the environment, a comma-separated list such as "agents.example.com,*.example.org".
    webhook_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Where runs on the webhook provider send their SMS, and its signing secret.
    webhook_sms_url: str | None = None
    webhook_sms_secret: SecretStr | None = None
    # How long a signed callback stays valid, against replays.
    webhook_replay_window_seconds: int = Field(300, ge=1)
    webhook_timeout_seconds: float = Field(10.0, gt=0)

    max_upload_bytes: int = Field(100 * 1024 * 1024, ge=1)
    # The largest JSON request body; a journey document is far smaller.
    max_json_bytes: int = Field(5 * 1024 * 1024, ge=1)
    # Seconds after a call's maximum duration before its result counts as missing.
    result_margin_seconds: int = Field(300, ge=0)
    session_days: int = Field(14, ge=1)
    log_format: Literal["text", "json"] = "text"

    @field_validator("public_url", "webhook_sms_url", "twilio_api_base")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("webhook_sms_secret")
    @classmethod
    def _check_sms_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty value means "not set", as it does for the Twilio auth token.
        if value is None or not value.get_secret_value():
            return None
        length = len(value.get_secret_value())
        if not MIN_SECRET_LENGTH <= length <= MAX_SECRET_LENGTH:
            raise ValueError(
                f"the secret has {length} characters; use {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH}, "
                f"as for agent webhook secrets, and {SECRET_HINT}"
            )
        return value

    @field_validator("webhook_allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str) and value.lstrip().startswith("["):
            return json.loads(value)
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def config_file() -> Path | None:
    """Return the config file to read: JOURNEYS_CONFIG, else ./journeys.toml if it exists."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise InvalidInputError(f"config file {named!r} (from {CONFIG_ENV}) does not exist; fix the path or unset it")
        return path
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a bad value or an unreadable config file into one clear error."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        # Only the config file is read from disk, so these errors are about it.
        raise InvalidInputError(_config_file_problem(exc)) from exc
    except SettingsError as exc:
        raise InvalidInputError(f"cannot read the settings: {exc}; fix the environment or the config file") from exc
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"])
        raise InvalidInputError(
            f"setting {name!r} (JOURNEYS_{name.upper()}): {error['msg']}; "
            "fix it in the environment or the config file"
        ) from exc


def _config_file_problem(exc: Exception) -> str:
    path = config_file()
    name = f"config file {path}" if path is not None else "the config file"
    if isinstance(exc, tomllib.TOMLDecodeError):
        return f"{name} is not valid TOML: {exc}; fix that line, or set {CONFIG_ENV} to another file"
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"{name} is not UTF-8 text: the byte 0x{exc.object[exc.start]:02X} at offset {exc.start} "
            "cannot be decoded; save the file as UTF-8, as TOML requires"
        )
    return f"cannot read {name}: {exc}; check that the file exists and can be read, or set {CONFIG_ENV} to another file"


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Return the process's settings, read once."""
    return load_settings()
