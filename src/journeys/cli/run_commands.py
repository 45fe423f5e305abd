"""`journeys run ...`: create runs, import recipients, control and inspect runs, export results."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from journeys.cli import settings_options as opts
from journeys.cli.context import clock, database
from journeys.cli.import_display import import_options, print_import_report, run_import
from journeys.cli.output import check_output_file, is_standard_output, print_json, say, table
from journeys.errors import InvalidInputError
from journeys.providers.registry import Providers
from journeys.services import runs as service
from journeys.errors import InvalidInputError
from journeys.domain.statuses import RECIPIENT_STATUSES
from journeys.storage import journeys as journey_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

app = typer.Typer(help="Create runs, import recipients, start, pause, resume, cancel, inspect and export.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command("create")
def create(
    journey_id: int,
    name: Annotated[str, typer.Option("--name", help="Name of the run, e.g. 'Morning wave'.")],
    calling_window: opts.CallingWindowOption = opts.DEFAULTS["calling_window"],
    no_calling_window: opts.NoCallingWindowOption = False,
    default_timezone: opts.DefaultTimezoneOption = "UTC",
    max_concurrent_calls: opts.MaxConcurrentOption = 10,
    provider: opts.ProviderOption = "simulator",
    outcomes: opts.OutcomesOption = None,
    seed: opts.SeedOption = 0,
    script: opts.ScriptOption = None,
    sim_latency: opts.LatencyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create a draft run of a journey and print its id.

    Example: journeys run create 1 --name "Morning wave" --calling-window "mon-fri 09:00-18:00"
    """
    settings = opts.build_settings(
        calling_window=calling_window, no_calling_window=no_calling_window, default_timezone=default_timezone,
        max_concurrent_calls=max_concurrent_calls, provider=provider, outcomes=outcomes, seed=seed,
        script=script, sim_latency=sim_latency,
    )
    run_id = service.create_run(database(), journey_id, name=name, settings=settings, now=clock.now())
    if json_output:
        print_json({"id": run_id, "status": "draft"})
    else:
        print(run_id)


@app.command("list")
def list_runs(
    journey: Annotated[int | None, typer.Option("--journey", help="Only runs of this journey.")] = None,
    json_output: JsonOption = False,
) -> None:
    """List runs, newest first.

    Example: journeys run list --journey 1
    """
    with database().connect() as conn:
        rows = run_queries.list_runs(conn, journey)
    if json_output:
        print_json(rows)
        return
    table(None, ["id", "journey", "name", "status", "scheduled", "started", "finished"],
          [[r["id"], r["journey_id"], r["name"], r["status"], r["scheduled_at"], r["started_at"], r["finished_at"]] for r in rows])


@app.command("import")
def import_csv(
    run_id: int,
    file: Annotated[Path, typer.Argument(help="CSV file of recipients, one row each.")],
    map_: Annotated[list[str] | None, typer.Option("--map", help="COLUMN=field, or COLUMN=- to ignore a column. Repeatable.")] = None,
    default_region: Annotated[str | None, typer.Option("--default-region", help="Two-letter region for numbers without a country code, e.g. US.")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="The file's encoding, if not UTF-8 or UTF-16 with a byte-order mark.")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", help="Column separator: ',', ';', 'tab' or '|'. Detected by default.")] = None,
    decimal_comma: Annotated[bool, typer.Option("--decimal-comma", help="Numbers use ',' for decimals, as in 12,50.")] = False,
    date_format: Annotated[str | None, typer.Option("--date-format", help="strptime format of date columns, e.g. %d/%m/%Y. ISO 8601 by default.")] = None,
    datetime_format: Annotated[str | None, typer.Option("--datetime-format", help="strptime format of datetime columns, e.g. '%d/%m/%Y %H:%M'. ISO 8601 by default.")] = None,
    rejected: Annotated[Path | None, typer.Option("--rejected", help="Write the rejected rows, with their reasons, to this CSV.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file and print the report without storing anything.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Import recipients from a CSV into a draft run, and print the report.

    Example: journeys run import 3 leads.csv --default-region US --map "Mobile=phone_number"
    """
    check_output_file(rejected, "--rejected", inputs=[file])
    options = import_options(file, map_, default_region, encoding, delimiter, decimal_comma, date_format, datetime_format)
    report = run_import(database(), run_id, file, options, rejected=rejected, dry_run=dry_run, quiet=json_output, now=clock.now())
    if json_output:
        print_json(report.to_dict())
    else:
        print_import_report(report, dry_run=dry_run, rejected=rejected)


@app.command("start")
def start(
    run_id: int,
    at: Annotated[str | None, typer.Option("--at", help='Local start time, e.g. "2026-12-05 09:00". Now if omitted.')] = None,
    timezone: Annotated[str | None, typer.Option("--timezone", help="IANA zone of --at, e.g. America/New_York.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Start a run now, or schedule it with --at and --timezone.

    `journeys worker` moves the recipients.
    Example: journeys run start 3 --at "2026-12-05 09:00" --timezone America/New_York
    """
    if at is None and timezone is not None:
        raise InvalidInputError(
            f"--timezone {timezone} needs --at with the local start time, e.g. --at \"2026-12-05 09:00\"; "
            "leave both out to start the run now"
        )
    if at is not None:
        if timezone is None:
            raise InvalidInputError(
                f"--at {at!r} needs --timezone to say where that local time is, e.g. --timezone America/New_York"
            )
        run = service.schedule_run(database(), run_id, local_time=at, timezone=timezone, now=clock.now())
    else:
        run = service.start_run(database(), run_id, now=clock.now())
    _print_run_change(run, json_output)


@app.command("pause")
def pause(run_id: int, json_output: JsonOption = False) -> None:
    """Pause a running run: no new call or SMS starts; calls in progress finish.

    Example: journeys run pause 3
    """
    _print_run_change(service.pause_run(database(), run_id, now=clock.now()), json_output)


@app.command("resume")
def resume(run_id: int, json_output: JsonOption = False) -> None:
    """Resume a paused run.

    Example: journeys run resume 3
    """
    _print_run_change(service.resume_run(database(), run_id, now=clock.now()), json_output)


@app.command("cancel")
def cancel(run_id: int, json_output: JsonOption = False) -> None:
    """Cancel a run: queued calls and SMS are dropped and calls in progress hung up.

    Example: journeys run cancel 3
    """
    engine = database()
    _print_run_change(service.cancel_run(engine, run_id, now=clock.now(), providers=Providers(engine)), json_output)


@app.command("unschedule")
def unschedule(run_id: int, json_output: JsonOption = False) -> None:
    """Return a scheduled run to draft.

    Example: journeys run unschedule 3
    """
    _print_run_change(service.unschedule_run(database(), run_id, now=clock.now()), json_output)


@app.command("delete")
def delete(run_id: int, json_output: JsonOption = False) -> None:
    """Delete a draft run and its recipients.

    Example: journeys run delete 3
    """
    service.delete_run(database(), run_id)
    if json_output:
        print_json({"id": run_id, "deleted": True})
    else:
        say(f"Deleted run {run_id}.")


@app.command("show")
def show(run_id: int, json_output: JsonOption = False) -> None:
    """Show a run's status, settings and counts by recipient status and by node.

    Example: journeys run show 3 --json
    """
    from journeys.stats import run_stats

    with database().connect() as conn:
        run = run_queries.get_run(conn, run_id)
        stats = run_stats(conn, run_id).to_dict()
    if json_output:
        print_json({**run, "stats": stats})
        return
    say(f"Run {run_id}: {run['name']} ({run['status']}), journey {run['journey_id']}")
    if run["scheduled_at"]:
        say(f"Scheduled for {run['schedule_local']} ({run['scheduled_at']:%Y-%m-%d %H:%M} UTC)")
    if run["failure_reason"]:
        say(f"Failed: {run['failure_reason']}")
    table("Recipients by status", ["status", "recipients"], [[s, n] for s, n in stats["by_status"].items()])
    table("Recipients by node", ["node", "entered", "on it now", "left"],
          [[n["node_id"], n["entered"], n["on_now"], n["left"]] for n in stats["nodes"]])


@app.command("recipients")
def recipients(
    run_id: int,
    status: Annotated[str | None, typer.Option(help="Only recipients with this status.")] = None,
    node: Annotated[str | None, typer.Option(help="Only recipients on this node.")] = None,
    search: Annotated[str | None, typer.Option(help="Only recipients whose phone or name contains this text.")] = None,
    after: Annotated[int, typer.Option(help="Show recipients after this id (the next page).")] = 0,
    limit: Annotated[int, typer.Option(help="Recipients per page.", min=1, max=10_000)] = 50,
    json_output: JsonOption = False,
) -> None:
    """List a run's recipients with their status, current node and next action time.

    Example: journeys run recipients 3 --status delayed --node wait_retry
    """
    if status is not None and status not in RECIPIENT_STATUSES:
        raise InvalidInputError(f"unknown --status {status!r}; use one of {', '.join(RECIPIENT_STATUSES)}")
    with database().connect() as conn:
        run = run_queries.get_run(conn, run_id)
        if node is not None:
            _check_node(conn, run, node)
        rows = recipient_queries.list_page(conn, run_id, status=status, node=node, search=search, after_id=after, limit=limit)
    if json_output:
        print_json({"recipients": [_recipient_summary(r) for r in rows], "next_after": rows[-1]["id"] if len(rows) == limit else None})
        return
    table(None, ["id", "phone", "status", "node", "next action", "result / reason"],
          [[r["id"], r["phone_number"], r["status"], r["current_node"], r["next_at"], r["result"] or r["failure_reason"]] for r in rows])
    if len(rows) == limit:
        say(f"More recipients follow: add --after {rows[-1]['id']}")


@app.command("export")
def export(
    run_id: int,
    events: Annotated[bool, typer.Option("--events", help="Export the event history instead of one row per recipient.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write; standard output by default or for '-'.")] = None,
) -> None:
    """Export a run's recipients, or its events, as CSV (UTF-8 with a byte-order mark).

    Example: journeys run export 3 -o results.csv
    """
    from journeys.export.events import write_events_csv
    from journeys.export.recipients import write_recipients_csv

    if is_standard_output(output):
        output = None
    check_output_file(output, "--output")
    write = write_events_csv if events else write_recipients_csv
    engine = database()
    with engine.connect() as conn:
        run_queries.get_run(conn, run_id)
    if output is None:
        write(engine, run_id, sys.stdout.buffer)
        return
    partial = output.with_name(output.name + ".partial")
    with partial.open("wb") as out:
        write(engine, run_id, out)
    # Renamed only when complete, so a failed export never leaves a truncated file.
    partial.replace(output)
    say(f"Wrote {output}.")


def _check_node(conn, run: dict[str, Any], node: str) -> None:  # type: ignore[no-untyped-def]
    document = journey_queries.get_document(conn, run["journey_id"])
    node_ids = [item.get("id") for item in document.get("nodes", [])]
    if node not in node_ids:
        raise InvalidInputError(f"unknown --node {node!r}; the journey's nodes are {', '.join(map(str, node_ids))}")


def _recipient_summary(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "phone_number", "status", "current_node", "next_at", "result", "failure_reason",
            "calls_placed", "sms_sent", "last_call_outcome", "data")
    return {key: row[key] for key in keys}


def _print_run_change(run: dict[str, Any], json_output: bool) -> None:
    if json_output:
        print_json(run)
        return
    message = f"Run {run['id']} is {run['status']}."
    if run["status"] == "scheduled":
        message += f" It starts at {run['schedule_local']} ({run['scheduled_at']:%Y-%m-%d %H:%M} UTC)."
    if run["status"] in ("running", "scheduled"):
        message += " `journeys worker` moves its recipients."
    say(message)
