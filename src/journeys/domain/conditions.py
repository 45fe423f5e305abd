"""Evaluation of branch conditions against a recipient's scope.

The rules, which the validator and the docs rely on:

- A missing value is null (None). Every comparison with null is false except
  `is_empty`, so `not_equals`, `not_contains`, `not_in` and `is_not_empty` are
  false for null too. Only a `not` group turns such a false into true.
- A comparison of incompatible types is false. Evaluation does not raise on
  any value, and a bug in a comparator is logged and counts as false.
- Strings compare exactly and case-sensitively: "Gold" does not equal "gold",
  and no spaces are trimmed.
- Numbers (int, float, Decimal, never bool) compare by value. A numeric string,
  such as a CSV value, is read as a number when the other side is a number, so
  "12.50" equals 12.5, but two strings compare as strings. The ordering
  operators (`greater_than` and the rest) read both sides as numbers.
- `contains`/`not_contains` look for a substring in a string or an element in
  a list. `in`/`not_in` look for a scalar value in the condition's list. A
  membership test is incomparable only when no element compares with the
  value at all. Otherwise the `not_` forms are the plain negation.
- `is_true`/`is_false` accept booleans and the words true/false, yes/no, y/n
  and 1/0 in any case, as the CSV import does.
- `before`/`after` compare dates and datetimes, given as objects or ISO 8601
  text. The condition's value may also be `today` (the date in the scope's
  zone), `now` or an offset such as `+3 days` from now. Whole-day offsets move
  the local wall-clock time, so `+1 day` is the same time tomorrow across a
  DST change. Naive datetimes are local to the scope's zone. A date compared
  with a datetime compares the datetime's local date.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from journeys.domain.document import AllOf, AnyOf, Comparison, Condition, NotOf, Operator
from journeys.domain.durations import is_offset, parse_offset
from journeys.domain.scope import Scope

logger = logging.getLogger(__name__)

TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
RELATIVE_DATES = frozenset({"today", "now"})

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ONE_DAY = timedelta(days=1)

# A comparison returns None when the two values cannot be compared, which the
# caller turns into False for every operator, negated ones included.
Comparator = Callable[[Any, Any, Scope], bool | None]
Moment = date | datetime


def evaluate(condition: Condition, scope: Scope) -> bool:
    """Return whether `condition` is true for the recipient in `scope`.

    An empty `all` group is true and an empty `any` group is false.
    """
    if isinstance(condition, AllOf):
        return all(evaluate(part, scope) for part in condition.all)
    if isinstance(condition, AnyOf):
        return any(evaluate(part, scope) for part in condition.any)
    if isinstance(condition, NotOf):
        return not evaluate(condition.not_, scope)
    return _evaluate_comparison(condition, scope)


def compare(op: Operator, actual: Any, expected: Any, scope: Scope) -> bool:
    """Return whether `actual op expected` is true under the rules of this module."""
    if actual is None:
        return op == "is_empty"

    try:
        result = _OPERATORS[op](actual, expected, scope)
    except (TypeError, ValueError, ArithmeticError) as exc:
        # The comparators check types first, so this is a bug, but a condition
        # must never stop a recipient: it counts as false and takes the default.
        logger.warning(
            "Comparison %s failed and counts as false: %r",
            op,
            exc,
            extra={"action": "condition_error", "op": op},
        )
        return False
    return result is True


def is_relative_date(text: str) -> bool:
    """Return whether `text` is `today`, `now` or an offset that `before`/`after` accept."""
    stripped = text.strip()
    return stripped.lower() in RELATIVE_DATES or is_offset(stripped)


def parse_date_value(value: Any) -> Moment | None:
    """Read a date or datetime from an object or ISO 8601 text, or return None.

    Relative values such as `today` need a scope and are not read here.
    """
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None

    text = value.strip()
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _evaluate_comparison(comparison: Comparison, scope: Scope) -> bool:
    actual = scope.lookup(comparison.subject)
    return compare(comparison.op, actual, comparison.value, scope)


# --- Values -------------------------------------------------------------------


def as_number(value: Any) -> Decimal | None:
    """Return `value` as a Decimal when it is a finite number or numeric text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() gives the shortest text that reads back as the same float, so
        # 0.1 compares equal to "0.1" instead of to its binary expansion.
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return Decimal(value.strip())
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, tuple, set, frozenset, Mapping)):
        return len(value) == 0
    return False


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (list, tuple, set, frozenset, Mapping))


# --- Dates --------------------------------------------------------------------


def _resolve_expected_moment(value: Any, scope: Scope) -> Moment | None:
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == "today":
            return scope.today()
        if text.lower() == "now":
            return scope.now
        if is_offset(text):
            try:
                return _shift(scope, parse_offset(text))
            except OverflowError:
                # An offset past year 9999 names no date to compare with.
                return None
    return _localize(parse_date_value(value), scope)


def _shift(scope: Scope, offset: timedelta) -> datetime:
    if offset % _ONE_DAY:
        return scope.now + offset

    # Whole days move the local wall clock, so that `+1 day` across a DST change
    # is the same local time tomorrow and not 23 or 25 hours later.
    local = scope.now.astimezone(scope.zone).replace(tzinfo=None)
    return (local + offset).replace(tzinfo=scope.zone)


def _localize(moment: Moment | None, scope: Scope) -> Moment | None:
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=scope.zone)
    return moment


def _order_moments(actual: Any, expected: Any, scope: Scope) -> int | None:
    left = _localize(parse_date_value(actual), scope)
    right = _resolve_expected_moment(expected, scope)
    if left is None or right is None:
        return None

    if isinstance(left, datetime) and isinstance(right, datetime):
        return (left > right) - (left < right)
    left_day = left.astimezone(scope.zone).date() if isinstance(left, datetime) else left
    right_day = right.astimezone(scope.zone).date() if isinstance(right, datetime) else right
    return (left_day > right_day) - (left_day < right_day)


# --- Operators ----------------------------------------------------------------


def _equals(actual: Any, expected: Any, scope: Scope) -> bool | None:
    if isinstance(actual, bool) or isinstance(expected, bool):
        left, right = _as_bool(actual), _as_bool(expected)
        return None if left is None or right is None else left == right

    if _is_number(actual) or _is_number(expected):
        left_number, right_number = as_number(actual), as_number(expected)
        if left_number is None or right_number is None:
            return None
        return left_number == right_number

    if isinstance(actual, str) and isinstance(expected, str) and actual == expected:
        return True
    if _is_date_comparison(actual, expected):
        order = _order_moments(actual, expected, scope)
        return None if order is None else order == 0

    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return list(actual) == list(expected)
    if type(actual) is not type(expected):
        return None
    return bool(actual == expected)


def _is_date_comparison(actual: Any, expected: Any) -> bool:
    if isinstance(actual, date) or isinstance(expected, date):
        return True
    return isinstance(expected, str) and is_relative_date(expected)


def _not_equals(actual: Any, expected: Any, scope: Scope) -> bool | None:
    result = _equals(actual, expected, scope)
    return None if result is None else not result


def _contains(actual: Any, expected: Any, scope: Scope) -> bool | None:
    if isinstance(actual, str):
        return expected in actual if isinstance(expected, str) else None
    if isinstance(actual, (list, tuple)):
        return _member(expected, actual, scope)
    return None


def _not_contains(actual: Any, expected: Any, scope: Scope) -> bool | None:
    result = _contains(actual, expected, scope)
    return None if result is None else not result


def _starts_with(actual: Any, expected: Any, scope: Scope) -> bool | None:
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.startswith(expected)
    return None


def _ends_with(actual: Any, expected: Any, scope: Scope) -> bool | None:
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.endswith(expected)
    return None


def _ordering(test: Callable[[Decimal, Decimal], bool]) -> Comparator:
    def compare_numbers(actual: Any, expected: Any, scope: Scope) -> bool | None:
        left, right = as_number(actual), as_number(expected)
        return None if left is None or right is None else test(left, right)

    return compare_numbers


def _in(actual: Any, expected: Any, scope: Scope) -> bool | None:
    if not isinstance(expected, (list, tuple)) or not _is_scalar(actual):
        return None
    return _member(actual, expected, scope)


def _member(value: Any, items: list[Any] | tuple[Any, ...], scope: Scope) -> bool | None:
    # Incomparable only when no item can be compared with the value at all, so
    # "gold" is not in ["silver", 3], but a date is neither in nor not in ["a"].
    results = [_equals(value, item, scope) for item in items]
    if any(result is True for result in results):
        return True
    if results and all(result is None for result in results):
        return None
    return False


def _not_in(actual: Any, expected: Any, scope: Scope) -> bool | None:
    result = _in(actual, expected, scope)
    return None if result is None else not result


def _truth(wanted: bool) -> Comparator:
    def check(actual: Any, expected: Any, scope: Scope) -> bool | None:
        value = _as_bool(actual)
        return None if value is None else value is wanted

    return check


def _before(actual: Any, expected: Any, scope: Scope) -> bool | None:
    order = _order_moments(actual, expected, scope)
    return None if order is None else order < 0


def _after(actual: Any, expected: Any, scope: Scope) -> bool | None:
    order = _order_moments(actual, expected, scope)
    return None if order is None else order > 0


_OPERATORS: Mapping[str, Comparator] = {
    "equals": _equals,
    "not_equals": _not_equals,
    "contains": _contains,
    "not_contains": _not_contains,
    "starts_with": _starts_with,
    "ends_with": _ends_with,
    "greater_than": _ordering(lambda left, right: left > right),
    "greater_or_equal": _ordering(lambda left, right: left >= right),
    "less_than": _ordering(lambda left, right: left < right),
    "less_or_equal": _ordering(lambda left, right: left <= right),
    "in": _in,
    "not_in": _not_in,
    "is_empty": lambda actual, expected, scope: _is_empty(actual),
    "is_not_empty": lambda actual, expected, scope: not _is_empty(actual),
    "is_true": _truth(True),
    "is_false": _truth(False),
    "before": _before,
    "after": _after,
}
