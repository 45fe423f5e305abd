"""Phone numbers: normalisation to E.164 and the time zones of a number.

libphonenumber (the `phonenumbers` package) decides validity. It also splits off
extensions written as `x12`, `ext. 7`, `ext 7`, `extension 7`, `#7` or `;ext=7`.
The common shapes take `phone_fast_path`, which gives libphonenumber's answers
at a fraction of the cost, and recent answers are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

import phonenumbers
from phonenumbers import re_util
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

from journeys.domain.option_names import CLI_OPTION_NAMES, OptionNames
from journeys.domain.phone_fast_path import INVALID, parse_fast
from journeys.errors import InvalidInputError

PhoneErrorReason = Literal["missing", "scientific notation", "invalid phone number"]

# A spreadsheet shows a long number such as 41555501234 as 4.15555E+10 and saves the
# text as shown, so the trailing digits are gone. The mantissa may use either
# decimal separator.
SCIENTIFIC_NOTATION = re.compile(r"^[+-]?\d+(?:[.,]\d*)?\s*[eE]\s*[+-]?\d+$")

# phonenumbers uses this zone for numbers it cannot place, such as mobile ranges.
UNKNOWN_ZONE = "Etc/Unknown"

# Parsed numbers kept for repeats: about 300 bytes each.
PARSE_CACHE_SIZE = 16_384

# libphonenumber looks its metadata patterns up by their text at every step;
# keeping them compiled roughly halves the cost of the shapes the fast path
# leaves to it. The patterns come from fixed metadata, so the cache is bounded.
re_util.enable_pattern_cache()


class InvalidPhoneError(InvalidInputError, ValueError):
    """A phone number that cannot be normalised to a valid E.164 number."""

    def __init__(self, reason: PhoneErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason: PhoneErrorReason = reason


class Phone(NamedTuple):
    """A valid phone number: its E.164 form, extension, country code and libphonenumber type."""

    e164: str
    extension: str | None
    country_code: int
    number_type: int

    def zones(self) -> list[str]:
        """Return the IANA time zones of the number's area, without "Etc/Unknown"."""
        return [zone for zone in _zones(self.e164, self.country_code, self.number_type) if zone != UNKNOWN_ZONE]


def _zones(e164: str, country_code: int, number_type: int) -> tuple[str, ...]:
    # The lookups of phonenumbers.timezone for a valid number whose type is
    # known, without parsing and typing the number again as it would.
    if phonenumbers.is_number_type_geographical(number_type, country_code):
        for length in range(TIMEZONE_LONGEST_PREFIX, 0, -1):
            found = TIMEZONE_DATA.get(e164[1:1 + length])
            if found is not None:
                return tuple(found)
        return (UNKNOWN_ZONE,)

    # Toll-free and other numbers without a place get their country's zones.
    code = str(country_code)
    for length in range(TIMEZONE_LONGEST_PREFIX, 0, -1):
        found = TIMEZONE_DATA.get(code[:1 + length])
        if found is not None:
            return tuple(found)
    return (UNKNOWN_ZONE,)


def normalize_phone(raw: str, default_region: str | None) -> tuple[str, str | None]:
    """Return the E.164 form of a phone number and its extension, or None.

    `default_region` (an ISO 3166 code such as "US") places numbers written
    without a country code. Raises InvalidPhoneError with a `reason` of
    "missing", "scientific notation" or "invalid phone number".
    """
    phone = parse_phone(raw, default_region)
    return phone.e164, phone.extension


def parse_phone(raw: str, default_region: str | None, *, names: OptionNames = CLI_OPTION_NAMES) -> Phone:
    """Parse and validate a phone number; `normalize_phone` explains the errors.

    `names` says how the error tells the caller to set the default region.
    """
    text = raw.strip()
    if not text:
        raise InvalidPhoneError("missing", "The phone number is missing; add it, or remove the row.")

    # Only text with an exponent's e can be scientific notation; most has none.
    if ("e" in text or "E" in text) and SCIENTIFIC_NOTATION.match(text):
        raise InvalidPhoneError(
            "scientific notation",
            f"{text!r} is a number in scientific notation, so a spreadsheet has already "
            "lost its last digits; format the phone column as text in the spreadsheet, "
            "enter the numbers again and export the file again.",
        )

    phone = _parse(text, default_region)
    if phone is None:
        raise _invalid(text, default_region, names)
    return phone


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(text: str, default_region: str | None) -> Phone | None:
    """Return the valid number in `text`, or None when it has none."""
    fast = parse_fast(text, default_region)
    if fast is INVALID:
        return None
    if fast is not None:
        return Phone(*fast)
    return parse_with_libphonenumber(text, default_region)


def parse_with_libphonenumber(text: str, default_region: str | None) -> Phone | None:
    """Return the valid number in `text` by libphonenumber alone, or None when it has none."""
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None

    # number_type() returns UNKNOWN exactly when is_valid_number() is false, and
    # one call does both jobs: the region lookup behind each is the slow part.
    number_type = phonenumbers.number_type(number)
    if number_type == phonenumbers.PhoneNumberType.UNKNOWN:
        return None

    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164, number.extension or None, number.country_code, number_type)


def _invalid(text: str, default_region: str | None, names: OptionNames) -> InvalidPhoneError:
    if text.startswith(("+", "00")):
        hint = "check the digits and the country code"
    elif default_region is None:
        hint = f"include the country code (such as +1 or +61) or set {names.option('default_region')}"
    else:
        hint = (
            f"check the digits; numbers outside region {default_region} need their "
            "country code (such as +1 or +61)"
        )
    return InvalidPhoneError(
        "invalid phone number", f"{text!r} is not a valid phone number: {hint}."
    )


def check_region(region: str) -> str:
    """Return a region code in upper case, or raise InvalidInputError if unknown."""
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInputError(
            f"unknown phone region {region!r}: use a two-letter ISO 3166 country code "
            "such as US, GB or AU"
        )
    return code


def zones_for_number(e164: str) -> list[str]:
    """Return the IANA time zones of a number's area, without "Etc/Unknown".

    The list is empty when libphonenumber cannot place the number. Numbers that
    are not tied to one place, such as North American toll-free numbers, map to
    many zones.
    """
    try:
        return parse_phone(e164, None).zones()
    except InvalidPhoneError:
        return []
