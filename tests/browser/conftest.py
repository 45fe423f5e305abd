"""Browser tests: `journeys serve` as its own process, driven by Debian's Chromium through Playwright.

Playwright's own browser download is never used: the tests launch /usr/bin/chromium.
Without Chromium or without a built web app they are skipped, except under CI=true,
where they fail, so that CI cannot pass without running them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from journeys.api.webapp import DIST

CHROMIUM = Path(os.environ.get("JOURNEYS_TEST_CHROMIUM", "/usr/bin/chromium"))
# Chromium's own calls home are switched off, so that the tests reach nothing beyond loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_EMAIL = "admin@example.test"
ADMIN_PASSWORD = "correct horse battery staple"
SENDER_NUMBER = "+12025550100"
AGENT_NAME = "collections"
SERVER_START_SECONDS = 30.0
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true requires the browser tests)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _journeys(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    command = [sys.executable, "-m", "journeys.cli.main", *args]
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"journeys {' '.join(args)} failed: {done.stderr or done.stdout}"
    return done.stdout


@dataclass
class Server:
    """A running `journeys serve` with an admin user, a sender number, an agent and an admin API key."""

    url: str
    api_key: str
    work_dir: Path

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _require((DIST / "index.html").is_file(), f"the web app is not built in {DIST}; run ./scripts/build-ui")
    work_dir = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "JOURNEYS_DATABASE_URL": f"sqlite:///{work_dir / 'journeys.db'}",
        "JOURNEYS_PUBLIC_URL": "",
    }
    env.pop("JOURNEYS_CONFIG", None)
    _journeys(env, "db", "upgrade")
    _journeys(env, "user", "create", ADMIN_EMAIL, "--role", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    _journeys(env, "number", "add", SENDER_NUMBER, "--label", "Main line", "--cps", "50")
    _journeys(env, "agent", "add", AGENT_NAME, "--description", "Collections agent")
    api_key = json.loads(_journeys(env, "apikey", "create", "--role", "admin", "--name", "browser tests", "--json"))["key"]

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env["JOURNEYS_PUBLIC_URL"] = url
    log = (work_dir / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "journeys.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_healthy(url, process, work_dir / "serve.log")
        yield Server(url=url, api_key=api_key, work_dir=work_dir)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_healthy(url: str, process: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"journeys serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"journeys serve did not answer on {url} within {SERVER_START_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    _require(CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is not None, f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    """A signed-in browser context at 1280×800, with the browser's zone set to New York."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800}, timezone_id="America/New_York")
    signed_in = context.request.post("/api/session", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert signed_in.ok, signed_in.text()
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    assert errors == [], f"the page raised: {errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


def create_journey(server: Server, document: dict[str, Any]) -> int:
    """Create a journey over the API and return its id."""
    with server.api() as api:
        response = api.post("/api/journeys", json=document)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
