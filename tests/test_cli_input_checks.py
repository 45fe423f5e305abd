"""Input the database cannot store, on the command line: exit 1 with the reason, never an internal error.

Journey files nested too deeply or with NUL characters and non-finite
numbers, and bad run names. tests/test_csv_input_checks.py has the CSV cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import Cli, load_scenario, write_json
from test_cli_errors import assert_one_line_error, cli, scratch_cli  # noqa: F401 - fixtures

DEEP = "[" * 200_000 + "]" * 200_000


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", DEEP),
        ("deep-object.json", '{"name": ' + DEEP + "}"),
        ("deep.yaml", "name: " + DEEP),
    ],
    ids=["json array", "json in a key", "yaml"],
)
def test_deep_journey_file_rejected(scratch_cli: Cli, tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    for command in ("validate", "create"):
        result = scratch_cli.run("journey", command, path, expect_exit=None)

        assert_one_line_error(result, name, "nested too deeply", "at most 64 levels")


def test_huge_number_in_journey_file_rejected(scratch_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text('{"name": "x", "max_steps": ' + "9" * 5000 + "}", encoding="utf-8")

    result = scratch_cli.run("journey", "validate", path, expect_exit=None)

    assert_one_line_error(result, "huge.json", "more than 4,300 digits")


def journey_problems(result_stderr: str) -> list[str]:
    return [line.strip() for line in result_stderr.splitlines() if line.strip().startswith("- ")]


def test_nul_in_journey_file_reported(cli: Cli, tmp_path: Path) -> None:
    cli.register()
    document = load_scenario("call_then_text")
    document["nodes"][2]["message"] = "Hello\x00"
    path = write_json(tmp_path / "nul.json", document)

    result = cli.run("journey", "validate", path, expect_exit=None)

    assert result.exit_code == 1, result.describe()
    assert "Traceback" not in result.stderr
    assert journey_problems(result.stderr) == [
        "- node 'text': message: it contains the control character U+0000 at position 6; remove it"
    ]


def test_infinity_in_yaml_journey_reported(cli: Cli, tmp_path: Path) -> None:
    cli.register()
    path = tmp_path / "infinite.yaml"
    path.write_text(
        "name: Endless wait\n"
        "nodes:\n"
        "  - {id: start, type: start, next: wait}\n"
        "  - {id: wait, type: time_delay, amount: .inf, unit: days, next: done}\n"
        "  - {id: done, type: end}\n",
        encoding="utf-8",
    )

    result = cli.run("journey", "create", path, expect_exit=None)

    assert result.exit_code == 1, result.describe()
    (problem,) = journey_problems(result.stderr)
    assert problem.startswith("- node 'wait': amount: the number is not finite")
    assert cli.json("journey", "list") == []


# --- run names -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "Morning\x01wave", "x" * 201])
def test_bad_run_name_rejected(cli: Cli, name: str) -> None:
    cli.register()
    journey_id = cli.create_journey(load_scenario("call_then_text"))

    result = cli.run("run", "create", journey_id, "--name", name, expect_exit=None)

    assert_one_line_error(result, "invalid run name")
    assert cli.json("run", "list", "--journey", journey_id) == []


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(DEEP, "nested more than 64 levels"), ('{"+12025550101": ["answered\\u0000"]}', "U+0000")],
    ids=["deep", "nul"],
)
def test_unstorable_script_file_rejected(scratch_cli: Cli, tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "script.json"
    path.write_text(content, encoding="utf-8")

    result = scratch_cli.run("run", "create", 1, "--name", "Scripted", "--script", path, expect_exit=None)

    assert_one_line_error(result, "script file", "cannot be used", fragment)
