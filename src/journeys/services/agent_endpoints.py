"""Checks on where a voice agent is reached: a media stream, a SIP URI or a signed webhook.

Twilio connects a call to `stream_url` (a WebSocket media stream) or `sip_uri`;
the webhook provider POSTs call requests to `webhook_url`, signed with
`webhook_secret`. Only the webhook URL is called by this server itself, so only
it goes through the outbound URL allowlist.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from journeys.domain.text import check_text
from journeys.errors import InvalidInputError
from journeys.providers.endpoints import check_outbound_url
from journeys.providers.signing import MAX_SECRET_LENGTH, MIN_SECRET_LENGTH, SECRET_HINT

ENDPOINT_FIELDS = ("stream_url", "sip_uri", "webhook_url", "webhook_secret")
MAX_URL_LENGTH = 2000
SIP_URI = re.compile(r"^sip:[^\s@]+(@[^\s@]+)?$", re.IGNORECASE)


def check_endpoints(
    name: str, changes: Mapping[str, str | None], current: Mapping[str, str | None], *, allowed_hosts: Sequence[str]
) -> dict[str, str | None]:
    """Return the agent's endpoint columns after `changes`, raising InvalidInputError on a bad value.

    `current` contains the stored columns (empty for a new agent). An empty string
    clears a field. Only changed fields are checked one by one, so that an
    agent saved under an older allowlist can still have its description edited.
    Clearing the webhook URL clears its secret too.
    """
    result = {field: current.get(field) for field in ENDPOINT_FIELDS}
    for field, value in changes.items():
        if field not in ENDPOINT_FIELDS:
            raise ValueError(f"{field!r} is not an agent endpoint field")
        if value:
            check_text(value, f"agent {name!r} {field.replace('_', ' ')}")
        result[field] = value or None

    if "stream_url" in changes and result["stream_url"]:
        check_stream_url(name, result["stream_url"])
    if "sip_uri" in changes and result["sip_uri"]:
        check_sip_uri(name, result["sip_uri"])
    if "webhook_url" in changes and result["webhook_url"]:
        _check_length(name, "webhook URL", result["webhook_url"])
        check_outbound_url(result["webhook_url"], allowed_hosts, what=f"agent {name!r} webhook URL")
    if "webhook_secret" in changes and result["webhook_secret"]:
        check_webhook_secret(name, result["webhook_secret"])

    if "webhook_url" in changes and not result["webhook_url"] and "webhook_secret" not in changes:
        result["webhook_secret"] = None
    _check_webhook_pair(name, result)
    return result


def check_stream_url(name: str, url: str) -> None:
    """Raise InvalidInputError unless `url` is wss://, or ws:// to a loopback host (for local test servers)."""
    _check_length(name, "stream URL", url)
    parts = urlsplit(url)
    if parts.scheme == "wss" and parts.hostname:
        return
    if parts.scheme == "ws" and parts.hostname and _is_loopback(parts.hostname):
        return
    raise InvalidInputError(
        f"invalid agent {name!r} stream URL {url!r}: use a wss:// URL with a host name, "
        "such as wss://agent.example.com/media (ws:// is accepted only for 127.0.0.1 or localhost)"
    )


def check_sip_uri(name: str, uri: str) -> None:
    """Raise InvalidInputError unless `uri` is a `sip:` URI such as sip:agent@sip.example.com."""
    _check_length(name, "SIP URI", uri)
    if not SIP_URI.match(uri):
        raise InvalidInputError(
            f"invalid agent {name!r} SIP URI {uri!r}: write it as sip:user@host, such as sip:agent@sip.example.com"
        )


def check_webhook_secret(name: str, secret: str) -> None:
    """Raise InvalidInputError unless the secret has MIN_SECRET_LENGTH to MAX_SECRET_LENGTH characters.

    The error gives the length, never the secret.
    """
    if not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
        raise InvalidInputError(
            f"invalid agent {name!r} webhook secret: it has {len(secret)} characters; use "
            f"{MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH}, and {SECRET_HINT}"
        )


def _check_webhook_pair(name: str, result: Mapping[str, str | None]) -> None:
    if result["webhook_url"] and not result["webhook_secret"]:
        raise InvalidInputError(
            f"missing webhook secret for agent {name!r}: a webhook URL needs a secret of at least "
            f"{MIN_SECRET_LENGTH} characters to sign its requests; {SECRET_HINT}"
        )
    if result["webhook_secret"] and not result["webhook_url"]:
        raise InvalidInputError(
            f"agent {name!r} has a webhook secret but no webhook URL; set the URL too, or leave the secret out"
        )


def _check_length(name: str, what: str, value: str) -> None:
    if len(value) > MAX_URL_LENGTH:
        raise InvalidInputError(
            f"invalid agent {name!r} {what}: it has {len(value)} characters, more than the maximum {MAX_URL_LENGTH}"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
