"""Users, passwords, API keys, sessions and sign-in links, on the service layer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from journeys.errors import ConflictError, InvalidInputError, NotFoundError, SignInLinkError
from journeys.services import auth, users
from journeys.storage.schema import api_keys, sessions
from journeys.storage.schema import users as users_table

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def _rows(engine: Engine, table) -> list[dict]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(table)).mappings()]


def test_password_stored_as_argon2(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="admin", password=PASSWORD, now=NOW)

    [row] = _rows(engine, users_table)
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]
    assert "password_hash" not in user
    assert user["has_password"] is True


def test_password_checks(engine: Engine) -> None:
    auth.create_user(engine, "Ana@Example.com", role="operator", password=PASSWORD, now=NOW)

    signed_in = auth.authenticate_password(engine, "ana@example.COM", PASSWORD)
    assert signed_in is not None
    assert signed_in["email"] == "ana@example.com"
    assert "password_hash" not in signed_in
    assert auth.authenticate_password(engine, "ana@example.com", PASSWORD + "x") is None
    assert auth.authenticate_password(engine, "bob@example.com", PASSWORD) is None


def test_link_only_user_has_no_password(engine: Engine) -> None:
    user = auth.create_user(engine, "link@example.com", role="viewer", password=None, now=NOW)

    assert user["has_password"] is False
    assert auth.authenticate_password(engine, "link@example.com", "") is None
    assert auth.authenticate_password(engine, "link@example.com", PASSWORD) is None


def test_short_password_rejected(engine: Engine) -> None:
    with pytest.raises(InvalidInputError, match="at least 12 characters"):
        auth.create_user(engine, "ana@example.com", role="admin", password="short", now=NOW)

    assert _rows(engine, users_table) == []


@pytest.mark.parametrize("email", ["", "no-at-sign", "two@@example.com", "spa ce@example.com", "a@" + "x" * 320])
def test_invalid_email_rejected(engine: Engine, email: str) -> None:
    with pytest.raises(InvalidInputError, match="invalid email address"):
        auth.create_user(engine, email, role="admin", password=None, now=NOW)


def test_unknown_role_rejected(engine: Engine) -> None:
    with pytest.raises(InvalidInputError, match="unknown role 'owner'"):
        auth.create_user(engine, "ana@example.com", role="owner", password=None, now=NOW)


def test_duplicate_email_in_other_case_rejected(engine: Engine) -> None:
    auth.create_user(engine, "ana@example.com", role="admin", password=None, now=NOW)

    with pytest.raises(ConflictError, match="already exists"):
        auth.create_user(engine, "ANA@example.com", role="viewer", password=None, now=NOW)


def test_api_key_stored_only_as_hash(engine: Engine) -> None:
    record, key = auth.create_api_key(engine, name="nightly import", role="operator", created_by=None, now=NOW)

    [row] = _rows(engine, api_keys)
    assert key not in str(row)
    assert key.split("_", 2)[2] not in str(row)
    assert row["key_hash"] == auth.digest(key)
    assert "key_hash" not in record
    assert key.startswith(f"jrn_{record['prefix']}_")


def test_api_key_verifies_with_underscores(engine: Engine) -> None:
    # The random part is URL-safe base64, so about half of all keys have a '_' in it.
    # Forty keys almost surely include some, and each must still verify.
    keys = [auth.create_api_key(engine, name=f"k{i}", role="viewer", created_by=None, now=NOW)[1] for i in range(40)]
    with_underscore = [key for key in keys if "_" in key.split("_", 2)[2]]
    assert with_underscore, "no key among 40 had '_' in its random part"

    for key in keys:
        principal = auth.verify_api_key(engine, key, now=NOW)
        assert principal is not None, key
        assert principal.role == "viewer"
        assert principal.user_id is None


@pytest.mark.parametrize("mangle", [lambda k: k + "x", lambda k: k[:-1], lambda k: "abc" + k[3:], lambda k: "jrn_x"])
def test_wrong_api_key_rejected(engine: Engine, mangle) -> None:  # type: ignore[no-untyped-def]
    _, key = auth.create_api_key(engine, name="ci", role="admin", created_by=None, now=NOW)

    assert auth.verify_api_key(engine, mangle(key), now=NOW) is None


def test_revoked_api_key_rejected(engine: Engine) -> None:
    record, key = auth.create_api_key(engine, name="ci", role="admin", created_by=None, now=NOW)
    auth.revoke_api_key(engine, record["id"], now=NOW)

    assert auth.verify_api_key(engine, key, now=NOW) is None
    with pytest.raises(ConflictError, match="already revoked"):
        auth.revoke_api_key(engine, record["id"], now=NOW)
    with pytest.raises(NotFoundError, match="API key 999"):
        auth.revoke_api_key(engine, 999, now=NOW)


def test_api_key_use_recorded(engine: Engine) -> None:
    record, key = auth.create_api_key(engine, name="ci", role="admin", created_by=None, now=NOW)

    auth.verify_api_key(engine, key, now=NOW + timedelta(hours=1))

    [listed] = auth.list_api_keys(engine)
    assert listed["id"] == record["id"]
    assert listed["last_used_at"] == NOW + timedelta(hours=1)


def test_session_lifetime(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="operator", password=None, now=NOW)
    token, csrf = auth.start_session(engine, user["id"], now=NOW, days=14)

    principal = auth.session_principal(engine, token, now=NOW + timedelta(days=13))
    assert principal is not None
    assert principal.user_id == user["id"]
    assert principal.role == "operator"
    assert principal.csrf_token == csrf
    assert auth.session_principal(engine, token, now=NOW + timedelta(days=14)) is None
    assert token not in str(_rows(engine, sessions))


def test_ended_session_rejected(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="operator", password=None, now=NOW)
    token, _ = auth.start_session(engine, user["id"], now=NOW, days=14)

    auth.end_session(engine, token)

    assert auth.session_principal(engine, token, now=NOW) is None


def test_password_change_ends_other_sessions(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="operator", password=PASSWORD, now=NOW)
    kept, _ = auth.start_session(engine, user["id"], now=NOW, days=14)
    other, _ = auth.start_session(engine, user["id"], now=NOW, days=14)

    auth.set_password(engine, user["id"], "a new password here", keep_session=kept)

    assert auth.session_principal(engine, kept, now=NOW) is not None
    assert auth.session_principal(engine, other, now=NOW) is None
    assert auth.authenticate_password(engine, "ana@example.com", PASSWORD) is None
    assert auth.authenticate_password(engine, "ana@example.com", "a new password here") is not None


def test_sign_in_link_works_once(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="viewer", password=None, now=NOW)
    token = auth.create_sign_in_link(engine, user["id"], now=NOW)

    assert auth.redeem_sign_in_link(engine, token, now=NOW)["id"] == user["id"]
    with pytest.raises(SignInLinkError, match="already used") as caught:
        auth.redeem_sign_in_link(engine, token, now=NOW)
    assert caught.value.gone is True


def test_sign_in_link_expires(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="viewer", password=None, now=NOW)
    token = auth.create_sign_in_link(engine, user["id"], now=NOW)

    with pytest.raises(SignInLinkError, match="expired") as caught:
        auth.redeem_sign_in_link(engine, token, now=NOW + auth.SIGN_IN_LINK_LIFETIME)
    assert caught.value.gone is True


def test_unknown_sign_in_link_rejected(engine: Engine) -> None:
    with pytest.raises(SignInLinkError, match="not valid") as caught:
        auth.redeem_sign_in_link(engine, "made-up-token", now=NOW)

    assert caught.value.gone is False


def test_new_sign_in_link_replaces_old(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="viewer", password=None, now=NOW)
    old = auth.create_sign_in_link(engine, user["id"], now=NOW)
    new = auth.create_sign_in_link(engine, user["id"], now=NOW)

    with pytest.raises(SignInLinkError):
        auth.redeem_sign_in_link(engine, old, now=NOW)
    assert auth.redeem_sign_in_link(engine, new, now=NOW)["id"] == user["id"]


def test_session_token_is_not_a_link(engine: Engine) -> None:
    user = auth.create_user(engine, "ana@example.com", role="viewer", password=None, now=NOW)
    token, _ = auth.start_session(engine, user["id"], now=NOW, days=1)
    link = auth.create_sign_in_link(engine, user["id"], now=NOW)

    with pytest.raises(SignInLinkError):
        auth.redeem_sign_in_link(engine, token, now=NOW)
    assert auth.session_principal(engine, link, now=NOW) is None


def test_first_admin_created_once(engine: Engine) -> None:
    token = auth.ensure_first_admin(engine, now=NOW)

    assert token is not None
    assert auth.redeem_sign_in_link(engine, token, now=NOW)["role"] == "admin"
    assert auth.ensure_first_admin(engine, now=NOW) is None
    assert len(users.list_users(engine)) == 1


def test_last_admin_cannot_be_deleted(engine: Engine) -> None:
    admin = auth.create_user(engine, "ana@example.com", role="admin", password=None, now=NOW)
    viewer = auth.create_user(engine, "bob@example.com", role="viewer", password=None, now=NOW)

    with pytest.raises(ConflictError, match="last admin"):
        users.delete_user(engine, admin["id"])
    with pytest.raises(ConflictError, match="last admin"):
        users.change_role(engine, admin["id"], "operator")

    users.delete_user(engine, viewer["id"])
    assert [user["email"] for user in users.list_users(engine)] == ["ana@example.com"]


def test_admin_deleted_when_another_remains(engine: Engine) -> None:
    first = auth.create_user(engine, "ana@example.com", role="admin", password=None, now=NOW)
    second = auth.create_user(engine, "bob@example.com", role="operator", password=None, now=NOW)
    token, _ = auth.start_session(engine, first["id"], now=NOW, days=1)

    users.change_role(engine, second["id"], "admin")
    users.delete_user(engine, first["id"])

    assert [user["email"] for user in users.list_users(engine)] == ["bob@example.com"]
    assert auth.session_principal(engine, token, now=NOW) is None


def test_unknown_user_not_found(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="user 42 not found"):
        users.delete_user(engine, 42)
    with pytest.raises(NotFoundError, match="nobody@example.com"):
        users.find_user(engine, "nobody@example.com")
    with pytest.raises(NotFoundError, match="user 42 not found"):
        auth.create_sign_in_link(engine, 42, now=NOW)
