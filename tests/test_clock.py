"""The system clock and the virtual clock the engine runs on."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from journeys.clock import Clock, SystemClock, VirtualClock

START = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


def test_system_clock_now_is_aware_utc() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)

    assert now.tzinfo is UTC
    assert before <= now <= after


def test_system_clock_sleep_rejects_negative() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        SystemClock().sleep(-1)


def test_system_clock_sleep_zero_returns() -> None:
    SystemClock().sleep(0)


@pytest.mark.parametrize("clock", [SystemClock(), VirtualClock(START)])
def test_clocks_satisfy_protocol(clock: Clock) -> None:
    assert clock.now().utcoffset() == timedelta(0)


def test_virtual_clock_starts_at_start() -> None:
    assert VirtualClock(START).now() == START


def test_virtual_clock_converts_start_to_utc() -> None:
    eastern = timezone(timedelta(hours=-5))
    clock = VirtualClock(datetime(2026, 1, 5, 9, 0, tzinfo=eastern))

    assert clock.now() == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_virtual_clock_rejects_naive_start() -> None:
    with pytest.raises(ValueError, match="aware"):
        VirtualClock(datetime(2026, 1, 5, 9, 0))


def test_virtual_clock_advance_moves_forward() -> None:
    clock = VirtualClock(START)

    returned = clock.advance(timedelta(hours=2))

    assert clock.now() == START + timedelta(hours=2)
    assert returned == clock.now()


def test_virtual_clock_advance_rejects_negative() -> None:
    clock = VirtualClock(START)

    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == START


def test_virtual_clock_advance_to_later_time() -> None:
    clock = VirtualClock(START)
    target = START + timedelta(days=3, minutes=7)

    clock.advance_to(target)

    assert clock.now() == target


def test_virtual_clock_advance_to_same_time_is_allowed() -> None:
    clock = VirtualClock(START)

    clock.advance_to(START)

    assert clock.now() == START


def test_virtual_clock_advance_to_earlier_raises() -> None:
    clock = VirtualClock(START)

    with pytest.raises(ValueError, match="backwards"):
        clock.advance_to(START - timedelta(microseconds=1))
    assert clock.now() == START


def test_virtual_clock_advance_to_rejects_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        VirtualClock(START).advance_to(datetime(2026, 6, 11, 9, 0))


def test_virtual_clock_sleep_advances_without_blocking() -> None:
    clock = VirtualClock(START)
    wall_before = datetime.now(UTC)

    clock.sleep(3 * 86400)

    assert clock.now() == START + timedelta(days=3)
    assert datetime.now(UTC) - wall_before < timedelta(seconds=5)


def test_virtual_clock_sleep_fractional_seconds() -> None:
    clock = VirtualClock(START)

    clock.sleep(0.25)

    assert clock.now() == START + timedelta(milliseconds=250)


def test_virtual_clock_sleep_rejects_negative() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        VirtualClock(START).sleep(-0.5)


def test_virtual_clock_counts_every_thread() -> None:
    clock = VirtualClock(START)

    def sleep_many() -> None:
        for _ in range(200):
            clock.sleep(1)

    threads = [threading.Thread(target=sleep_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert clock.now() == START + timedelta(seconds=1600)
