"""Shared parameter types of the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

# The largest value of a 64-bit signed integer column, on SQLite and PostgreSQL.
MAX_ID = 2**63 - 1

# A row id in a path: larger values would overflow the database's integer
# type and fail inside the driver, so they get 422 here instead.
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
