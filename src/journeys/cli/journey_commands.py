"""`journeys journey ...`: create, update, show, list and validate journeys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from journeys.cli.context import clock, database
from journeys.cli.output import print_json, say, table
from journeys.errors import JourneyInvalidError
from journeys.services import journeys as service
from journeys.storage import journeys as queries

app = typer.Typer(help="Create and change journeys: the flow and the data each recipient needs.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
FileArgument = Annotated[Path, typer.Argument(help="Journey document, JSON or YAML.")]


@app.command("create")
def create(file: FileArgument, json_output: JsonOption = False) -> None:
    """Create a journey from a file and print its id.

    Example: journeys journey create reminder.json
    """
    journey_id = service.create_journey(database(), service.read_document(file), now=clock.now())
    if json_output:
        print_json({"id": journey_id, "version": 1})
    else:
        print(journey_id)


@app.command("update")
def update(journey_id: int, file: FileArgument, json_output: JsonOption = False) -> None:
    """Publish a new version of a journey; live runs follow it.

    Example: journeys journey update 1 reminder.json
    """
    version = service.update_journey(database(), journey_id, service.read_document(file), now=clock.now())
    if json_output:
        print_json({"id": journey_id, "version": version})
    else:
        say(f"Journey {journey_id} is now at version {version}.")


@app.command("show")
def show(
    journey_id: int,
    version: Annotated[int | None, typer.Option(help="Version to show; the current one by default.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Print a journey's document.

    Example: journeys journey show 1 --version 2
    """
    with database().connect() as conn:
        journey = queries.get_journey(conn, journey_id)
        document = queries.get_document(conn, journey_id, version)
        versions = queries.list_versions(conn, journey_id)
    if json_output:
        print_json({**journey, "versions": [v["version"] for v in versions], "document": document})
        return
    say(f"Journey {journey_id}: {journey['name']} (version {version or journey['current_version']} of {len(versions)})")
    print_json(document)


@app.command("list")
def list_journeys(json_output: JsonOption = False) -> None:
    """List journeys, newest first.

    Example: journeys journey list --json
    """
    with database().connect() as conn:
        rows = queries.list_journeys(conn)
    if json_output:
        print_json(rows)
        return
    table(None, ["id", "name", "version", "updated"], [[r["id"], r["name"], r["current_version"], r["updated_at"]] for r in rows])


@app.command("validate")
def validate(file: FileArgument, json_output: JsonOption = False) -> None:
    """Check a journey file and list every problem with its node id.

    Example: journeys journey validate reminder.json
    """
    try:
        document = service.validate(database(), service.read_document(file))
    except JourneyInvalidError as exc:
        if json_output:
            print_json({"valid": False, "problems": [
                {"node_id": p.node_id, "path": p.path, "message": p.message} for p in exc.problems
            ]})
            raise typer.Exit(1) from exc
        raise
    if json_output:
        print_json({"valid": True, "problems": [], "name": document.name, "nodes": len(document.nodes)})
    else:
        say(f"{file} is valid: journey {document.name!r} with {len(document.nodes)} nodes.")
