"""The runs a worker serves, with their parsed settings and journey versions.

Documents are parsed once per journey version and settings once per run, so a
tick over thousands of recipients does no JSON parsing per recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from journeys.domain.document import JourneyDocument
from journeys.domain.settings import RunSettings
from journeys.engine.stepper import CompiledJourney
from journeys.storage import journeys as journey_queries


@dataclass(frozen=True)
class RunView:
    """A run as the engine uses it: its row, its settings and its current journey."""

    id: int
    status: str
    journey_id: int
    settings: RunSettings
    journey: CompiledJourney


class Catalog:
    """Caches parsed journey versions and run settings for one worker."""

    def __init__(self) -> None:
        self._journeys: dict[tuple[int, int], CompiledJourney] = {}
        self._settings: dict[int, RunSettings] = {}

    def view(self, conn: Connection, run: dict[str, Any]) -> RunView:
        """Return the engine's view of a run row, following the journey's latest version."""
        journey_row = journey_queries.get_journey(conn, run["journey_id"])
        key = (run["journey_id"], journey_row["current_version"])
        if key not in self._journeys:
            document = journey_queries.get_document(conn, *key)
            self._journeys[key] = CompiledJourney.of(JourneyDocument.model_validate(document))
        if run["id"] not in self._settings:
            self._settings[run["id"]] = RunSettings.model_validate(run["settings"])
        return RunView(
            id=run["id"],
            status=run["status"],
            journey_id=run["journey_id"],
            settings=self._settings[run["id"]],
            journey=self._journeys[key],
        )
