"""Outbound URL checks when an admin saves a URL that the server will call: hosts, ports and credentials."""

from __future__ import annotations

import ipaddress

import pytest
from fastapi import FastAPI

from api_helpers import client_as
from journeys.errors import InvalidInputError
from journeys.providers.endpoints import check_outbound_url, numeric_address, redact_credentials

WHAT = "agent 'sales' webhook URL"
SECRET = "s3cret-webhook-signing-key"


def rejection(url: str, allowed_hosts: list[str] | None = None) -> str:
    with pytest.raises(InvalidInputError) as raised:
        check_outbound_url(url, allowed_hosts or [], what=WHAT)
    return str(raised.value)


@pytest.mark.parametrize(
    "url",
    ["https://0x7f000001/x", "https://2130706433/x", "https://017700000001/x", "https://127.1/x", "https://0x7f.1/x"],
)
def test_numeric_loopback_forms_rejected(url: str) -> None:
    message = rejection(url)

    assert "not a public address" in message
    assert "127.0.0.1" in message
    assert WHAT in message


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://0xa9fea9fe/latest/meta-data/", "169.254.169.254"),
        ("http://2852039166/latest/meta-data/", "169.254.169.254"),
    ],
)
def test_numeric_link_local_rejected_even_allowlisted(url: str, address: str) -> None:
    host = url.split("/")[2]

    message = rejection(url, allowed_hosts=[host])

    assert "link-local" in message
    assert address in message


def test_numeric_private_and_mapped_forms_rejected() -> None:
    assert "not a public address" in rejection("https://10.1/calls")
    assert "not a public address" in rejection("https://[::ffff:127.0.0.1]/calls")
    assert "not a public address" in rejection("https://[::ffff:7f00:1]/calls")


def test_numeric_public_address_accepted() -> None:
    assert check_outbound_url("https://134744072/calls", [], what=WHAT) == "https://134744072/calls"
    assert check_outbound_url("https://8.8.8.8/calls", [], what=WHAT) == "https://8.8.8.8/calls"


def test_numeric_address_reads_resolver_forms() -> None:
    assert numeric_address("0x7f000001") == ipaddress.IPv4Address("127.0.0.1")
    assert numeric_address("127.1") == ipaddress.IPv4Address("127.0.0.1")
    assert numeric_address("::ffff:10.0.0.1") == ipaddress.IPv4Address("10.0.0.1")
    assert numeric_address("agents.example.com") is None


@pytest.mark.parametrize("port", ["99999", "0", "8a", "65536"])
def test_invalid_port_rejected(port: str) -> None:
    message = rejection(f"https://agents.example.com:{port}/calls")

    assert f"port {port!r} is not valid" in message
    assert "1 to 65535" in message


def test_valid_port_accepted() -> None:
    url = "https://agents.example.com:8443/calls"

    assert check_outbound_url(url, [], what=WHAT) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://exa mple.com/",
        "https://ex_ample.com/",
        "https://-agents.example.com/",
        "https://agents..example.com/",
        "https://1.2.3.999/",
        "https://agents.example.123/",
        f"https://{'a' * 64}.example.com/",
    ],
)
def test_invalid_host_name_rejected(url: str) -> None:
    message = rejection(url)

    assert "is not a valid host name or IP address" in message


@pytest.mark.parametrize("url", ["https://[192.0.2.10]/", "https://[agents.example.com]/", "https://[::1/"])
def test_invalid_ipv6_literal_rejected(url: str) -> None:
    message = rejection(url)

    assert f"invalid {WHAT} {url!r}" in message


@pytest.mark.parametrize(
    "url",
    ["https://agents.example.com/calls", "https://xn--bcher-kva.de/calls", "https://bücher.de/calls", "https://agents.example.com./calls"],
)
def test_valid_host_names_accepted(url: str) -> None:
    assert check_outbound_url(url, [], what=WHAT) == url


def test_trailing_dot_localhost_rejected() -> None:
    assert "'localhost' is a local address" in rejection("http://localhost./calls")


@pytest.mark.parametrize(
    "url",
    [
        "https://bob:platformpassword@agents.example.com/j",
        "https://bob@agents.example.com/j",
        "https://:platformpassword@agents.example.com/j",
    ],
)
def test_credentials_rejected_without_echo(url: str) -> None:
    message = rejection(url)

    assert "remove the user name and password" in message
    assert "webhook secret" in message
    assert "platformpassword" not in message
    assert "bob" not in message
    assert "***@agents.example.com" in message


def test_credentials_rejected_even_allowlisted() -> None:
    message = rejection("https://bob:platformpassword@agents.example.com/j", allowed_hosts=["agents.example.com"])

    assert "remove the user name and password" in message


def test_redact_credentials() -> None:
    assert redact_credentials("https://bob:pw@agents.example.com/j") == "https://***@agents.example.com/j"
    assert redact_credentials("https://agents.example.com/j") == "https://agents.example.com/j"


def test_api_rejects_credentials_in_webhook_url(app: FastAPI) -> None:
    url = "https://bob:platformpassword@agents.example.com/j"

    with client_as(app, "admin") as admin:
        created = admin.post("/api/agents", json={"name": "sales", "webhook_url": url, "webhook_secret": SECRET})
        listed = admin.get("/api/agents")

    assert created.status_code == 422
    assert "remove the user name and password" in created.json()["message"]
    assert "platformpassword" not in created.text
    assert listed.json() == []


@pytest.mark.parametrize(
    "url", ["https://0x7f000001/x", "https://127.1/x", "https://agents.example.com:99999/", "https://exa mple.com/"]
)
def test_api_rejects_bad_webhook_url_at_save(app: FastAPI, url: str) -> None:
    with client_as(app, "admin") as admin:
        created = admin.post("/api/agents", json={"name": "sales", "webhook_url": url, "webhook_secret": SECRET})
        updated = admin.post("/api/agents", json={"name": "other"})
        patched = admin.patch("/api/agents/other", json={"webhook_url": url, "webhook_secret": SECRET})
        listed = admin.get("/api/agents").json()

    assert created.status_code == 422
    assert WHAT in created.json()["message"]
    assert updated.status_code == 201
    assert patched.status_code == 422
    assert [agent["webhook_url"] for agent in listed] == [None]
