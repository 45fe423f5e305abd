"""The steps a node handler returns: where the recipient goes next, or what it waits for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from journeys.engine.state import NewAction


@dataclass(frozen=True)
class GoTo:
    """Leave the node for `target`; no target finishes the recipient."""

    target: str | None
    outputs: dict[str, Any] | None = None


@dataclass(frozen=True)
class Queue:
    """Queue a call or SMS and wait for its result."""

    action: NewAction


@dataclass(frozen=True)
class Park:
    """Stay on the node until `until`, then enter it again or resume it."""

    until: datetime
    reason: str
    wake: Literal["enter", "resume"] = "resume"


@dataclass(frozen=True)
class Finish:
    """Complete the recipient with an end node's result label."""

    result: str | None


@dataclass(frozen=True)
class Fail:
    """Fail the recipient with a reason an operator can act on."""

    reason: str


Step = GoTo | Queue | Park | Finish | Fail
