"""Conversion of a text value, such as a CSV cell, to a data field's type.

Every converter returns a JSON-serialisable value: numbers as int or float,
booleans, dates as 'YYYY-MM-DD', datetimes as ISO 8601 strings, phones as E.164,
enum values as the declared choice. A value that could be read two ways is an
error, never a guess.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import available_timezones


from journeys.domain.document import DataField
from journeys.domain.option_names import CLI_OPTION_NAMES, OptionNames
from journeys.domain.phones import InvalidPhoneError, parse_phone
from journeys.errors import InvalidInputError

# The two built-in fields every journey has besides its declared ones.
PHONE_NUMBER_FIELD = DataField(name="phone_number", type="phone", required=True)
TIMEZONE_FIELD = DataField(name="timezone", type="string")

TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
MAX_EMAIL_LENGTH = 254

# Characters that group thousands besides the separator that is not the decimal
# one: space, no-break space and narrow no-break space, as French and Nordic
# spreadsheets write them.
SPACE_GROUP_SEPARATORS = " \u00a0\u202f"
# The largest magnitude a stored number may have: the largest finite double.
MAX_NUMBER = Decimal(sys.float_info.max)


@dataclass(frozen=True)
class ConversionOptions:
    """How to read values: the phone region, decimal separator and date formats.

    `date_format` and `datetime_format` are `strptime` formats. Without them,
    dates and datetimes must be ISO 8601. `names` are the caller's names for
    these options, which error messages use.
    """

    default_region: str | None = None
    decimal: Literal[".", ","] = "."
    date_format: str | None = None
    datetime_format: str | None = None
    names: OptionNames = CLI_OPTION_NAMES


class InvalidValueError(InvalidInputError, ValueError):
    """A value that cannot be converted to its field's type.

    `reason` is a short, stable label such as "invalid boolean"; the message is
    a full sentence that names the value and what to do.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def convert_value(field: DataField, text: str, options: ConversionOptions) -> Any:
    """Convert `text` to the type of `field` and return the JSON-serialisable value.

    Surrounding whitespace is ignored. An empty value becomes the field's
    default, or None. Raises InvalidValueError, with reason "required" for an
    empty value of a required field that has no default.
    """
    value = text.strip()
    if not value:
        return _empty_value(field)

    if field.name == TIMEZONE_FIELD.name:
        return _convert_timezone(value)
    converter = CONVERTERS[field.type]
    return converter(field, value, options)


def _empty_value(field: DataField) -> Any:
    if field.default is not None:
        return field.default
    if field.required:
        raise InvalidValueError("required", f"{field.name} is required but the value is empty; fill it in, or remove the row.")
    return None


def _convert_string(field: DataField, value: str, options: ConversionOptions) -> str:
    return value


def _convert_boolean(field: DataField, value: str, options: ConversionOptions) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidValueError(
        "invalid boolean",
        f"{value!r} is not a boolean for {field.name}; use true/false, yes/no, y/n or 1/0.",
    )


def _convert_number(field: DataField, value: str, options: ConversionOptions) -> int | float:
    number = parse_number(field.name, value, options.decimal, names=options.names)

    # Written without decimals or exponent, such as "7" or "1,234,567".
    if number.as_tuple().exponent == 0:
        return int(number)
    return float(number)


def _convert_integer(field: DataField, value: str, options: ConversionOptions) -> int:
    number = parse_number(field.name, value, options.decimal, names=options.names)
    if number != number.to_integral_value():
        raise InvalidValueError(
            "invalid integer",
            f"{value!r} in {field.name} is not a whole number; {field.name} takes integers.",
        )
    return int(number)


def _convert_date(field: DataField, value: str, options: ConversionOptions) -> str:
    if options.date_format is not None:
        try:
            return datetime.strptime(value, options.date_format).date().isoformat()
        except ValueError:
            raise InvalidValueError(
                "invalid date",
                f"{value!r} in {field.name} is not a date in the declared format "
                f"{options.date_format!r}; fix the value or the date format.",
            ) from None

    try:
        if ISO_DATE.match(value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise InvalidValueError(
        "invalid date",
        f"{value!r} in {field.name} is not a date in the form YYYY-MM-DD; write ISO "
        f"dates or declare the format with {options.names.option('date_format')} (such as %d/%m/%Y).",
    )


def _convert_datetime(field: DataField, value: str, options: ConversionOptions) -> str:
    if options.datetime_format is not None:
        try:
            return datetime.strptime(value, options.datetime_format).isoformat()
        except ValueError:
            raise InvalidValueError(
                "invalid datetime",
                f"{value!r} in {field.name} is not a datetime in the declared format "
                f"{options.datetime_format!r}; fix the value or the datetime format.",
            ) from None

    try:
        if ISO_DATETIME.match(value):
            return datetime.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise InvalidValueError(
        "invalid datetime",
        f"{value!r} in {field.name} is not an ISO 8601 datetime such as "
        "2025-03-01T14:30 or 2025-03-01 14:30:00+01:00; write ISO datetimes or "
        f"declare the format with {options.names.option('datetime_format')}.",
    )


def _convert_phone(field: DataField, value: str, options: ConversionOptions) -> str:
    """Return E.164, followed by ';ext=N' (RFC 3966) when the value has an extension."""
    try:
        phone = parse_phone(value, options.default_region, names=options.names)
    except InvalidPhoneError as exc:
        raise InvalidValueError(exc.reason, f"{field.name}: {exc}") from exc

    if phone.extension:
        return f"{phone.e164};ext={phone.extension}"
    return phone.e164


def _convert_email(field: DataField, value: str, options: ConversionOptions) -> str:
    if len(value) > MAX_EMAIL_LENGTH or not EMAIL.match(value):
        raise InvalidValueError(
            "invalid email",
            f"{value!r} in {field.name} is not an email address such as name@example.com.",
        )
    return value


def _convert_enum(field: DataField, value: str, options: ConversionOptions) -> str:
    choices = field.choices or []
    folded = value.casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    listed = ", ".join(repr(choice) for choice in choices)
    raise InvalidValueError(
        "not a choice", f"{value!r} is not a choice of {field.name}; use one of {listed}."
    )


def _convert_timezone(value: str) -> str:
    zone = _zone_names().get(value.casefold())
    if zone is None:
        raise InvalidValueError(
            "invalid timezone",
            f"{value!r} is not an IANA time zone; use a name such as America/New_York "
            "or Europe/Paris, or leave timezone empty to use the phone number's zones.",
        )
    return zone


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


CONVERTERS: dict[str, Callable[[DataField, str, ConversionOptions], Any]] = {
    "string": _convert_string,
    "number": _convert_number,
    "integer": _convert_integer,
    "boolean": _convert_boolean,
    "date": _convert_date,
    "datetime": _convert_datetime,
    "phone": _convert_phone,
    "email": _convert_email,
    "enum": _convert_enum,
}


# --- Numbers -------------------------------------------------------------------


def parse_number(
    field_name: str, value: str, decimal: Literal[".", ","], *, names: OptionNames = CLI_OPTION_NAMES
) -> Decimal:
    """Parse a number written with `decimal` as its decimal separator.

    Thousands may be grouped by the other separator or by spaces, in groups of
    three. `1,234` with decimal '.' (and `1.234` with decimal ',') could be a
    grouped integer or a decimal written with the other convention, so it is
    rejected as "ambiguous number". `1,234.5` and `1,234,567` are unambiguous.
    """
    sign, body = _split_sign(value)
    group = "," if decimal == "." else "."
    text = _plain_number_text(body, decimal)
    if text is None:
        text = _grouped_number_text(field_name, value, body, decimal, group, names)
    if text is None:
        raise _invalid_number(field_name, value, decimal, group, body, names)

    try:
        number = Decimal(sign + text)
    except InvalidOperation:
        raise _invalid_number(field_name, value, decimal, group, body, names) from None
    # A Decimal such as 1e999 is finite, but it becomes infinity as a float,
    # which JSON cannot hold; integers that large would not fit a float either.
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise InvalidValueError(
            "invalid number", f"{value!r} in {field_name} is too large to store as a number."
        )
    return number


def _split_sign(value: str) -> tuple[str, str]:
    if value[:1] in "+-":
        return value[0], value[1:].lstrip()
    return "", value


def _plain_number_text(body: str, decimal: str) -> str | None:
    """Return `body` in Python's notation if it has no thousands grouping."""
    point = re.escape(decimal)
    pattern = rf"(?:\d+(?:{point}\d*)?|{point}\d+)(?:[eE][+-]?\d+)?"
    if re.fullmatch(pattern, body):
        return body.replace(decimal, ".")
    return None


def _grouped_number_text(
    field_name: str, value: str, body: str, decimal: str, group: str, names: OptionNames
) -> str | None:
    """Return `body` in Python's notation if its thousands grouping is valid."""
    for separator in group + SPACE_GROUP_SEPARATORS:
        pattern = (
            rf"[1-9]\d{{0,2}}(?:{re.escape(separator)}\d{{3}})+(?:{re.escape(decimal)}\d+)?"
        )
        if not re.fullmatch(pattern, body):
            continue

        single_group = body.count(separator) == 1 and decimal not in body
        if separator == group and single_group:
            raise InvalidValueError(
                "ambiguous number",
                f"{value!r} in {field_name} could be {body.replace(group, '')} or "
                f"{body.replace(group, '.')}; write it without a thousands separator, or "
                f"declare {group!r} as the decimal separator ({names.decimal_setting(group)}) if that is the file's convention.",
            )
        return body.replace(separator, "").replace(decimal, ".")
    return None


def _invalid_number(
    field_name: str, value: str, decimal: str, group: str, body: str, names: OptionNames
) -> InvalidValueError:
    if group in body and _plain_number_text(body, group) is not None:
        hint = (
            f"the import reads {decimal!r} as the decimal separator; declare {group!r} "
            f"({names.decimal_setting(group)}) if the file uses it"
        )
    else:
        hint = f"write digits with {decimal!r} as the decimal separator, such as 1234{decimal}5"
    return InvalidValueError(
        "invalid number", f"{value!r} in {field_name} is not a number: {hint}."
    )
