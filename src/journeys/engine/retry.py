"""Exponential backoff over a streak of failed ticks, logged once per streak."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)


@dataclass
class FailureStreak:
    """Consecutive failures of a worker's tick, and the wait before the next try.

    The wait doubles from `initial_seconds` up to `max_seconds`. Only the first
    failure of a streak is logged, as a warning with its error, and the recovery
    as information, so that a database that stays down for an hour writes two
    lines, not thousands. A failure of another error type logs again.
    """

    worker_id: str
    initial_seconds: float = 0.5
    max_seconds: float = 30.0
    failures: int = 0
    _started: float = field(default=0.0, repr=False)
    _error_type: type[BaseException] | None = field(default=None, repr=False)

    def failed(self, error: BaseException) -> float:
        """Record a failure, log it when it starts a streak; return the seconds to wait."""
        if self.failures == 0 or type(error) is not self._error_type:
            self._log_start(error)
        if self.failures == 0:
            self._started = time.monotonic()
        self._error_type = type(error)
        self.failures += 1
        return min(self.initial_seconds * 2 ** (self.failures - 1), self.max_seconds)

    def succeeded(self) -> bool:
        """Record a successful tick; return whether it ended a streak of failures."""
        if self.failures == 0:
            return False
        logger.info(
            "Worker %s recovered after %d failed %s over %.1f s.",
            self.worker_id, self.failures, "attempt" if self.failures == 1 else "attempts",
            time.monotonic() - self._started,
            extra={"action": "worker_recovered", "worker": self.worker_id},
        )
        self.failures = 0
        self._error_type = None
        return True

    def _log_start(self, error: BaseException) -> None:
        extra = {"action": "tick_failed", "worker": self.worker_id}
        if isinstance(error, DBAPIError):
            # A lost connection or a deadlock: the message names it, and a
            # traceback would only show where the tick happened to be.
            reason = str(error.orig or error).strip().splitlines()[0]
            logger.warning(
                "Worker %s failed on the database: %s: %s. Retrying with backoff up to %.0f s.",
                self.worker_id, type(error.orig or error).__name__, reason, self.max_seconds, extra=extra,
            )
            return
        logger.error(
            "A tick of worker %s failed; retrying with backoff up to %.0f s.",
            self.worker_id, self.max_seconds, exc_info=error, extra=extra,
        )
