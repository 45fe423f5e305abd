"""Multipart uploads spooled to a temporary file, within the configured size limit.

Starlette's form parser writes a file part to a SpooledTemporaryFile that
moves to disk past 1 MiB, so an upload is never held in memory whole. The
limit is checked twice: against Content-Length before anything is read, and
against the bytes actually received, for clients that send no length or lie.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import FormData
from starlette.types import Message, Receive

from journeys.errors import PayloadTooLargeError

# Enough for every field of an import form, mapping entries included.
MAX_FORM_FIELDS = 200


@asynccontextmanager
async def spooled_form(request: Request, max_bytes: int) -> AsyncIterator[FormData]:
    """Yield the request's multipart form; its files are closed when the block ends.

    Raises PayloadTooLargeError when the body is larger than `max_bytes`, and
    RequestValidationError when the body is not multipart/form-data.
    """
    _check_content_type(request)
    _check_declared_length(request, max_bytes)
    limited = Request(request.scope, _counted(request.receive, max_bytes))
    form = await limited.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    try:
        yield form
    finally:
        await form.close()


def _check_content_type(request: Request) -> None:
    content_type = request.headers.get("Content-Type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise RequestValidationError([{
            "loc": ("body",),
            "msg": f"the body is {content_type or 'untyped'}; send multipart/form-data with the CSV as the 'file' part",
            "type": "value_error",
        }])


def _check_declared_length(request: Request, max_bytes: int) -> None:
    declared = request.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)


def _counted(receive: Receive, max_bytes: int) -> Receive:
    received = 0

    async def counted_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise _too_large(max_bytes)
        return message

    return counted_receive


def _too_large(max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"the upload is larger than the limit of {max_bytes:,} bytes; split the file into "
        "smaller ones and import each, or raise JOURNEYS_MAX_UPLOAD_BYTES"
    )
