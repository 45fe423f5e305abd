"""A rate-limited warning for rejected provider callbacks.

Anyone can post a callback with a bad signature, so each rejection is
logged. A flood of them must not flood the log, so the log takes a burst of
lines, then about one per second, each counting the rejections left out before it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import Request


class RejectionLog:
    """A token bucket in front of `logger.warning`."""

    def __init__(
        self, burst: int = 20, per_second: float = 1.0, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._burst = float(burst)
        self._per_second = per_second
        self._monotonic = monotonic
        self._tokens = float(burst)
        self._updated = monotonic()
        self._skipped = 0
        self._lock = threading.Lock()

    def warn(self, logger: logging.Logger, message: str, *args: Any, extra: dict[str, Any]) -> None:
        """Log `message % args` unless the bucket is empty; the line ends with the count left out."""
        with self._lock:
            now = self._monotonic()
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._per_second)
            self._updated = now
            if self._tokens < 1:
                self._skipped += 1
                return
            self._tokens -= 1
            skipped, self._skipped = self._skipped, 0
        logger.warning(f"{message} ({{}} earlier rejections not logged).".replace("{}", "%d"), *args, skipped, extra=extra)


def rejection_log(request: Request) -> RejectionLog:
    """Return the app's rejection log, created on first use, so that each app counts its own."""
    log = getattr(request.app.state, "rejections", None)
    if log is None:
        log = request.app.state.rejections = RejectionLog()
    return log
