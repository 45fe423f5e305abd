"""`journeys user ...` and `journeys apikey ...`: who may use the web app and the HTTP API.

Secrets come in on standard input, never as arguments, so that they stay out of
shell history and process lists. A new API key or sign-in link is printed once.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated, Any

import typer

from journeys.cli.context import clock, database
from journeys.cli.output import error_console, print_json, say, table
from journeys.config import Settings, load_settings
from journeys.errors import InvalidInputError
from journeys.public_url import unset_public_url_note
from journeys.services import auth, users

user_app = typer.Typer(help="People who sign in to the web app.", no_args_is_help=True)
apikey_app = typer.Typer(help="Keys that scripts send to the HTTP API.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
RoleOption = Annotated[
    str,
    typer.Option(
        "--role",
        help="viewer (reads), operator (also runs journeys) or admin (also manages numbers, agents, users and keys).",
    ),
]


@user_app.command("create")
def create_user(
    email: Annotated[str, typer.Argument(help="The person's email address, which they sign in with.")],
    role: RoleOption,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password (at least 12 characters) from standard input."),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Create a user; without --password-stdin, print a one-time sign-in link for them.

    Example: journeys user create ana@example.com --role operator
    """
    password = _read_password() if password_stdin else None
    # Read before the user is created, so that a bad setting does not leave a user without a link.
    config = load_settings() if password is None else None
    engine, now = database(), clock.now()
    user = auth.create_user(engine, email, role=role, password=password, now=now)
    link = auth.sign_in_url(config.public_url, auth.create_sign_in_link(engine, user["id"], now=now)) if config else None

    if config is not None:
        _note_link_base(config)
    if json_output:
        print_json({**_user(user), "sign_in_link": link})
        return
    say(f"Created user {user['email']} with role {user['role']}.")
    if link:
        _print_link(link)


@user_app.command("list")
def list_users(json_output: JsonOption = False) -> None:
    """List users; password hashes are never shown.

    Example: journeys user list
    """
    rows = [_user(user) for user in users.list_users(database())]
    if json_output:
        print_json(rows)
        return
    table(
        None,
        ["id", "email", "role", "password", "created"],
        [[r["id"], r["email"], r["role"], "set" if r["has_password"] else None, r["created_at"]] for r in rows],
    )


@user_app.command("delete")
def delete_user(email: Annotated[str, typer.Argument(help="The email of the user to delete.")]) -> None:
    """Delete a user and end their sessions; the last admin cannot be deleted.

    Example: journeys user delete ana@example.com
    """
    engine = database()
    user = users.find_user(engine, email)
    users.delete_user(engine, user["id"])
    say(f"Deleted user {user['email']}.")


@user_app.command("link")
def sign_in_link(
    email: Annotated[str, typer.Argument(help="The email of the user who needs to sign in.")],
    json_output: JsonOption = False,
) -> None:
    """Print a new one-time sign-in link for a user, such as one who lost their password.

    The user's older links stop working.

    Example: journeys user link ana@example.com
    """
    config = load_settings()
    engine, now = database(), clock.now()
    user = users.find_user(engine, email)
    link = auth.sign_in_url(config.public_url, auth.create_sign_in_link(engine, user["id"], now=now))
    _note_link_base(config)
    if json_output:
        print_json({"email": user["email"], "sign_in_link": link, "expires_at": now + auth.SIGN_IN_LINK_LIFETIME})
        return
    _print_link(link)


@apikey_app.command("create")
def create_api_key(
    role: RoleOption,
    name: Annotated[
        str | None, typer.Option("--name", help="Who or what uses the key, such as 'nightly import'.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Create an API key and print it; it cannot be shown again.

    Example: journeys apikey create --role operator --name "nightly import"
    """
    now = clock.now()
    record, key = auth.create_api_key(
        database(), name=name or f"{role} key of {now:%Y-%m-%d}", role=role, created_by=None, now=now
    )
    if json_output:
        print_json({"id": record["id"], "name": record["name"], "role": record["role"], "key": key})
        return
    say(f"Created API key {record['id']} ({record['name']}, role {record['role']}). Store it now; it is not shown again:")
    say(key)


@apikey_app.command("list")
def list_api_keys(json_output: JsonOption = False) -> None:
    """List API keys, revoked ones included; the keys themselves are never shown.

    Example: journeys apikey list
    """
    rows = [_api_key(record) for record in auth.list_api_keys(database())]
    if json_output:
        print_json(rows)
        return
    table(
        None,
        ["id", "name", "role", "starts with", "created", "last used", "revoked"],
        [
            [r["id"], r["name"], r["role"], f"jrn_{r['prefix']}_", r["created_at"], r["last_used_at"], r["revoked_at"]]
            for r in rows
        ],
    )


@apikey_app.command("revoke")
def revoke_api_key(key_id: Annotated[int, typer.Argument(help="The key's id, from `journeys apikey list`.")]) -> None:
    """Revoke an API key; requests that carry it are rejected from then on.

    Example: journeys apikey revoke 3
    """
    auth.revoke_api_key(database(), key_id, now=clock.now())
    say(f"Revoked API key {key_id}.")


def _read_password() -> str:
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        # Only the line break that ends piped input is removed; other whitespace is part of the password.
        password = sys.stdin.read().removesuffix("\n").removesuffix("\r")
    if not password:
        raise InvalidInputError("--password-stdin read no password: pipe it in, as in `... --password-stdin < password.txt`")
    return password


def _note_link_base(config: Settings) -> None:
    """Print on standard error where the link's address comes from, when JOURNEYS_PUBLIC_URL is not set."""
    note = unset_public_url_note(config)
    if note is not None:
        error_console.print(f"Note: {note}.", markup=False)


def _print_link(link: str) -> None:
    hours = int(auth.SIGN_IN_LINK_LIFETIME.total_seconds() // 3600)
    say(f"Sign-in link, valid once within {hours} hours:")
    say(link)


def _user(user: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "email", "role", "has_password", "created_at")
    return {key: user[key] for key in keys}


def _api_key(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "prefix", "role", "created_by", "created_at", "last_used_at", "revoked_at")
    return {key: record[key] for key in keys}
