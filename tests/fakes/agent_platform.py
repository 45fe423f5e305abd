"""A fake voice-agent platform that speaks the Journeys webhook protocol, served on 127.0.0.1.

It checks signatures with its own HMAC code, written from the protocol
document rather than imported from Journeys, so a test fails if the two
disagree. Like a real platform it returns the call or message it started the
first time for a repeated idempotency key, records every request, serves
`call.status` and `call.hangup`, and posts signed results to a callback URL.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

REPLAY_WINDOW_SECONDS = 300


def signed_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """Return the protocol's signature headers: HMAC-SHA256 over `<timestamp>.<body>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Journeys-Timestamp": str(timestamp), "X-Journeys-Signature": f"v1={digest}"}


@dataclass
class Received:
    """One request the platform received, and whether its signature held."""

    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    status: int = 0

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def type(self) -> str | None:
        try:
            return self.json.get("type")
        except ValueError:
            return None


@dataclass
class Started:
    """A call or SMS the platform started, under the idempotency key that asked for it."""

    id: str
    request: dict[str, Any]
    hung_up: bool = False


@dataclass
class Behaviour:
    """How the platform responds; tests change it to provoke failures."""

    fail_status: int | None = None
    fail_body: str = "the platform failed to start the call"
    delay_seconds: float = 0.0
    # A call or message id, mapped to the body of its call.status or sms.status response.
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    # When set, the platform finishes each new call or SMS by itself: it passes
    # the request to this function and posts the returned result body, signed,
    # to the request's callback URL.
    respond: Callable[[dict[str, Any]], dict[str, Any]] | None = None


class FakeAgentPlatform:
    """The platform: one signing secret per path, such as `/agents/collections` or `/sms`."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = dict(secrets)
        self.behaviour = Behaviour()
        self.received: list[Received] = []
        # Results that the platform failed to post back.
        self.errors: list[str] = []
        self.started: dict[str, Started] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeAgentPlatform:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def requests_of(self, type_: str) -> list[Received]:
        with self._lock:
            return [item for item in self.received if item.type == type_]

    def started_for(self, action_id: int) -> Started:
        return self.started[f"journeys-action-{action_id}"]

    def post_result(
        self,
        callback_url: str,
        body: dict[str, Any],
        *,
        secret: str,
        timestamp: int | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> httpx.Response:
        """POST a signed result to a callback URL, as the platform does when a call changes."""
        content = json.dumps(body).encode()
        stamp = int(now().timestamp()) if timestamp is None else timestamp
        headers = {"Content-Type": "application/json", **signed_headers(secret, content, stamp)}
        return httpx.post(callback_url, content=content, headers=headers, timeout=30, trust_env=False)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        """Answer one request: check the signature, then act on its `type`."""
        secret = self.secrets.get(path)
        item = Received(path=path, headers=headers, body=body, signature_ok=secret is not None and _signature_ok(secret, headers, body))
        with self._lock:
            self.received.append(item)
        item.status, answer = self._answer(item)
        return item.status, answer

    def _answer(self, item: Received) -> tuple[int, dict[str, Any]]:
        if not item.signature_ok:
            return 401, {"error": "invalid signature"}
        if self.behaviour.delay_seconds:
            time.sleep(self.behaviour.delay_seconds)
        if self.behaviour.fail_status is not None:
            return self.behaviour.fail_status, {"error": self.behaviour.fail_body}

        request = item.json
        kind = request["type"]
        with self._lock:
            if kind in ("call.start", "sms.send"):
                is_new = request["idempotency_key"] not in self.started
                answer = self._start(request, "call_id" if kind == "call.start" else "message_id")
                if is_new and self.behaviour.respond is not None:
                    self._respond_later(request, self.secrets[item.path])
                return 200, answer
            started = self._find(request)
            if started is None:
                return 404, {"error": "no call or message with that id or idempotency key"}
            if kind == "call.hangup":
                started.hung_up = True
                return 200, {"call_id": started.id, "status": "hanging_up"}
            if kind in ("call.status", "sms.status"):
                key = "call_id" if kind == "call.status" else "message_id"
                return 200, self.behaviour.statuses.get(started.id, {key: started.id, "status": "in_progress" if key == "call_id" else "sent"})
        return 400, {"error": f"unknown request type {kind!r}"}

    def _respond_later(self, request: dict[str, Any], secret: str) -> None:
        # A short pause lets Journeys record the dispatch first, as a real call takes time.
        respond = self.behaviour.respond
        assert respond is not None
        timer = threading.Timer(0.05, self._post_response, args=(request, respond(request), secret))
        timer.daemon = True
        timer.start()

    def _post_response(self, request: dict[str, Any], body: dict[str, Any], secret: str) -> None:
        try:
            self.post_result(request["callback_url"], body, secret=secret)
        except httpx.HTTPError as exc:
            self.errors.append(f"result for {request['idempotency_key']} not delivered: {exc}")

    def _start(self, request: dict[str, Any], id_key: str) -> dict[str, Any]:
        key = request["idempotency_key"]
        if key not in self.started:
            prefix = "call" if id_key == "call_id" else "msg"
            self.started[key] = Started(id=f"{prefix}-{next(self._ids)}", request=request)
        return {id_key: self.started[key].id}

    def _find(self, request: dict[str, Any]) -> Started | None:
        requested_id = request.get("call_id") or request.get("message_id")
        for key, started in self.started.items():
            if key == request.get("idempotency_key") or (requested_id and started.id == requested_id):
                return started
        return None


def _signature_ok(secret: str, headers: dict[str, str], body: bytes) -> bool:
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered.get("x-journeys-timestamp", "")
    sent = lowered.get("x-journeys-signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > REPLAY_WINDOW_SECONDS:
        return False
    expected = signed_headers(secret, body, int(timestamp))["X-Journeys-Signature"]
    return hmac.compare_digest(expected, sent)


def _handler_for(platform: FakeAgentPlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = platform.handle(self.path, dict(self.headers.items()), body)
            content = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature http.server defines
            return None

    return Handler
