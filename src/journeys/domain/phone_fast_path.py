"""A fast path for the phone shapes that most recipient files contain.

libphonenumber's `parse` plus `number_type` cost about 30 µs per number,
mostly in looking up regular expressions by their text at every step. This
module follows the same steps for the common shapes: digits with spaces, dots,
dashes and parentheses, an optional leading `+`, and an optional extension
written `x12` or `ext. 12`. It reads the same metadata (`PhoneMetadata`:
country code, international and national prefixes, `general_desc` and the
per-type national number patterns and possible lengths), compiled once per
region. Any other shape, and any step whose outcome would be an error from
`parse`, is left to libphonenumber by returning None.

`tests/test_phone_fast_path.py` checks on a large generated sample that every
answer given here equals libphonenumber's. The steps mirror
`phonenumbers.phonenumberutil` 9.0: `parse`, `_maybe_extract_country_code`,
`_extract_country_code`, `_parse_prefix_as_idd`,
`_maybe_strip_national_prefix_carrier_code`, `_test_number_length`,
`region_code_for_number` and `_number_type_helper`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    SUPPORTED_REGIONS,
    PhoneMetadata,
    PhoneNumberType,
)

# The shapes handled here: an optional `+`, digits and the punctuation that
# parse() ignores, and an optional extension that parse() splits off the same
# way. [0-9], not \d, because \d matches digits of every script.
SHAPE: Final = re.compile(
    r"(\+?)(\(?[0-9][0-9 ().\-]*[0-9])(?: ?(?:[xX]|[eE][xX][tT]\.?) ?([0-9]{1,9}))?"
)
SEPARATORS: Final = str.maketrans("", "", " ().-")

# libphonenumber's bounds on the national significant number and the country code.
MIN_NATIONAL_LENGTH: Final = 2
MAX_NATIONAL_LENGTH: Final = 17
MAX_COUNTRY_CODE_LENGTH: Final = 3
# Shorter inputs take parse()'s viability rules, which are left to it.
MIN_DIGITS: Final = 4
# The _test_number_length results after which parse() keeps a national prefix.
KEEPS_PREFIX: Final = frozenset({"too short", "local only", "invalid length"})

# The order in which _number_type_helper tries the types before fixed line and mobile.
SPECIAL_TYPES: Final = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


class _Invalid:
    """The answer for a number that parses but has no valid number type."""


INVALID: Final = _Invalid()


class FastNumber(NamedTuple):
    """A valid number: its E.164 form, extension, country code and type."""

    e164: str
    extension: str | None
    country_code: int
    number_type: int


@dataclass(frozen=True)
class _Desc:
    """A PhoneNumberDesc compiled: its possible lengths (None for any) and pattern (None for none)."""

    lengths: frozenset[int] | None
    pattern: re.Pattern[str] | None

    def matches(self, number: str) -> bool:
        if self.lengths is not None and len(number) not in self.lengths:
            return False
        return self.pattern is not None and self.pattern.fullmatch(number) is not None


@dataclass(frozen=True)
class _Region:
    """The metadata of one region that parsing and typing read, compiled."""

    code: str
    country_code: int
    international_prefix: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None
    transform_rule: str | None
    leading_digits: re.Pattern[str] | None
    general_pattern: re.Pattern[str] | None
    possible_lengths: tuple[int, ...]
    local_lengths: frozenset[int]
    # One pattern for _number_type_helper: group i matches numbers of group_types[i].
    type_pattern: re.Pattern[str]
    group_types: tuple[int, ...]
    mobile: _Desc
    same_mobile_and_fixed_line: bool


def parse_fast(text: str, region: str | None) -> FastNumber | _Invalid | None:
    """Return the number libphonenumber would parse from `text`, INVALID, or None.

    `text` has no surrounding spaces. INVALID means libphonenumber parses the
    text but gives it no number type, so it is not a valid number. None means
    the shape or a step is not handled here, and libphonenumber must decide.
    """
    if len(text) > 40:
        return None
    shape = SHAPE.fullmatch(text)
    if shape is None:
        return None
    plus, body, extension = shape.groups()
    digits = body.translate(SEPARATORS)
    if len(digits) < MIN_DIGITS:
        return None

    if plus:
        found = _split_country_code(digits)
    else:
        found = _split_national(digits, region)
    if found is None:
        return None

    country_code, metadata, national = found
    stripped = _strip_national_prefix(national, metadata)
    if stripped is None:
        return None
    # parse() keeps the national prefix when the rest has no possible length.
    if _length_result(stripped, metadata) not in KEEPS_PREFIX:
        national = stripped
    if not MIN_NATIONAL_LENGTH <= len(national) <= MAX_NATIONAL_LENGTH:
        return None
    if national[0] == "0":
        # Italian leading zeros are kept apart from the number; parse() decides those.
        return None

    number_type = _number_type(country_code, national)
    if number_type == PhoneNumberType.UNKNOWN:
        return INVALID
    return FastNumber(f"+{country_code}{national}", extension or None, country_code, number_type)


def _split_country_code(digits: str) -> tuple[int, _Region, str] | None:
    """Split digits written after `+` or an international prefix into a country code and the rest."""
    if len(digits) <= MIN_NATIONAL_LENGTH or digits[0] == "0":
        return None
    for length in range(1, MAX_COUNTRY_CODE_LENGTH + 1):
        country_code = int(digits[:length])
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            metadata = _main_region(country_code)
            if metadata is None:
                return None
            return country_code, metadata, digits[length:]
    return None


def _split_national(digits: str, region: str | None) -> tuple[int, _Region, str] | None:
    """Read digits without `+` as parse() does with a default region."""
    metadata = _region(region) if region is not None else None
    if metadata is None:
        return None

    if metadata.international_prefix is not None:
        idd = metadata.international_prefix.match(digits)
        # A 0 after the prefix cannot start a country code, so then it is no prefix.
        if idd is not None and digits[idd.end():idd.end() + 1] != "0":
            return _split_country_code(digits[idd.end():])

    code = str(metadata.country_code)
    if digits.startswith(code):
        rest = _strip_national_prefix(digits[len(code):], metadata)
        if rest is None:
            return None
        general = metadata.general_pattern
        valid_without_code = (
            general is not None
            and general.fullmatch(digits) is None
            and general.fullmatch(rest) is not None
        )
        if valid_without_code or _length_result(digits, metadata) == "too long":
            main = _main_region(metadata.country_code)
            if main is None:
                return None
            return metadata.country_code, main, rest
    return metadata.country_code, metadata, digits


def _strip_national_prefix(number: str, metadata: _Region) -> str | None:
    """Return the number as _maybe_strip_national_prefix_carrier_code leaves it.

    Returns None for regions with a prefix transform rule, which are left to
    libphonenumber.
    """
    pattern = metadata.national_prefix
    if not number or pattern is None:
        return number
    found = pattern.match(number)
    if found is None:
        return number
    if metadata.transform_rule is not None:
        return None

    stripped = number[found.end():]
    general = metadata.general_pattern
    if general is not None and general.fullmatch(number) and not general.fullmatch(stripped):
        return number
    return stripped


def _length_result(number: str, metadata: _Region) -> str:
    """Return what _test_number_length says of a national number against the general lengths."""
    size = len(number)
    if size in metadata.local_lengths:
        return "local only"
    lengths = metadata.possible_lengths
    if size == lengths[0]:
        return "possible"
    if size < lengths[0]:
        return "too short"
    if size > lengths[-1]:
        return "too long"
    return "possible" if size in lengths[1:] else "invalid length"


def _number_type(country_code: int, national: str) -> int:
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if len(regions) == 1:
        metadata = _region(regions[0])
        return PhoneNumberType.UNKNOWN if metadata is None else _type_in(national, metadata)

    for code in regions:
        metadata = _region(code)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            if metadata.leading_digits.match(national):
                return _type_in(national, metadata)
        else:
            found = _type_in(national, metadata)
            if found != PhoneNumberType.UNKNOWN:
                return found
    return PhoneNumberType.UNKNOWN


def _type_in(national: str, metadata: _Region) -> int:
    found = metadata.type_pattern.fullmatch(national)
    if found is None:
        return PhoneNumberType.UNKNOWN
    number_type = metadata.group_types[found.lastindex or 0]
    if number_type == PhoneNumberType.FIXED_LINE:
        if metadata.same_mobile_and_fixed_line or metadata.mobile.matches(national):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
    return number_type


def _main_region(country_code: int) -> _Region | None:
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    # Non-geographic codes (region "001") have their own metadata, left to libphonenumber.
    return _region(regions[0]) if regions else None


@lru_cache(maxsize=None)
def _region(code: str) -> _Region | None:
    """Compile a region's metadata once; None for an unknown or non-geographic region."""
    if code not in SUPPORTED_REGIONS:
        return None
    metadata = PhoneMetadata.metadata_for_region(code, None)
    if metadata is None:
        return None

    national_prefix = metadata.national_prefix_for_parsing or None
    compiled_prefix = re.compile(national_prefix) if national_prefix else None
    general = metadata.general_desc
    same = bool(metadata.same_mobile_and_fixed_line_pattern)
    type_pattern, group_types = _type_pattern(metadata, same)
    return _Region(
        code=code,
        country_code=metadata.country_code,
        international_prefix=re.compile(metadata.international_prefix) if metadata.international_prefix else None,
        national_prefix=compiled_prefix,
        transform_rule=metadata.national_prefix_transform_rule or None,
        leading_digits=re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None,
        general_pattern=re.compile(general.national_number_pattern) if general.national_number_pattern else None,
        possible_lengths=tuple(general.possible_length),
        local_lengths=frozenset(general.possible_length_local_only or ()),
        type_pattern=type_pattern,
        group_types=group_types,
        mobile=_desc(metadata.mobile),
        same_mobile_and_fixed_line=same,
    )


def _type_pattern(metadata: PhoneMetadata, same_mobile_and_fixed_line: bool) -> tuple[re.Pattern[str], tuple[int, ...]]:
    """Compile _number_type_helper's chain of checks into one pattern.

    A number must first fit the general description; then the first type in
    the helper's order whose lengths and pattern fit wins. Each type is one
    capturing group of an alternation, tried in that order, and fullmatch
    tries the next alternative until one spans the whole number. The metadata
    patterns have no groups of their own, which tests/test_phone_fast_path.py
    checks for every region.
    """
    kinds = [*((getattr(metadata, name), number_type) for name, number_type in SPECIAL_TYPES)]
    kinds.append((metadata.fixed_line, PhoneNumberType.FIXED_LINE))
    if not same_mobile_and_fixed_line:
        kinds.append((metadata.mobile, PhoneNumberType.MOBILE))

    alternatives = []
    group_types = [PhoneNumberType.UNKNOWN]
    for desc, number_type in kinds:
        if desc is None or not desc.national_number_pattern:
            continue
        alternatives.append(f"({_lengths_ahead(desc.possible_length)}(?:{desc.national_number_pattern}))")
        group_types.append(number_type)

    general = metadata.general_desc
    if not general.national_number_pattern or not alternatives:
        return re.compile(r"(?!)"), tuple(group_types)
    guard = f"{_lengths_ahead(general.possible_length)}(?=(?:{general.national_number_pattern})\\Z)"
    return re.compile(f"{guard}(?:{'|'.join(alternatives)})"), tuple(group_types)


def _lengths_ahead(lengths: tuple[int, ...] | None) -> str:
    """Return a lookahead that accepts only numbers of these lengths, or none for no lengths."""
    if not lengths:
        return ""
    return "(?=(?:" + "|".join(f"[0-9]{{{length}}}" for length in lengths) + ")\\Z)"


def _desc(desc: object) -> _Desc:
    if desc is None:
        return _Desc(lengths=frozenset(), pattern=None)
    lengths = tuple(getattr(desc, "possible_length", ()) or ())
    pattern = getattr(desc, "national_number_pattern", None)
    return _Desc(
        lengths=frozenset(lengths) if lengths else None,
        pattern=re.compile(pattern) if pattern else None,
    )
