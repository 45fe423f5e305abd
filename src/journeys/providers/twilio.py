"""The Twilio provider: calls that connect recipients to voice agents, and SMS, over Twilio's REST API.

A call is created with inline TwiML that connects the callee to the agent
(`<Connect><Stream>` to its stream URL, else `<Dial><Sip>` to its SIP URI) and
with asynchronous answering-machine detection, so a person hears the agent
at once. Twilio posts the detection verdict to the `/amd` callback, and
`answer_machine` then acts on it: it hangs up on a machine, or leaves the
node's voicemail message. Status callbacks go to
`{public_url}/webhooks/twilio/calls/{action_id}` and
`{public_url}/webhooks/twilio/sms/{action_id}`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.twiml.voice_response import Connect, Dial, VoiceResponse

from journeys.config import Settings
from journeys.engine.ranking import is_final
from journeys.providers.base import ActionRequest, Placed, ProviderError, ProviderReport
from journeys.providers.twilio_client import build_client
from journeys.providers.twilio_settings import check_twilio_ready, twilio_credentials
from journeys.providers.twilio_status import MACHINE_VERDICTS, call_report, message_report, with_request_fields
from journeys.storage import registry as registry_queries
from journeys.storage import twilio as queries

logger = logging.getLogger(__name__)

CALL_EVENTS = ["initiated", "ringing", "answered", "completed"]
# The Twilio error code for an update of a call that has already ended.
CALL_NOT_IN_PROGRESS = 21220
# How many of the latest calls or messages between two numbers `lookup` reads.
LOOKUP_LIMIT = 20
# Allowed difference between this server's clock and Twilio's, for `lookup`.
CLOCK_SKEW = timedelta(minutes=2)
# Pause before dialling an extension: each `w` waits half a second.
EXTENSION_PAUSE = "wwww"

_RestErrors = (TwilioRestException, TwilioServiceException)


class TwilioProvider:
    """Places calls and sends SMS through Twilio; results come back as signed callbacks."""

    name = "twilio"

    def __init__(self, engine: Engine, config: Settings) -> None:
        check_twilio_ready(config)
        self._engine = engine
        self._public_url = config.public_url
        self._client = build_client(twilio_credentials(config), config.twilio_api_base)

    def place_call(self, request: ActionRequest, now: datetime) -> Placed:
        payload = request.payload
        options: dict[str, Any] = {
            "twiml": self._agent_twiml(request),
            "status_callback": self.callback_url("calls", request.action_id),
            "status_callback_event": CALL_EVENTS,
            "timeout": int(payload.get("ring_timeout_seconds") or 30),
            "time_limit": int(payload.get("max_duration_seconds") or 600),
        }
        extension = payload.get("extension")
        if extension:
            # Twilio ignores machine detection on a call with SendDigits, so it is
            # not asked for; such a call's outcome rests on its duration alone.
            options["send_digits"] = EXTENSION_PAUSE + str(extension)
        else:
            options.update(
                machine_detection="DetectMessageEnd" if _leaves_message(payload) else "Enable",
                async_amd="true",
                async_amd_status_callback=self.callback_url("calls", request.action_id) + "/amd",
            )

        try:
            call = self._client.calls.create(to=request.to_number, from_=request.from_number, **options)
        except _RestErrors as exc:
            raise ProviderError(_describe("call", exc)) from exc
        return Placed(provider_ref=str(call.sid))

    def send_sms(self, request: ActionRequest, now: datetime) -> Placed:
        try:
            message = self._client.messages.create(
                to=request.to_number,
                from_=request.from_number,
                body=request.payload["message"],
                status_callback=self.callback_url("sms", request.action_id),
            )
        except _RestErrors as exc:
            raise ProviderError(_describe("SMS", exc)) from exc
        return Placed(provider_ref=str(message.sid))

    def lookup(self, action_id: int) -> Placed | None:
        """Find the call or SMS that an interrupted dispatch may have created.

        Twilio keeps no key of ours on a call or message, so this lists the
        latest ones between the action's two numbers and takes the oldest one
        created since the action became due that no other action holds.
        NOTE: a call between the same two numbers placed outside Journeys in
        that time would be taken for this action if it is older than the one
        the dispatch created. Only the latest LOOKUP_LIMIT records are read.
        """
        with self._engine.connect() as conn:
            action = queries.get_action(conn, action_id)
        if action is None:
            return None

        since = action["not_before"] - CLOCK_SKEW
        try:
            listing = self._client.calls if action["kind"] == "call" else self._client.messages
            records = listing.list(to=action["to_number"], from_=action["from_number"], limit=LOOKUP_LIMIT)
        except _RestErrors as exc:
            raise ProviderError(_describe("look-up", exc)) from exc

        created = sorted(
            (record.date_created, str(record.sid))
            for record in records
            if record.date_created is not None and record.date_created >= since
        )
        with self._engine.connect() as conn:
            held = queries.refs_of_other_actions(conn, action_id, [sid for _, sid in created])
        for _, sid in created:
            if sid not in held:
                return Placed(provider_ref=sid)
        return None

    def fetch_result(self, action_id: int, provider_ref: str | None) -> ProviderReport | None:
        with self._engine.connect() as conn:
            action = queries.get_action(conn, action_id)
        if action is None or not provider_ref:
            return None

        try:
            if action["kind"] == "call":
                call = self._client.calls(provider_ref).fetch()
                raw = {"status": call.status, "answered_by": call.answered_by, "duration": call.duration}
                status, result = call_report(str(call.status), call.answered_by, _integer(call.duration))
            else:
                message = self._client.messages(provider_ref).fetch()
                raw = {"status": message.status, "error_code": message.error_code, "num_segments": message.num_segments}
                status, result = message_report(str(message.status), message.error_code)
                result["segments"] = _integer(message.num_segments)
        except _RestErrors as exc:
            raise ProviderError(_describe("result look-up", exc)) from exc

        if not is_final(action["kind"], status):
            return None
        return ProviderReport(
            action_id=action_id, status=status, provider_ref=provider_ref,
            result=with_request_fields(action["kind"], result, action["request"]),
            payload={"callback": "fetched", "resource": raw},
        )

    def hang_up(self, action_id: int, now: datetime) -> bool:
        with self._engine.connect() as conn:
            action = queries.get_action(conn, action_id)
        if action is None or action["kind"] != "call" or not action["provider_ref"]:
            # NOTE: a call whose receipt is not recorded yet cannot be found
            # here; it runs to its end, and its result moves no one on.
            return False
        return self.end_call(action["provider_ref"])

    def end_call(self, call_sid: str) -> bool:
        """Hang up a call, whatever state it is in; return False if it had already ended."""
        try:
            call = self._client.calls(call_sid).update(status="completed")
        except _RestErrors as exc:
            if getattr(exc, "code", None) == CALL_NOT_IN_PROGRESS:
                return False
            raise ProviderError(_describe("hang-up", exc)) from exc
        return str(call.status) in ("completed", "canceled")

    def answer_machine(self, call_sid: str, verdict: str, request: dict[str, Any]) -> str:
        """Act on a machine-detection verdict; return what was done: `message`, `hang_up` or `none`.

        A machine gets the node's voicemail message when it has one, spoken
        after the greeting ends, and is hung up on otherwise, so an agent does
        not talk to a voicemail box for long. A fax is always hung up on.
        """
        if verdict == "fax" or (verdict in MACHINE_VERDICTS and not _leaves_message(request)):
            self.end_call(call_sid)
            return "hang_up"
        if verdict in MACHINE_VERDICTS:
            response = VoiceResponse()
            response.say(request["voicemail_message"])
            response.hangup()
            try:
                self._client.calls(call_sid).update(twiml=str(response))
            except _RestErrors as exc:
                raise ProviderError(_describe("voicemail message", exc)) from exc
            return "message"
        return "none"

    def poll_reports(self, now: datetime, limit: int) -> list[ProviderReport]:
        return []

    def acknowledge(self, reports: list[ProviderReport]) -> None:
        return None

    def next_report_at(self, after: datetime) -> datetime | None:
        return None

    def callback_url(self, kind: str, action_id: int) -> str:
        """Return the URL Twilio posts status callbacks of one action to; `kind` is `calls` or `sms`."""
        return f"{self._public_url}/webhooks/twilio/{kind}/{action_id}"

    def _agent_twiml(self, request: ActionRequest) -> str:
        name = request.payload.get("agent")
        with self._engine.connect() as conn:
            agent = registry_queries.find_agent(conn, name) if name else None
        if agent is None:
            raise ProviderError(f"agent {name!r} is not registered; add it with `journeys agent add {name}`")

        parameters = {
            "journeys_action_id": str(request.action_id),
            "journeys_run_id": str(request.run_id),
            "journeys_recipient_id": str(request.recipient_id),
            **{key: _text(value) for key, value in (request.payload.get("variables") or {}).items()},
        }
        response = VoiceResponse()
        if agent.get("stream_url"):
            connect = Connect()
            stream = connect.stream(url=agent["stream_url"])
            for key, value in parameters.items():
                stream.parameter(name=key, value=value)
            response.append(connect)
        elif agent.get("sip_uri"):
            # SIP agents get the variables as X- headers on the INVITE.
            # NOTE: Twilio limits the size of these headers and fails the call
            # when they are too long; the length is not checked here.
            headers = "&".join(f"X-{quote(key)}={quote(value)}" for key, value in parameters.items())
            dial = Dial()
            dial.sip(f"{agent['sip_uri']}{'&' if '?' in agent['sip_uri'] else '?'}{headers}")
            response.append(dial)
        else:
            raise ProviderError(
                f"agent {name!r} has no stream URL or SIP URI, so Twilio cannot connect the call; "
                f"set one with `journeys agent update {name} --stream-url wss://...` or `--sip-uri sip:...`"
            )
        return str(response)


def _leaves_message(payload: dict[str, Any]) -> bool:
    return payload.get("voicemail") == "leave_message" and bool(payload.get("voicemail_message"))


def _describe(what: str, exc: TwilioRestException | TwilioServiceException) -> str:
    """Return Twilio's reason for rejecting a request, without the request URL or credentials."""
    if isinstance(exc, TwilioServiceException):
        message = exc.detail or exc.title
    else:
        message = exc.msg
    return f"Twilio rejected the {what}: {message} (Twilio error {exc.code}, HTTP {exc.status})"


def _integer(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
