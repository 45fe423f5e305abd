"""The page at `/`: a plain HTML stand-in for the web app, which is not built yet.

A sign-in link redirects here, so the page says that the server is running, who
is signed in, and where the API documentation is. It loads no scripts, styles or
images from anywhere. The web app will replace it.
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from journeys.api import deps, security
from journeys.errors import NotFoundError
from journeys.services import auth, users

router = APIRouter(tags=["home"])

# The page names the signed-in user, so no cache keeps it, and it may load nothing
# but its own inline style.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
_STYLE = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    """Return the stand-in page: the server's version, who is signed in, and links to the API description."""
    signed_in = _signed_in_user(request)
    if signed_in is None:
        who = (
            "<p>Not signed in. Open a sign-in link (<code>journeys user link EMAIL</code> prints one), "
            "or POST an email and password to <code>/api/session</code>.</p>"
        )
    else:
        email, role = signed_in
        who = f"<p>Signed in as <strong>{html.escape(email)}</strong>, with the {html.escape(role)} role.</p>"

    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Journeys</title><style>{_STYLE}</style></head><body>"
        f"<h1>Journeys</h1><p>The server is running, version {html.escape(request.app.version)}.</p>{who}"
        "<p>This version has no web app yet. Use the HTTP API: "
        '<a href="/docs">its interactive documentation</a> or <a href="/openapi.json">its OpenAPI description</a>.</p>'
        "</body></html>"
    )
    return HTMLResponse(page, headers=_HEADERS)


def _signed_in_user(request: Request) -> tuple[str, str] | None:
    """Return the email and role of the session cookie's user, or None without a valid session."""
    token = request.cookies.get(security.SESSION_COOKIE)
    if not token:
        return None
    engine = deps.engine(request)
    principal = auth.session_principal(engine, token, now=deps.now(request))
    if principal is None or principal.user_id is None:
        return None
    try:
        user = users.get_user(engine, principal.user_id)
    except NotFoundError:
        return None
    return str(user["email"]), principal.role
