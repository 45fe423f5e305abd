"""The phone fast path gives libphonenumber's answers, on a large and varied sample."""

from __future__ import annotations

import random
from collections import Counter

import phonenumbers
import pytest
from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers import timezone as phone_timezones

from journeys.domain import phone_fast_path as fast_path
from journeys.domain import phones
from journeys.domain.phone_fast_path import INVALID, parse_fast
from journeys.domain.phones import (
    InvalidPhoneError,
    parse_phone,
    parse_with_libphonenumber,
)

SAMPLE_SIZE = 120_000
REGIONS = ["US", "CA", "GB", "AU", "DE", "FR", "IT", "MX", "BR", "AR", "IN", "JP", "NZ", "JM", "GG", None]
PUNCTUATION = [" ", "-", ".", "(", ")", "  "]
EXTENSIONS = [" x123", "x12", " ext. 5", " ext 5", "ext.7", " X9", " x 44", " ext.  8", " #7", ";ext=9", " extension 3", " x1234567890"]
NOISE = ["1-800-FLOWERS", "abc", "tel:+12025550123", "+1 202 555 0123 / 0124", "２０２５５５０１２３", "+", "++12025550123",
         "1*202", "202 555 0123#", "(+1) 202 555 0123", "+0 12345678", "+999 1234 5678", "+800 1234 5678", "+882 1234567890"]


def libphonenumber_answer(text: str, region: str | None) -> tuple[str, str | None, int, int] | None:
    """Return libphonenumber's own E.164 form, extension, country code and type, or None if invalid."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, number.extension or None, number.country_code, number_type


def national_numbers(generator: random.Random) -> list[tuple[int, str, str]]:
    """Return (country code, region, national number) seeds: example numbers of every type."""
    seeds = []
    for region in [code for code in REGIONS if code] + ["SE", "ES", "CN", "ZA", "SG", "HK", "RU", "KZ", "VA", "IM"]:
        metadata = PhoneMetadata.metadata_for_region(region)
        for name in ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail"):
            desc = getattr(metadata, name)
            if desc is not None and desc.example_number:
                seeds.append((metadata.country_code, region, desc.example_number))
    return seeds


def mutate(generator: random.Random, digits: str) -> str:
    roll = generator.random()
    if roll < 0.45:
        keep = max(len(digits) - generator.randint(1, 5), 0)
        return digits[:keep] + "".join(generator.choice("0123456789") for _ in range(len(digits) - keep))
    if roll < 0.55:
        return digits[:-1]
    if roll < 0.65:
        return digits + generator.choice("0123456789")
    if roll < 0.7:
        return digits[: generator.randint(0, 4)]
    if roll < 0.75:
        return "".join(generator.choice("0123456789") for _ in range(generator.randint(1, 19)))
    return digits


def punctuate(generator: random.Random, digits: str) -> str:
    if generator.random() < 0.4:
        return digits
    out = []
    for index, digit in enumerate(digits):
        if index and generator.random() < 0.25:
            out.append(generator.choice(PUNCTUATION))
        out.append(digit)
    text = "".join(out)
    if generator.random() < 0.15:
        text = f"({text[:3]}) {text[3:]}"
    return text


def sample_inputs(count: int, seed: int = 7) -> list[tuple[str, str | None]]:
    generator = random.Random(seed)
    seeds = national_numbers(generator)
    inputs: list[tuple[str, str | None]] = []
    while len(inputs) < count:
        country_code, home, national = generator.choice(seeds)
        national = mutate(generator, national)
        roll = generator.random()
        if roll < 0.35:
            text = "+" + punctuate(generator, f"{country_code}{national}")
        elif roll < 0.4:
            text = "00" + punctuate(generator, f"{country_code}{national}")
        elif roll < 0.45:
            text = "011 " + punctuate(generator, f"{country_code}{national}")
        elif roll < 0.48:
            # An international prefix followed by 0, which cannot start a country code.
            text = generator.choice(["00", "011", "0011", "001"]) + "0" + punctuate(generator, national)
        elif roll < 0.55:
            text = generator.choice(["0", "1", "8", "0" * 2]) + punctuate(generator, national)
        elif roll < 0.6:
            text = punctuate(generator, f"{country_code}{national}")
        elif roll < 0.62:
            text = generator.choice(NOISE)
        else:
            text = punctuate(generator, national)
        if generator.random() < 0.08:
            text += generator.choice(EXTENSIONS)
        if generator.random() < 0.01:
            text = text.replace("1", "l", 1)
        region = home if generator.random() < 0.6 else generator.choice(REGIONS)
        inputs.append((text, region))
    return inputs


SAMPLE = sample_inputs(SAMPLE_SIZE)


def test_fast_path_equals_libphonenumber() -> None:
    handled = Counter[str]()
    for text, region in SAMPLE:
        fast = parse_fast(text, region)
        if fast is None:
            handled["left to libphonenumber"] += 1
            continue

        expected = libphonenumber_answer(text, region)
        if fast is INVALID:
            handled["invalid"] += 1
            assert expected is None, (text, region, expected)
            continue
        handled["valid"] += 1
        assert (fast.e164, fast.extension, fast.country_code, fast.number_type) == expected, (text, region)

    # The comparison proves something only if the fast path answers most inputs.
    assert handled["valid"] > SAMPLE_SIZE // 4, handled
    assert handled["invalid"] > SAMPLE_SIZE // 10, handled


def test_parse_phone_equals_libphonenumber() -> None:
    phones._parse.cache_clear()
    for text, region in SAMPLE[:40_000]:
        expected = libphonenumber_answer(text.strip(), region)
        try:
            phone = parse_phone(text, region)
        except InvalidPhoneError as exc:
            assert expected is None or exc.reason != "invalid phone number", (text, region, expected)
            continue
        assert (phone.e164, phone.extension, phone.country_code, phone.number_type) == expected, (text, region)


def test_zones_equal_libphonenumber() -> None:
    seen = 0
    for text, region in SAMPLE[:30_000]:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        seen += 1
        number_type = phonenumbers.number_type(number)
        if phonenumbers.is_number_type_geographical(number_type, number.country_code):
            expected = phone_timezones.time_zones_for_geographical_number(number)
        else:
            expected = phone_timezones.time_zones_for_number(number)
        found = parse_phone(text, region).zones()
        assert found == [zone for zone in expected if zone != phones.UNKNOWN_ZONE], (text, region)
    assert seen > 5_000


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("+12025550123", None),
        ("(202) 555-0123", "US"),
        ("1 202 555 0123", "US"),
        ("202.555.0123 x12", "US"),
        ("202-555-0123 ext. 5", "US"),
        ("011 44 7400 123456", "US"),
        ("07400 123456", "GB"),
        ("0412 345 678", "AU"),
        ("+44 7400 123456", "US"),
        ("+1 800 555 0123", None),
    ],
)
def test_fast_path_takes_common_shapes(text: str, region: str | None) -> None:
    found = parse_fast(text, region)

    assert found is not None and found is not INVALID
    assert (found.e164, found.extension, found.country_code, found.number_type) == libphonenumber_answer(text, region)


def test_fast_path_leaves_other_shapes() -> None:
    for text in ["1-800-FLOWERS", "tel:+12025550123", "２０２５５５０１２３", "+800 1234 5678", "202 555 0123#"]:
        assert parse_fast(text, "US") is None, text


def test_libphonenumber_path_matches_fast_path_on_errors() -> None:
    assert parse_with_libphonenumber("202-555-01", "US") is None
    assert parse_fast("202-555-01", "US") in (None, INVALID)


def test_type_patterns_have_one_group_per_type() -> None:
    for code in sorted(phonenumbers.SUPPORTED_REGIONS):
        region = fast_path._region(code)
        assert region is not None, code
        assert region.type_pattern.groups == len(region.group_types) - 1, code
