"""Opaque cursors for keyset pagination: the last id of a page, encoded.

Clients pass the cursor back unchanged. Keeping its form private lets the
order or the key change later without breaking them.
"""

from __future__ import annotations

import base64
import binascii
import json

from fastapi.exceptions import RequestValidationError


def encode_cursor(after_id: int) -> str:
    """Return the cursor of the page that follows the row with id `after_id`."""
    raw = json.dumps({"after": after_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, *, parameter: str = "cursor") -> int:
    """Return the id a cursor starts after; raise RequestValidationError for a cursor this API did not make."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        after = value["after"]
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ValueError(after)
        return after
    except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError) as exc:
        raise RequestValidationError([{
            "loc": ("query", parameter),
            "msg": "invalid cursor: pass the next_cursor of the previous page unchanged, or leave it out for the first page",
            "type": "value_error",
        }]) from exc
