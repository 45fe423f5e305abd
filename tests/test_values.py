"""Conversion of text values to each data field type."""

from __future__ import annotations

import json
from typing import Any

import pytest

from journeys.domain.document import DataField
from journeys.domain.values import (
    PHONE_NUMBER_FIELD,
    TIMEZONE_FIELD,
    ConversionOptions,
    InvalidValueError,
    convert_value,
)
from journeys.errors import JourneysError

ISO = ConversionOptions()
DECIMAL_COMMA = ConversionOptions(decimal=",")


def field(type_: str, **extra: Any) -> DataField:
    return DataField(name="amount", type=type_, **extra)  # type: ignore[arg-type]


def reason_of(data_field: DataField, text: str, options: ConversionOptions = ISO) -> str:
    with pytest.raises(InvalidValueError) as caught:
        convert_value(data_field, text, options)
    return caught.value.reason


# --- Empty values, defaults and required ------------------------------------------


@pytest.mark.parametrize("type_", ["string", "number", "integer", "boolean", "date", "email"])
@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_empty_value_is_none(type_: str, text: str) -> None:
    assert convert_value(field(type_), text, ISO) is None


@pytest.mark.parametrize("text", ["", "  "])
def test_empty_value_takes_default(text: str) -> None:
    assert convert_value(field("number", default=5), text, ISO) == 5


def test_empty_required_value_is_rejected() -> None:
    assert reason_of(field("string", required=True), " ") == "required"


def test_empty_required_value_with_default_takes_default() -> None:
    assert convert_value(field("string", required=True, default="friend"), "", ISO) == "friend"


def test_string_is_trimmed_but_keeps_inner_text() -> None:
    assert convert_value(field("string"), "  Call after 5pm\nside door ", ISO) == (
        "Call after 5pm\nside door"
    )


def test_string_keeps_leading_zeros() -> None:
    assert convert_value(field("string"), "02116", ISO) == "02116"


# --- Booleans -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True), ("TRUE", True), ("True", True), ("yes", True), ("Yes", True),
        ("YES", True), ("y", True), ("Y", True), ("1", True), (" true ", True),
        ("false", False), ("FALSE", False), ("False", False), ("no", False), ("No", False),
        ("NO", False), ("n", False), ("N", False), ("0", False), (" no ", False),
    ],
)
def test_boolean_words(text: str, expected: bool) -> None:
    assert convert_value(field("boolean"), text, ISO) is expected


@pytest.mark.parametrize("text", ["maybe", "2", "t", "f", "on", "off", "yes!", "ja", "-1"])
def test_boolean_rejects_other_words(text: str) -> None:
    assert reason_of(field("boolean"), text) == "invalid boolean"


# --- Numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("7", ".", 7),
        ("12.50", ".", 12.5),
        ("-3.25", ".", -3.25),
        ("+4", ".", 4),
        (".5", ".", 0.5),
        ("1.234", ".", 1.234),
        ("1,234.50", ".", 1234.5),
        ("1,234,567", ".", 1234567),
        ("1,234,567.5", ".", 1234567.5),
        ("1 234", ".", 1234),
        ("1\u00a0234.5", ".", 1234.5),
        ("1.5e3", ".", 1500.0),
        ("7", ",", 7),
        ("12,50", ",", 12.5),
        ("-3,25", ",", -3.25),
        ("1,234", ",", 1.234),
        ("1.234,50", ",", 1234.5),
        ("1.234.567", ",", 1234567),
        ("1 234,5", ",", 1234.5),
        ("1\u202f234,5", ",", 1234.5),
    ],
)
def test_number_reads_declared_separator(text: str, decimal: str, expected: float) -> None:
    options = ConversionOptions(decimal=decimal)  # type: ignore[arg-type]

    value = convert_value(field("number"), text, options)

    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "decimal"),
    [("1,234", "."), ("12,345", "."), ("-1,234", "."), ("1.234", ","), ("999.000", ",")],
)
def test_number_with_two_readings_is_ambiguous(text: str, decimal: str) -> None:
    options = ConversionOptions(decimal=decimal)  # type: ignore[arg-type]

    assert reason_of(field("number"), text, options) == "ambiguous number"


def test_ambiguous_number_message_gives_both_readings() -> None:
    with pytest.raises(InvalidValueError) as caught:
        convert_value(field("number"), "1,234", ISO)

    assert "1234" in str(caught.value)
    assert "1.234" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "decimal"),
    [
        ("12,5", "."), ("0,123", "."), ("1,23", "."), ("1.234,5", "."), ("1,2,3", "."),
        ("12.5", ","), ("1,234.5", ","), ("1,234,567", ","),
        ("abc", "."), ("$5", "."), ("5%", "."), ("nan", "."), ("inf", "."), ("1e999", "."),
        ("1..2", "."), ("--1", "."), ("1 2", "."), ("12,34,567", "."),
    ],
)
def test_number_rejects_malformed(text: str, decimal: str) -> None:
    options = ConversionOptions(decimal=decimal)  # type: ignore[arg-type]

    assert reason_of(field("number"), text, options) == "invalid number"


def test_number_in_decimal_comma_suggests_declaring_it() -> None:
    with pytest.raises(InvalidValueError) as caught:
        convert_value(field("number"), "12,5", ISO)

    assert "declare ','" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [("42", ".", 42), ("-3", ".", -3), ("1,234,567", ".", 1234567), ("12.0", ".", 12),
     ("1e3", ".", 1000), ("1.234.567", ",", 1234567), ("12,00", ",", 12)],
)
def test_integer_accepts_whole_numbers(text: str, decimal: str, expected: int) -> None:
    options = ConversionOptions(decimal=decimal)  # type: ignore[arg-type]

    value = convert_value(field("integer"), text, options)

    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(("text", "decimal"), [("12.5", "."), ("0.1", "."), ("12,5", ",")])
def test_integer_rejects_fractions(text: str, decimal: str) -> None:
    options = ConversionOptions(decimal=decimal)  # type: ignore[arg-type]

    assert reason_of(field("integer"), text, options) == "invalid integer"


def test_integer_with_two_readings_is_ambiguous() -> None:
    assert reason_of(field("integer"), "1,234") == "ambiguous number"


# --- Dates and datetimes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("2026-03-01", "2026-03-01"), ("2024-02-29", "2024-02-29")]
)
def test_date_iso(text: str, expected: str) -> None:
    assert convert_value(field("date"), text, ISO) == expected


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2025-02-29", "2026-3-1", "03/01/2026", "20260301", "2026-03-01T10:00",
             "tomorrow", "2026-W09-7"],
)
def test_date_rejects_non_iso(text: str) -> None:
    assert reason_of(field("date"), text) == "invalid date"


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("03/01/2026", "%d/%m/%Y", "2026-01-03"),
        ("03/01/2026", "%m/%d/%Y", "2026-03-01"),
        ("1.3.2026", "%d.%m.%Y", "2026-03-01"),
        ("01 Mar 2026", "%d %b %Y", "2026-03-01"),
    ],
)
def test_date_declared_format(text: str, date_format: str, expected: str) -> None:
    options = ConversionOptions(date_format=date_format)

    assert convert_value(field("date"), text, options) == expected


@pytest.mark.parametrize(
    ("text", "date_format"),
    [("2026-03-01", "%d/%m/%Y"), ("13/13/2026", "%d/%m/%Y"), ("03/01/26", "%d/%m/%Y")],
)
def test_date_rejects_other_format(text: str, date_format: str) -> None:
    options = ConversionOptions(date_format=date_format)

    with pytest.raises(InvalidValueError) as caught:
        convert_value(field("date"), text, options)

    assert caught.value.reason == "invalid date"
    assert date_format in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T14:30", "2026-03-01T14:30:00"),
        ("2026-03-01 14:30:05", "2026-03-01T14:30:05"),
        ("2026-03-01T14:30:05+01:00", "2026-03-01T14:30:05+01:00"),
        ("2026-03-01T14:30:05-0500", "2026-03-01T14:30:05-05:00"),
        ("2026-03-01T14:30:05Z", "2026-03-01T14:30:05+00:00"),
        ("2026-03-01T14:30:05.250", "2026-03-01T14:30:05.250000"),
    ],
)
def test_datetime_iso_keeps_offset_or_naive(text: str, expected: str) -> None:
    assert convert_value(field("datetime"), text, ISO) == expected


@pytest.mark.parametrize(
    "text", ["2026-03-01", "14:30", "2026-03-01T25:00", "01/03/2026 14:30", "20260301T1430"]
)
def test_datetime_rejects_non_iso(text: str) -> None:
    assert reason_of(field("datetime"), text) == "invalid datetime"


def test_datetime_declared_format() -> None:
    options = ConversionOptions(datetime_format="%d/%m/%Y %H:%M")

    assert convert_value(field("datetime"), "03/01/2026 09:15", options) == "2026-01-03T09:15:00"


def test_datetime_declared_format_with_offset() -> None:
    options = ConversionOptions(datetime_format="%d/%m/%Y %H:%M %z")

    value = convert_value(field("datetime"), "03/01/2026 09:15 +0200", options)

    assert value == "2026-01-03T09:15:00+02:00"


def test_datetime_rejects_other_format() -> None:
    options = ConversionOptions(datetime_format="%d/%m/%Y %H:%M")

    assert reason_of(field("datetime"), "2026-01-03T09:15", options) == "invalid datetime"


# --- Phones, emails, enums, time zones --------------------------------------------------


def test_phone_field_is_e164() -> None:
    options = ConversionOptions(default_region="US")

    assert convert_value(field("phone"), "(202) 555-0101", options) == "+12025550101"


def test_phone_field_keeps_extension_as_rfc3966() -> None:
    options = ConversionOptions(default_region="US")

    assert convert_value(field("phone"), "(202) 555-0101 x12", options) == "+12025550101;ext=12"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("1.20256E+10", "scientific notation"), ("07700 900123", "invalid phone number")],
)
def test_phone_field_rejects(text: str, reason: str) -> None:
    assert reason_of(field("phone"), text, ConversionOptions(default_region="GB")) == reason


def test_builtin_phone_field_is_required() -> None:
    assert reason_of(PHONE_NUMBER_FIELD, "") == "required"


@pytest.mark.parametrize("text", ["ana@example.com", "a.b+c@mail.example.org", "ANA@EXAMPLE.COM"])
def test_email_accepts_addresses(text: str) -> None:
    assert convert_value(field("email"), text, ISO) == text


@pytest.mark.parametrize(
    "text", ["ana", "ana@", "@example.com", "ana@example", "ana @example.com", "a@b@example.com",
             "ana@example.", "ana@.com"],
)
def test_email_rejects_malformed(text: str) -> None:
    assert reason_of(field("email"), text) == "invalid email"


@pytest.mark.parametrize(("text", "expected"), [("gold", "Gold"), ("GOLD", "Gold"), (" Silver ", "Silver")])
def test_enum_matches_choice_ignoring_case(text: str, expected: str) -> None:
    plan = DataField(name="plan", type="enum", choices=["Gold", "Silver"])

    assert convert_value(plan, text, ISO) == expected


def test_enum_rejects_other_value_listing_choices() -> None:
    plan = DataField(name="plan", type="enum", choices=["Gold", "Silver"])

    with pytest.raises(InvalidValueError) as caught:
        convert_value(plan, "Bronze", ISO)

    assert caught.value.reason == "not a choice"
    assert "'Gold', 'Silver'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("America/New_York", "America/New_York"), ("america/new_york", "America/New_York"),
     ("Europe/Paris", "Europe/Paris"), ("UTC", "UTC"), ("Australia/Lord_Howe", "Australia/Lord_Howe")],
)
def test_timezone_accepts_iana_names(text: str, expected: str) -> None:
    assert convert_value(TIMEZONE_FIELD, text, ISO) == expected


@pytest.mark.parametrize("text", ["EST-ish", "Mars/Olympus", "New York", "+02:00", "../etc/passwd"])
def test_timezone_rejects_unknown(text: str) -> None:
    assert reason_of(TIMEZONE_FIELD, text) == "invalid timezone"


def test_empty_timezone_is_none() -> None:
    assert convert_value(TIMEZONE_FIELD, "", ISO) is None


# --- Contracts shared by every type ------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "text"),
    [("string", "x"), ("number", "1,234.5"), ("integer", "7"), ("boolean", "y"),
     ("date", "2026-03-01"), ("datetime", "2026-03-01T10:00+01:00"), ("phone", "+12025550101"),
     ("email", "a@example.com")],
)
def test_converted_values_are_json_serialisable(type_: str, text: str) -> None:
    value = convert_value(field(type_), text, ISO)

    assert json.loads(json.dumps(value)) == value


@pytest.mark.parametrize(
    ("type_", "text"),
    [("boolean", "maybe"), ("number", "abc"), ("integer", "1.5"), ("date", "x"),
     ("datetime", "x"), ("email", "x"), ("phone", "x")],
)
def test_error_message_names_value_and_field(type_: str, text: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        convert_value(field(type_), text, ISO)

    assert repr(text) in str(caught.value)
    assert "amount" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, JourneysError)
