"""The run lifecycle: which command each run status allows."""

from __future__ import annotations

from typing import Literal

from journeys.errors import IllegalTransitionError

RunStatus = Literal["draft", "scheduled", "running", "paused", "completed", "cancelled", "failed"]
Command = Literal["start", "schedule", "unschedule", "pause", "resume", "cancel", "delete", "import"]

# Command -> (statuses it is allowed from, status it leads to).
TRANSITIONS: dict[Command, tuple[tuple[RunStatus, ...], RunStatus | None]] = {
    "start": (("draft", "scheduled"), "running"),
    "schedule": (("draft",), "scheduled"),
    "unschedule": (("scheduled",), "draft"),
    "pause": (("running",), "paused"),
    "resume": (("paused",), "running"),
    "cancel": (("running", "paused", "scheduled"), "cancelled"),
    "delete": (("draft",), None),
    "import": (("draft",), None),
}


def check_transition(run_id: int, status: str, command: Command) -> RunStatus | None:
    """Return the status `command` leads to, or raise IllegalTransitionError."""
    allowed, target = TRANSITIONS[command]
    if status not in allowed:
        raise IllegalTransitionError(
            f"cannot {command} run {run_id}: it is {status}, and {command} needs a run that is "
            f"{' or '.join(allowed)}; `journeys run show {run_id}` shows its state"
        )
    return target
