"""Checks every request's query parameters and JSON body for values that cannot be stored, before any route runs.

Three kinds of value get 422 with code `invalid_request` and the field's path,
whatever the route. They are a NUL character in a query parameter or a JSON
string or key, a NaN or Infinity in a JSON body, and JSON nested too deeply.
Checked here, once, they cannot reach a query (where PostgreSQL would fail on
NUL), a JSON column (where SQLite would keep invalid JSON) or the parser's
recursion limit. See `journeys.domain.jsonvalues` for the rules.

Every request body except a multipart upload is also capped before it is
read whole: `JOURNEYS_MAX_JSON_BYTES` for the API, and `MAX_CALLBACK_BYTES`
for provider callbacks under /webhooks/, which anyone may send unsigned. A
larger body gets 413 with code `payload_too_large`, from its Content-Length
when it declares one, else as soon as the bytes received pass the limit.
The import route checks its multipart upload against its own limit.

Path parameters are left to the routes: a name with NUL in it names nothing,
so the registry routes answer 404 for it. The signed webhook routes under
/webhooks/ verify their signature over the raw body before they read it, so
their bodies are left to them too.
"""

from __future__ import annotations

import email.message
import json
import logging
import sys
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from journeys.api.errors import error_body, invalid_request
from journeys.domain.jsonvalues import JsonValueError, parse_json
from journeys.domain.text import NUL, control_character_problem

logger = logging.getLogger(__name__)

SIGNED_BODY_PREFIX = "/webhooks/"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Provider callbacks are small status reports; 256 KiB leaves room for long transcripts.
MAX_CALLBACK_BYTES = 256 * 1024
DEFAULT_MAX_JSON_BYTES = 5 * 1024 * 1024


class InputCheckMiddleware:
    """ASGI middleware that responds 422 to a request whose query or JSON body cannot be stored."""

    def __init__(self, app: ASGIApp, max_json_bytes: int = DEFAULT_MAX_JSON_BYTES) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        details = _query_problems(scope)
        if details:
            await invalid_request(details)(scope, receive, send)
            return
        limit = _body_limit(scope, self.max_json_bytes)
        if limit is None:
            await self.app(scope, receive, send)
            return

        body, replay = (None, receive) if _declares_more(scope, limit) else await _read_body(receive, limit)
        if body is None:
            logger.info(
                "Rejected a request body over %d bytes on %s %s.", limit, scope["method"], scope["path"],
                extra={"action": "payload_too_large"},
            )
            await _too_large(scope, limit)(scope, receive, send)
            return
        details = _body_problems(body) if _has_json_body(scope) else []
        if details:
            await invalid_request(details)(scope, replay, send)
            return
        await self.app(scope, replay, send)


def _query_problems(scope: Scope) -> list[dict[str, Any]]:
    query = scope.get("query_string", b"").decode("latin-1")
    details = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        # The name is shown in the message, so a NUL in it is written out.
        shown = name.replace(NUL, "\\u0000")
        if NUL in name:
            details.append(_detail(("query", shown), f"the parameter name {control_character_problem(NUL, name.index(NUL))}"))
        elif NUL in value:
            details.append(_detail(("query", shown), control_character_problem(NUL, value.index(NUL))))
    return details


def _has_json_body(scope: Scope) -> bool:
    """Return whether FastAPI would read the request's body as JSON: a JSON content type, or none at all."""
    if scope["method"] not in _BODY_METHODS or scope["path"].startswith(SIGNED_BODY_PREFIX):
        return False
    content_type = next((value for key, value in scope["headers"] if key == b"content-type"), None)
    if content_type is None:
        return True
    parsed = email.message.Message()
    parsed["content-type"] = content_type.decode("latin-1")
    subtype = parsed.get_content_subtype()
    return parsed.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def _body_limit(scope: Scope, max_json_bytes: int) -> int | None:
    """Return the most bytes the request's body may have, or None when a route checks it."""
    if scope["method"] not in _BODY_METHODS:
        return None
    if scope["path"].startswith(SIGNED_BODY_PREFIX):
        return MAX_CALLBACK_BYTES
    content_type = _header(scope, b"content-type") or b""
    if content_type.split(b";")[0].strip().lower() == b"multipart/form-data":
        return None
    return max_json_bytes


def _declares_more(scope: Scope, limit: int) -> bool:
    declared = (_header(scope, b"content-length") or b"").decode("latin-1").strip()
    return declared.isdigit() and int(declared) > limit


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope["headers"] if key == name), None)


def _too_large(scope: Scope, limit: int) -> JSONResponse:
    if scope["path"].startswith(SIGNED_BODY_PREFIX):
        message = f"the callback body is larger than the limit of {limit:,} bytes"
    else:
        message = (
            f"the request body is larger than the limit of {limit:,} bytes; send less, "
            "or raise JOURNEYS_MAX_JSON_BYTES"
        )
    return JSONResponse(error_body("payload_too_large", message), status_code=413)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """Read the whole body; return it and a `receive` that gives it to the app again.

    The body is None when it grows past `limit` bytes, and reading stops there.
    """
    chunks = []
    received = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            # The client disconnected; the app receives the same disconnect message.
            return b"", _replay(message, receive)
        chunk = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, _replay({"type": "http.request", "body": body, "more_body": False}, receive)


def _replay(first: Message, receive: Receive) -> Receive:
    pending = [first]

    async def replay() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replay


def _body_problems(body: bytes) -> list[dict[str, Any]]:
    if not body:
        return []
    try:
        parse_json(body)
    except JsonValueError as exc:
        return [_detail(("body", *exc.path), exc.problem)]
    except json.JSONDecodeError:
        # Text that is not JSON at all gets FastAPI's own 422 response, with its position.
        return []
    except UnicodeDecodeError as exc:
        return [_detail(("body",), f"the body is not UTF-8 text ({exc.reason} at byte {exc.start}); send JSON in UTF-8")]
    except ValueError:
        # Python refuses to convert integer literals longer than sys.get_int_max_str_digits().
        return [_detail(("body",), f"a number has more than {sys.get_int_max_str_digits():,} digits; send a shorter number")]
    return []


def _detail(loc: tuple[str | int, ...], message: str) -> dict[str, Any]:
    return {"loc": loc, "msg": message}
