"""Recipients added one at a time over the API, to runs whose journey starts on trigger 'api'.

Each recipient is checked exactly as a CSV row is: the importer's row
converter reads its values as the cells of a one-row file whose columns are
the field names. An optional client key makes the addition idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from journeys.domain.document import BUILTIN_FIELDS, JourneyDocument
from journeys.domain.option_names import API_OPTION_NAMES
from journeys.domain.values import ConversionOptions
from journeys.errors import ConflictError, InvalidInputError
from journeys.importer.mapping import EXTENSION_COLUMN, PHONE_FIELD, ColumnMapping
from journeys.importer.records import Record
from journeys.importer.report import RowError
from journeys.importer.rows import Candidate, RowConverter
from journeys.storage import journeys as journey_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

logger = logging.getLogger(__name__)

# Runs that take new recipients: pending ones start with the run, active ones at once.
PENDING_RUN_STATUSES = ("draft", "scheduled")
ACTIVE_RUN_STATUSES = ("running", "paused")


@dataclass(frozen=True)
class NewRecipient:
    """One recipient as an API client sends it; values are text, numbers, booleans or None."""

    phone_number: str
    data: Mapping[str, Any]
    phone_extension: str | None = None
    timezone: str | None = None
    client_key: str | None = None
    default_region: str | None = None


class RecipientInvalidError(InvalidInputError):
    """A recipient whose values fail the checks of a CSV row; `errors` lists each one."""

    code = "recipient_invalid"

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        listed = "; ".join(f"{error.column or 'recipient'}: {error.message}" for error in errors)
        super().__init__(f"the recipient is invalid: {listed}")


def add_recipient(engine: Engine, run_id: int, new: NewRecipient, *, now: datetime) -> tuple[dict[str, Any], bool]:
    """Add a recipient to a run; return its row and whether it was created.

    A client key already used in the run returns the recipient it added, with
    False, whatever the other values are. Raises NotFoundError for an unknown
    run, ConflictError for a run that does not take API recipients or a phone
    number already in the run, and RecipientInvalidError for bad values.
    """
    if new.client_key is not None:
        with engine.connect() as conn:
            found = recipient_queries.find_by_client_key(conn, run_id, new.client_key)
        if found is not None:
            return found, False

    try:
        with engine.begin() as conn:
            return _insert(conn, run_id, new, now)
    except IntegrityError as exc:
        # The run's row lock serialises additions, so only a writer that skips
        # it can get here first. Its recipient is returned for the same key.
        found = None
        if new.client_key is not None:
            with engine.connect() as conn:
                found = recipient_queries.find_by_client_key(conn, run_id, new.client_key)
        if found is None:
            raise ConflictError(
                f"{new.phone_number} was added to run {run_id} at the same time by another request; "
                "list the run's recipients to find it"
            ) from exc
        return found, False


def _insert(conn: Connection, run_id: int, new: NewRecipient, now: datetime) -> tuple[dict[str, Any], bool]:
    # The row lock orders this insert with a concurrent start, import, cancel or
    # addition to the run, so a request that waited sees what the others added.
    run = run_queries.get_run(conn, run_id, for_update=True)
    if new.client_key is not None:
        found = recipient_queries.find_by_client_key(conn, run_id, new.client_key)
        if found is not None:
            return found, False
    document = JourneyDocument.model_validate(journey_queries.get_document(conn, run["journey_id"]))
    start = _check_run(run, document)

    candidate = convert(document, new)
    existing = recipient_queries.find_by_phone(conn, run_id, candidate.phone_number)
    if existing is not None:
        raise ConflictError(
            f"{candidate.phone_number} is already recipient {existing['id']} of run {run_id}; "
            "a run calls each number once, so send a client_key to retry an addition safely"
        )

    active = run["status"] in ACTIVE_RUN_STATUSES
    recipient_id = recipient_queries.insert_one(conn, {
        "run_id": run_id,
        "line": None,
        "phone_number": candidate.phone_number,
        "phone_extension": candidate.phone_extension,
        "data": candidate.data,
        "timezones": candidate.timezones,
        "search_text": candidate.search_text,
        "status": "active" if active else "pending",
        "current_node": start if active else None,
        "phase": "enter",
        "next_at": now if active else None,
        "started_at": now if active else None,
        "steps": 0,
        "outputs": {},
        "calls_placed": 0,
        "calls_answered": 0,
        "sms_sent": 0,
        "talk_time_seconds": 0,
        "updated_at": now,
        "client_key": new.client_key,
    })
    logger.info(
        "Added recipient %d to run %d over the API.", recipient_id, run_id,
        extra={"action": "recipient_added", "run_id": run_id, "recipient_id": recipient_id},
    )
    return recipient_queries.get_one(conn, recipient_id), True


def _check_run(run: dict[str, Any], document: JourneyDocument) -> str:
    """Return the start node's id if the run takes API recipients, else raise ConflictError."""
    start = document.start_node()
    if start.trigger != "api":
        raise ConflictError(
            f"run {run['id']} does not take recipients one by one: its journey's start node "
            f"'{start.id}' has trigger '{start.trigger}'. Import a CSV into a draft run instead, "
            "or set the start node's trigger to 'api'."
        )
    if run["status"] not in PENDING_RUN_STATUSES + ACTIVE_RUN_STATUSES:
        raise ConflictError(
            f"run {run['id']} is {run['status']}, so it takes no new recipients; "
            "create a new run of the journey for them"
        )
    return start.id


def convert(document: JourneyDocument, new: NewRecipient) -> Candidate:
    """Check and convert a recipient's values as the importer checks a CSV row."""
    fields = [field for field in document.fields if field.name not in BUILTIN_FIELDS]
    known = {field.name for field in fields}
    unknown = sorted(set(new.data) - known)
    if unknown:
        raise RecipientInvalidError([
            RowError(1, name, None, "unknown field", f"the journey has no field {name!r}; its fields are {', '.join(sorted(known)) or 'none'}.")
            for name in unknown
        ])

    names = [PHONE_FIELD, EXTENSION_COLUMN, "timezone", *(field.name for field in fields)]
    cells = [new.phone_number, new.phone_extension, new.timezone, *(new.data.get(field.name) for field in fields)]
    mapping = ColumnMapping(headers=tuple(names), fields=tuple(names), ignored=(), unmapped=())
    # Every field has a cell, so an empty required value is reported per field.
    # Only the HTTP API adds recipients one by one, so messages name its fields.
    converter = RowConverter(fields, mapping, ConversionOptions(default_region=new.default_region, names=API_OPTION_NAMES))

    result = converter.convert(Record(line=1, cells=[_cell(value) for value in cells]))
    if not isinstance(result, Candidate):
        raise RecipientInvalidError(result)
    return result


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise RecipientInvalidError([
        RowError(1, None, repr(value)[:100], "invalid value", "values must be text, numbers, booleans or null."),
    ])
