"""Log set-up for the command line and workers: one line per event, with its ids."""

from __future__ import annotations

import logging

# Keys that log calls pass in `extra`, printed after the message in this order.
CONTEXT_KEYS = ("action", "worker", "run_id", "recipient_id", "node_id", "action_id", "journey_id")


class ContextFormatter(logging.Formatter):
    """Formats a record as one line and appends the ids it carries, as key=value pairs."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{key}={getattr(record, key)}" for key in CONTEXT_KEYS if getattr(record, key, None) is not None
        )
        return f"{line} [{context}]" if context else line


def configure(level: int = logging.WARNING) -> None:
    """Send Journeys' logs to standard error, one line per record."""
    handler = logging.StreamHandler()
    handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("journeys").setLevel(level)
