"""A fake Twilio REST API for the calls and messages Journeys uses, served on 127.0.0.1.

It responds to the requests the official SDK sends (`/2010-04-01/Accounts/{sid}/Calls.json`
and `Messages.json`: create, fetch, update, list) with Twilio's JSON shapes and
error bodies, checks HTTP Basic auth, and records every request. Like Twilio it
posts status callbacks signed with the auth token; the signature is computed
with the SDK's `RequestValidator`, not with Journeys code.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from twilio.request_validator import RequestValidator

API_VERSION = "2010-04-01"
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
_ROUTE = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/(?P<kind>Calls|Messages)(?:/(?P<sid>[^/.]+))?\.json$")


class Poster(Protocol):
    """What posts callbacks to the app: a TestClient, or an httpx client on a live server."""

    def post(self, url: str, *, data: dict[str, str], headers: dict[str, str]) -> Any: ...


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    form: dict[str, list[str]]
    query: dict[str, list[str]]
    authorized: bool
    status: int = 0

    def value(self, name: str) -> str | None:
        values = self.form.get(name) or self.query.get(name)
        return values[0] if values else None


@dataclass
class Rejection:
    """An error that the fake returns for the next create request, as Twilio's JSON error body."""

    status: int
    code: int
    message: str


@dataclass
class FakeTwilio:
    """The fake account: its calls and messages, the requests it received and the errors it will return."""

    account_sid: str
    auth_token: str
    clock: Callable[[], datetime]
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Status callback URLs and options of each call or message, by SID.
    callbacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    # How many of the next create requests to drop: a dropped request closes
    # the connection before anything is created, a dropped response after.
    drop_requests: int = 0
    drop_responses: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sequence = itertools.count()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- Serving ------------------------------------------------------------------

    def __enter__(self) -> FakeTwilio:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def requests_to(self, method: str, pattern: str) -> list[Recorded]:
        """Return the recorded requests whose method matches and whose path matches `pattern`."""
        with self._lock:
            return [item for item in self.requests if item.method == method and re.search(pattern, item.path)]

    # --- Changing state, as the telephone network would -----------------------------

    def set_call(self, sid: str, **fields: Any) -> None:
        with self._lock:
            self.calls[sid].update(fields, date_updated=self._date())

    def set_message(self, sid: str, **fields: Any) -> None:
        with self._lock:
            self.messages[sid].update(fields, date_updated=self._date())

    def add_call(self, to: str, from_: str, status: str = "completed") -> str:
        """Create a call as if someone had placed it outside Journeys; return its SID."""
        with self._lock:
            call = self._new_call({"To": [to], "From": [from_]})
            call["status"] = status
            return call["sid"]

    # --- Signed callbacks ------------------------------------------------------------

    def signature(self, url: str, params: dict[str, str]) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, params)

    def post_signed(self, client: Poster, url: str, params: dict[str, str], *, post_to: str | None = None) -> Any:
        """POST a form signed for `url`; `post_to` sends it elsewhere, as a proxy in front of the app would."""
        headers = {"X-Twilio-Signature": self.signature(url, params)}
        return client.post(post_to or url, data=params, headers=headers)

    def call_params(self, sid: str, status: str, **extra: str) -> dict[str, str]:
        """Return the form of a call status callback, and move the call to that status."""
        with self._lock:
            call = self.calls[sid]
            call["status"] = status
            if "AnsweredBy" in extra:
                call["answered_by"] = extra["AnsweredBy"]
            if "CallDuration" in extra:
                call["duration"] = extra["CallDuration"]
            params = {
                "AccountSid": self.account_sid, "ApiVersion": API_VERSION, "CallSid": sid,
                "CallStatus": status, "Called": call["to"], "Caller": call["from"], "Direction": "outbound-api",
                "From": call["from"], "To": call["to"], "CallbackSource": "call-progress-events",
                "SequenceNumber": str(next(self._sequence)), "Timestamp": self._date(),
            }
        if status in FINAL_CALL_STATUSES:
            params.setdefault("CallDuration", "0")
        return {**params, **extra}

    def post_call_status(self, client: Poster, sid: str, status: str, **extra: str) -> Any:
        """Post a call status callback to the URL the call was created with."""
        return self.post_signed(client, self.callbacks[sid]["StatusCallback"], self.call_params(sid, status, **extra))

    def post_amd(self, client: Poster, sid: str, answered_by: str) -> Any:
        """Post an asynchronous answering-machine verdict to the call's AsyncAmdStatusCallback."""
        with self._lock:
            self.calls[sid]["answered_by"] = answered_by
        params = {"AccountSid": self.account_sid, "CallSid": sid, "AnsweredBy": answered_by, "MachineDetectionDuration": "2450"}
        return self.post_signed(client, self.callbacks[sid]["AsyncAmdStatusCallback"], params)

    def post_sms_status(self, client: Poster, sid: str, status: str, error_code: str | None = None) -> Any:
        """Post a message status callback to the URL the message was created with."""
        with self._lock:
            message = self.messages[sid]
            message["status"] = status
            params = {
                "AccountSid": self.account_sid, "ApiVersion": API_VERSION, "MessageSid": sid, "SmsSid": sid,
                "MessageStatus": status, "SmsStatus": status, "From": message["from"], "To": message["to"],
            }
        if error_code:
            params["ErrorCode"] = error_code
        return self.post_signed(client, self.callbacks[sid]["StatusCallback"], params)

    # --- The REST API -----------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]] | None:
        """Answer one request with a status and JSON body; None means close the connection unanswered."""
        parts = urlsplit(target)
        form = parse_qs(body.decode(), keep_blank_values=True) if body else {}
        item = Recorded(method, parts.path, form, parse_qs(parts.query), self._authorized(headers))
        creates = method == "POST" and parts.path.endswith(("/Calls.json", "/Messages.json"))
        with self._lock:
            if creates and self.drop_requests:
                self.drop_requests -= 1
                return None
            self.requests.append(item)
            item.status, answer = self._answer(item)
            if creates and self.drop_responses:
                self.drop_responses -= 1
                return None
        return item.status, answer

    def _authorized(self, headers: dict[str, str]) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return headers.get("authorization") == f"Basic {expected}"

    def _answer(self, item: Recorded) -> tuple[int, dict[str, Any]]:
        if not item.authorized:
            return _error(401, 20003, "Authenticate")
        route = _ROUTE.match(item.path)
        if route is None or route["account"] != self.account_sid:
            return _error(404, 20404, f"The requested resource {item.path} was not found")

        kind, sid = route["kind"], route["sid"]
        if item.method == "POST" and sid is None:
            if self.rejections:
                rejection = self.rejections.pop(0)
                return _error(rejection.status, rejection.code, rejection.message)
            return self._create_call(item) if kind == "Calls" else self._create_message(item)
        if item.method == "GET" and sid is None:
            return 200, self._list(kind, item)

        records = self.calls if kind == "Calls" else self.messages
        if sid not in records:
            return _error(404, 20404, f"The requested resource {item.path} was not found")
        if item.method == "POST" and kind == "Calls":
            return self._update_call(records[sid], item)
        return 200, dict(records[sid])

    def _create_call(self, item: Recorded) -> tuple[int, dict[str, Any]]:
        to = item.value("To") or ""
        if not to.startswith("+"):
            return _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if not (item.value("Twiml") or item.value("Url")):
            return _error(400, 21205, "Url parameter is required.")
        call = self._new_call(item.form)
        self.callbacks[call["sid"]] = {
            "StatusCallback": item.value("StatusCallback"),
            "StatusCallbackEvent": item.form.get("StatusCallbackEvent", []),
            "AsyncAmdStatusCallback": item.value("AsyncAmdStatusCallback"),
        }
        return 201, dict(call)

    def _new_call(self, form: dict[str, list[str]]) -> dict[str, Any]:
        sid = f"CA{uuid.uuid4().hex}"
        now = self._date()
        call = {
            "sid": sid, "account_sid": self.account_sid, "api_version": API_VERSION, "annotation": None,
            "answered_by": None, "caller_name": None, "date_created": now, "date_updated": now,
            "direction": "outbound-api", "duration": None, "end_time": None, "forwarded_from": None,
            "from": form["From"][0], "from_formatted": form["From"][0], "group_sid": None,
            "parent_call_sid": None, "phone_number_sid": None, "price": None, "price_unit": "USD",
            "queue_time": "0", "start_time": None, "status": "queued", "to": form["To"][0],
            "to_formatted": form["To"][0], "trunk_sid": None,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{sid}.json",
            "subresource_uris": {},
        }
        self.calls[sid] = call
        return call

    def _update_call(self, call: dict[str, Any], item: Recorded) -> tuple[int, dict[str, Any]]:
        status = item.value("Status")
        if call["status"] in FINAL_CALL_STATUSES:
            return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
        if status == "completed":
            call["status"] = "completed" if call["status"] == "in-progress" else "canceled"
        elif status == "canceled" and call["status"] in ("queued", "ringing"):
            call["status"] = "canceled"
        if item.value("Twiml"):
            call["twiml"] = item.value("Twiml")
        call["date_updated"] = self._date()
        return 200, dict(call)

    def _create_message(self, item: Recorded) -> tuple[int, dict[str, Any]]:
        to = item.value("To") or ""
        if not to.startswith("+"):
            return _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        sid = f"SM{uuid.uuid4().hex}"
        now = self._date()
        message = {
            "sid": sid, "account_sid": self.account_sid, "api_version": API_VERSION,
            "body": item.value("Body"), "date_created": now, "date_sent": None, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": item.value("From"), "messaging_service_sid": None, "num_media": "0",
            "num_segments": "1", "price": None, "price_unit": "USD", "status": "queued", "to": to,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {},
        }
        self.messages[sid] = message
        self.callbacks[sid] = {"StatusCallback": item.value("StatusCallback")}
        return 201, dict(message)

    def _list(self, kind: str, item: Recorded) -> dict[str, Any]:
        records = list((self.calls if kind == "Calls" else self.messages).values())
        for name, key in (("To", "to"), ("From", "from"), ("Status", "status")):
            wanted = item.query.get(name)
            if wanted:
                records = [record for record in records if record[key] == wanted[0]]
        # Newest first, as Twilio lists them; insertion order breaks ties.
        records = list(reversed(records))
        size = int((item.query.get("PageSize") or ["50"])[0])
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/{kind}.json"
        return {
            kind.lower(): records[:size], "end": min(size, len(records)) - 1, "first_page_uri": uri,
            "next_page_uri": None, "page": 0, "page_size": size, "previous_page_uri": None, "start": 0, "uri": uri,
        }

    def _date(self) -> str:
        return format_datetime(self.clock())


def _error(status: int, code: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {key.lower(): value for key, value in self.headers.items()}
            answered = fake.handle(self.command, self.path, headers, body)
            if answered is None:
                self.close_connection = True
                return
            status, answer = answered
            content = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler
