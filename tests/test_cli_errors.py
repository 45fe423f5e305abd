"""Bad input on the command line: exit code 1 and one line that names the value and the fix.

Errors found before the command opens its database run once on a scratch
SQLite file; the rest run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import SENDER_NUMBER, Cli, CliResult, load_scenario, write_csv, write_json

UNKNOWN_ID = 9999


def assert_one_line_error(result: CliResult, *fragments: str) -> None:
    """Check that a command failed with exit 1 and a single error line containing every fragment."""
    assert result.exit_code == 1, result.describe()
    assert "Traceback" not in result.stderr, result.describe()
    assert result.stdout == "", result.describe()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.describe()
    assert lines[0].startswith("Error: "), result.describe()
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} is missing from: {lines[0]}"


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, tmp_path)


@pytest.fixture
def scratch_cli(tmp_path: Path) -> Cli:
    return Cli(f"sqlite:///{tmp_path / 'scratch.db'}", tmp_path)


@pytest.fixture
def draft_run(cli: Cli) -> int:
    """A draft run, with the scenario number and agent registered, and no recipients."""
    cli.register()
    journey_id = cli.create_journey(load_scenario("call_then_text"))
    return cli.create_run(journey_id)


# --- unknown ids ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("journey", "show", UNKNOWN_ID),
        ("run", "create", UNKNOWN_ID, "--name", "Morning wave"),
        ("stats", UNKNOWN_ID),
    ],
    ids=["journey show", "run create", "stats"],
)
def test_unknown_journey_id(cli: Cli, command: tuple[str | int, ...]) -> None:
    result = cli.run(*command, expect_exit=None)

    assert_one_line_error(result, f"journey {UNKNOWN_ID} not found", "journeys journey list")


@pytest.mark.parametrize(
    "command",
    [
        ("run", "show", UNKNOWN_ID),
        ("run", "start", UNKNOWN_ID),
        ("run", "pause", UNKNOWN_ID),
        ("run", "recipients", UNKNOWN_ID),
        ("run", "export", UNKNOWN_ID),
    ],
    ids=["show", "start", "pause", "recipients", "export"],
)
def test_unknown_run_id(cli: Cli, command: tuple[str | int, ...]) -> None:
    result = cli.run(*command, expect_exit=None)

    assert_one_line_error(result, f"run {UNKNOWN_ID} not found", "journeys run list")


def test_unknown_run_id_on_import(cli: Cli, tmp_path: Path) -> None:
    recipients = write_csv(tmp_path / "recipients.csv", [{"phone_number": "+12025550101"}])

    result = cli.run("run", "import", UNKNOWN_ID, recipients, expect_exit=None)

    assert_one_line_error(result, f"run {UNKNOWN_ID} not found")


# --- journey files ----------------------------------------------------------------------------


def test_invalid_journey_lists_problems_by_node(cli: Cli, tmp_path: Path) -> None:
    cli.register()
    document = load_scenario("call_then_text")
    document["nodes"][0]["next"] = "nowhere"
    document["nodes"][1]["agent"] = "ghost"
    path = write_json(tmp_path / "broken.json", document)

    for command in ("create", "validate"):
        result = cli.run("journey", command, path, expect_exit=None)

        assert result.exit_code == 1, result.describe()
        assert "Traceback" not in result.stderr, result.describe()
        problems = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("- ")]
        assert any(line.startswith("- node 'start':") and "'nowhere'" in line for line in problems), result.stderr
        assert any(line.startswith("- node 'call_1':") and "'ghost'" in line for line in problems), result.stderr
    assert cli.json("journey", "list") == []


def test_journey_with_unregistered_number(cli: Cli, tmp_path: Path) -> None:
    cli.run("agent", "add", "collections")
    path = write_json(tmp_path / "journey.json", load_scenario("call_then_text"))

    result = cli.run("journey", "create", path, expect_exit=None)

    assert result.exit_code == 1, result.describe()
    assert f"node 'call_1': sender number '{SENDER_NUMBER}' is not registered" in result.stderr
    assert f"node 'text': sender number '{SENDER_NUMBER}' is not registered" in result.stderr
    assert "journeys number add" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("number", ["12345", "1.2E+10"])
def test_number_add_invalid_phone(cli: Cli, number: str) -> None:
    result = cli.fails("number", "add", number)

    assert f"invalid sender number '{number}'" in result.stderr, result.describe()
    assert "write it in E.164, such as +12025550100" in result.stderr
    assert "default-region" not in result.stderr
    assert ".;" not in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_journey_file(scratch_cli: Cli) -> None:
    result = scratch_cli.run("journey", "validate", "no-such-journey.json", expect_exit=None)

    assert_one_line_error(result, "no-such-journey.json", "not found")


# --- recipient files and import options --------------------------------------------------------------


def test_missing_csv_file(cli: Cli, draft_run: int) -> None:
    result = cli.run("run", "import", draft_run, "no-such-file.csv", expect_exit=None)

    assert_one_line_error(result, "no-such-file.csv", "not found", "path")


def test_missing_csv_file_in_simulate(scratch_cli: Cli, tmp_path: Path) -> None:
    journey = write_json(tmp_path / "journey.json", load_scenario("call_then_text"))

    result = scratch_cli.run("simulate", journey, "no-such-file.csv", expect_exit=None)

    assert_one_line_error(result, "no-such-file.csv", "check the path")


@pytest.mark.parametrize("entry", ["Mobile", "=phone_number", "Mobile="])
def test_map_without_column_and_field(cli: Cli, draft_run: int, tmp_path: Path, entry: str) -> None:
    recipients = write_csv(tmp_path / "recipients.csv", [{"Mobile": "+12025550101"}])

    result = cli.run("run", "import", draft_run, recipients, "--map", entry, expect_exit=None)

    assert_one_line_error(result, f"invalid --map {entry!r}", "COLUMN=field")
    assert cli.show_run(draft_run)["stats"]["recipients"] == 0


# --- run settings ---------------------------------------------------------------------------------------------

SETTINGS_CASES = [
    # (options, fragments the one error line must contain)
    (("--calling-window", "mon-fry 09:00-17:00"), ("'mon-fry 09:00-17:00'", "mon-fri 09:00-20:00")),
    (("--calling-window", "daily 18:00-09:00"), ("'daily 18:00-09:00'", "Split an overnight window")),
    (("--default-timezone", "Mars/Olympus"), ("'Mars/Olympus'", "IANA name")),
    (("--outcomes", "answered"), ("'answered'", "OUTCOME=WEIGHT")),
    (("--outcomes", "answered=lots"), ("'answered=lots'", "OUTCOME=WEIGHT")),
    (("--outcomes", "picked_up=1"), ("'picked_up'", "answered, voicemail")),
]
SETTINGS_IDS = ["window days", "overnight window", "timezone", "outcome without weight", "weight not a number", "unknown outcome"]


@pytest.mark.parametrize(("options", "fragments"), SETTINGS_CASES, ids=SETTINGS_IDS)
def test_bad_run_settings(scratch_cli: Cli, options: tuple[str, ...], fragments: tuple[str, ...]) -> None:
    result = scratch_cli.run("run", "create", 1, "--name", "Morning wave", *options, expect_exit=None)

    assert_one_line_error(result, *fragments)


@pytest.mark.parametrize(("options", "fragments"), SETTINGS_CASES, ids=SETTINGS_IDS)
def test_bad_run_settings_in_simulate(
    scratch_cli: Cli, tmp_path: Path, options: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    journey = write_json(tmp_path / "journey.json", load_scenario("call_then_text"))
    recipients = write_csv(tmp_path / "recipients.csv", [{"phone_number": "+12025550101"}])

    result = scratch_cli.run("simulate", journey, recipients, *options, expect_exit=None)

    assert_one_line_error(result, *fragments)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("not json at all", "is not valid JSON"), ('["+12025550101"]', "must map phone numbers")],
    ids=["not JSON", "not an object"],
)
def test_script_file_not_json(scratch_cli: Cli, tmp_path: Path, content: str, fragment: str) -> None:
    script = tmp_path / "script.json"
    script.write_text(content, encoding="utf-8")

    result = scratch_cli.run("run", "create", 1, "--name", "Morning wave", "--script", script, expect_exit=None)

    assert_one_line_error(result, str(script), fragment, '{"+12025550101": ["no_answer", "answered"]}')


@pytest.mark.parametrize(
    ("script", "fragments"),
    [
        ({"2025550101": ["busy"]}, ("'2025550101'", "E.164", "+12025550101")),
        ({"+12025550101": ["busy"], "+1 (202) 555-0101": ["answered"]}, ("+12025550101 appears twice",)),
    ],
    ids=["no country code", "one number twice"],
)
def test_script_file_bad_phone_number(
    scratch_cli: Cli, tmp_path: Path, script: dict[str, list[str]], fragments: tuple[str, ...]
) -> None:
    path = write_json(tmp_path / "script.json", script)

    result = scratch_cli.run("run", "create", 1, "--name", "Morning wave", "--script", path, expect_exit=None)

    assert_one_line_error(result, str(path), *fragments)


# --- scheduled starts -------------------------------------------------------------------------------------------------


def test_start_at_time_skipped_by_clocks(cli: Cli, draft_run: int) -> None:
    cli.import_rows(draft_run, [{"phone_number": "+12025550101"}])

    # Clocks in New York go from 02:00 to 03:00 on 14 March 2027.
    result = cli.run("run", "start", draft_run, "--at", "2027-03-14 02:30", "--timezone", "America/New_York", expect_exit=None)

    assert_one_line_error(result, "2027-03-14 02:30", "does not exist", "use 2027-03-14 03:00")
    assert cli.show_run(draft_run)["status"] == "draft"


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (("--at", "2027-01-05 09:00"), ("'2027-01-05 09:00'", "needs --timezone", "America/New_York")),
        (("--timezone", "America/New_York"), ("America/New_York", "needs --at")),
    ],
    ids=["at without timezone", "timezone without at"],
)
def test_start_at_needs_timezone(scratch_cli: Cli, options: tuple[str, ...], fragments: tuple[str, ...]) -> None:
    result = scratch_cli.run("run", "start", 1, *options, expect_exit=None)

    assert_one_line_error(result, *fragments)


def test_start_at_unreadable_time(cli: Cli, draft_run: int) -> None:
    cli.import_rows(draft_run, [{"phone_number": "+12025550101"}])

    result = cli.run("run", "start", draft_run, "--at", "next tuesday", "--timezone", "America/New_York", expect_exit=None)

    assert_one_line_error(result, "'next tuesday'", "YYYY-MM-DD HH:MM")
    assert cli.show_run(draft_run)["status"] == "draft"
