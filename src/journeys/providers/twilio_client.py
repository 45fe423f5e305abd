"""Build the Twilio SDK client: a request timeout, quiet logs and, for tests, another API base.

The SDK's own HTTP client logs every request URL at INFO level, and the URL
contains the account SID. This client logs method and path at DEBUG level
with the SID masked, and never the Authorization header.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from journeys.providers.twilio_settings import TwilioCredentials

logger = logging.getLogger(__name__)

# Seconds to wait for Twilio's REST API before a request counts as failed.
REQUEST_TIMEOUT_SECONDS = 15.0
_ACCOUNT_IN_PATH = re.compile(r"/Accounts/AC[0-9A-Za-z]+")


class JourneysHttpClient(TwilioHttpClient):
    """The SDK's HTTP client with masked logs, sending to `api_base` instead of *.twilio.com if set."""

    def __init__(self, api_base: str | None = None) -> None:
        super().__init__(timeout=REQUEST_TIMEOUT_SECONDS, logger=logger)
        self._api_base = urlsplit(api_base) if api_base else None

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        return super().request(method, self._rebase(url), *args, **kwargs)

    def _rebase(self, url: str) -> str:
        # Only Twilio's own hosts move, so a URL the SDK builds for anything
        # else still goes where it points.
        parts = urlsplit(url)
        host = parts.hostname or ""
        if self._api_base is None or not (host == "twilio.com" or host.endswith(".twilio.com")):
            return url
        base_path = self._api_base.path.rstrip("/")
        return urlunsplit(
            (self._api_base.scheme, self._api_base.netloc, base_path + parts.path, parts.query, parts.fragment)
        )

    def log_request(self, kwargs):  # type: ignore[no-untyped-def]
        path = _ACCOUNT_IN_PATH.sub("/Accounts/AC…", urlsplit(kwargs["url"]).path)
        logger.debug("Twilio API request: %s %s", kwargs["method"], path)

    def log_response(self, status_code, response):  # type: ignore[no-untyped-def]
        logger.debug("Twilio API response: HTTP %s", status_code)


def build_client(credentials: TwilioCredentials, api_base: str | None = None) -> Client:
    """Return an SDK client that authenticates with these credentials."""
    return Client(
        credentials.account_sid,
        credentials.auth_token,
        http_client=JourneysHttpClient(api_base),
    )
