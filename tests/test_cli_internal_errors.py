"""Unexpected errors on the command line: a short line without SQL or personal data, and a private log."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from journeys.cli.internal_errors import MAX_SUMMARY_LENGTH, summarize, write_error_log

EMAIL = "ana.personal@example.com"


def sql_error() -> OperationalError:
    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO missing_table VALUES (:email)"), {"email": EMAIL})
    except OperationalError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("the statement did not fail")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_summary_of_sql_error_hides_statement() -> None:
    summary = summarize(sql_error())

    assert summary == "OperationalError (sqlite3.OperationalError): no such table: missing_table"
    assert EMAIL not in summary
    assert "INSERT" not in summary


def test_summary_keeps_first_line_only() -> None:
    summary = summarize(ValueError("first line\nsecond line"))

    assert summary == "ValueError: first line"


def test_summary_trims_long_line() -> None:
    summary = summarize(RuntimeError("x" * 1000))

    assert summary.startswith("RuntimeError: xxx")
    assert summary.endswith("...")
    assert len(summary) == len("RuntimeError: ") + MAX_SUMMARY_LENGTH


def test_summary_without_message() -> None:
    assert summarize(KeyError()) == "KeyError"


@pytest.fixture
def private_temp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the temporary folder, the fallback for the log, at a folder of this test."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_log_in_state_folder_is_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, private_temp: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    path = write_error_log(sql_error())

    assert path == tmp_path / "state" / "journeys" / "errors.log"
    assert mode_of(path) == 0o600
    assert "Traceback" in path.read_text(encoding="utf-8")
    assert list(private_temp.iterdir()) == []


def test_existing_log_made_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, private_temp: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    log = tmp_path / "state" / "journeys" / "errors.log"
    log.parent.mkdir(parents=True)
    log.write_text("earlier\n", encoding="utf-8")
    log.chmod(0o644)

    write_error_log(ValueError("again"))

    assert mode_of(log) == 0o600
    assert log.read_text(encoding="utf-8").startswith("earlier\n")


def test_log_falls_back_to_temp_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, private_temp: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker / "state"))

    path = write_error_log(ValueError("boom"))

    assert path == private_temp / f"journeys-errors-{os.getuid()}.log"
    assert mode_of(path) == 0o600


def test_log_never_follows_link(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, private_temp: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker / "state"))
    target = tmp_path / "planted.txt"
    target.write_text("", encoding="utf-8")
    (private_temp / f"journeys-errors-{os.getuid()}.log").symlink_to(target)

    path = write_error_log(ValueError("boom"))

    assert path is None
    assert target.read_text(encoding="utf-8") == ""


def test_cli_internal_error_line(engine: Engine, database_url: str, tmp_path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE users RENAME TO users_gone"))
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JOURNEYS_")}
    environment |= {"JOURNEYS_DATABASE_URL": database_url, "XDG_STATE_HOME": str(tmp_path / "state")}

    completed = subprocess.run(
        [sys.executable, "-m", "journeys.cli.main", "user", "create", EMAIL, "--role", "viewer"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )

    log = tmp_path / "state" / "journeys" / "errors.log"
    lines = completed.stderr.strip().splitlines()
    assert completed.returncode == 70, completed.stderr
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("Internal error: ")
    assert "users" in lines[0]
    assert EMAIL not in completed.stderr
    assert "[SQL" not in completed.stderr
    assert f"the details are in {log}" in lines[0]
    assert mode_of(log) == 0o600
    assert "Traceback" in log.read_text(encoding="utf-8")
