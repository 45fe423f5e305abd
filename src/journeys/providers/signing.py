"""HMAC-SHA256 signatures of webhook requests, in both directions.

The signed message is `f"{timestamp}.{body}"`: the Unix time in seconds, a
dot, then the raw request body bytes. Two headers carry the result:

    X-Journeys-Timestamp: 1767225600
    X-Journeys-Signature: v1=<64 lowercase hex digits>

The timestamp is signed with the body, so a captured request cannot be
replayed outside the window (±`window` seconds around the receiver's clock).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime

from journeys.errors import ForbiddenError

TIMESTAMP_HEADER = "X-Journeys-Timestamp"
SIGNATURE_HEADER = "X-Journeys-Signature"
SIGNATURE_VERSION = "v1"

# The length a signing secret must have: an agent's webhook secret and
# JOURNEYS_WEBHOOK_SMS_SECRET alike.
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 200
SECRET_HINT = "make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"

_SIGNATURE = re.compile(r"^v1=([0-9a-f]{64})$")
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")


class InvalidSignatureError(ForbiddenError):
    """A webhook request whose signature is missing, malformed, wrong or expired."""

    code = "invalid_signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of `f"{timestamp}.{body}"` under `secret`."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, now: datetime) -> dict[str, str]:
    """Return the timestamp and signature headers for a request body sent at `now`."""
    timestamp = int(now.timestamp())
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"{SIGNATURE_VERSION}={signature(secret, timestamp, body)}",
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: datetime, window: int) -> None:
    """Check a request's signature headers against its raw body; raise InvalidSignatureError if they fail.

    `headers` may be any mapping; names are matched without regard to case.
    The timestamp must be within `window` seconds of `now`, before or after.
    """
    timestamp_text = _header(headers, TIMESTAMP_HEADER)
    signature_text = _header(headers, SIGNATURE_HEADER)
    if timestamp_text is None or signature_text is None:
        missing = TIMESTAMP_HEADER if timestamp_text is None else SIGNATURE_HEADER
        raise InvalidSignatureError(f"missing {missing} header; sign the request as the webhook protocol describes")

    if not _TIMESTAMP.match(timestamp_text.strip()):
        raise InvalidSignatureError(
            f"malformed {TIMESTAMP_HEADER} header {timestamp_text[:40]!r}: send the Unix time in whole seconds"
        )
    match = _SIGNATURE.match(signature_text.strip())
    if match is None:
        raise InvalidSignatureError(
            f"malformed {SIGNATURE_HEADER} header: send 'v1=' followed by the 64 lowercase hex digits "
            "of the HMAC-SHA256"
        )

    timestamp = int(timestamp_text.strip())
    skew = abs(now.timestamp() - timestamp)
    if skew > window:
        raise InvalidSignatureError(
            f"expired signature: {TIMESTAMP_HEADER} {timestamp} is {skew:.0f} seconds from the server's clock, "
            f"and at most {window} are allowed; sign each request when you send it"
        )

    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(expected, match.group(1)):
        raise InvalidSignatureError(
            "wrong signature: it does not match the body and timestamp under the shared secret; "
            "sign the exact body bytes you send"
        )


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None
