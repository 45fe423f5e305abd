"""Sign-in tokens redacted from uvicorn's access log records."""

from __future__ import annotations

import logging

import pytest

from journeys.api.access_log import ACCESS_LOGGER, SignInTokenFilter, install_access_log_filter, redact_sign_in_tokens

TOKEN = "Zm9vYmFyYmF6cXV4LXNpZ24taW4tdG9rZW4"


def access_record(path: str) -> logging.LogRecord:
    """Build a record as uvicorn's access logger does: the path is one of the arguments."""
    return logging.LogRecord(
        ACCESS_LOGGER, logging.INFO, __file__, 1,
        '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:50000", "GET", path, "1.1", 303), None,
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/auth/link/{TOKEN}", "/auth/link/[redacted]"),
        (f"/auth/link/{TOKEN}?next=/runs", "/auth/link/[redacted]?next=/runs"),
        ("/api/runs/3", "/api/runs/3"),
    ],
)
def test_filter_redacts_token_argument(path: str, expected: str) -> None:
    record = access_record(path)

    kept = SignInTokenFilter().filter(record)

    assert kept is True
    assert TOKEN not in record.getMessage()
    assert f'"GET {expected} HTTP/1.1" 303' in record.getMessage()


def test_filter_redacts_message_text() -> None:
    record = logging.LogRecord(ACCESS_LOGGER, logging.INFO, __file__, 1, f"GET /auth/link/{TOKEN}", None, None)

    SignInTokenFilter().filter(record)

    assert record.getMessage() == "GET /auth/link/[redacted]"


def test_redact_leaves_other_text() -> None:
    assert redact_sign_in_tokens("GET /auth/linked/abc") == "GET /auth/linked/abc"
    assert redact_sign_in_tokens("/auth/link/") == "/auth/link/"


def test_installed_filter_applies_to_logger(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    before = list(logger.filters)
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    try:
        install_access_log_filter()
        install_access_log_filter()
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", f"/auth/link/{TOKEN}", "1.1", 303)
        installed = [existing for existing in logger.filters if isinstance(existing, SignInTokenFilter)]
    finally:
        logger.filters[:] = before

    assert len(installed) == 1
    assert TOKEN not in caplog.text
    assert "/auth/link/[redacted]" in caplog.text
