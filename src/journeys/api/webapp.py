"""Serve the built web app at `/`, with every unknown page path falling back to its index.

The web app routes in the browser (`/journeys/3/runs`), so a reload or a pasted link
must get `index.html` rather than 404. Paths under the API's own prefixes never fall
back: a mistyped API path keeps its JSON 404. When the bundle has not been built, `/`
returns a short page with the command that builds it.
"""

from __future__ import annotations

import html
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"

# Paths the API owns. Routes handle them, never the web app's index.
API_PREFIXES = ("/api", "/webhooks", "/auth", "/metrics", "/openapi.json")

# The app loads only its own files. React Flow positions nodes with inline styles,
# hence 'unsafe-inline' for styles; scripts stay strictly same-origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class WebApp(StaticFiles):
    """Static files of the bundle, with `index.html` for page paths it does not hold."""

    def __init__(self, directory: Path = DIST) -> None:
        super().__init__(directory=directory, html=True, check_dir=False)
        self.built = (directory / "index.html").is_file()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # An API path no route matched is a 404 whatever its method, as it was
        # before the web app was mounted over everything else.
        if scope["type"] == "http" and _is_api_path(scope["path"]):
            raise HTTPException(status_code=404)
        if not self.built:
            await _not_built_page()(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or "." in Path(path).name:
                raise
            response = FileResponse(Path(str(self.directory)) / "index.html")

        _add_headers(response, path)
        return response


def _is_api_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def _add_headers(response: Response, path: str) -> None:
    response.headers.update(SECURITY_HEADERS)
    # Vite puts a content hash in every asset name, so those can be cached for good.
    # The index must be fetched again to pick up a new build.
    if path.startswith("assets/"):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"


def _not_built_page() -> HTMLResponse:
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Journeys</title></head><body>'
        "<h1>Journeys</h1><p>The server is running, but the web app has not been built.</p>"
        f"<p>Run <code>./scripts/build-ui</code> from the repository (it needs Node.js 20.19 or newer), "
        f"then reload. It writes the bundle to <code>{html.escape(str(DIST))}</code>.</p>"
        '<p>The HTTP API works meanwhile: see <a href="/openapi.json">its OpenAPI description</a>.</p>'
        "</body></html>"
    )
    return HTMLResponse(page, status_code=503, headers={"Cache-Control": "no-store", **SECURITY_HEADERS})
