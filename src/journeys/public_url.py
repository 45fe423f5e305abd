"""The public URL: the address at which browsers and providers reach `journeys serve`.

Sign-in links start with it, and every webhook or Twilio request that a worker
sends carries callback URLs built from it. It is "set" when JOURNEYS_PUBLIC_URL
or `public_url` in the config file gives it, or when `journeys serve` derives it
from the address it listens on. Any other process, such as a separate
`journeys worker` or `journeys user link`, then falls back to the default
http://127.0.0.1:8000, which is right only for a server on that port of this
machine.
"""

from __future__ import annotations

import ipaddress
import logging

from journeys.config import Settings
from journeys.errors import ConflictError

PUBLIC_URL_ENV = "JOURNEYS_PUBLIC_URL"
# Providers whose requests carry callback URLs that the platform posts results to.
CALLBACK_PROVIDERS = frozenset({"webhook", "twilio"})
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1"}


def public_url_is_set(config: Settings) -> bool:
    """Return whether public_url was given explicitly or derived by `journeys serve` from its address."""
    return "public_url" in config.model_fields_set


def served_url(host: str, port: int) -> str:
    """Return the http:// URL at which a browser on this machine reaches a server listening on host:port.

    A wildcard address (0.0.0.0 or ::) becomes the loopback address of its
    family, because a browser cannot connect to a wildcard. An IPv6 address
    gets the brackets that a URL needs around it.
    """
    host = WILDCARD_HOSTS.get(host, host)
    try:
        is_ipv6 = ipaddress.ip_address(host).version == 6
    except ValueError:
        is_ipv6 = False
    return f"http://[{host}]:{port}" if is_ipv6 else f"http://{host}:{port}"


def is_wildcard(host: str) -> bool:
    """Return whether `host` is an address that listens on every interface (0.0.0.0 or ::)."""
    return host in WILDCARD_HOSTS


def unset_public_url_note(config: Settings) -> str | None:
    """Return a sentence saying where links come from when public_url is not set, else None."""
    if public_url_is_set(config):
        return None
    return (
        f"{PUBLIC_URL_ENV} is not set, so the link starts with the default {config.public_url}; "
        f"set {PUBLIC_URL_ENV} to the address at which browsers reach `journeys serve`"
    )


def warn_if_public_url_unset(config: Settings, logger: logging.Logger) -> bool:
    """Log a warning when public_url is not set, for a process that sends callback URLs; return whether it warned.

    Call it when a separate `journeys worker` starts: its webhook and Twilio
    requests would send callbacks to the default address, not to the server.
    """
    if public_url_is_set(config):
        return False
    logger.warning(
        "%s is not set, so the callback URLs in webhook and Twilio requests use the default %s; "
        "set %s to the address of `journeys serve`, the same value for serve and every worker.",
        PUBLIC_URL_ENV, config.public_url, PUBLIC_URL_ENV,
        extra={"action": "public_url_unset"},
    )
    return True


def check_public_url_for_run(config: Settings, run_id: int, provider: str) -> None:
    """Raise ConflictError if a run's provider sends callback URLs and public_url is not set.

    The worker that dispatches the run may be another process than the one
    that starts it, so only an explicit public_url, or the one that `journeys
    serve` derives for itself and its own worker, is trusted.
    """
    if provider not in CALLBACK_PROVIDERS or public_url_is_set(config):
        return
    raise ConflictError(
        f"run {run_id} uses the {provider} provider, whose results come back to callback URLs built "
        f"from {PUBLIC_URL_ENV}, and {PUBLIC_URL_ENV} is not set here (the default {config.public_url} "
        f"would be used); set {PUBLIC_URL_ENV} to the address of `journeys serve`, the same value for "
        "serve, every worker and this command"
    )
