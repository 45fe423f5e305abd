"""The SMS character encoding a text needs, how many segments it takes, and its maximum length."""

from __future__ import annotations

from typing import Literal

# The GSM 03.38 default alphabet (3GPP TS 23.038), one septet per character.
# The escape code 0x1B is left out because it only introduces the extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each character is sent as the escape code plus one
# septet, so it counts two.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# Twilio's Messages API takes a body of at most 1,600 characters and rejects a
# longer one with error 21617 (https://www.twilio.com/docs/api/errors/21617).
# Journeys applies the same limit on every provider, so that a journey that
# runs on one provider runs on the others.
# NOTE: Twilio may count some non-GSM characters, such as emoji, as more than
# one, so a message near the limit can still be rejected there.
MAX_SMS_LENGTH = 1_600

GSM7_SINGLE_SEGMENT = 160
GSM7_CONCATENATED_SEGMENT = 153
UCS2_SINGLE_SEGMENT = 70
UCS2_CONCATENATED_SEGMENT = 67


def sms_encoding(text: str) -> tuple[Literal["GSM-7", "UCS-2"], int]:
    """Return the encoding `text` needs and the number of segments it takes.

    GSM-7 fits 160 septets in one segment and 153 in each part of a longer
    message. UCS-2 fits 70 UTF-16 code units, or 67 per part, and a character
    outside the Basic Multilingual Plane (most emoji) counts two. A part never
    splits an escape sequence or a surrogate pair, as handsets expect. An empty
    text still costs one segment.
    """
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        costs = [2 if char in GSM7_EXTENSION else 1 for char in text]
        return "GSM-7", _count_segments(costs, GSM7_SINGLE_SEGMENT, GSM7_CONCATENATED_SEGMENT)

    costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return "UCS-2", _count_segments(costs, UCS2_SINGLE_SEGMENT, UCS2_CONCATENATED_SEGMENT)


def sms_length_problem(text: str) -> str | None:
    """Return why `text` is too long to send as one SMS message, or None if it fits."""
    if len(text) <= MAX_SMS_LENGTH:
        return None
    return f"it has {len(text):,} characters, and an SMS can have at most {MAX_SMS_LENGTH:,}"


def _count_segments(costs: list[int], single: int, part: int) -> int:
    if sum(costs) <= single:
        return 1

    # Fill each part greedily so that a two-unit character moves whole to the next part.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments += 1
            used = 0
        used += cost
    return segments
