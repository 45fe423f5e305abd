"""Log set-up for the command line, workers and the server: one line per event, with its ids.

The text format appends the ids as key=value pairs; the JSON format writes
one object per line, for log collectors.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["text", "json"]

# Keys that log calls pass in `extra`, printed after the message in this order.
CONTEXT_KEYS = ("action", "worker", "run_id", "recipient_id", "node_id", "action_id", "journey_id")


class ContextFormatter(logging.Formatter):
    """Formats a record as one line and appends the ids it carries, as key=value pairs.

    Without `tracebacks`, an exception shows as its type and message only, so
    that a command's output stays readable; workers run verbose to keep them.
    """

    def __init__(self, fmt: str, *, tracebacks: bool = True) -> None:
        super().__init__(fmt)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if not self.tracebacks and record.exc_info:
            error = record.exc_info[1]
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
            record.msg = f"{record.getMessage()} {type(error).__name__}: {error}"
            record.args = None
        line = super().format(record)
        context = " ".join(
            f"{key}={getattr(record, key)}" for key in CONTEXT_KEYS if getattr(record, key, None) is not None
        )
        return f"{line} [{context}]" if context else line


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message, the ids it carries, any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # default=str keeps a log call with an odd extra value from failing.
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: int = logging.WARNING, *, log_format: LogFormat = "text") -> None:
    """Send Journeys' logs to standard error, one line per record, as text or JSON."""
    handler = logging.StreamHandler()
    formatter: logging.Formatter
    if log_format == "json":
        formatter = JsonFormatter()
    else:
        formatter = ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", tracebacks=level <= logging.INFO)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("journeys").setLevel(level)
