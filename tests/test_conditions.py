"""Condition evaluation: every operator, the null rule, groups, subjects and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, get_args
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter

from journeys.domain.conditions import compare, evaluate
from journeys.domain.document import Comparison, Condition, Operator
from journeys.domain.scope import Scope

NOW = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
OPERATORS: tuple[str, ...] = get_args(Operator)
CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


def make_scope(
    data: dict[str, Any] | None = None,
    *,
    now: datetime = NOW,
    zone: ZoneInfo = NEW_YORK,
    nodes: dict[str, dict[str, Any]] | None = None,
    recipient: dict[str, Any] | None = None,
) -> Scope:
    return Scope(
        data=data or {},
        nodes=nodes or {},
        recipient=recipient or {},
        now=now,
        zone=zone,
    )


def check(op: str, actual: Any, expected: Any = None, scope: Scope | None = None) -> bool:
    """Evaluate `value op expected` with `actual` stored in the field `value`."""
    data = {} if actual is None else {"value": actual}
    base = scope or make_scope()
    condition = Comparison.model_validate({"subject": "value", "op": op, "value": expected})
    return evaluate(condition, make_scope(data, now=base.now, zone=base.zone))


OPERATOR_CASES = [
    # equals: strings exactly, numbers by value, booleans, lists
    ("equals", "gold", "gold", True),
    ("equals", "gold", "Gold", False),
    ("equals", "gold ", "gold", False),
    ("equals", "12.50", 12.5, True),
    ("equals", 12, "12", True),
    ("equals", 0.1, "0.1", True),
    ("equals", Decimal("3.0"), 3, True),
    ("equals", "5", "5.0", False),
    ("equals", "abc", 5, False),
    ("equals", True, True, True),
    ("equals", True, "true", True),
    ("equals", "No", False, True),
    ("equals", True, 1, False),
    ("equals", [1, 2], [1, 2], True),
    ("equals", [1, 2], "1", False),
    # not_equals
    ("not_equals", "gold", "silver", True),
    ("not_equals", "gold", "gold", False),
    ("not_equals", 5, "5", False),
    ("not_equals", "abc", 5, False),
    # contains / not_contains
    ("contains", "hello world", "world", True),
    ("contains", "hello", "World", False),
    ("contains", ["a", "b"], "a", True),
    ("contains", [1, 2], "2", True),
    ("contains", ["a"], "z", False),
    ("contains", "a1", 1, False),
    ("contains", 15, "5", False),
    ("not_contains", "hello", "z", True),
    ("not_contains", "hello", "ell", False),
    ("not_contains", ["a"], "b", True),
    ("not_contains", ["a"], "a", False),
    ("not_contains", 15, "x", False),
    ("not_contains", [1, 2], "x", False),
    # starts_with / ends_with
    ("starts_with", "+12025550100", "+1202", True),
    ("starts_with", "Hello", "hello", False),
    ("starts_with", 123, "1", False),
    ("ends_with", "report.pdf", ".pdf", True),
    ("ends_with", "report.pdf", ".PDF", False),
    ("ends_with", ["a"], "a", False),
    # ordering
    ("greater_than", 10, 5, True),
    ("greater_than", 5, 10, False),
    ("greater_than", 5, 5, False),
    ("greater_than", "10", 9, True),
    ("greater_than", "10", "9", True),
    ("greater_than", "abc", 1, False),
    ("greater_than", True, 0, False),
    ("greater_than", float("nan"), 1, False),
    ("greater_or_equal", 5, 5, True),
    ("greater_or_equal", 4.99, 5, False),
    ("greater_or_equal", "5.00", 5, True),
    ("less_than", -1, 0, True),
    ("less_than", 0, 0, False),
    ("less_than", [1], 2, False),
    ("less_or_equal", 5, 5, True),
    ("less_or_equal", 6, "5", False),
    # in / not_in
    ("in", "gold", ["gold", "silver"], True),
    ("in", "bronze", ["gold", "silver"], False),
    ("in", "5", [5, 6], True),
    ("in", ["gold"], ["gold"], False),
    ("not_in", "bronze", ["gold", "silver"], True),
    ("not_in", "gold", ["gold", "silver"], False),
    ("not_in", ["gold"], ["silver"], False),
    ("not_in", "gold", ["silver", 3], True),
    ("not_in", "2026-06-10", [7, 8], False),
    ("not_in", "gold", [], True),
    ("in", "gold", [], False),
    # is_empty / is_not_empty
    ("is_empty", "", None, True),
    ("is_empty", "   ", None, True),
    ("is_empty", [], None, True),
    ("is_empty", {}, None, True),
    ("is_empty", "x", None, False),
    ("is_empty", 0, None, False),
    ("is_empty", False, None, False),
    ("is_not_empty", "x", None, True),
    ("is_not_empty", 0, None, True),
    ("is_not_empty", "", None, False),
    ("is_not_empty", [], None, False),
    # is_true / is_false
    ("is_true", True, None, True),
    ("is_true", False, None, False),
    ("is_true", "yes", None, True),
    ("is_true", "Y", None, True),
    ("is_true", "maybe", None, False),
    ("is_true", 1, None, False),
    ("is_false", False, None, True),
    ("is_false", "no", None, True),
    ("is_false", True, None, False),
    ("is_false", 0, None, False),
    # before / after, with today = 2026-06-10 in New York
    ("before", "2026-06-09", "today", True),
    ("before", "2026-06-10", "today", False),
    ("after", "2026-06-11", "today", True),
    ("after", "2026-06-10", "today", False),
    ("before", date(2026, 6, 1), "2026-06-02", True),
    ("after", "2026-06-02", date(2026, 6, 1), True),
    ("before", "not a date", "today", False),
    ("before", 20260609, "today", False),
    ("before", "2026-06-09", "tomorrow", False),
    ("after", "2026-06-09", 5, False),
    ("before", "2026-06-09", "+99999999999 days", False),
    ("after", "2026-06-09", "+999999 weeks", False),
]


@pytest.mark.parametrize(("op", "actual", "expected", "result"), OPERATOR_CASES)
def test_operator_table(op: str, actual: Any, expected: Any, result: bool) -> None:
    assert check(op, actual, expected) is result


def test_operator_table_covers_every_operator() -> None:
    covered = {case[0] for case in OPERATOR_CASES}

    assert covered == set(OPERATORS)


NULL_VALUES: dict[str, Any] = {
    "in": ["a"],
    "not_in": ["a"],
    "before": "today",
    "after": "today",
    "greater_than": 1,
    "greater_or_equal": 1,
    "less_than": 1,
    "less_or_equal": 1,
}


@pytest.mark.parametrize("op", OPERATORS)
def test_null_is_false_except_is_empty(op: str) -> None:
    unary = op.startswith("is_")
    expected = None if unary else NULL_VALUES.get(op, "a")

    assert check(op, None, expected) is (op == "is_empty")


@pytest.mark.parametrize("op", OPERATORS)
def test_none_value_counts_as_null(op: str) -> None:
    expected = None if op.startswith("is_") else NULL_VALUES.get(op, "a")
    scope = make_scope({"value": None})
    condition = Comparison.model_validate({"subject": "value", "op": op, "value": expected})

    assert evaluate(condition, scope) is (op == "is_empty")


class Opaque:
    """A value no operator knows how to compare."""


@pytest.mark.parametrize("op", OPERATORS)
def test_unknown_types_never_raise(op: str) -> None:
    expected = None if op.startswith("is_") else NULL_VALUES.get(op, "a")

    assert check(op, Opaque(), expected) is (op == "is_not_empty")


# --- Groups -------------------------------------------------------------------

TRUE = {"subject": "plan", "op": "equals", "value": "gold"}
FALSE = {"subject": "plan", "op": "equals", "value": "silver"}
NULL = {"subject": "missing", "op": "equals", "value": "x"}


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ({"all": [TRUE, TRUE]}, True),
        ({"all": [TRUE, FALSE]}, False),
        ({"all": []}, True),
        ({"any": [FALSE, TRUE]}, True),
        ({"any": [FALSE, FALSE]}, False),
        ({"any": []}, False),
        ({"not": TRUE}, False),
        ({"not": FALSE}, True),
        ({"not": NULL}, True),
        ({"any": [NULL, {"all": [TRUE, {"not": FALSE}]}]}, True),
        ({"all": [TRUE, {"any": [NULL, FALSE]}]}, False),
    ],
)
def test_groups(raw: dict[str, Any], result: bool) -> None:
    condition = CONDITION.validate_python(raw)

    assert evaluate(condition, make_scope({"plan": "gold"})) is result


# --- Subjects -----------------------------------------------------------------


def subject_scope() -> Scope:
    return make_scope(
        {"plan": "gold", "phone_number": None},
        nodes={
            "call_1": {"outcome": "answered", "data": {"reason": "paid", "card": {"type": "visa"}}},
            "call-2": {"outcome": "voicemail"},
        },
        recipient={"calls_placed": 2, "phone_number": "+12025550100", "timezone": "America/Chicago"},
    )


@pytest.mark.parametrize(
    ("subject", "value"),
    [
        ("plan", "gold"),
        ("data.plan", "gold"),
        ("nodes.call_1.outcome", "answered"),
        ("nodes.call-2.outcome", "voicemail"),
        ("nodes.call_1.data.reason", "paid"),
        ("nodes.call_1.data.card.type", "visa"),
        ("recipient.calls_placed", 2),
        ("phone_number", "+12025550100"),
        ("data.phone_number", "+12025550100"),
        ("timezone", "America/Chicago"),
        ("missing", None),
        ("data.missing", None),
        ("data.plan.x", None),
        ("nodes.call_9.outcome", None),
        ("nodes.call_1", None),
        ("nodes.call_1.outcome.x", None),
        ("recipient.unknown", None),
        ("run.name", None),
    ],
)
def test_scope_lookup(subject: str, value: Any) -> None:
    assert subject_scope().lookup(subject) == value


def test_subject_reads_node_output() -> None:
    condition = Comparison(subject="nodes.call_1.outcome", op="equals", value="answered")

    assert evaluate(condition, subject_scope()) is True


def test_scope_rejects_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        make_scope(now=datetime(2026, 6, 10, 14, 0))


# --- Dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "actual", "expected", "result"),
    [
        # now is 2026-06-10 14:00 UTC, 10:00 in New York
        ("before", "2026-06-10T13:59:00Z", "now", True),
        ("after", "2026-06-10T13:59:00Z", "now", False),
        ("after", datetime(2026, 6, 10, 14, 1, tzinfo=UTC), "now", True),
        ("before", "2026-06-10T09:30", "now", True),
        ("after", "2026-06-10T10:30", "now", True),
        ("before", "2026-06-12", "+3 days", True),
        ("before", "2026-06-13", "+3 days", False),
        ("after", "2026-06-06", "-1 week", True),
        ("before", "2026-06-10T11:00:00Z", "-2 hours", True),
        ("after", "2026-06-10T11:00:00Z", "-2 hours", False),
        ("before", "2026-06-10T03:00:00Z", "2026-06-10", True),
        ("after", "2026-06-10T05:00:00+00:00", date(2026, 6, 9), True),
        ("before", "2026-06-10T09:00:00-04:00", "2026-06-10T14:00:00+01:00", False),
        ("equals", "2026-06-10", "today", True),
        ("equals", date(2026, 6, 13), "+3 days", True),
        ("equals", "2026-06-10", date(2026, 6, 10), True),
        ("not_equals", "2026-06-09", "today", True),
    ],
)
def test_dates_relative_to_now(op: str, actual: Any, expected: Any, result: bool) -> None:
    assert check(op, actual, expected) is result


def test_today_uses_recipient_zone() -> None:
    late_evening = make_scope(now=datetime(2026, 6, 10, 2, 0, tzinfo=UTC))
    utc = make_scope(now=datetime(2026, 6, 10, 2, 0, tzinfo=UTC), zone=ZoneInfo("UTC"))

    assert check("equals", "2026-06-09", "today", late_evening) is True
    assert check("equals", "2026-06-09", "today", utc) is False


def test_day_offset_keeps_wall_clock_across_spring_forward() -> None:
    # 10:00 EST on the day before clocks go forward. `+1 day` is 10:00 EDT,
    # 14:00 UTC, while 24 hours later would be 15:00 UTC.
    scope = make_scope(now=datetime(2026, 3, 7, 15, 0, tzinfo=UTC))

    assert check("after", "2026-03-08T14:30:00Z", "+1 day", scope) is True
    assert check("before", "2026-03-08T13:30:00Z", "+1 day", scope) is True


def test_day_offset_keeps_date_across_fall_back() -> None:
    # 00:30 EDT on the day clocks go back. `+1 day` is 00:30 EST on Nov 2,
    # while 24 hours later would still be Nov 1 at 23:30 EST.
    scope = make_scope(now=datetime(2026, 11, 1, 4, 30, tzinfo=UTC))

    assert check("equals", "2026-11-02", "+1 day", scope) is True
    assert check("after", "2026-11-02", "+1 day", scope) is False


def test_hour_offset_is_absolute_across_dst() -> None:
    scope = make_scope(now=datetime(2026, 3, 7, 15, 0, tzinfo=UTC))

    assert check("after", "2026-03-08T14:30:00Z", "+24 hours", scope) is True
    assert check("after", "2026-03-08T14:30:00Z", "+25 hours", scope) is False


def test_naive_datetime_is_local_to_zone() -> None:
    tokyo = make_scope(zone=ZoneInfo("Asia/Tokyo"))

    # 2026-06-10T22:00 in Tokyo is 13:00 UTC, before now; in New York it is after.
    assert check("before", "2026-06-10T22:00:00", "now", tokyo) is True
    assert check("before", "2026-06-10T22:00:00", "now") is False


ODD_VALUES: list[Any] = [
    None, 0, -1, 1.5, float("nan"), float("inf"), Decimal("NaN"), True, "", " ", "abc", "12",
    "2026-13-45", "today", "+3 days", "+99999999999 days", [], ["a"], {}, {"a": 1},
    date.max, datetime.max, datetime.min, datetime(2026, 3, 8, 2, 30), Opaque(),
]


@pytest.mark.parametrize("op", OPERATORS)
def test_odd_values_need_no_fallback(op: str, caplog: pytest.LogCaptureFixture) -> None:
    # The comparators must handle every type themselves; the logged fallback
    # in compare() is only a guard against bugs.
    results = [compare(op, actual, expected, make_scope()) for actual in ODD_VALUES for expected in ODD_VALUES]

    assert all(isinstance(result, bool) for result in results)
    assert caplog.records == []
