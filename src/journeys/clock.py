"""The engine's source of time: the system clock, or a virtual clock for simulations and tests.

Every clock returns aware UTC datetimes. The engine reads the time from its clock and
sleeps on it, so that `journeys simulate` can run days of a journey in seconds.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A source of the current time that the engine can also sleep on."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let `seconds` pass on this clock."""
        ...


class SystemClock:
    """The real clock: wall time in UTC, and `time.sleep`."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        _check_seconds(seconds)
        time.sleep(seconds)


class VirtualClock:
    """A clock that moves only when advanced, for simulations and tests.

    `sleep` advances virtual time at once instead of blocking. Time never goes
    backwards: any attempt raises ValueError. The clock is safe to share between
    threads.
    """

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start, "VirtualClock start")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta` and return the new time."""
        if delta < timedelta(0):
            raise ValueError(f"a virtual clock cannot go backwards: advance({delta!r})")

        with self._lock:
            self._now += delta
            return self._now

    def advance_to(self, when: datetime) -> datetime:
        """Move the clock forward to `when` and return it. Raises ValueError if `when` is earlier."""
        target = _as_utc(when, "advance_to")
        with self._lock:
            if target < self._now:
                raise ValueError(
                    f"a virtual clock cannot go backwards: it is {self._now.isoformat()}, "
                    f"advance_to({target.isoformat()}) is earlier"
                )
            self._now = target
            return self._now

    def sleep(self, seconds: float) -> None:
        _check_seconds(seconds)
        self.advance(timedelta(seconds=seconds))


def _as_utc(value: datetime, where: str) -> datetime:
    # A naive datetime names no instant, and guessing its zone would shift every timer.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{where} needs an aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _check_seconds(seconds: float) -> None:
    if seconds < 0:
        raise ValueError(f"sleep needs a non-negative number of seconds, got {seconds}")
