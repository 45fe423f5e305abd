"""Phone normalisation to E.164, extensions, rejections and time zones."""

from __future__ import annotations

import pytest

from journeys.domain.phones import (
    InvalidPhoneError,
    check_region,
    normalize_phone,
    zones_for_number,
)
from journeys.errors import InvalidInputError, JourneysError


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+12025550101", None, "+12025550101"),
        ("+1 202-555-0101", None, "+12025550101"),
        ("+1 (202) 555-0101", "AU", "+12025550101"),
        ("(202) 555-0101", "US", "+12025550101"),
        ("202.555.0101", "US", "+12025550101"),
        ("1-202-555-0101", "US", "+12025550101"),
        ("12025550101", "US", "+12025550101"),
        ("  +12025550101  ", None, "+12025550101"),
        ("0491 570 156", "AU", "+61491570156"),
        ("0491570159", "AU", "+61491570159"),
        ("+61 491 570 157", None, "+61491570157"),
        ("+61 491 570 157", "US", "+61491570157"),
    ],
)
def test_normalize_phone_formats(raw: str, region: str | None, expected: str) -> None:
    e164, extension = normalize_phone(raw, region)

    assert e164 == expected
    assert extension is None


@pytest.mark.parametrize(
    ("raw", "extension"),
    [
        ("+1 202 555 0110 x12", "12"),
        ("+1 202 555 0110 X12", "12"),
        ("+1 202 555 0110 x 12", "12"),
        ("(202) 555-0110 ext. 7", "7"),
        ("(202) 555-0110 ext 7", "7"),
        ("(202) 555-0110 ext7", "7"),
        ("(202) 555-0110 extension 7", "7"),
        ("(202) 555-0110 #7", "7"),
        ("202-555-0110;ext=7", "7"),
    ],
)
def test_normalize_phone_splits_extension(raw: str, extension: str) -> None:
    e164, found = normalize_phone(raw, "US")

    assert e164 == "+12025550110"
    assert found == extension


@pytest.mark.parametrize(
    "raw",
    ["1.20256E+10", "1.20256e10", "1.20256E10", "4,15555E+10", "4.15555E+10", "1E+10", "-1.2E+10"],
)
def test_normalize_phone_rejects_scientific_notation(raw: str) -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        normalize_phone(raw, "US")

    assert caught.value.reason == "scientific notation"
    assert raw in str(caught.value)


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_normalize_phone_missing(raw: str) -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        normalize_phone(raw, "US")

    assert caught.value.reason == "missing"


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("07700 900123", "GB"),  # reserved for drama: possible but not valid
        ("+44 7700 900123", None),
        ("(202) 555-0101", None),  # national format without a region
        ("0491 570 156", None),
        ("0491 570 156", "US"),  # an Australian number read as American
        ("555-0101", "US"),
        ("Ana Test", "US"),
        ("12025550101.0", "US"),
        ("+999 123", None),
    ],
)
def test_normalize_phone_rejects_invalid(raw: str, region: str | None) -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        normalize_phone(raw, region)

    assert caught.value.reason == "invalid phone number"
    assert repr(raw) in str(caught.value)


def test_invalid_phone_without_region_suggests_country_code() -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        normalize_phone("(202) 555-0101", None)

    assert "country code" in str(caught.value)
    assert "--default-region" in str(caught.value)


def test_invalid_phone_is_user_error_and_value_error() -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        normalize_phone("07700 900123", "GB")

    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, JourneysError)


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+12025550101", ["America/New_York"]),
        ("+13125550123", ["America/Chicago"]),
        ("+16235550115", ["America/Phoenix"]),
        ("+14155550111", ["America/Los_Angeles"]),
    ],
)
def test_zones_for_number_single_zone(e164: str, expected: list[str]) -> None:
    assert zones_for_number(e164) == expected


def test_zones_for_australian_mobile_lists_every_zone() -> None:
    zones = zones_for_number("+61491570156")

    assert "Australia/Sydney" in zones
    assert "Australia/Perth" in zones
    assert "Etc/Unknown" not in zones


def test_zones_for_unplaceable_number_is_empty() -> None:
    # An international freephone number (+800): libphonenumber maps it to Etc/Unknown.
    assert zones_for_number("+80012345678") == []


@pytest.mark.parametrize(("region", "expected"), [("us", "US"), (" AU ", "AU"), ("GB", "GB")])
def test_check_region_normalises(region: str, expected: str) -> None:
    assert check_region(region) == expected


@pytest.mark.parametrize("region", ["UK", "USA", "", "XX"])
def test_check_region_rejects_unknown(region: str) -> None:
    with pytest.raises(InvalidInputError):
        check_region(region)
