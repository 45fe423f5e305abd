"""`journeys recipient show` and `journeys stats`."""

from __future__ import annotations

from typing import Annotated

import typer

from journeys.cli.context import database
from journeys.cli.output import print_json, say, table
from journeys.storage import events as event_queries
from journeys.storage import journeys as journey_queries
from journeys.storage import recipients as recipient_queries

app = typer.Typer(help="Inspect one recipient: its data, state and timeline.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command("show")
def show(recipient_id: int, json_output: JsonOption = False) -> None:
    """Show a recipient's data, state and event timeline.

    Example: journeys recipient show 42
    """
    with database().connect() as conn:
        row = recipient_queries.get_one(conn, recipient_id)
        timeline = event_queries.timeline(conn, recipient_id)
    row = {key: value for key, value in row.items() if key not in ("lease_owner", "lease_expires_at", "search_text")}
    if json_output:
        print_json({**row, "events": timeline})
        return
    say(f"Recipient {recipient_id} of run {row['run_id']}: {row['phone_number']} ({row['status']})")
    say(f"Current node: {row['current_node'] or '-'}; next action: {row['next_at'] or '-'}")
    if row["failure_reason"]:
        say(f"Failure: {row['failure_reason']}")
    say("Data: " + ", ".join(f"{key}={value}" for key, value in row["data"].items()))
    table("Timeline", ["at", "node", "event", "detail"], [[e["at"], e["node_id"], e["type"], e["detail"]] for e in timeline])


def stats(
    journey_id: int,
    run: Annotated[int | None, typer.Option("--run", help="Only this run of the journey.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Print a journey's metrics: calls placed, answer rate, talk time, SMS and statuses.

    Example: journeys stats 1 --run 3
    """
    from journeys.stats import journey_stats

    with database().connect() as conn:
        journey_queries.get_journey(conn, journey_id)
        figures = journey_stats(conn, journey_id, run_id=run).to_dict()
    if json_output:
        print_json(figures)
        return
    rate = figures["answer_rate"]
    talk = figures["average_talk_time_seconds"]
    table("Calls and SMS", ["figure", "value"], [
        ["calls placed", figures["calls_placed"]],
        ["answer rate", "-" if rate is None else f"{rate:.1%}"],
        ["average talk time", "-" if talk is None else f"{talk:.1f} s"],
        ["answered", figures["calls_answered"]],
        ["voicemail", figures["voicemail"]],
        ["no answer", figures["no_answer"]],
        ["busy", figures["busy"]],
        ["failed calls", figures["calls_failed"]],
        ["SMS sent", figures["sms_sent"]],
        ["SMS delivered", figures["sms_delivered"]],
        ["SMS failed", figures["sms_failed"]],
    ])
    table("Recipients by status", ["status", "recipients"], [[s, n] for s, n in figures["by_status"].items()])
    table("Nodes", ["node", "entered", "on it now", "left"],
          [[n["node_id"], n["entered"], n["on_now"], n["left"]] for n in figures["nodes"]])
