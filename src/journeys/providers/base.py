"""The provider protocol: what places calls and sends SMS for the engine.

The engine hands a provider one `ActionRequest` at a time, after the action is
committed as `dispatching`. Results come back as `ProviderReport`s, through
`poll_reports` for providers that keep their own records (the simulator) or
through signed callbacks for remote ones. Reports may arrive late, twice or out
of order; the engine ranks them, so a provider never has to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from journeys.errors import JourneysError

ActionKind = Literal["call", "sms"]


@dataclass(frozen=True)
class ActionRequest:
    """One call or SMS for a provider, identified by the action id."""

    action_id: int
    kind: ActionKind
    from_number: str
    to_number: str
    run_id: int
    recipient_id: int
    node_id: str
    # Call: agent, variables, ring_timeout_seconds, max_duration_seconds,
    # voicemail, voicemail_message, attempt, extension. SMS: message,
    # segments, encoding.
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Placed:
    """A provider's acknowledgement: the call or SMS is on its way."""

    provider_ref: str


@dataclass(frozen=True)
class ProviderReport:
    """A status or result of one action, as a provider reported it."""

    action_id: int
    status: str
    provider_ref: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)


class ProviderError(JourneysError):
    """A provider rejected a request; the action fails with this reason."""

    code = "provider_error"


class Provider(Protocol):
    """The interface the engine uses to place calls and send SMS."""

    name: str

    def place_call(self, request: ActionRequest, now: datetime) -> Placed:
        """Start a call; raise ProviderError if the provider rejects it."""
        ...

    def send_sms(self, request: ActionRequest, now: datetime) -> Placed:
        """Send an SMS; raise ProviderError if the provider rejects it."""
        ...

    def lookup(self, action_id: int) -> Placed | None:
        """Return the provider's record of an action whose dispatch was interrupted.

        None means the provider has no record of it, so it was never placed.
        """
        ...

    def fetch_result(self, action_id: int, provider_ref: str | None) -> ProviderReport | None:
        """Ask the provider for the result of an action whose callback never came.

        None means the provider cannot tell; the engine then fails the action.
        """
        ...

    def hang_up(self, action_id: int, now: datetime) -> bool:
        """End a call in progress, where the provider allows it; return whether it did."""
        ...

    def poll_reports(self, now: datetime, limit: int) -> list[ProviderReport]:
        """Return reports that are due and not yet returned; remote providers return []."""
        ...

    def acknowledge(self, reports: list[ProviderReport]) -> None:
        """Mark polled reports as applied, so that they are not returned again.

        The engine calls this only after the reports are committed, so a crash
        in between returns them once more, and applying them is idempotent.
        """
        ...

    def next_report_at(self, after: datetime) -> datetime | None:
        """Return when the next report after `after` falls due, for virtual time; None if unknown."""
        ...
