"""The database and clock that every command uses."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from journeys.clock import SystemClock
from journeys.storage.db import connect

clock = SystemClock()


@lru_cache(maxsize=1)
def database() -> Engine:
    """Open the database named by JOURNEYS_DATABASE_URL, migrating it on first use."""
    return connect()
