"""Check the server settings that the Twilio provider needs, without loading the Twilio SDK.

`journeys run start` checks them before a Twilio run starts, and the provider
checks them again when it is built, because a worker may read other settings
than the process that started the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from journeys.config import Settings
from journeys.errors import InvalidInputError

_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


class TwilioNotConfiguredError(InvalidInputError):
    """A Twilio run or provider on a server whose Twilio settings are missing or unusable."""

    code = "twilio_not_configured"


@dataclass(frozen=True)
class TwilioCredentials:
    """The account SID and auth token; the token stays out of the repr."""

    account_sid: str
    auth_token: str

    def __repr__(self) -> str:
        return f"TwilioCredentials(account_sid={self.account_sid!r}, auth_token='**********')"


def twilio_credentials(config: Settings) -> TwilioCredentials:
    """Return the Twilio credentials; raise TwilioNotConfiguredError naming what is missing."""
    token = config.twilio_auth_token.get_secret_value() if config.twilio_auth_token else ""
    missing = [
        name
        for name, value in (
            ("JOURNEYS_TWILIO_ACCOUNT_SID", config.twilio_account_sid),
            ("JOURNEYS_TWILIO_AUTH_TOKEN", token),
        )
        if not value
    ]
    if missing:
        raise TwilioNotConfiguredError(
            f"the twilio provider needs {' and '.join(missing)}; set them in the environment "
            "(or twilio_account_sid and twilio_auth_token in journeys.toml) from the Twilio console"
        )

    sid = str(config.twilio_account_sid)
    if not sid.startswith("AC"):
        raise TwilioNotConfiguredError(
            f"invalid JOURNEYS_TWILIO_ACCOUNT_SID {sid!r}: an account SID starts with 'AC'; "
            "copy it from the Twilio console"
        )
    return TwilioCredentials(account_sid=sid, auth_token=token)


def check_twilio_ready(config: Settings) -> None:
    """Raise TwilioNotConfiguredError unless Twilio can be called and can call this server back."""
    twilio_credentials(config)
    host = (urlsplit(config.public_url).hostname or "").lower()
    if host in _LOOPBACK_HOSTS or host.endswith(".localhost"):
        raise TwilioNotConfiguredError(
            f"JOURNEYS_PUBLIC_URL is {config.public_url}, which Twilio cannot reach, so no call "
            "or SMS status would come back; set it to this server's public https address"
        )
