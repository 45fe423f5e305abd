"""Queries of the Twilio provider: the actions it reconciles and the callbacks it logged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from journeys.storage.schema import actions, callbacks

PROVIDER = "twilio"


def get_action(conn: Connection, action_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(actions).where(actions.c.id == action_id)).mappings().first()
    return dict(row) if row else None


def refs_of_other_actions(conn: Connection, action_id: int, refs: Sequence[str]) -> set[str]:
    """Return those of `refs` that a Twilio action other than `action_id` already holds."""
    if not refs:
        return set()
    query = select(actions.c.provider_ref).where(
        actions.c.provider == PROVIDER,
        actions.c.provider_ref.in_(list(refs)),
        actions.c.id != action_id,
    )
    return set(conn.execute(query).scalars())


def logged_forms(conn: Connection, action_id: int, callback: str) -> list[dict[str, Any]]:
    """Return the forms of one kind of Twilio callback logged for an action, oldest first.

    `callback` is the kind the webhook route stored with each form: `call`,
    `amd` or `sms`.
    """
    query = (
        select(callbacks.c.payload)
        .where(callbacks.c.provider == PROVIDER, callbacks.c.action_id == action_id)
        .order_by(callbacks.c.id)
    )
    forms = []
    for payload in conn.execute(query).scalars():
        raw = (payload or {}).get("raw") or {}
        if raw.get("callback") == callback:
            forms.append(dict(raw.get("form") or {}))
    return forms
