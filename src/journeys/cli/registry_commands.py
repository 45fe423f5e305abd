"""`journeys number ...` and `journeys agent ...`: the sender numbers and voice agents."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from journeys.cli.context import clock, database
from journeys.cli.output import print_json, say, table
from journeys.config import load_settings
from journeys.errors import InvalidInputError
from journeys.services import registry as service

numbers = typer.Typer(help="Sender numbers that calls and SMS come from.", no_args_is_help=True)
agents = typer.Typer(help="Voice agents that calls connect recipients to.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@numbers.command("add")
def add_number(
    number: Annotated[str, typer.Argument(help="The number in E.164, e.g. +12025550100.")],
    label: Annotated[str | None, typer.Option(help="A name for people, e.g. 'Collections US'.")] = None,
    calls_per_second: Annotated[float, typer.Option("--cps", help="Calls and SMS per second from this number.")] = 1.0,
    json_output: JsonOption = False,
) -> None:
    """Register a sender number.

    Example: journeys number add +12025550100 --label "Collections" --cps 1
    """
    row = service.add_number(database(), number, label=label, calls_per_second=calls_per_second, now=clock.now())
    if json_output:
        print_json(_number(row))
    else:
        say(f"Added sender number {row['number']} ({row['calls_per_second']:g} per second).")


@numbers.command("list")
def list_numbers(json_output: JsonOption = False) -> None:
    """List sender numbers.

    Example: journeys number list
    """
    rows = [_number(row) for row in service.list_numbers(database())]
    if json_output:
        print_json(rows)
        return
    table(None, ["number", "label", "per second"], [[r["number"], r["label"], r["calls_per_second"]] for r in rows])


@numbers.command("remove")
def remove_number(number: str) -> None:
    """Remove a sender number; journeys that use it no longer validate.

    Example: journeys number remove +12025550100
    """
    service.remove_number(database(), number)
    say(f"Removed sender number {number}.")


StreamUrlOption = Annotated[
    str | None, typer.Option("--stream-url", help="The agent's wss:// media stream URL, for calls through Twilio.")
]
SipUriOption = Annotated[
    str | None, typer.Option("--sip-uri", help="The agent's sip: URI, for calls through Twilio.")
]
WebhookUrlOption = Annotated[
    str | None,
    typer.Option("--webhook-url", help="The https:// URL the webhook provider POSTs call requests to."),
]
WebhookSecretOption = Annotated[
    bool,
    typer.Option(
        "--webhook-secret-stdin",
        help="Read the webhook signing secret (at least 16 characters) from standard input.",
    ),
]


@agents.command("add")
def add_agent(
    name: Annotated[str, typer.Argument(help="The agent's name, as call nodes refer to it.")],
    description: Annotated[str | None, typer.Option(help="What the agent does.")] = None,
    stream_url: StreamUrlOption = None,
    sip_uri: SipUriOption = None,
    webhook_url: WebhookUrlOption = None,
    webhook_secret_stdin: WebhookSecretOption = False,
    json_output: JsonOption = False,
) -> None:
    """Register a voice agent, and where calls reach it.

    Example: journeys agent add collections --description "Payment reminders"
    --webhook-url https://agents.example.com/calls --webhook-secret-stdin < secret.txt
    """
    endpoints = _endpoint_options(stream_url, sip_uri, webhook_url, webhook_secret_stdin)
    row = service.add_agent(
        database(), name, description=description, now=clock.now(),
        endpoints=endpoints, allowed_hosts=_allowed_hosts(endpoints),
    )
    if json_output:
        print_json(row)
    else:
        say(f"Added agent {row['name']}.")


@agents.command("update")
def update_agent(
    name: Annotated[str, typer.Argument(help="The name of the agent to change.")],
    description: Annotated[str | None, typer.Option(help="What the agent does; \"\" clears it.")] = None,
    stream_url: StreamUrlOption = None,
    sip_uri: SipUriOption = None,
    webhook_url: WebhookUrlOption = None,
    webhook_secret_stdin: WebhookSecretOption = False,
    json_output: JsonOption = False,
) -> None:
    """Change an agent's description or endpoints; options left out keep their values, and "" clears one.

    Clearing the webhook URL also clears its secret.

    Example: journeys agent update collections --stream-url wss://agents.example.com/media --sip-uri ""
    """
    changes = _endpoint_options(stream_url, sip_uri, webhook_url, webhook_secret_stdin)
    if description is not None:
        changes["description"] = description
    if not changes:
        raise InvalidInputError(
            f"nothing to change for agent {name!r}: give --description, --stream-url, --sip-uri, "
            "--webhook-url or --webhook-secret-stdin"
        )
    row = service.update_agent(database(), name, changes, allowed_hosts=_allowed_hosts(changes))
    if json_output:
        print_json(row)
    else:
        say(f"Updated agent {row['name']}.")


@agents.command("list")
def list_agents(json_output: JsonOption = False) -> None:
    """List voice agents and where calls reach them; webhook secrets are never shown.

    Example: journeys agent list
    """
    rows = service.list_agents(database())
    if json_output:
        print_json(rows)
        return
    table(
        None,
        ["name", "description", "stream URL", "SIP URI", "webhook URL", "webhook secret"],
        [
            [r["name"], r["description"], r["stream_url"], r["sip_uri"], r["webhook_url"],
             "set" if r["has_webhook_secret"] else None]
            for r in rows
        ],
    )


def _endpoint_options(
    stream_url: str | None, sip_uri: str | None, webhook_url: str | None, secret_stdin: bool
) -> dict[str, str | None]:
    options = {"stream_url": stream_url, "sip_uri": sip_uri, "webhook_url": webhook_url}
    endpoints = {key: value for key, value in options.items() if value is not None}
    if secret_stdin:
        secret = sys.stdin.read().rstrip("\r\n")
        if not secret:
            raise InvalidInputError("--webhook-secret-stdin read nothing: pipe the secret in, as in `... < secret.txt`")
        endpoints["webhook_secret"] = secret
    return endpoints


def _allowed_hosts(changes: dict[str, str | None]) -> list[str]:
    # Settings are read only when a webhook URL is set, so that a bad config
    # file does not block unrelated commands.
    if not changes.get("webhook_url"):
        return []
    return load_settings().webhook_allowed_hosts


@agents.command("remove")
def remove_agent(name: str) -> None:
    """Remove a voice agent; journeys that use it no longer validate.

    Example: journeys agent remove collections
    """
    service.remove_agent(database(), name)
    say(f"Removed agent {name}.")


def _number(row: dict) -> dict:  # type: ignore[type-arg]
    return {"number": row["number"], "label": row["label"], "calls_per_second": row["calls_per_second"]}
