"""The `journeys` command line: a thin skin over the library.

Each command calls one library function and prints its result. Errors that a
user can fix print one sentence and exit 1; anything unexpected prints one
line and writes the traceback to a log file that only the user can read.
"""

from __future__ import annotations

import logging
import sys

import typer

from journeys.cli import internal_errors, journey_commands, recipient_commands, registry_commands, run_commands, simulation_commands, worker_commands
from journeys.cli.auth_commands import apikey_app, user_app
from journeys import logs
from journeys.cli.serve_command import serve
from journeys.cli.output import error_console
from journeys.errors import JourneysError

app = typer.Typer(
    name="journeys",
    help="Outbound voice-agent calls and SMS: design a journey once, run it against recipient lists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(journey_commands.app, name="journey")
app.add_typer(run_commands.app, name="run")
app.add_typer(recipient_commands.app, name="recipient")
app.add_typer(registry_commands.numbers, name="number")
app.add_typer(registry_commands.agents, name="agent")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(worker_commands.db_app, name="db")
app.command("stats")(recipient_commands.stats)
app.command("simulate")(simulation_commands.simulate)
app.command("demo")(simulation_commands.demo)
app.command("worker")(worker_commands.worker)
app.command("serve")(serve)

def main() -> None:
    """Run the command line, turning errors into one clear line each."""
    logs.configure(logging.WARNING)
    # Typer handles usage errors itself (exit code 2) and exits through SystemExit.
    try:
        app()
    except JourneysError as exc:
        error_console.print(f"Error: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        error_console.print("Aborted.")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last resort: one line for the user
        _report_internal_error(exc)
        sys.exit(70)


def _report_internal_error(exc: Exception) -> None:
    path = internal_errors.write_error_log(exc)
    where = f"the details are in {path}" if path else "the details could not be written to a log file"
    error_console.print(
        f"Internal error: {internal_errors.summarize(exc)}. This is a bug in Journeys; {where}.",
        markup=False,
    )


if __name__ == "__main__":
    main()
