"""JSON values that cannot be stored: found with their path, and rejected again by the JSON columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import StatementError

from journeys.domain.jsonvalues import (
    MAX_DEPTH,
    JsonValueError,
    check_json_value,
    find_json_problem,
    format_path,
    parse_json,
)
from journeys.storage import journeys as journey_queries
from journeys.storage import runs as run_queries
from journeys.storage.jsoncolumns import dump_json
from journeys.storage.schema import runs

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "path", "fragment"),
    [
        ({"name": "a\x00b"}, ("name",), "U+0000 at position 2"),
        ({"nodes": [{"id": "x"}, {"message": "\x00"}]}, ("nodes", 1, "message"), "U+0000 at position 1"),
        ({"data": {"k\x00": 1}}, ("data", "k\\u0000"), "the key it contains"),
        ({"talk_time_seconds": float("inf")}, ("talk_time_seconds",), "not finite"),
        ({"x": [1.5, float("-inf")]}, ("x", 1), "not finite"),
        ({"x": float("nan")}, ("x",), "not finite"),
    ],
)
def test_problem_found_with_path(value: Any, path: tuple[Any, ...], fragment: str) -> None:
    problem = find_json_problem(value)

    assert problem is not None
    assert problem[0] == path
    assert fragment in problem[1]


def test_first_problem_in_document_order() -> None:
    value = {"a": ["ok", "first\x00"], "b": "second\x00"}

    assert find_json_problem(value) == (("a", 1), "it contains the control character U+0000 at position 6; remove it")


def test_storable_values_pass() -> None:
    value = {"text": "tab\tline\nbreak \\u0000 written out", "n": [0, -1.5, 1e308, 10**400], "t": True, "z": None}

    assert find_json_problem(value) is None
    check_json_value(value)


def test_depth_limit() -> None:
    assert find_json_problem(nested(MAX_DEPTH)) is None

    problem = find_json_problem(nested(MAX_DEPTH + 1))

    assert problem is not None
    assert len(problem[0]) == MAX_DEPTH
    assert "nested more than 64 levels" in problem[1]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"talk_time_seconds": 1e999}', "not finite"),
        ('{"x": NaN}', "not finite"),
        ('{"x": -Infinity}', "not finite"),
        ('{"x": "a\\u0000b"}', "U+0000"),
        ("[" * 200_000 + "]" * 200_000, "nested more than 64 levels"),
        ("[" * 100 + "]" * 100, "nested more than 64 levels"),
    ],
    ids=["overflow", "nan", "infinity", "nul", "200000 deep", "100 deep"],
)
def test_parse_json_rejects(text: str, fragment: str) -> None:
    with pytest.raises(JsonValueError) as caught:
        parse_json(text)

    assert fragment in str(caught.value)
    assert caught.value.code == "invalid_json_value"


def test_parse_json_keeps_syntax_errors() -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_json('{"a": ')


def test_format_path() -> None:
    assert format_path(("nodes", 2, "cases", 0, "next")) == "nodes[2].cases[0].next"
    assert format_path(()) == ""


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"x": float("inf")}, "NaN or Infinity"),
        ({"x": float("nan")}, "NaN or Infinity"),
        ({"x": ["a\x00"]}, "NUL character in a JSON column, at x[0]"),
    ],
)
def test_dump_json_rejects(value: Any, fragment: str) -> None:
    with pytest.raises(ValueError, match="cannot store") as caught:
        dump_json(value)

    assert fragment in str(caught.value)


def test_dump_json_keeps_written_out_escape() -> None:
    assert json.loads(dump_json({"x": "\\u0000"})) == {"x": "\\u0000"}


def test_json_column_rejects_infinity(engine: Engine) -> None:
    with engine.begin() as conn:
        journey_id = journey_queries.insert_journey(conn, name="j", document={"name": "j", "nodes": []}, now=NOW)

    # SQLAlchemy wraps the serializer's ValueError on SQLite; psycopg raises it as it is.
    with pytest.raises((StatementError, ValueError), match="NaN or Infinity"), engine.begin() as conn:
        run_queries.insert_run(conn, journey_id=journey_id, name="r", settings={"x": float("inf")}, now=NOW)

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs)).scalar_one() == 0


def test_json_column_rejects_nul(engine: Engine) -> None:
    with pytest.raises((StatementError, ValueError), match="NUL character"), engine.begin() as conn:
        journey_queries.insert_journey(conn, name="j", document={"name": "j\x00", "nodes": []}, now=NOW)
