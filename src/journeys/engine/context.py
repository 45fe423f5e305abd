"""The inputs of a node handler: the recipient, its node, the journey and the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from journeys.domain.document import JourneyDocument
from journeys.domain.settings import RunSettings
from journeys.engine.state import EventType, NewEvent, RecipientState


@dataclass
class NodeContext:
    """One handler call's inputs, and the events it adds."""

    state: RecipientState
    node: Any
    document: JourneyDocument
    settings: RunSettings
    now: datetime
    events: list[NewEvent] = field(default_factory=list)

    def emit(self, type_: EventType, detail: str | None = None) -> None:
        """Record an event on the current node at the current time."""
        self.events.append(
            NewEvent(
                recipient_id=self.state.id,
                run_id=self.state.run_id,
                at=self.now,
                node_id=self.node.id,
                type=type_,
                detail=detail,
            )
        )

    def scope(self):  # type: ignore[no-untyped-def]
        """Return the values that conditions and templates read for this recipient."""
        from journeys.engine.scope import recipient_scope

        return recipient_scope(self.state, self.settings, self.now)
