"""Output files of the command line: never the input file, and `-` for standard output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli_helpers import Cli, load_scenario, write_csv
from test_cli_errors import assert_one_line_error

ROWS = [
    {"phone_number": "+12025550101", "customer_name": "Ada"},
    {"phone_number": "not a number", "customer_name": "Bob"},
]


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, tmp_path)


@pytest.fixture
def draft_run(cli: Cli) -> int:
    cli.register()
    return cli.create_run(cli.create_journey(load_scenario("call_then_text")))


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry run"])
def test_rejected_output_cannot_be_input(cli: Cli, draft_run: int, dry_run: bool) -> None:
    source = write_csv(cli.folder / "src.csv", ROWS)
    before = source.read_bytes()
    extra = ["--dry-run"] if dry_run else []

    result = cli.fails("run", "import", draft_run, "src.csv", "--rejected", "src.csv", *extra)

    assert_one_line_error(result, "--rejected src.csv is the input file src.csv", "give another file name")
    assert source.read_bytes() == before
    assert cli.recipients(draft_run) == []


def test_rejected_output_other_spelling_of_input(cli: Cli, draft_run: int) -> None:
    (cli.folder / "sub").mkdir()
    source = write_csv(cli.folder / "src.csv", ROWS)
    os.link(source, cli.folder / "sub" / "linked.csv")
    before = source.read_bytes()

    relative = cli.fails("run", "import", draft_run, "src.csv", "--rejected", "sub/../src.csv")
    absolute = cli.fails("run", "import", draft_run, source, "--rejected", "./src.csv")
    hard_link = cli.fails("run", "import", draft_run, "src.csv", "--rejected", "sub/linked.csv")

    assert_one_line_error(relative, "is the input file")
    assert_one_line_error(absolute, "is the input file")
    assert_one_line_error(hard_link, "--rejected sub/linked.csv is the input file src.csv")
    assert source.read_bytes() == before


def test_rejected_output_other_file_written(cli: Cli, draft_run: int) -> None:
    write_csv(cli.folder / "src.csv", ROWS)

    report = cli.json("run", "import", draft_run, "src.csv", "--rejected", "rejected.csv")

    assert report["accepted"] == 1
    assert "not a number" in (cli.folder / "rejected.csv").read_text(encoding="utf-8-sig")


def test_export_dash_means_standard_output(cli: Cli, draft_run: int) -> None:
    write_csv(cli.folder / "src.csv", ROWS)
    cli.json("run", "import", draft_run, "src.csv")

    result = cli.run("run", "export", draft_run, "-o", "-")

    assert "phone_number" in result.stdout.splitlines()[0]
    assert "+12025550101" in result.stdout
    assert not (cli.folder / "-").exists()
    assert not (cli.folder / "-.partial").exists()


def test_simulate_export_cannot_be_input(cli: Cli) -> None:
    journey = cli.folder / "journey.json"
    journey.write_text('{"name": "x", "fields": [], "nodes": []}', encoding="utf-8")
    recipients = write_csv(cli.folder / "recipients.csv", ROWS)
    before = recipients.read_bytes()

    exported = cli.fails("simulate", journey, recipients, "--export", "recipients.csv")
    events = cli.fails("simulate", journey, recipients, "--events", "journey.json")

    assert_one_line_error(exported, "--export recipients.csv is the input file")
    assert_one_line_error(events, "--events journey.json is the input file")
    assert recipients.read_bytes() == before
