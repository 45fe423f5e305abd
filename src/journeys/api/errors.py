"""Every error answer has the same body: a stable `code` and a sentence that says what to do.

`{"code": "...", "message": "...", "errors": [...]}`, where `errors` lists
the bad fields of a request, or a journey's problems, when there are any.
No answer ever carries a traceback: unexpected errors are logged with one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from journeys.errors import (
    ConflictError,
    ForbiddenError,
    JourneyInvalidError,
    JourneysError,
    NotFoundError,
    PayloadTooLargeError,
    UnauthenticatedError,
)

logger = logging.getLogger(__name__)

_STATUS = (
    (UnauthenticatedError, 401),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (PayloadTooLargeError, 413),
)

_HTTP_CODES = {
    404: ("not_found", "no such route; /openapi.json lists the routes"),
    405: ("method_not_allowed", "this route does not take that method; /openapi.json lists what it takes"),
}


_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def error_body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


def status_for(exc: JourneysError) -> int:
    """Return the HTTP status of an error: auth, missing, conflicting, too large, else bad input."""
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 422


async def _journeys_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, JourneysError)
    errors = None
    if isinstance(exc, JourneyInvalidError):
        errors = [
            {"node_id": problem.node_id, "path": problem.path, "message": problem.message}
            for problem in exc.problems
        ]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, UnauthenticatedError) else None
    return JSONResponse(error_body(exc.code, str(exc), errors), status_code=status_for(exc), headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return invalid_request([_readable(error, exc.body) for error in exc.errors()])


def _readable(error: Mapping[str, Any], body: Any) -> Mapping[str, Any]:
    """Rewrite FastAPI's "JSON decode error" with its reason and place in the body."""
    if error.get("type") != "json_invalid" or not isinstance(body, (str, bytes)):
        return error
    loc = error.get("loc", ())
    position = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    reason = (error.get("ctx") or {}).get("error", "invalid JSON")
    if position is None:
        message = f"the request body is not valid JSON: {reason}"
    else:
        text = body if isinstance(body, str) else body.decode("utf-8", "replace")
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        message = f"the request body is not valid JSON: {reason} at line {line} column {column}"
    return {"loc": ("body",), "msg": message}


def invalid_request(details: Sequence[Mapping[str, Any]]) -> JSONResponse:
    """Return the 422 response listing request fields that failed validation; each detail has `loc` and `msg`."""
    errors = [
        {"path": ".".join(str(part) for part in error["loc"]), "message": _without_prefix(error["msg"])}
        for error in details
    ]
    listed = "; ".join(f"{error['path']}: {error['message']}" for error in errors[:5])
    message = f"the request has {len(errors)} invalid field{'s' if len(errors) != 1 else ''} ({listed}); fix them and send it again"
    return JSONResponse(error_body("invalid_request", message, errors), status_code=422)


def _without_prefix(message: str) -> str:
    # Pydantic starts the message of a ValueError raised in a validator with
    # "Value error, " (and of an AssertionError with "Assertion failed, "); the
    # path already says where, so the prefix only gets in the way.
    for prefix in _PYDANTIC_PREFIXES:
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    error_id = uuid.uuid4().hex[:12]
    logger.error(
        "Unexpected error %s on %s %s.", error_id, request.method, request.url.path,
        exc_info=exc, extra={"action": "internal_error", "error_id": error_id},
    )
    message = f"an internal error occurred; the server log has the details under error id {error_id}"
    return JSONResponse(error_body("internal_error", message), status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(JourneysError, _journeys_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
