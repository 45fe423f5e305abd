"""Twilio's signed status callbacks: call progress, answering-machine verdicts and SMS delivery.

Every request must carry a valid `X-Twilio-Signature`, an HMAC-SHA1 of
`{public_url}{path}?{query}` and the sorted form fields, keyed with the auth
token. Twilio's scheme has no timestamp, so a captured callback could be
posted again; the engine ranks statuses, so a replay changes nothing. Each
valid callback is logged and then applied through `journeys.engine.callbacks`.
A callback for an unknown action also gets 204, because Twilio cannot fix it
by retrying.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator

from journeys.api import deps
from journeys.api.metrics import CALLBACK_LATENCY
from journeys.api.rejections import rejection_log
from journeys.domain.jsonvalues import find_json_problem
from journeys.engine import callbacks
from journeys.engine.catalog import Catalog
from journeys.engine.ranking import is_final
from journeys.providers.base import ProviderError, ProviderReport
from journeys.providers.signing import InvalidSignatureError
from journeys.providers.twilio import TwilioProvider
from journeys.providers.twilio_status import (
    answered_by,
    call_report,
    message_report,
    with_request_fields,
)
from journeys.storage import twilio as queries

logger = logging.getLogger(__name__)

router = APIRouter(tags=["webhooks"])

SIGNATURE_HEADER = "X-Twilio-Signature"
# Form fields left out of the callback log: the account SID is the same on
# every callback and is no business of anyone who reads the log.
_UNLOGGED_FIELDS = frozenset({"AccountSid"})
# Action ids are 64-bit database keys; a larger number cannot name one.
ActionId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    204: {"description": "The callback was logged, or ignored if it names no known action."},
    403: {"description": "The X-Twilio-Signature header is missing or wrong (code `invalid_signature`)."},
}


async def signed_form(request: Request) -> FormData:
    """Return the callback's form fields; raise InvalidSignatureError unless Twilio signed them."""
    request.state.received_at = time.perf_counter()
    form = await request.form()
    config = deps.config(request)
    action_id = request.path_params.get("action_id")
    signature = request.headers.get(SIGNATURE_HEADER)

    reason = None
    if config.twilio_auth_token is None or not config.twilio_auth_token.get_secret_value():
        reason = "JOURNEYS_TWILIO_AUTH_TOKEN is not set, so no signature can be checked"
    elif not signature:
        reason = f"the {SIGNATURE_HEADER} header is missing"
    else:
        validator = RequestValidator(config.twilio_auth_token.get_secret_value())
        if not validator.validate(_signed_url(request, config.public_url), form, signature):
            reason = f"the {SIGNATURE_HEADER} header does not match the URL and form; check JOURNEYS_PUBLIC_URL"
    if reason is not None:
        rejection_log(request).warn(
            logger, "Rejected a Twilio callback for action %s: %s", action_id, reason,
            extra={"action": "twilio_signature_rejected", "action_id": action_id},
        )
        _observe(request)
        raise InvalidSignatureError(
            f"invalid or missing {SIGNATURE_HEADER} header: only Twilio, signing with this account's "
            "auth token, may post to this URL"
        )
    _check_storable(request, form)
    return form


def _check_storable(request: Request, form: FormData) -> None:
    """Raise RequestValidationError (422) for a field with a NUL character, which the callback log cannot store."""
    for name, value in form.multi_items():
        problem = find_json_problem({name: value}) if isinstance(value, str) else None
        if problem is not None:
            _observe(request)
            path, message = problem
            raise RequestValidationError([{"loc": ("body", *path), "msg": message, "type": "value_error"}])


def _signed_url(request: Request, public_url: str) -> str:
    """Return the URL Twilio signed: the public URL it posted to, not the address the request reached this server at."""
    url = f"{public_url}{request.url.path}"
    return f"{url}?{request.url.query}" if request.url.query else url


@router.post("/webhooks/twilio/calls/{action_id}", status_code=204, responses=_RESPONSES)
def call_status(
    request: Request,
    action_id: ActionId,
    form: FormData = Depends(signed_form),
    engine: Engine = Depends(deps.engine),
    catalog: Catalog = Depends(deps.catalog),
    now: datetime = Depends(deps.now),
) -> Response:
    """Record a call's progress or result from Twilio's status callback."""
    with engine.connect() as conn:
        action = queries.get_action(conn, action_id)
        if _wrong_kind(action, action_id, "call"):
            return _done(request)
        verdicts = [found.get("AnsweredBy") for found in queries.logged_forms(conn, action_id, "amd")]

    # Twilio may leave AnsweredBy out of the status callback when detection
    # ran asynchronously, so the verdict posted to the /amd route fills in.
    verdict = form.get("AnsweredBy") or next((v for v in reversed(verdicts) if v), None)
    status, result = call_report(
        str(form.get("CallStatus") or ""), _text(verdict), _integer(form.get("CallDuration")),
        _text(form.get("SipResponseCode")),
    )
    if action is not None and is_final("call", status):
        result = with_request_fields("call", result, action["request"])
    _receive(engine, catalog, action_id, status, form.get("CallSid"), result, "call", form, now)
    return _done(request)


@router.post("/webhooks/twilio/calls/{action_id}/amd", status_code=204, responses=_RESPONSES)
def machine_verdict(
    request: Request,
    action_id: ActionId,
    form: FormData = Depends(signed_form),
    engine: Engine = Depends(deps.engine),
    catalog: Catalog = Depends(deps.catalog),
    now: datetime = Depends(deps.now),
) -> Response:
    """Record who answered a call, and hang up on a machine or leave it the voicemail message."""
    with engine.connect() as conn:
        action = queries.get_action(conn, action_id)
        if _wrong_kind(action, action_id, "call") or action is None:
            return _done(request)
        repeated = bool(queries.logged_forms(conn, action_id, "amd"))

    verdict = str(form.get("AnsweredBy") or "unknown")
    call_sid = str(form.get("CallSid") or action["provider_ref"] or "")
    _receive(engine, catalog, action_id, "in_progress", call_sid, {"answered_by": answered_by(verdict)}, "amd", form, now)
    # A repeated verdict was acted on already, and an ended call needs nothing.
    if repeated or not call_sid or action["status"] in ("completed", "dropped"):
        return _done(request)

    try:
        done = _provider(request).answer_machine(call_sid, verdict, action["request"])
    except ProviderError as exc:
        logger.error(
            "Could not act on the %s verdict for action %d: %s", verdict, action_id, exc,
            extra={"action": "twilio_amd_failed", "run_id": action["run_id"],
                   "recipient_id": action["recipient_id"], "action_id": action_id},
        )
        return _done(request)
    logger.info(
        "Call of action %d was answered by %s; action taken: %s.", action_id, verdict, done,
        extra={"action": "twilio_amd", "run_id": action["run_id"],
               "recipient_id": action["recipient_id"], "action_id": action_id},
    )
    return _done(request)


@router.post("/webhooks/twilio/sms/{action_id}", status_code=204, responses=_RESPONSES)
def sms_status(
    request: Request,
    action_id: ActionId,
    form: FormData = Depends(signed_form),
    engine: Engine = Depends(deps.engine),
    catalog: Catalog = Depends(deps.catalog),
    now: datetime = Depends(deps.now),
) -> Response:
    """Record an SMS's delivery status from Twilio's status callback."""
    with engine.connect() as conn:
        action = queries.get_action(conn, action_id)
    if _wrong_kind(action, action_id, "sms"):
        return _done(request)

    status, result = message_report(
        str(form.get("MessageStatus") or form.get("SmsStatus") or ""), _text(form.get("ErrorCode"))
    )
    if action is not None:
        result = with_request_fields("sms", result, action["request"])
    sid = form.get("MessageSid") or form.get("SmsSid")
    _receive(engine, catalog, action_id, status, sid, result, "sms", form, now)
    return _done(request)


def _done(request: Request) -> Response:
    _observe(request)
    return Response(status_code=204)


def _observe(request: Request) -> None:
    CALLBACK_LATENCY.labels(provider="twilio").observe(time.perf_counter() - request.state.received_at)


def _receive(
    engine: Engine, catalog: Catalog, action_id: int, status: str, sid: Any,
    result: dict[str, Any], callback: str, form: FormData, now: datetime,
) -> None:
    fields = {key: value for key, value in form.items() if key not in _UNLOGGED_FIELDS and isinstance(value, str)}
    report = ProviderReport(
        action_id=action_id, status=status, provider_ref=_text(sid), result=result,
        payload={"callback": callback, "form": fields},
    )
    callbacks.receive(engine, catalog, "twilio", report, now=now)


def _wrong_kind(action: dict[str, Any] | None, action_id: int, kind: str) -> bool:
    """Return whether the action is another kind than the route's; unknown actions pass and are logged."""
    if action is None:
        logger.warning(
            "Twilio posted a %s callback for action %d, which does not exist; it is logged and ignored.",
            kind, action_id, extra={"action": "twilio_unknown_action", "action_id": action_id},
        )
        return False
    if action["kind"] != kind:
        logger.warning(
            "Twilio posted a %s callback for action %d, whose kind is %s; it is ignored.",
            kind, action_id, action["kind"], extra={"action": "twilio_wrong_kind", "action_id": action_id},
        )
        return True
    return False


def _provider(request: Request) -> TwilioProvider:
    """Return the app's Twilio provider, the one its cancels hang up calls with."""
    return cast(TwilioProvider, deps.providers(request).by_name("twilio"))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _integer(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
