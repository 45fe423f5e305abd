"""Which hosts the server may send requests to, so that no setting turns it into a proxy.

Only an admin sets the URLs that the server itself calls (agent webhooks, the
SMS webhook); journeys refer to agents by name. Even so, a URL must use http or
https, and must not reach the server's own network: loopback, private,
link-local (which holds cloud metadata services) and other reserved addresses
are rejected unless the host is on the operator's allowlist. Link-local
addresses are rejected even then.

The host must be a DNS name or an IP address. Numeric IPv4 forms such as
`127.1`, `2130706433` or `0x7f000001`, which the system's resolver reads as
addresses, are read the same way here, without any DNS lookup, so that the
address rules apply to them when the URL is saved.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence
from urllib.parse import SplitResult, urlsplit, urlunsplit

from journeys.errors import InvalidInputError

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata"})

# RFC 1123 host names: letters, digits and hyphens, 1 to 63 characters a label,
# no hyphen at either end, at most 253 characters in all.
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
MAX_HOST_LENGTH = 253
# A last label that is a decimal or hexadecimal number makes the host an IPv4
# address to the resolver, never a DNS name: no top-level domain is numeric.
NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def check_outbound_url(url: str, allowed_hosts: Sequence[str], *, what: str) -> str:
    """Return `url` if the server may send requests to it; raise InvalidInputError if not.

    `what` names the setting in the error, such as "agent 'sales' webhook URL".
    Errors show the URL with any user name and password replaced by `***`.
    """
    redacted_url = redact_credentials(url)
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidInputError(f"invalid {what} {redacted_url!r}: {exc}; use an http:// or https:// URL with a host name") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(f"invalid {what} {redacted_url!r}: use an http:// or https:// URL with a host name")
    if "@" in parts.netloc:
        raise InvalidInputError(
            f"invalid {what} {redacted_url!r}: remove the user name and password from the URL; the server "
            "signs every request with the webhook secret, so set the secret instead"
        )
    _check_port(parts, redacted_url, what)
    host = _check_host(parts, redacted_url, what)

    address = numeric_address(host)
    if address is not None and address.is_link_local:
        raise InvalidInputError(f"invalid {what} {redacted_url!r}: link-local addresses such as {address} are never allowed")
    if allowed_hosts:
        if not host_allowed(host, allowed_hosts):
            raise InvalidInputError(
                f"invalid {what} {redacted_url!r}: host {host!r} is not in JOURNEYS_WEBHOOK_ALLOWED_HOSTS "
                f"({', '.join(allowed_hosts)}); add it there or use an allowed host"
            )
        return url

    if host in METADATA_HOSTS or host == "localhost" or host.endswith(".localhost"):
        raise InvalidInputError(f"invalid {what} {redacted_url!r}: {host!r} is a local address; list it in JOURNEYS_WEBHOOK_ALLOWED_HOSTS to allow it")
    if address is not None and not address.is_global:
        described = host if str(address) == host else f"{host} (the address {address})"
        raise InvalidInputError(
            f"invalid {what} {redacted_url!r}: {described} is not a public address; "
            "list it in JOURNEYS_WEBHOOK_ALLOWED_HOSTS to allow it"
        )
    return url


def redact_credentials(url: str) -> str:
    """Return `url` with the user name and password, if any, replaced by `***`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("@")[-1] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def numeric_address(host: str) -> IPAddress | None:
    """Return the address that `host` names as an IP literal, or None for a DNS name.

    IPv4 is read as the system resolver reads it (inet_aton forms such as
    `127.1` or `0x7f000001` included), with AI_NUMERICHOST so that no DNS
    lookup is made. An IPv4-mapped IPv6 address gives its IPv4 address.
    """
    text = host.strip("[]")
    try:
        address: IPAddress = ipaddress.ip_address(text)
    except ValueError:
        address = _resolver_numeric_ipv4(text)  # type: ignore[assignment]
        if address is None:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


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


def _check_port(parts: SplitResult, redacted_url: str, what: str) -> None:
    try:
        port = parts.port
    except ValueError:
        port = None
        valid = False
    else:
        valid = port is None or port >= 1
    if not valid:
        port_text = parts.netloc.rpartition("]")[2].rpartition(":")[2]
        raise InvalidInputError(f"invalid {what} {redacted_url!r}: port {port_text!r} is not valid; use a number from 1 to 65535")


def _check_host(parts: SplitResult, redacted_url: str, what: str) -> str:
    """Return the URL's host in lower case without a final dot; raise InvalidInputError unless it is a DNS name or an IP address."""
    host = str(parts.hostname).lower()
    if parts.netloc.rpartition("@")[2].startswith("["):
        if isinstance(_ip_literal(host.split("%")[0]), ipaddress.IPv6Address):
            return host
        raise InvalidInputError(f"invalid {what} {redacted_url!r}: [{host}] is not a valid IPv6 address")

    name = host[:-1] if host.endswith(".") else host
    if _resolver_numeric_ipv4(name) is not None or _is_host_name(name):
        return name
    raise InvalidInputError(
        f"invalid {what} {redacted_url!r}: {host!r} is not a valid host name or IP address; "
        "use a DNS name such as agents.example.com, or an address such as 203.0.113.10"
    )


def _is_host_name(name: str) -> bool:
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_name.split(".")
    return (
        len(ascii_name) <= MAX_HOST_LENGTH
        and all(HOST_LABEL.fullmatch(label) for label in labels)
        and not NUMERIC_LABEL.fullmatch(labels[-1])
    )


def _resolver_numeric_ipv4(text: str) -> ipaddress.IPv4Address | None:
    if not text or not text.isascii() or "\x00" in text or ":" in text:
        return None
    try:
        infos = socket.getaddrinfo(text, None, family=socket.AF_INET, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        return None
    return ipaddress.IPv4Address(infos[0][4][0]) if infos else None


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
