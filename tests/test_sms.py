"""SMS encoding and segment counts at the GSM-7 and UCS-2 boundaries."""

from __future__ import annotations

import pytest

from journeys.domain.sms import GSM7_BASIC, GSM7_EXTENSION, sms_encoding


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("GSM-7", 1)),
        ("Hello", ("GSM-7", 1)),
        ("a" * 160, ("GSM-7", 1)),
        ("a" * 161, ("GSM-7", 2)),
        ("a" * 306, ("GSM-7", 2)),
        ("a" * 307, ("GSM-7", 3)),
        ("€" * 80, ("GSM-7", 1)),
        ("€" * 81, ("GSM-7", 2)),
        ("a" * 159 + "€", ("GSM-7", 2)),
        ("a" * 158 + "[", ("GSM-7", 1)),
        ("é" * 160, ("GSM-7", 1)),
        ("ñ" * 161, ("GSM-7", 2)),
        ("ж" * 70, ("UCS-2", 1)),
        ("ж" * 71, ("UCS-2", 2)),
        ("ж" * 134, ("UCS-2", 2)),
        ("ж" * 135, ("UCS-2", 3)),
        ("😀" * 35, ("UCS-2", 1)),
        ("😀" * 36, ("UCS-2", 2)),
        ("a" * 69 + "😀", ("UCS-2", 2)),
        ("a" * 68 + "😀", ("UCS-2", 1)),
    ],
    ids=lambda value: repr(value)[:24] if isinstance(value, str) else str(value),
)
def test_sms_encoding_boundaries(text: str, expected: tuple[str, int]) -> None:
    assert sms_encoding(text) == expected


def test_extension_char_moves_whole_to_next_part() -> None:
    # 306 septets fit two parts of 153 only if the escape pair at the boundary
    # were split. It moves whole to part two, which then overflows into a third.
    text = "a" * 152 + "€" + "a" * 152

    assert sms_encoding(text) == ("GSM-7", 3)


def test_extension_char_away_from_boundary_fits_two_parts() -> None:
    text = "a" * 151 + "€" + "a" * 153

    assert sms_encoding(text) == ("GSM-7", 2)


def test_surrogate_pair_moves_whole_to_next_part() -> None:
    # 134 code units would fill two parts of 67 if the emoji's pair were split.
    text = "ж" * 66 + "😀" + "ж" * 66

    assert sms_encoding(text) == ("UCS-2", 3)


def test_one_non_gsm_char_switches_to_ucs2() -> None:
    text = "a" * 100 + "ç"

    assert sms_encoding(text) == ("UCS-2", 2)


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_every_extension_char_counts_two(char: str) -> None:
    assert sms_encoding(char * 80) == ("GSM-7", 1)
    assert sms_encoding(char * 81) == ("GSM-7", 2)


def test_gsm_basic_set_has_127_chars() -> None:
    assert len(GSM7_BASIC) == 127
    assert "\x1b" not in GSM7_BASIC
    assert GSM7_BASIC.isdisjoint(GSM7_EXTENSION)


@pytest.mark.parametrize("char", ["`", "ç", "Ł", "\t", "’", "“"])
def test_common_lookalikes_need_ucs2(char: str) -> None:
    assert sms_encoding(f"Hi {char}")[0] == "UCS-2"
