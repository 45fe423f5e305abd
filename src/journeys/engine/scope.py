"""The recipient's values for conditions and templates, and its time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from journeys.domain.scope import Scope
from journeys.domain.settings import RunSettings
from journeys.engine.state import RecipientState


def recipient_zone(state: RecipientState, settings: RunSettings) -> str:
    """Return the one zone used for the recipient's local dates and times.

    The timezone field wins. A number that maps to a single zone comes next;
    one that maps to several falls back to the run's default time zone.
    """
    explicit = state.data.get("timezone")
    if explicit:
        return str(explicit)
    if len(state.timezones) == 1:
        return state.timezones[0]
    return settings.default_timezone


def recipient_scope(state: RecipientState, settings: RunSettings, now: datetime) -> Scope:
    """Return the Scope that conditions and templates read for this recipient."""
    data = dict(state.data)
    data.setdefault("phone_number", state.phone_number)
    return Scope(
        data=data,
        nodes=state.outputs,
        recipient=state.attributes(),
        now=now,
        zone=ZoneInfo(recipient_zone(state, settings)),
    )
