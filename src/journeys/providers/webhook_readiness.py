"""Checks, before a run on the webhook provider starts, that every request it will send has a target.

A run whose agents have no webhook URL, or whose SMS have no SMS webhook,
would otherwise fail each recipient one by one with the same reason.
"""

from __future__ import annotations

from sqlalchemy import Connection

from journeys.config import Settings
from journeys.domain.document import JourneyDocument
from journeys.errors import ConflictError, InvalidInputError
from journeys.providers.endpoints import check_outbound_url
from journeys.storage import webhooks as queries


def check_webhook_run(conn: Connection, run_id: int, document: JourneyDocument, config: Settings) -> None:
    """Raise ConflictError naming every setting a webhook run still needs; return if none.

    NOTE: this checks the journey version current at start. Nodes added by a
    later save are checked only when their requests are sent, and fail with the reason.
    """
    problems = _agent_problems(conn, document, config)
    if any(node.type == "sms" for node in document.nodes):
        problems += _sms_problems(config)
    if problems:
        listed = "; ".join(problems)
        raise ConflictError(f"run {run_id} uses the webhook provider, but {listed}")


def _agent_problems(conn: Connection, document: JourneyDocument, config: Settings) -> list[str]:
    names = sorted({node.agent for node in document.nodes if node.type == "call"})
    endpoints = queries.agent_endpoints(conn, names)
    problems = []
    for name in names:
        found = endpoints.get(name)
        if found is None:
            problems.append(f"agent {name!r} is not registered; add it with `journeys agent add {name}`")
        elif not found["webhook_url"] or not found["webhook_secret"]:
            problems.append(f"agent {name!r} has no webhook URL or secret; set both on the agent")
        else:
            problems += _url_problem(found["webhook_url"], config, f"agent {name!r} webhook URL")
    return problems


def _sms_problems(config: Settings) -> list[str]:
    if not config.webhook_sms_url or config.webhook_sms_secret is None:
        return ["the journey sends SMS and no SMS webhook is set; set JOURNEYS_WEBHOOK_SMS_URL and JOURNEYS_WEBHOOK_SMS_SECRET"]
    return _url_problem(config.webhook_sms_url, config, "JOURNEYS_WEBHOOK_SMS_URL")


def _url_problem(url: str, config: Settings, what: str) -> list[str]:
    try:
        check_outbound_url(url, config.webhook_allowed_hosts, what=what)
    except InvalidInputError as exc:
        return [str(exc)]
    return []
