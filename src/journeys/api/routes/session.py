"""Browser sign-in: password sessions, one-time sign-in links, who am I, sign-out, and a user's own password.

A session is two cookies. `journeys_session` contains the session token; it is
httpOnly, so page scripts cannot read it. `journeys_csrf` contains the CSRF token,
readable by the web app, which echoes it in the X-CSRF-Token header on every
change. Both are SameSite=Lax, and Secure when the public URL is https.
"""

from __future__ import annotations

import html
import logging
import threading

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from journeys.api import deps, security
from journeys.api.attempts import AttemptLimiter
from journeys.api.errors import error_body
from journeys.api.models.base import RequestModel
from journeys.config import Settings
from journeys.errors import ForbiddenError, InvalidInputError, SignInLinkError, UnauthenticatedError
from journeys.services import auth, users
from journeys.services.auth import Principal

logger = logging.getLogger(__name__)

router = APIRouter(tags=["session"])

_limiter_lock = threading.Lock()
# Responses that carry a sign-in link's token in their URL are neither cached
# nor passed on as a Referer.
_LINK_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class SignIn(RequestModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class WhoAmI(BaseModel):
    """The caller: a signed-in user, or an API key (then `user_id`, `email` and `has_password` are null)."""

    role: str
    user_id: int | None = None
    email: str | None = None
    api_key_id: int | None = None
    # False for a user who can sign in only by one-time links so far.
    has_password: bool | None = None


class PasswordChange(RequestModel):
    # Required when the user has a password; a user who has none yet leaves it out.
    current_password: str | None = Field(None, max_length=1024)
    new_password: str = Field(max_length=1024)


@router.post("/api/session", response_model=WhoAmI, responses={401: {}, 429: {}})
def sign_in(body: SignIn, request: Request, response: Response) -> WhoAmI | JSONResponse:
    """Sign in with email and password; set the session and CSRF cookies."""
    engine, now = deps.engine(request), deps.now(request)
    address = request.client.host if request.client else "unknown"
    limiter = _limiter(request)

    wait = limiter.retry_after(body.email, address, now)
    if wait is not None:
        logger.warning("Sign-in attempts limited for an email from %s.", address, extra={"action": "sign_in_limited"})
        message = f"too many failed sign-ins; wait {wait} seconds and try again, or ask an admin for a sign-in link"
        return JSONResponse(error_body("too_many_attempts", message), status_code=429, headers={"Retry-After": str(wait)})

    user = auth.authenticate_password(engine, body.email, body.password)
    if user is None:
        limiter.record_failure(body.email, address, now)
        logger.info("Failed sign-in from %s.", address, extra={"action": "sign_in_failed"})
        # One message whether or not the email has an account, so it reveals neither.
        raise UnauthenticatedError("wrong email or password; check both, or ask an admin for a sign-in link")

    limiter.clear(body.email, address)
    _end_current_session(request, engine, check=False)
    _open_session(response, request, user["id"])
    return _user_who_am_i(user)


@router.get("/api/session", response_model=WhoAmI, responses={401: {}})
def who_am_i(request: Request, engine: Engine = Depends(deps.engine)) -> WhoAmI:
    """Return the signed-in user, or the API key, that the request carries."""
    principal = security.authenticate(request)
    if principal is None:
        raise UnauthenticatedError("not signed in; POST an email and password to /api/session, or use a sign-in link")
    if principal.user_id is None:
        return WhoAmI(role=principal.role, api_key_id=principal.api_key_id)
    return _user_who_am_i(users.get_user(engine, principal.user_id))


@router.put("/api/session/password", response_model=WhoAmI, responses={401: {}, 403: {}, 429: {}})
def change_own_password(
    body: PasswordChange, request: Request, principal: Principal = Depends(security.viewer)
) -> WhoAmI | JSONResponse:
    """Set or change the signed-in user's own password.

    A user who has a password must send it as `current_password`; wrong ones
    count towards the sign-in attempt limit. The user's other sessions end,
    and the session that made the change stays signed in.
    """
    if principal.user_id is None:
        raise ForbiddenError(
            "API keys have no password; sign in as the user to change their password, "
            "or have an admin set it with PATCH /api/users/{id}"
        )
    engine = deps.engine(request)
    user = users.get_user(engine, principal.user_id)
    # A too-short new password fails before the current one is checked, so it costs no attempt.
    auth.check_password(body.new_password)

    if user["has_password"]:
        limited = _check_current_password(request, user, body.current_password)
        if limited is not None:
            return limited

    # Only a cookie session names a user, so the cookie is this session's token.
    auth.set_password(engine, user["id"], body.new_password, keep_session=request.cookies.get(security.SESSION_COOKIE))
    return _user_who_am_i(users.get_user(engine, user["id"]))


@router.delete("/api/session", status_code=204, response_class=Response, responses={403: {}})
def sign_out(request: Request, engine: Engine = Depends(deps.engine)) -> Response:
    """End the browser session, if there is one, and clear its cookies.

    A live session must send its CSRF header, so another site cannot sign the user out.
    """
    _end_current_session(request, engine)
    response = Response(status_code=204)
    _clear_cookies(response, deps.config(request))
    return response


@router.get("/auth/link/{token}", response_class=RedirectResponse, status_code=303, responses={400: {}, 410: {}})
def use_sign_in_link(token: str, request: Request) -> Response:
    """Sign in with a one-time link and go to the web app.

    An unknown link gets 400; an expired or used one gets 410. Browsers get an
    HTML page, clients that accept JSON the usual error body.
    """
    # NOTE: mail scanners and chat previews that fetch links can use up a link
    # before its recipient opens it. An admin then makes a new one.
    engine, now = deps.engine(request), deps.now(request)
    try:
        user = auth.redeem_sign_in_link(engine, token, now=now)
    except SignInLinkError as exc:
        logger.info("Rejected a sign-in link: %s", exc.code, extra={"action": "sign_in_link_rejected"})
        return _link_error(request, exc)

    response = RedirectResponse("/", status_code=303, headers=_LINK_HEADERS)
    _end_current_session(request, engine, check=False)
    _open_session(response, request, user["id"])
    return response


def _user_who_am_i(user: dict) -> WhoAmI:  # type: ignore[type-arg]
    return WhoAmI(role=user["role"], user_id=user["id"], email=user["email"], has_password=user["has_password"])


def _check_current_password(request: Request, user: dict, password: str | None) -> JSONResponse | None:  # type: ignore[type-arg]
    # Returns a 429 response while this user and address are over the attempt
    # limit, and raises when the password is missing or wrong.
    if password is None:
        raise InvalidInputError(
            f"the current password is missing: {user['email']} has a password, so send it as "
            "current_password to set a new one; if it is lost, ask an admin for a sign-in link"
        )

    now = deps.now(request)
    address = request.client.host if request.client else "unknown"
    limiter = _limiter(request)
    wait = limiter.retry_after(user["email"], address, now)
    if wait is not None:
        logger.warning(
            "Password change attempts limited for user %d from %s.", user["id"], address,
            extra={"action": "password_change_limited", "user_id": user["id"]},
        )
        message = f"too many wrong passwords; wait {wait} seconds and try again, or ask an admin for a sign-in link"
        return JSONResponse(error_body("too_many_attempts", message), status_code=429, headers={"Retry-After": str(wait)})

    if not auth.verify_password(deps.engine(request), user["id"], password):
        limiter.record_failure(user["email"], address, now)
        logger.info(
            "Wrong current password from user %d at %s.", user["id"], address,
            extra={"action": "password_change_failed", "user_id": user["id"]},
        )
        raise ForbiddenError(
            "the current password is wrong: enter the password you sign in with; if it is lost, ask an admin for a sign-in link"
        )

    limiter.clear(user["email"], address)
    return None


def _limiter(request: Request) -> AttemptLimiter:
    state = request.app.state
    with _limiter_lock:
        if not hasattr(state, "sign_in_attempts"):
            state.sign_in_attempts = AttemptLimiter()
        return state.sign_in_attempts


def _open_session(response: Response, request: Request, user_id: int) -> None:
    config = deps.config(request)
    token, csrf = auth.start_session(deps.engine(request), user_id, now=deps.now(request), days=config.session_days)
    max_age = config.session_days * 24 * 3600
    secure = _secure(config)
    response.set_cookie(
        security.SESSION_COOKIE, token, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax"
    )
    response.set_cookie(
        security.CSRF_COOKIE, csrf, max_age=max_age, path="/", secure=secure, httponly=False, samesite="lax"
    )


def _end_current_session(request: Request, engine: Engine, *, check: bool = True) -> None:
    # Ends the session the request's cookie names. With `check`, a live session
    # must carry its CSRF header, as every other change does. Signing in again
    # skips the check, because the new session replaces the old one anyway.
    token = request.cookies.get(security.SESSION_COOKIE)
    if not token:
        return
    principal = auth.session_principal(engine, token, now=deps.now(request))
    if principal is not None and check:
        security.check_csrf(request, principal)
    auth.end_session(engine, token)


def _clear_cookies(response: Response, config: Settings) -> None:
    for name in (security.SESSION_COOKIE, security.CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=_secure(config), samesite="lax")


def _secure(config: Settings) -> bool:
    return config.public_url.startswith("https://")


def _link_error(request: Request, exc: SignInLinkError) -> Response:
    status = 410 if exc.gone else 400
    if "application/json" in request.headers.get("Accept", ""):
        return JSONResponse(error_body(exc.code, str(exc)), status_code=status, headers=_LINK_HEADERS)
    page = (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in link not valid</title></head>"
        f"<body><h1>This sign-in link cannot be used</h1><p>{html.escape(str(exc))}</p></body></html>"
    )
    return HTMLResponse(page, status_code=status, headers=_LINK_HEADERS)
