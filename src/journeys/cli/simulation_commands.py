"""`journeys simulate` and `journeys demo`."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer

from journeys.cli import settings_options as opts
from journeys.cli.import_display import import_options, print_import_report
from journeys.cli.output import check_output_file, print_json, say, table
from journeys.domain.localtime import local_to_utc
from journeys.domain.settings import RunSettings
from journeys.services.journeys import read_document
from journeys.simulation import simulate as simulate_run

JsonOption = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


def simulate(
    journey: Annotated[Path, typer.Argument(help="Journey document, JSON or YAML.")],
    recipients: Annotated[Path, typer.Argument(help="CSV file of recipients.")],
    start: Annotated[str | None, typer.Option("--start", help='Virtual local start time, e.g. "2026-06-10 09:00". Now by default.')] = None,
    timezone: Annotated[str, typer.Option("--timezone", help="IANA zone of --start.")] = "UTC",
    calling_window: opts.CallingWindowOption = opts.DEFAULTS["calling_window"],
    no_calling_window: opts.NoCallingWindowOption = False,
    default_timezone: opts.DefaultTimezoneOption = "UTC",
    max_concurrent_calls: opts.MaxConcurrentOption = 10,
    provider: opts.ProviderOption = "simulator",
    outcomes: opts.OutcomesOption = None,
    seed: opts.SeedOption = 0,
    script: opts.ScriptOption = None,
    sim_latency: opts.LatencyOption = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="COLUMN=field, or COLUMN=- to ignore a column.")] = None,
    default_region: Annotated[str | None, typer.Option("--default-region", help="Region for numbers without a country code, e.g. US.")] = None,
    export: Annotated[Path | None, typer.Option("--export", help="Write the recipients export to this CSV.")] = None,
    events: Annotated[Path | None, typer.Option("--events", help="Write the events export to this CSV.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Run a journey against a CSV in virtual time with the simulator, and print the summary.

    Nothing is stored: a throwaway database is used, with the sender numbers
    and agents the journey names registered for the occasion.
    Example: journeys simulate reminder.json leads.csv --start "2026-06-10 09:00" --timezone America/Chicago --seed 7
    """
    check_output_file(export, "--export", inputs=[journey, recipients])
    check_output_file(events, "--events", inputs=[journey, recipients])
    settings = opts.build_settings(
        calling_window=calling_window, no_calling_window=no_calling_window, default_timezone=default_timezone,
        max_concurrent_calls=max_concurrent_calls, provider=provider, outcomes=outcomes, seed=seed,
        script=script, sim_latency=sim_latency,
    )
    options = import_options(recipients, map_, default_region, None, None, False, None)
    begin = local_to_utc(start, timezone) if start else datetime.now(UTC)
    result = simulate_run(
        read_document(journey), recipients, settings=settings, import_options=options, start=begin,
        export_path=export, events_path=events,
    )
    _print_summary(result.summary, result.import_report, json_output)


def demo(
    output: Annotated[Path, typer.Option("--output", help="Folder for the exports.")] = Path("journeys-demo"),
    json_output: JsonOption = False,
) -> None:
    """Run the bundled payment-reminder journey over 240 sample recipients, in virtual time.

    Prints the summary and writes recipients.csv and events.csv to the output folder.
    Example: journeys demo --output demo-results
    """
    data = resources.files("journeys") / "data"
    output.mkdir(parents=True, exist_ok=True)
    with resources.as_file(data / "demo_journey.json") as journey, resources.as_file(data / "demo_recipients.csv") as csv_file:
        settings = RunSettings.model_validate({
            "calling_window": "mon-fri 09:00-20:00", "default_timezone": "America/New_York",
            "max_concurrent_calls": 10, "simulator": {"seed": 7},
        })
        options = import_options(csv_file, None, "US", None, None, False, None)
        result = simulate_run(
            read_document(journey), csv_file, settings=settings, import_options=options,
            start=local_to_utc("2026-12-07 09:00", "America/New_York"),
            export_path=output / "recipients.csv", events_path=output / "events.csv",
        )
    _print_summary(result.summary, result.import_report, json_output)
    if not json_output:
        say(f"Exports: {output / 'recipients.csv'} and {output / 'events.csv'}")


def _print_summary(summary: dict[str, Any], report: Any, json_output: bool) -> None:
    if json_output:
        print_json({**summary, "import": report.to_dict()})
        return
    print_import_report(report, dry_run=False, rejected=None)
    say(f"Virtual time: {summary['started_at']} to {summary['finished_at']}; the run is {summary['status']}.")
    rate = summary["answer_rate"]
    talk = summary["average_talk_time_seconds"]
    table("Summary", ["figure", "value"], [
        ["recipients", summary["recipients"]],
        ["calls placed", summary["calls_placed"]],
        ["answered", summary["answered"]],
        ["answer rate", "-" if rate is None else f"{rate:.1%}"],
        ["average talk time", "-" if talk is None else f"{talk:.1f} s"],
        ["voicemail", summary["voicemail"]],
        ["no answer", summary["no_answer"]],
        ["busy", summary["busy"]],
        ["failed calls", summary["calls_failed"]],
        ["SMS sent", summary["sms_sent"]],
    ])
    table("Recipients by status", ["status", "recipients"], [[s, n] for s, n in summary["by_status"].items() if n])
