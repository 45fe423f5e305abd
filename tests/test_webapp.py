"""Serving the built web app at `/`: the index for page paths, assets, and API paths kept apart."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from journeys.api.webapp import WebApp


def _bundle(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>bundle index</title>")
    (tmp_path / "assets" / "app-1234.js").write_text("console.log('app')")
    return tmp_path


def _app(directory: Path) -> FastAPI:
    app = FastAPI()

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.mount("/", WebApp(directory), name="webapp")
    return app


def test_page_paths_get_index(tmp_path: Path) -> None:
    client = TestClient(_app(_bundle(tmp_path)))
    for path in ("/", "/journeys/3/runs", "/journeys/3/runs/12"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "bundle index" in response.text
        assert response.headers["cache-control"] == "no-cache"
        assert "script-src 'self'" in response.headers["content-security-policy"]


def test_assets_cached_for_good(tmp_path: Path) -> None:
    response = TestClient(_app(_bundle(tmp_path))).get("/assets/app-1234.js")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def test_missing_file_is_404(tmp_path: Path) -> None:
    response = TestClient(_app(_bundle(tmp_path))).get("/assets/missing-1.js")
    assert response.status_code == 404


def test_api_paths_never_fall_back(tmp_path: Path) -> None:
    client = TestClient(_app(_bundle(tmp_path)))
    assert client.get("/api/health").json() == {"status": "ok"}
    for method, path in (("GET", "/api/nothing"), ("POST", "/api/nothing"), ("GET", "/webhooks/x"), ("GET", "/auth/x")):
        response = client.request(method, path)
        assert response.status_code == 404, (method, path)
        assert "bundle index" not in response.text


def test_unbuilt_bundle_says_how_to_build(tmp_path: Path) -> None:
    response = TestClient(_app(tmp_path / "missing")).get("/")
    assert response.status_code == 503
    assert "./scripts/build-ui" in response.text
