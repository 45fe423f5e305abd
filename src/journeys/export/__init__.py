"""CSV exports of a run's recipients and events, streamed page by page."""

from journeys.export.csvfile import iter_csv_bytes, iter_csv_text, write_csv
from journeys.export.events import iter_event_rows, write_events_csv
from journeys.export.recipients import iter_recipient_rows, write_recipients_csv

__all__ = [
    "iter_csv_bytes",
    "iter_csv_text",
    "iter_event_rows",
    "iter_recipient_rows",
    "write_csv",
    "write_events_csv",
    "write_recipients_csv",
]
