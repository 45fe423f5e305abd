"""`journeys number ...` and `journeys agent ...`: the sender numbers and voice agents."""

from __future__ import annotations

from typing import Annotated

import typer

from journeys.cli.context import clock, database
from journeys.cli.output import print_json, say, table
from journeys.services import registry as service
from journeys.storage import registry as queries

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
    with database().connect() as conn:
        rows = [_number(row) for row in queries.list_numbers(conn)]
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


@agents.command("add")
def add_agent(
    name: Annotated[str, typer.Argument(help="The agent's name, as call nodes refer to it.")],
    description: Annotated[str | None, typer.Option(help="What the agent does.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Register a voice agent.

    Example: journeys agent add collections --description "Payment reminders"
    """
    row = service.add_agent(database(), name, description=description, now=clock.now())
    if json_output:
        print_json({"name": row["name"], "description": row["description"]})
    else:
        say(f"Added agent {row['name']}.")


@agents.command("list")
def list_agents(json_output: JsonOption = False) -> None:
    """List voice agents.

    Example: journeys agent list
    """
    with database().connect() as conn:
        rows = [{"name": r["name"], "description": r["description"]} for r in queries.list_agents(conn)]
    if json_output:
        print_json(rows)
        return
    table(None, ["name", "description"], [[r["name"], r["description"]] for r in rows])


@agents.command("remove")
def remove_agent(name: str) -> None:
    """Remove a voice agent; journeys that use it no longer validate.

    Example: journeys agent remove collections
    """
    service.remove_agent(database(), name)
    say(f"Removed agent {name}.")


def _number(row: dict) -> dict:  # type: ignore[type-arg]
    return {"number": row["number"], "label": row["label"], "calls_per_second": row["calls_per_second"]}
