"""A limit on failed password sign-ins, to slow down guessing.

Failures are counted in a sliding window per (email, client address), so that
one client cannot try many passwords for one account, and per client address,
so that one client cannot try one password on many accounts. Counts live in
the memory of one server process.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from datetime import datetime, timedelta

# NOTE: each `journeys serve` process keeps its own counts, so N processes let a
# client make N times as many attempts. Behind a reverse proxy every client has
# the proxy's address, so the per-address limit applies to all of them together.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 50
WINDOW = timedelta(minutes=15)
# Bounds memory when many addresses fail once each.
MAX_TRACKED_KEYS = 10_000


class AttemptLimiter:
    """Failed sign-in times per (email, address) and per address, within WINDOW."""

    def __init__(
        self,
        *,
        per_account: int = MAX_FAILURES_PER_ACCOUNT,
        per_address: int = MAX_FAILURES_PER_ADDRESS,
        window: timedelta = WINDOW,
    ) -> None:
        self._limits = {"account": per_account, "address": per_address}
        self._window = window
        self._failures: dict[tuple[str, ...], deque[datetime]] = {}
        self._lock = threading.Lock()

    def retry_after(self, email: str, address: str, now: datetime) -> int | None:
        """Return the seconds to wait before this email and address may try again, or None if they may now."""
        waits = []
        with self._lock:
            for kind, key in self._keys(email, address):
                times = self._recent(key, now)
                if len(times) >= self._limits[kind]:
                    # The oldest failure that still counts must leave the window first.
                    oldest = times[len(times) - self._limits[kind]]
                    waits.append((oldest + self._window - now).total_seconds())
        return max(1, math.ceil(max(waits))) if waits else None

    def record_failure(self, email: str, address: str, now: datetime) -> None:
        """Count one failed sign-in for this email and address."""
        with self._lock:
            if len(self._failures) >= MAX_TRACKED_KEYS:
                self._forget_expired(now)
            for _, key in self._keys(email, address):
                self._recent(key, now).append(now)

    def clear(self, email: str, address: str) -> None:
        """Forget the failures of this email from this address, after it signs in."""
        with self._lock:
            self._failures.pop(("account", email.strip().lower(), address), None)

    def _keys(self, email: str, address: str) -> list[tuple[str, tuple[str, ...]]]:
        return [("account", ("account", email.strip().lower(), address)), ("address", ("address", address))]

    def _recent(self, key: tuple[str, ...], now: datetime) -> deque[datetime]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self._window:
            times.popleft()
        return times

    def _forget_expired(self, now: datetime) -> None:
        for key in list(self._failures):
            if not self._recent(key, now):
                del self._failures[key]
        if len(self._failures) >= MAX_TRACKED_KEYS:
            # Every tracked key is still within its window; dropping all of them
            # briefly loosens the limit rather than letting memory grow.
            self._failures.clear()
