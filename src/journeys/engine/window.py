"""The calling-window check shared by the call and SMS handlers and the dispatcher."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from journeys.domain.settings import RunSettings
from journeys.domain.windows import CallingWindow, WindowDecision, next_open_time


@lru_cache(maxsize=64)
def _parse(text: str) -> CallingWindow:
    return CallingWindow.parse(text)


def window_wait(
    settings: RunSettings, zones: list[str], now: datetime
) -> WindowDecision | None:
    """Return when the calling window next opens for these zones; None when the run has none.

    A decision at or before `now` means the window is open. Its note, if any,
    states that the run's default time zone decided, and belongs in the event.
    """
    if settings.calling_window is None:
        return None
    return _decide(settings.calling_window, settings.default_timezone, tuple(zones), now)


# A batch asks the same question for many recipients (one window, a few zones and
# the batch's `now`), and the answer depends on nothing else, so it is cached.
@lru_cache(maxsize=4096)
def _decide(window: str, default_zone: str, zones: tuple[str, ...], now: datetime) -> WindowDecision:
    return next_open_time(_parse(window), zones, now, default_zone=default_zone)


def describe(decision: WindowDecision) -> str:
    """Return the `delayed` event's reason for a wait on the calling window."""
    reason = f"outside the calling window; opens {decision.at.isoformat()}"
    if decision.note:
        reason += f" ({decision.note})"
    return reason
