"""`journeys user`, `journeys apikey` and agent endpoints on the command line, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cli_helpers import COMMAND_TIMEOUT_SECONDS, Cli, CliResult
from journeys.errors import SignInLinkError
from journeys.services import auth
from journeys.storage import registry as registry_queries
from journeys.storage.schema import api_keys, users

PASSWORD = "correct horse battery"
SECRET = "s3cret-webhook-signing-key"
PUBLIC_URL = "https://journeys.example.com"


@pytest.fixture
def cli(database_url: str, engine: Engine, tmp_path: Path) -> Cli:
    # Depends on `engine` so that the database exists and is migrated before the first command.
    runner = Cli(database_url, tmp_path)
    runner.env["JOURNEYS_PUBLIC_URL"] = PUBLIC_URL
    return runner


def run_with_stdin(cli: Cli, stdin: str, *args: str, expect_exit: int = 0) -> CliResult:
    """Run one command with `stdin` piped in, as `--password-stdin` and `--webhook-secret-stdin` expect."""
    completed = subprocess.run(
        [sys.executable, "-m", "journeys.cli.main", *args],
        cwd=cli.folder, env=cli.env, input=stdin, capture_output=True, text=True,
        timeout=COMMAND_TIMEOUT_SECONDS, check=False,
    )
    result = CliResult(tuple(args), completed.returncode, completed.stdout, completed.stderr)
    assert result.exit_code == expect_exit, result.describe()
    return result


def assert_one_line_error(result: CliResult, text: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.describe()
    assert lines[0].startswith("Error: "), result.describe()
    assert text in lines[0], result.describe()


def table_text(engine: Engine, table) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return str([dict(row) for row in conn.execute(select(table)).mappings()])


def link_token(output: str) -> str:
    [link] = [line for line in output.splitlines() if line.startswith(f"{PUBLIC_URL}/auth/link/")]
    return link.rsplit("/", 1)[1]


# --- users -------------------------------------------------------------------------------------


def test_user_with_password(cli: Cli, engine: Engine) -> None:
    created = run_with_stdin(cli, PASSWORD + "\n", "user", "create", "ana@example.com", "--role", "admin", "--password-stdin")
    listed = cli.run("user", "list", "--json")

    assert "Created user ana@example.com with role admin." in created.stdout
    assert "/auth/link/" not in created.stdout
    assert "$argon2" in table_text(engine, users)
    assert auth.authenticate_password(engine, "ana@example.com", PASSWORD) is not None
    assert listed.json() == [
        {"id": 1, "email": "ana@example.com", "role": "admin", "has_password": True, "created_at": listed.json()[0]["created_at"]}
    ]
    for output in (created.stdout, created.stderr, listed.stdout):
        assert PASSWORD not in output
        assert "argon2" not in output


def test_short_password_rejected(cli: Cli) -> None:
    result = run_with_stdin(
        cli, "short\n", "user", "create", "ana@example.com", "--role", "admin", "--password-stdin", expect_exit=1
    )

    assert_one_line_error(result, "at least 12 characters")
    assert cli.json("user", "list") == []


def test_user_without_password_gets_link(cli: Cli, engine: Engine) -> None:
    created = cli.run("user", "create", "bob@example.com", "--role", "viewer")

    token = link_token(created.stdout)
    assert auth.redeem_sign_in_link(engine, token, now=datetime.now(UTC))["email"] == "bob@example.com"
    assert token not in table_text(engine, users)


def test_user_link_replaces_old_link(cli: Cli, engine: Engine) -> None:
    first = link_token(cli.run("user", "create", "bob@example.com", "--role", "viewer").stdout)

    second = cli.json("user", "link", "BOB@example.com")

    assert second["email"] == "bob@example.com"
    assert second["sign_in_link"].startswith(f"{PUBLIC_URL}/auth/link/")
    with pytest.raises(SignInLinkError):
        auth.redeem_sign_in_link(engine, first, now=datetime.now(UTC))
    assert auth.redeem_sign_in_link(engine, link_token(second["sign_in_link"]), now=datetime.now(UTC))


def test_last_admin_not_deleted(cli: Cli) -> None:
    cli.run("user", "create", "ana@example.com", "--role", "admin")
    cli.run("user", "create", "bob@example.com", "--role", "operator")

    refused = cli.fails("user", "delete", "ana@example.com")
    cli.run("user", "delete", "bob@example.com")
    unknown = cli.fails("user", "delete", "bob@example.com")

    assert_one_line_error(refused, "last admin")
    assert_one_line_error(unknown, "bob@example.com")
    assert [user["email"] for user in cli.json("user", "list")] == ["ana@example.com"]


def test_bad_role_rejected(cli: Cli) -> None:
    result = cli.fails("user", "create", "ana@example.com", "--role", "owner")

    assert_one_line_error(result, "unknown role 'owner'")


# --- API keys ----------------------------------------------------------------------------------


def test_api_key_lifecycle(cli: Cli, engine: Engine) -> None:
    created = cli.json("apikey", "create", "--role", "operator", "--name", "nightly import")
    key = created["key"]
    listed = cli.run("apikey", "list", "--json")
    shown = cli.run("apikey", "list")

    assert set(created) == {"id", "name", "role", "key"}
    assert created["name"] == "nightly import"
    assert auth.verify_api_key(engine, key, now=datetime.now(UTC)).role == "operator"  # type: ignore[union-attr]
    assert key not in table_text(engine, api_keys)
    for output in (listed.stdout, shown.stdout):
        assert key not in output
        assert "key_hash" not in output
    assert listed.json()[0]["revoked_at"] is None

    cli.run("apikey", "revoke", created["id"])

    assert auth.verify_api_key(engine, key, now=datetime.now(UTC)) is None
    assert cli.json("apikey", "list")[0]["revoked_at"] is not None
    assert_one_line_error(cli.fails("apikey", "revoke", created["id"]), "already revoked")
    assert_one_line_error(cli.fails("apikey", "revoke", "99"), "API key 99 not found")


def test_api_key_printed_once(cli: Cli) -> None:
    created = cli.run("apikey", "create", "--role", "viewer")

    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("jrn_")
    assert key not in cli.run("apikey", "list").stdout


# --- agents ------------------------------------------------------------------------------------


def test_agent_secret_never_printed(cli: Cli, engine: Engine) -> None:
    added = run_with_stdin(
        cli, SECRET + "\n", "agent", "add", "sales", "--webhook-url", "https://agents.example.com/calls",
        "--webhook-secret-stdin", "--json",
    )
    listed = cli.run("agent", "list")
    listed_json = cli.run("agent", "list", "--json")
    updated = cli.run("agent", "update", "sales", "--description", "Renewals", "--json")

    assert added.json()["has_webhook_secret"] is True
    assert updated.json()["description"] == "Renewals"
    assert updated.json()["has_webhook_secret"] is True
    for output in (added.stdout, listed.stdout, listed_json.stdout, updated.stdout):
        assert SECRET not in output
    with engine.connect() as conn:
        assert registry_queries.find_agent(conn, "sales")["webhook_secret"] == SECRET  # type: ignore[index]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://192.168.0.10/calls", "not a public address"),
        ("http://127.0.0.1:9000/calls", "not a public address"),
    ],
)
def test_agent_webhook_url_rejected(cli: Cli, url: str, reason: str) -> None:
    result = run_with_stdin(
        cli, SECRET, "agent", "add", "sales", "--webhook-url", url, "--webhook-secret-stdin", expect_exit=1
    )

    assert_one_line_error(result, reason)
    assert SECRET not in result.stderr
    assert cli.json("agent", "list") == []


def test_allowlisted_loopback_agent(cli: Cli) -> None:
    cli.env["JOURNEYS_WEBHOOK_ALLOWED_HOSTS"] = '["127.0.0.1"]'

    added = run_with_stdin(
        cli, SECRET, "agent", "add", "local", "--webhook-url", "http://127.0.0.1:9000/calls",
        "--webhook-secret-stdin", "--json",
    )

    assert added.json()["webhook_url"] == "http://127.0.0.1:9000/calls"


def test_agent_update_endpoints(cli: Cli) -> None:
    cli.run("agent", "add", "sales", "--stream-url", "wss://agents.example.com/media")

    changed = cli.json("agent", "update", "sales", "--stream-url", "", "--sip-uri", "sip:sales@sip.example.com")
    bad = cli.fails("agent", "update", "sales", "--sip-uri", "sales@sip.example.com")
    missing_secret = cli.fails("agent", "update", "sales", "--webhook-url", "https://agents.example.com/calls")
    nothing = cli.fails("agent", "update", "sales")

    assert changed["stream_url"] is None
    assert changed["sip_uri"] == "sip:sales@sip.example.com"
    assert_one_line_error(bad, "SIP URI")
    assert_one_line_error(missing_secret, "missing webhook secret")
    assert_one_line_error(nothing, "nothing to change")
