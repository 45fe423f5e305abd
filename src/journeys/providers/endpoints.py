"""Which hosts the server may send requests to, so that no setting turns it into a proxy.

Only an admin sets the URLs that the server itself calls (agent webhooks, the
SMS webhook); journeys refer to agents by name. Even so, a URL must use http or
https, and must not reach the server's own network: loopback, private,
link-local (which holds cloud metadata services) and other reserved addresses
are rejected unless the host is on the operator's allowlist. Link-local
addresses are rejected even then.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from journeys.errors import InvalidInputError

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata"})


def check_outbound_url(url: str, allowed_hosts: Sequence[str], *, what: str) -> str:
    """Return `url` if the server may send requests to it; raise InvalidInputError if not.

    `what` names the setting in the error, such as "agent 'sales' webhook URL".
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(f"invalid {what} {url!r}: use an http:// or https:// URL with a host name")
    host = parts.hostname.lower()

    address = _ip_literal(host)
    if address is not None and address.is_link_local:
        raise InvalidInputError(f"invalid {what} {url!r}: link-local addresses such as {host} are never allowed")
    if allowed_hosts:
        if not host_allowed(host, allowed_hosts):
            raise InvalidInputError(
                f"invalid {what} {url!r}: host {host!r} is not in JOURNEYS_WEBHOOK_ALLOWED_HOSTS "
                f"({', '.join(allowed_hosts)}); add it there or use an allowed host"
            )
        return url

    if host in METADATA_HOSTS or host == "localhost" or host.endswith(".localhost"):
        raise InvalidInputError(f"invalid {what} {url!r}: {host!r} is a local address; list it in JOURNEYS_WEBHOOK_ALLOWED_HOSTS to allow it")
    if address is not None and not address.is_global:
        raise InvalidInputError(
            f"invalid {what} {url!r}: {host} is not a public address; "
            "list it in JOURNEYS_WEBHOOK_ALLOWED_HOSTS to allow it"
        )
    return url


def check_resolved(host: str, allowed_hosts: Sequence[str]) -> None:
    """Reject a host name that resolves to a non-public address, right before a request.

    A name that was public when an admin saved it can later resolve to an
    internal address, so the check is repeated at send time. Allowlisted hosts
    are trusted as they are.
    """
    if allowed_hosts and host_allowed(host, allowed_hosts):
        return
    if _ip_literal(host) is not None:
        addresses = [host]
    else:
        try:
            addresses = [info[4][0] for info in socket.getaddrinfo(host, None)]
        except OSError as exc:
            raise InvalidInputError(f"cannot resolve host {host!r}: {exc}") from exc
    for text in addresses:
        if not ipaddress.ip_address(text.split("%")[0]).is_global:
            raise InvalidInputError(
                f"host {host!r} resolves to {text}, which is not a public address; "
                "list the host in JOURNEYS_WEBHOOK_ALLOWED_HOSTS to allow it"
            )


def host_allowed(host: str, allowed_hosts: Sequence[str]) -> bool:
    """Return whether `host` matches an allowlist entry: an exact name, or `*.domain` for its subdomains."""
    host = host.lower()
    for entry in allowed_hosts:
        entry = entry.lower().strip()
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
    return False


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
