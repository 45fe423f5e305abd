"""Journey commands: validate, create and update (publish a new version)."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Engine

from journeys.domain.document import JourneyDocument
from journeys.domain.jsonvalues import MAX_DEPTH
from journeys.domain.validation import validate_journey
from journeys.errors import (
    ConflictError,
    InvalidInputError,
    JourneyInvalidError,
    Problem,
    VersionConflictError,
)
from journeys.services.registry import known_names
from journeys.storage import journeys as journey_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

logger = logging.getLogger(__name__)


def read_document(path: Path) -> dict[str, Any]:
    """Read a journey document from a JSON or YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInputError(f"journey file {path} not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read journey file {path}: {exc}") from exc
    try:
        document = _parse_document(path, text)
    except RecursionError:
        # Both parsers recurse once per level, up to Python's recursion limit.
        raise InvalidInputError(
            f"journey file {path} is nested too deeply to read; a journey document nests "
            f"at most {MAX_DEPTH} levels"
        ) from None
    if not isinstance(document, dict):
        raise InvalidInputError(f"journey file {path} must hold an object with name, fields and nodes")
    return document


def _parse_document(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                f"journey file {path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from exc
        except ValueError as exc:
            # Python refuses to convert integer literals longer than this limit.
            raise InvalidInputError(
                f"journey file {path} has a number of more than {sys.get_int_max_str_digits():,} digits; shorten it"
            ) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"journey file {path} is not valid YAML: {exc}") from exc


def validate(engine: Engine, document: dict[str, Any]) -> JourneyDocument:
    """Validate a document against the registry; raise JourneyInvalidError listing every problem."""
    with engine.connect() as conn:
        numbers, agents = known_names(conn)
    return validate_journey(document, numbers=numbers, agents=agents)


def create_journey(engine: Engine, document: dict[str, Any], *, now: datetime) -> int:
    """Validate and store a new journey; return its id."""
    parsed = validate(engine, document)
    with engine.begin() as conn:
        journey_id = journey_queries.insert_journey(
            conn, name=parsed.name, document=_stored(parsed), now=now
        )
    logger.info("Created journey %d.", journey_id, extra={"action": "journey_created", "journey_id": journey_id})
    return journey_id


def update_journey(
    engine: Engine, journey_id: int, document: dict[str, Any], *, now: datetime, base_version: int | None = None
) -> int:
    """Publish a new version; live runs follow it. Return the version number.

    A save that removes a node where recipients of a live run wait is
    rejected, because those recipients would have nowhere to go. With
    `base_version`, the version the editor loaded, a save is rejected with
    VersionConflictError when another save has made a newer version current.
    """
    parsed = validate(engine, document)
    with engine.begin() as conn:
        current = journey_queries.lock_journey(conn, journey_id)["current_version"]
        if base_version is not None and base_version != current:
            raise VersionConflictError(
                f"journey {journey_id} changed since you loaded version {base_version}: version "
                f"{current} is current; reload it, reapply your changes and save again"
            )
        old = JourneyDocument.model_validate(journey_queries.get_document(conn, journey_id))
        live = [run["id"] for run in _live_runs(conn, journey_id)]
        _check_removed_nodes(conn, journey_id, live, _removed_nodes(old, set(parsed.node_map())))
        _check_new_required_fields(conn, journey_id, live, old, parsed)
        version = journey_queries.insert_version(conn, journey_id, name=parsed.name, document=_stored(parsed), now=now)
    logger.info("Published version %d of journey %d.", version, journey_id, extra={"action": "journey_updated", "journey_id": journey_id})
    return version


@dataclass(frozen=True)
class SaveImpact:
    """The effect that publishing a document would have, found without saving it.

    `runs` are the live runs that would follow the new version. `blocked` lists,
    per run and removed node, the recipients waiting there; any entry means the
    save is rejected. `problems` are the document's validation problems.
    """

    runs: list[dict[str, Any]]
    blocked: list[dict[str, Any]]
    problems: list[Problem]


def save_impact(engine: Engine, journey_id: int, document: dict[str, Any]) -> SaveImpact:
    """Report what `update_journey` would do with `document`, without saving it.

    An invalid document still gets its live runs and blocked nodes, read from
    the node ids it has, so that every reason not to save is shown at once.
    """
    problems: list[Problem] = []
    try:
        new_ids = set(validate(engine, document).node_map())
    except JourneyInvalidError as exc:
        problems = exc.problems
        new_ids = _raw_node_ids(document)

    with engine.connect() as conn:
        old = JourneyDocument.model_validate(journey_queries.get_document(conn, journey_id))
        live = _live_runs(conn, journey_id)
        waiting = recipient_queries.waiting_at_nodes(conn, [run["id"] for run in live], _removed_nodes(old, new_ids))

    names = {run["id"]: run["name"] for run in live}
    runs = [{"id": run["id"], "name": run["name"], "status": run["status"]} for run in live]
    blocked = [{**row, "run_name": names[row["run_id"]]} for row in waiting]
    return SaveImpact(runs=runs, blocked=blocked, problems=problems)


def _raw_node_ids(document: dict[str, Any]) -> set[str]:
    nodes = document.get("nodes") if isinstance(document, dict) else None
    if not isinstance(nodes, list):
        return set()
    return {node["id"] for node in nodes if isinstance(node, dict) and isinstance(node.get("id"), str)}


def _live_runs(conn: Connection, journey_id: int) -> list[dict[str, Any]]:
    return [run for run in run_queries.list_runs(conn, journey_id) if run["status"] in run_queries.LIVE_STATUSES]


def _removed_nodes(old: JourneyDocument, new_ids: set[str]) -> list[str]:
    return sorted(set(old.node_map()) - new_ids)


def _check_removed_nodes(conn, journey_id: int, live: list[int], removed: list[str]) -> None:  # type: ignore[no-untyped-def]
    waiting: dict[str, int] = {}
    for row in recipient_queries.waiting_at_nodes(conn, live, removed):
        waiting[row["node_id"]] = waiting.get(row["node_id"], 0) + row["recipients"]
    if waiting:
        details = ", ".join(
            f"node '{node}' has {total} recipient{'' if total == 1 else 's'}" for node, total in sorted(waiting.items())
        )
        raise ConflictError(
            f"cannot save journey {journey_id}: it removes nodes where recipients of live runs wait "
            f"({details}); keep those nodes until the runs finish, or cancel the runs"
        )


def _check_new_required_fields(conn, journey_id: int, live: list[int], old: JourneyDocument, new: JourneyDocument) -> None:  # type: ignore[no-untyped-def]
    """Reject new required fields without a default while live runs have recipients.

    Those recipients were imported without the field, so every one of them
    would fail with a missing value when a template reads it.
    """
    added = [
        field.name for field in new.fields
        if field.required and field.default is None and field.name not in old.field_map()
    ]
    if not added or not any(recipient_queries.count(conn, run_id) for run_id in live):
        return
    names = ", ".join(repr(name) for name in added)
    raise ConflictError(
        f"cannot save journey {journey_id}: it adds the required field(s) {names}, which the recipients "
        "of its live runs do not have; give the field a default, make it optional, or wait until "
        "the runs finish"
    )


def _stored(document: JourneyDocument) -> dict[str, Any]:
    return document.model_dump(mode="json", by_alias=True, exclude_none=True)


def delete_journey(engine: Engine, journey_id: int, *, force: bool = False) -> None:
    """Delete a journey with all its versions and runs, unless a run of it is live.

    Draft runs are deleted with it. Finished runs (completed, cancelled or
    failed) hold the history of real calls, so deleting them with their
    recipients, events and results needs `force`; the caller decides who may
    pass it. A scheduled, running or paused run must be cancelled first, even
    with `force`, so that no worker is moving recipients of a journey that is gone.
    """
    with engine.begin() as conn:
        journey_queries.get_journey(conn, journey_id)
        runs = run_queries.list_runs(conn, journey_id)
        live = [run for run in runs if run["status"] in run_queries.LIVE_STATUSES]
        if live:
            listed = ", ".join(f"run {run['id']} ({run['status']})" for run in live)
            raise ConflictError(
                f"cannot delete journey {journey_id}: it has live runs ({listed}); "
                "cancel them, or wait until they finish, then delete the journey"
            )
        finished = [run for run in runs if run["status"] != "draft"]
        if finished and not force:
            raise ConflictError(
                f"cannot delete journey {journey_id}: it has finished runs ({_listed_runs(finished)}), "
                "and deleting the journey would delete their recipients, events and call records; "
                "export them first if you need them, then an admin can delete the journey with force=true"
            )
        journey_queries.delete_journey(conn, journey_id)

    if finished:
        logger.warning(
            "Deleted journey %d with %d finished runs, their recipients and events.", journey_id, len(finished),
            extra={"action": "journey_deleted", "journey_id": journey_id},
        )
    else:
        logger.info("Deleted journey %d.", journey_id, extra={"action": "journey_deleted", "journey_id": journey_id})


def _listed_runs(runs: list[dict[str, Any]], shown: int = 10) -> str:
    listed = ", ".join(f"run {run['id']} ({run['status']})" for run in runs[:shown])
    return listed if len(runs) <= shown else f"{listed} and {len(runs) - shown} more"
