"""Log lines carry the ids of what they are about."""

from __future__ import annotations

import logging

from journeys.logs import ContextFormatter


def make_record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("journeys.engine", logging.INFO, __file__, 1, "Run %d completed.", (3,), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_formatter_appends_ids_in_order() -> None:
    line = ContextFormatter("%(message)s").format(make_record(recipient_id=7, run_id=3, action="run_completed"))

    assert line == "Run 3 completed. [action=run_completed run_id=3 recipient_id=7]"


def test_formatter_leaves_plain_records_alone() -> None:
    assert ContextFormatter("%(message)s").format(make_record()) == "Run 3 completed."


def test_formatter_can_drop_tracebacks() -> None:
    try:
        raise ValueError("bad value")
    except ValueError:
        import sys

        record = make_record(run_id=3)
        record.exc_info = sys.exc_info()

    line = ContextFormatter("%(message)s", tracebacks=False).format(record)

    assert line == "Run 3 completed. ValueError: bad value [run_id=3]"


def test_json_formatter_writes_one_object_with_ids() -> None:
    import json

    from journeys.logs import JsonFormatter

    line = JsonFormatter().format(make_record(run_id=3, recipient_id=7, action_id=11, action="run_completed"))
    entry = json.loads(line)

    assert "\n" not in line
    assert entry["message"] == "Run 3 completed."
    assert entry["level"] == "INFO"
    assert entry["logger"] == "journeys.engine"
    assert entry["run_id"] == 3
    assert entry["recipient_id"] == 7
    assert entry["action_id"] == 11
    assert "node_id" not in entry


def test_json_formatter_keeps_traceback_in_one_line() -> None:
    import json
    import sys

    from journeys.logs import JsonFormatter

    try:
        raise ValueError("bad value")
    except ValueError:
        record = make_record()
        record.exc_info = sys.exc_info()

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert "ValueError: bad value" in json.loads(line)["exception"]
