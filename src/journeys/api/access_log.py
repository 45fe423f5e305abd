"""Redaction of sign-in tokens from the HTTP server's access log.

A sign-in link carries its one-time token in the path, `/auth/link/<token>`,
and uvicorn's access log writes every request path. Until the token is used,
anyone who reads the log could sign in with it, so the filter below replaces
the token before any handler formats the line.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "[redacted]"
SIGN_IN_TOKEN = re.compile(r"(/auth/link/)[^/?#\s\"]+")


def redact_sign_in_tokens(text: str) -> str:
    """Return `text` with the token of every `/auth/link/<token>` path replaced by `[redacted]`."""
    return SIGN_IN_TOKEN.sub(rf"\g<1>{REDACTED}", text)


class SignInTokenFilter(logging.Filter):
    """A logging filter that redacts sign-in tokens from a record's message and arguments.

    uvicorn passes the request path as one of the record's `args`, so both the
    format string and each string argument are rewritten. No record is dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_sign_in_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(value) for value in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        return True


def install_access_log_filter() -> None:
    """Add SignInTokenFilter to uvicorn's access logger, once however often this is called."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, SignInTokenFilter) for existing in logger.filters):
        logger.addFilter(SignInTokenFilter())


def _redacted(value: object) -> object:
    return redact_sign_in_tokens(value) if isinstance(value, str) else value
