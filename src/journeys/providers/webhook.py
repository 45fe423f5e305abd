"""The webhook provider: a voice-agent platform that takes signed JSON requests and reports back.

Each call goes to the agent's `webhook_url` as a `call.start` request, and
each SMS to the server's `webhook_sms_url` as `sms.send`. Requests are signed
with HMAC-SHA256 (`journeys.providers.signing`) and carry an idempotency key
that is fixed per action, `journeys-action-<action id>`. The protocol requires
a platform to return the call or message it started for a key it has seen,
so sending a request again never starts a second one. Results come
back as signed callbacks to the URL in the request; docs/webhook-protocol.md
has the whole protocol.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError
from sqlalchemy import Engine

from journeys.clock import Clock, SystemClock
from journeys.config import Settings
from journeys.domain.jsonvalues import JsonValueError, parse_json
from journeys.engine.ranking import is_final
from journeys.errors import InvalidInputError
from journeys.providers.base import ActionRequest, Placed, ProviderError, ProviderReport
from journeys.providers.endpoints import check_outbound_url, check_resolved
from journeys.providers.signing import sign
from journeys.providers.webhook_reports import report_for_action
from journeys.storage import webhooks as queries

logger = logging.getLogger(__name__)

# How many characters of an error response's body a failure reason quotes.
EXCERPT_CHARS = 200
MAX_REF_CHARS = 100


@dataclass(frozen=True)
class Target:
    """A request's destination: its URL, its signing secret and the setting that errors name."""

    url: str
    secret: str
    setting: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def describe(self) -> str:
        # The host only: a URL's path or query may hold a token.
        return f"{self.setting} (host {self.host})"


def idempotency_key(action_id: int) -> str:
    """Return the key that identifies an action's call or SMS to the platform, the same on every request."""
    return f"journeys-action-{action_id}"


class WebhookProvider:
    """Places calls and sends SMS through signed HTTP requests to a voice-agent platform."""

    name = "webhook"

    def __init__(self, engine: Engine, config: Settings, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._config = config
        # Signatures are checked against the platform's clock, so they use wall
        # time even when the engine runs on a virtual clock.
        self._clock = clock or SystemClock()
        # trust_env=False: no proxy from the environment, so the request goes to
        # the address that check_resolved approved.
        self._client = httpx.Client(
            timeout=config.webhook_timeout_seconds,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": f"journeys/{version('journeys')}"},
        )

    def close(self) -> None:
        """Close the HTTP connections this provider keeps open."""
        self._client.close()

    def place_call(self, request: ActionRequest, now: datetime) -> Placed:
        target = self._agent_target(request.payload.get("agent"))
        answer = self._post(target, call_start_body(request, self._config.public_url))
        return Placed(provider_ref=_reference(answer, "call_id", target))

    def send_sms(self, request: ActionRequest, now: datetime) -> Placed:
        target = self._sms_target()
        answer = self._post(target, sms_send_body(request, self._config.public_url))
        return Placed(provider_ref=_reference(answer, "message_id", target))

    def lookup(self, action_id: int) -> Placed | None:
        """Send an interrupted action's request again, with the same idempotency key.

        A platform that started the call or SMS returns its id, and one that
        never received the request starts it now, once. The exception is an
        action of a cancelled run: no call may start after a cancel, so the
        platform is only asked for its status, and a 404 means it has none.
        """
        action = self._action(action_id)
        if action is None:
            return None
        if action["run_status"] == "cancelled":
            return self._status_lookup(action)
        request = _request_from_row(action)
        if action["kind"] == "call":
            return self.place_call(request, self._clock.now())
        return self.send_sms(request, self._clock.now())

    def fetch_result(self, action_id: int, provider_ref: str | None) -> ProviderReport | None:
        """Ask the platform for the status of an action whose result is overdue.

        Returns the report when the response holds a final result; None when the
        call or SMS is still going or the action is unknown here.
        """
        action = self._action(action_id)
        if action is None:
            return None
        target = self._target_for(action)
        answer = self._post(target, status_body(action, provider_ref))
        try:
            report = report_for_action(action, answer)
        except ValidationError as exc:
            raise ProviderError(
                f"{target.describe()} returned a {_status_type(action)} response that does not "
                f"fit the webhook protocol: {_first_problem(exc)}"
            ) from exc
        return report if is_final(action["kind"], report.status) else None

    def hang_up(self, action_id: int, now: datetime) -> bool:
        """Ask the platform to end a call; return whether it responded with a 2xx status."""
        action = self._action(action_id)
        if action is None or action["kind"] != "call":
            return False
        target = self._target_for(action)
        body = {
            "type": "call.hangup",
            "idempotency_key": idempotency_key(action_id),
            "action_id": action_id,
            "call_id": action["provider_ref"],
        }
        response = self._send(target, body)
        if not response.is_success:
            logger.warning(
                "%s returned HTTP %d for the hang-up of action %d.", target.describe(), response.status_code, action_id,
                extra={"action": "hang_up_rejected", "run_id": action["run_id"], "recipient_id": action["recipient_id"], "action_id": action_id},
            )
        return response.is_success

    def poll_reports(self, now: datetime, limit: int) -> list[ProviderReport]:
        return []

    def acknowledge(self, reports: list[ProviderReport]) -> None:
        return None

    def next_report_at(self, after: datetime) -> datetime | None:
        return None

    def _status_lookup(self, action: dict[str, Any]) -> Placed | None:
        target = self._target_for(action)
        response = self._send(target, status_body(action, action["provider_ref"]))
        if response.status_code == 404:
            return None
        answer = _json_object(response, target)
        key = "call_id" if action["kind"] == "call" else "message_id"
        return Placed(provider_ref=_reference(answer, key, target))

    def _action(self, action_id: int) -> dict[str, Any] | None:
        with self._engine.connect() as conn:
            return queries.find_action(conn, action_id)

    def _target_for(self, action: dict[str, Any]) -> Target:
        if action["kind"] == "call":
            return self._agent_target((action["request"] or {}).get("agent"))
        return self._sms_target()

    def _agent_target(self, agent: str | None) -> Target:
        with self._engine.connect() as conn:
            found = queries.agent_endpoints(conn, [agent] if agent else []).get(agent or "")
        if found is None:
            raise ProviderError(f"agent {agent!r} is not registered; add it with `journeys agent add {agent}`")
        if not found["webhook_url"] or not found["webhook_secret"]:
            raise ProviderError(
                f"agent {agent!r} has no webhook URL or secret; set both before running it on the webhook provider"
            )
        return Target(url=found["webhook_url"], secret=found["webhook_secret"], setting=f"agent {agent!r} webhook URL")

    def _sms_target(self) -> Target:
        url, secret = self._config.webhook_sms_url, self._config.webhook_sms_secret
        if not url or secret is None:
            raise ProviderError(
                "the webhook provider has no SMS webhook; set JOURNEYS_WEBHOOK_SMS_URL and JOURNEYS_WEBHOOK_SMS_SECRET"
            )
        return Target(url=url, secret=secret.get_secret_value(), setting="JOURNEYS_WEBHOOK_SMS_URL")

    def _post(self, target: Target, body: dict[str, Any]) -> dict[str, Any]:
        response = self._send(target, body)
        if not response.is_success:
            raise ProviderError(
                f"{target.describe()} returned HTTP {response.status_code} for {body['type']}: {_excerpt(response)}"
            )
        return _json_object(response, target)

    def _send(self, target: Target, body: dict[str, Any]) -> httpx.Response:
        """Sign and POST a body; raise ProviderError if the URL is not allowed or the request fails."""
        allowed = self._config.webhook_allowed_hosts
        try:
            check_outbound_url(target.url, allowed, what=target.setting)
            check_resolved(target.host, allowed)
        except InvalidInputError as exc:
            raise ProviderError(f"not sent: {exc}") from exc

        # NOTE: the host is resolved again when the request connects, so a DNS
        # answer that changes between the two lookups is not caught.
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", **sign(target.secret, content, self._clock.now())}
        try:
            return self._client.post(target.url, content=content, headers=headers)
        except httpx.TimeoutException as exc:
            raise ProviderError(
                f"{body['type']} request to {target.describe()} timed out after "
                f"{self._config.webhook_timeout_seconds:g} s ({type(exc).__name__})"
            ) from exc
        except httpx.HTTPError as exc:
            raise ProviderError(f"could not reach {target.describe()} for {body['type']}: {exc}") from exc


def call_start_body(request: ActionRequest, public_url: str) -> dict[str, Any]:
    """Return the `call.start` request body for one call."""
    payload = request.payload
    return {
        **_send_fields("call.start", request),
        "extension": payload.get("extension"),
        "agent": payload.get("agent"),
        "variables": payload.get("variables") or {},
        "attempt": payload.get("attempt"),
        "max_duration_seconds": payload.get("max_duration_seconds"),
        "ring_timeout_seconds": payload.get("ring_timeout_seconds"),
        "voicemail": payload.get("voicemail"),
        "voicemail_message": payload.get("voicemail_message"),
        "callback_url": f"{public_url}/webhooks/agent/calls/{request.action_id}",
    }


def sms_send_body(request: ActionRequest, public_url: str) -> dict[str, Any]:
    """Return the `sms.send` request body for one SMS."""
    payload = request.payload
    return {
        **_send_fields("sms.send", request),
        "message": payload.get("message"),
        "segments": payload.get("segments"),
        "encoding": payload.get("encoding"),
        "callback_url": f"{public_url}/webhooks/agent/sms/{request.action_id}",
    }


def _send_fields(type_: str, request: ActionRequest) -> dict[str, Any]:
    """Return the fields that call.start and sms.send share: the key, the ids and the numbers."""
    return {
        "type": type_,
        "idempotency_key": idempotency_key(request.action_id),
        "action_id": request.action_id,
        "run_id": request.run_id,
        "recipient_id": request.recipient_id,
        "node_id": request.node_id,
        "to": request.to_number,
        "from": request.from_number,
    }


def status_body(action: dict[str, Any], provider_ref: str | None) -> dict[str, Any]:
    """Return the `call.status` or `sms.status` request body for an action."""
    key = "call_id" if action["kind"] == "call" else "message_id"
    return {
        "type": _status_type(action),
        "idempotency_key": idempotency_key(action["id"]),
        "action_id": action["id"],
        key: provider_ref,
    }


def _status_type(action: dict[str, Any]) -> str:
    return "call.status" if action["kind"] == "call" else "sms.status"


def _request_from_row(action: dict[str, Any]) -> ActionRequest:
    return ActionRequest(
        action_id=action["id"], kind=action["kind"], from_number=action["from_number"],
        to_number=action["to_number"], run_id=action["run_id"], recipient_id=action["recipient_id"],
        node_id=action["node_id"], payload=dict(action["request"] or {}),
    )


def _json_object(response: httpx.Response, target: Target) -> dict[str, Any]:
    try:
        answer = parse_json(response.content)
    except JsonValueError as exc:
        raise ProviderError(f"{target.describe()} returned JSON that cannot be stored: {exc}") from exc
    except ValueError as exc:
        raise ProviderError(
            f"{target.describe()} returned HTTP {response.status_code} with a body that is not JSON: {_excerpt(response)}"
        ) from exc
    if not isinstance(answer, dict):
        raise ProviderError(f"{target.describe()} returned JSON that is not an object: {_excerpt(response)}")
    return answer


def _reference(answer: dict[str, Any], key: str, target: Target) -> str:
    value = answer.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= MAX_REF_CHARS:
        raise ProviderError(
            f"{target.describe()} returned no valid {key!r}: expected a string of 1 to {MAX_REF_CHARS} "
            f"characters, got {json.dumps(value)[:60]}"
        )
    return value


def _excerpt(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    if not text:
        return "(empty body)"
    return text[:EXCERPT_CHARS] + ("..." if len(text) > EXCERPT_CHARS else "")


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    path = ".".join(str(part) for part in error["loc"]) or "body"
    return f"{path}: {error['msg']}"
