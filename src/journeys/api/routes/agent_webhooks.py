"""Signed callbacks from voice-agent platforms: call results and SMS delivery statuses.

A platform posts to the `callback_url` it was given with each request. The
signature is checked against the raw body before the body is read, with the
agent's secret for calls and the SMS webhook secret for SMS. Each callback is
logged before it is applied, and applying it is idempotent, so a platform may
retry until it gets a 2xx response.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection

from journeys.api import deps
from journeys.api.metrics import CALLBACK_LATENCY
from journeys.api.params import RowId
from journeys.api.rejections import RejectionLog, rejection_log
from journeys.config import Settings
from journeys.domain.jsonvalues import JsonValueError, parse_json
from journeys.engine import callbacks
from journeys.errors import NotFoundError
from journeys.providers.base import ProviderReport
from journeys.providers.signing import InvalidSignatureError, verify
from journeys.providers.webhook_reports import report_for_action
from journeys.storage import webhooks as queries

logger = logging.getLogger(__name__)

router = APIRouter(tags=["webhooks"])

ActionKind = Literal["call", "sms"]

_BATCHER_LOCK = threading.Lock()


class UnknownActionError(NotFoundError):
    """A callback for an action that this server did not send to a webhook platform."""

    code = "unknown_action"


class CallbackAnswer(BaseModel):
    """Whether the callback changed its action: false for a duplicate or a status older than the one recorded."""

    applied: bool


@router.post("/webhooks/agent/calls/{action_id}", response_model=CallbackAnswer)
async def call_callback(action_id: RowId, request: Request) -> CallbackAnswer:
    """Receive a call's status or result from the agent's platform."""
    return await _receive(request, action_id, "call")


@router.post("/webhooks/agent/sms/{action_id}", response_model=CallbackAnswer)
async def sms_callback(action_id: RowId, request: Request) -> CallbackAnswer:
    """Receive an SMS's delivery status from the SMS webhook."""
    return await _receive(request, action_id, "sms")


async def _receive(request: Request, action_id: int, kind: ActionKind) -> CallbackAnswer:
    started = time.perf_counter()
    try:
        # The signature covers the exact bytes, so the body is read raw, before any parsing.
        body = await request.body()
        read_report = _report_reader(
            deps.config(request), action_id, kind, dict(request.headers), body, deps.now(request), rejection_log(request),
        )
        future = _batcher(request).submit("webhook", action_id, read_report, now=deps.now(request))
        return CallbackAnswer(applied=await asyncio.wrap_future(future))
    finally:
        # Rejected callbacks count too, since they take the server's time as well.
        CALLBACK_LATENCY.labels(provider="webhook").observe(time.perf_counter() - started)


def _batcher(request: Request) -> callbacks.CallbackBatcher:
    """Return the app's callback batcher, made at its first callback."""
    state = request.app.state
    batcher = getattr(state, "agent_callback_batcher", None)
    if batcher is None:
        with _BATCHER_LOCK:
            batcher = getattr(state, "agent_callback_batcher", None)
            if batcher is None:
                batcher = callbacks.CallbackBatcher(deps.engine(request), deps.catalog(request), _BatchReads)
                state.agent_callback_batcher = batcher
    return batcher


class _BatchReads:
    """The actions of a batch of callbacks, read in one query, and their agents' secrets, read once each."""

    def __init__(self, conn: Connection, action_ids: list[int]) -> None:
        self.conn = conn
        self._action_ids = action_ids
        self._actions: dict[int, dict[str, Any]] | None = None
        self._secrets: dict[str, str | None] = {}

    def action(self, action_id: int) -> dict[str, Any] | None:
        if self._actions is None:
            self._actions = queries.find_actions(self.conn, self._action_ids)
        return self._actions.get(action_id)

    def agent_secret(self, name: str) -> str | None:
        if name not in self._secrets:
            endpoint = queries.agent_endpoints(self.conn, [name]).get(name) or {}
            self._secrets[name] = endpoint.get("webhook_secret") or None
        return self._secrets[name]


def _report_reader(
    config: Settings, action_id: int, kind: ActionKind, headers: dict[str, str], body: bytes, now: datetime,
    rejections: RejectionLog,
) -> Callable[[_BatchReads], ProviderReport]:
    """Return the step that looks the action up, checks the signature and parses the body, in the batch's transaction."""

    def read_report(reads: _BatchReads) -> ProviderReport:
        action, secret = _action_and_secret(reads, action_id, kind, config)
        _verify(action, secret, action_id, kind, headers, body, now, config, rejections)
        try:
            return report_for_action(action, _parse(body))
        except ValidationError as exc:
            errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
            raise RequestValidationError(errors) from exc

    return read_report


def _verify(
    action: dict[str, Any], secret: str | None, action_id: int, kind: ActionKind, headers: dict[str, str],
    body: bytes, now: datetime, config: Settings, rejections: RejectionLog,
) -> None:
    ids = {"run_id": action["run_id"], "recipient_id": action["recipient_id"], "action_id": action_id}
    try:
        if secret is None:
            raise InvalidSignatureError(_no_secret_message(action, kind))
        verify(secret, headers, body, now, config.webhook_replay_window_seconds)
    except InvalidSignatureError as exc:
        rejections.warn(
            logger, "Rejected a %s callback for action %d: %s", kind, action_id, exc,
            extra={"action": "callback_rejected", **ids},
        )
        raise


def _action_and_secret(
    reads: _BatchReads, action_id: int, kind: ActionKind, config: Settings
) -> tuple[dict[str, Any], str | None]:
    action = reads.action(action_id)
    if action is None or action["provider"] != "webhook" or action["kind"] != kind:
        raise UnknownActionError(_unknown_message(action_id, kind, action))
    if kind == "sms":
        secret = config.webhook_sms_secret.get_secret_value() if config.webhook_sms_secret else None
        return action, secret
    agent = (action["request"] or {}).get("agent")
    return action, reads.agent_secret(agent) if agent else None


def _parse(body: bytes) -> Any:
    """Return the JSON body as a dict; raise RequestValidationError (a 422 response) if it does not fit.

    A value the database cannot store (NUL, NaN, Infinity, deep nesting) gets
    422 too, so that the platform stops retrying a callback that could never apply.
    """
    try:
        parsed = parse_json(body)
    except JsonValueError as exc:
        raise RequestValidationError(
            [{"loc": ("body", *exc.path), "msg": exc.problem, "type": "value_error"}]
        ) from exc
    except ValueError as exc:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"the body is not valid JSON ({exc})", "type": "json_invalid"}]
        ) from exc
    if not isinstance(parsed, dict):
        raise RequestValidationError([{"loc": ("body",), "msg": "the body must be a JSON object", "type": "dict_type"}])
    return parsed


def _unknown_message(action_id: int, kind: ActionKind, action: dict[str, Any] | None) -> str:
    if action is None:
        return f"action {action_id} not found; post to the callback_url that came with the request"
    if action["provider"] != "webhook":
        return f"action {action_id} was sent through the {action['provider']} provider, not the webhook provider"
    other = "calls" if action["kind"] == "call" else "sms"
    return f"action {action_id} is a {action['kind']}, not a {kind}; post it to /webhooks/agent/{other}/{action_id}"


def _no_secret_message(action: dict[str, Any], kind: ActionKind) -> str:
    if kind == "sms":
        return "no SMS webhook secret is set (JOURNEYS_WEBHOOK_SMS_SECRET), so no SMS callback can be verified"
    agent = (action["request"] or {}).get("agent")
    return f"agent {agent!r} has no webhook secret, so its callbacks cannot be verified; set one on the agent"
