"""Request authentication: API keys, browser sessions with CSRF protection, and roles.

A request carries `Authorization: Bearer <api key>` or the session cookie.
Cookie sessions must echo their CSRF token in a header on every request that
changes something, since a browser sends cookies to any site's forms.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import Request

from journeys.api import deps
from journeys.errors import ForbiddenError, UnauthenticatedError
from journeys.services import auth
from journeys.services.auth import Principal, Role

SESSION_COOKIE = "journeys_session"
CSRF_COOKIE = "journeys_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate(request: Request) -> Principal | None:
    """Return the principal the request's credentials name, or None without valid ones."""
    engine, now = deps.engine(request), deps.now(request)
    header = request.headers.get("Authorization")
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        return auth.verify_api_key(engine, key.strip(), now=now)

    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    principal = auth.session_principal(engine, token, now=now)
    if principal is not None and request.method not in SAFE_METHODS:
        check_csrf(request, principal)
    return principal


def check_csrf(request: Request, principal: Principal) -> None:
    """Raise ForbiddenError unless the request's CSRF header matches the session's token."""
    sent = request.headers.get(CSRF_HEADER, "")
    # Bytes, because compare_digest raises TypeError on str with non-ASCII characters.
    if not principal.csrf_token or not hmac.compare_digest(sent.encode(), principal.csrf_token.encode()):
        raise ForbiddenError(
            f"missing or wrong {CSRF_HEADER} header: a signed-in browser must send the "
            f"value of the {CSRF_COOKIE} cookie with every change"
        )


def unauthenticated_message(request: Request) -> str:
    """Return why a request without a principal was rejected: no credentials, or credentials that failed.

    A rejected API key is "invalid or revoked" either way, so the message does
    not tell a guesser whether a key ever existed.
    """
    header = request.headers.get("Authorization")
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return "the Authorization header is malformed; send an API key as 'Authorization: Bearer <key>'"
        return (
            "the API key sent is invalid or revoked; check that the whole key was sent, "
            "or ask an admin for a new one (`journeys apikey create`)"
        )
    if request.cookies.get(SESSION_COOKIE):
        return "the session has expired or was signed out; sign in again"
    return "no credentials were sent; sign in, or send an API key as 'Authorization: Bearer <key>'; `journeys apikey create` makes one"


def require(role: Role) -> Callable[[Request], Principal]:
    """Return a dependency that admits principals whose role includes `role`."""

    def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        if principal is None:
            raise UnauthenticatedError(unauthenticated_message(request))
        if not principal.allows(role):
            raise ForbiddenError(f"this needs the {role} role, and these credentials have the {principal.role} role")
        request.state.principal = principal
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


viewer = require("viewer")
operator = require("operator")
admin = require("admin")
