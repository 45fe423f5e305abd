"""Generated recipient files for benchmarks: realistic variety, repeatable by seed.

`write_recipients_csv` writes the columns phone, name, number, date, boolean and
text. Phone numbers are unique valid numbers drawn from real North American area
codes and a few other countries, written as people write them: E.164, national
with punctuation, international with the 011 prefix, some with extensions. A
small share are invalid (too short, letters, scientific notation) and some
repeat an earlier row's number in another format, so that the import's error
and duplicate paths are exercised too.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HEADER = ["phone", "name", "number", "date", "boolean", "text"]

# Geographic area codes of the United States and Canada, all in libphonenumber's
# metadata (checked by tests/test_benchmark_datasets.py).
US_AREA_CODES = (
    201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218,
    219, 224, 225, 228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260,
    262, 267, 269, 270, 276, 281, 301, 302, 303, 304, 305, 307, 308, 309, 310, 312,
    313, 314, 315, 316, 317, 318, 319, 320, 321, 323, 325, 330, 334, 336, 337, 339,
    347, 351, 352, 360, 361, 386, 401, 402, 404, 405, 406, 407, 408, 409, 410, 412,
    413, 414, 415, 417, 419, 423, 425, 432, 434, 435, 440, 443, 469, 478, 479, 480,
    484, 501, 502, 503, 504, 505, 507, 508, 509, 510, 512, 513, 515, 516, 517, 518,
    520, 530, 540, 541, 559, 561, 562, 563, 567, 570, 571, 573, 574, 580, 585, 586,
    601, 602, 603, 605, 606, 607, 608, 609, 610, 612, 614, 615, 616, 617, 618, 619,
    620, 623, 626, 630, 631, 636, 641, 646, 650, 651, 660, 661, 662, 678, 682, 701,
    702, 703, 704, 706, 707, 708, 712, 713, 714, 715, 716, 717, 718, 719, 720, 724,
    727, 731, 732, 734, 740, 754, 757, 760, 763, 765, 770, 772, 773, 774, 775, 781,
    785, 786, 801, 802, 803, 804, 805, 806, 808, 810, 812, 813, 814, 815, 816, 817,
    818, 828, 830, 831, 832, 843, 845, 847, 848, 850, 856, 857, 858, 859, 860, 862,
    863, 864, 865, 870, 901, 903, 904, 906, 907, 908, 909, 910, 912, 913, 914, 915,
    916, 917, 918, 919, 920, 925, 928, 931, 936, 937, 940, 941, 947, 949, 951, 952,
    954, 956, 970, 971, 972, 973, 978, 979, 980, 985, 989,
)
CA_AREA_CODES = (204, 250, 306, 403, 416, 418, 450, 506, 514, 519, 604, 613, 647, 705, 780, 902, 905)

# Numbers outside North America: (country code, national prefix, first digits,
# digits that follow), each a valid mobile range in libphonenumber's metadata.
FOREIGN_RANGES = (
    ("44", "0", "7400", 6),   # United Kingdom mobile
    ("44", "0", "7831", 6),
    ("61", "0", "412", 6),    # Australia mobile
    ("61", "0", "438", 6),
    ("49", "0", "1512", 7),   # Germany mobile
    ("33", "0", "612", 6),    # France mobile
    ("33", "0", "745", 6),
    ("52", "", "55", 8),      # Mexico, Mexico City
    ("91", "0", "98", 8),     # India mobile
)

INVALID_PHONES = (
    "555-0123", "202-555-01", "+1 202 555", "n/a", "unknown", "123", "2025550123456789",
    "1.20255E+10", "+1 (202) 555-01234", "+999 1234 5678", "call me", "000-000-0000",
    "+44 20", "(111) 555-0123",
)

FIRST_NAMES = (
    "Ana", "Ben", "Chloé", "Dmitri", "Emma", "Fatima", "George", "Hiroshi", "Inés", "James",
    "Kwame", "Lena", "María José", "Noah", "Olivia", "Priya", "Quentin", "Rosa", "Søren", "Tom",
)
LAST_NAMES = (
    "Smith", "García", "Nguyen", "O'Brien", "Müller", "Johnson", "Kowalski", "Rossi",
    "Tanaka", "Williams", "Brown", "Dubois", "Silva", "Patel", "Anderson", "van der Berg",
)
NOTES = (
    "", "", "", "call after 5pm", "prefers SMS", "VIP customer", "asked about the plan, twice",
    'said "call back tomorrow"', "Spanish speaker", "balance disputed; see ticket",
    "do not call on Sundays", "returning customer",
)
# A note that spans two lines, as a cell with a line break, in about 1 row of 200.
MULTILINE_NOTE = "moved to a new address\nupdate pending"
BOOLEAN_WORDS = ("true", "false", "yes", "no", "1", "0", "Y", "N", "TRUE", "False")


@dataclass(frozen=True)
class DatasetSummary:
    """What a generated file contains: its rows and how many are meant to be skipped."""

    rows: int
    invalid_phones: int
    duplicates: int


def write_recipients_csv(path: Path, rows: int, seed: int = 1) -> DatasetSummary:
    """Write `rows` recipient rows plus a header to `path` (UTF-8) and describe them.

    The same `rows` and `seed` always give the same file.
    """
    generator = random.Random(seed)
    numbers = _unique_numbers(generator, rows)
    written: list[str] = []
    invalid = duplicates = 0

    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for index in range(rows):
            roll = generator.random()
            if roll < 0.015:
                phone = generator.choice(INVALID_PHONES)
                invalid += 1
            elif roll < 0.025 and written:
                phone = _reformatted(generator, generator.choice(written))
                duplicates += 1
            else:
                phone = _formatted(generator, numbers[index])
                # Keep a bounded sample of earlier numbers, so memory stays flat.
                if len(written) < 10_000:
                    written.append(numbers[index])
                else:
                    written[generator.randrange(10_000)] = numbers[index]
            writer.writerow(_row(generator, phone))

    return DatasetSummary(rows=rows, invalid_phones=invalid, duplicates=duplicates)


def _unique_numbers(generator: random.Random, count: int) -> list[str]:
    """Return `count` distinct E.164 numbers: about 90% US, 2% Canada, 8% elsewhere."""
    # Each index names one number: area code, exchange 200-999, line 0000-9999.
    north_american = len(US_AREA_CODES) + len(CA_AREA_CODES)
    indexes = generator.sample(range(north_american * 800 * 10_000), count)
    numbers = []
    for index in indexes:
        if generator.random() < 0.08:
            numbers.append(_foreign_number(generator))
            continue
        area_index, rest = divmod(index, 800 * 10_000)
        exchange, line = divmod(rest, 10_000)
        area = (US_AREA_CODES + CA_AREA_CODES)[area_index]
        exchange += 200
        if exchange % 100 == 11:
            exchange += 1  # N11 codes are service codes, not exchanges.
        numbers.append(f"+1{area}{exchange}{line:04d}")
    return numbers


def _foreign_number(generator: random.Random) -> str:
    country, _prefix, start, digits = generator.choice(FOREIGN_RANGES)
    rest = "".join(generator.choice("0123456789") for _ in range(digits))
    return f"+{country}{start}{rest}"


def _formatted(generator: random.Random, e164: str) -> str:
    """Write an E.164 number the way a person or a spreadsheet might."""
    if not e164.startswith("+1"):
        return _formatted_foreign(generator, e164)

    area, exchange, line = e164[2:5], e164[5:8], e164[8:]
    roll = generator.random()
    if roll < 0.45:
        return e164
    if roll < 0.60:
        return f"({area}) {exchange}-{line}"
    if roll < 0.68:
        return f"{area}-{exchange}-{line}"
    if roll < 0.72:
        return f"{area}.{exchange}.{line}"
    if roll < 0.76:
        return f"1 {area} {exchange} {line}"
    if roll < 0.80:
        return f"1-{area}-{exchange}-{line}"
    if roll < 0.88:
        return f"{area}{exchange}{line}"
    if roll < 0.94:
        return f"+1 {area}-{exchange}-{line}"
    if roll < 0.97:
        return f"({area}) {exchange}-{line} x{generator.randint(1, 9999)}"
    return f"{area}-{exchange}-{line} ext. {generator.randint(1, 99)}"


def _formatted_foreign(generator: random.Random, e164: str) -> str:
    roll = generator.random()
    if roll < 0.6:
        return e164
    country = next(code for code, *_ in FOREIGN_RANGES if e164[1:].startswith(code))
    national = e164[1 + len(country):]
    if roll < 0.85:
        return f"+{country} {national[:4]} {national[4:]}"
    # The international prefix of the default region US.
    return f"011 {country} {national}"


def _reformatted(generator: random.Random, e164: str) -> str:
    """Write a number already used in the file again, in any format."""
    return _formatted(generator, e164)


def _row(generator: random.Random, phone: str) -> list[str]:
    first = generator.choice(FIRST_NAMES)
    last = generator.choice(LAST_NAMES)
    name = f"{last}, {first}" if generator.random() < 0.1 else f"{first} {last}"
    return [phone, name, _number(generator), _date(generator), generator.choice(BOOLEAN_WORDS), _note(generator)]


def _note(generator: random.Random) -> str:
    if generator.random() < 0.005:
        return MULTILINE_NOTE
    return generator.choice(NOTES)


def _number(generator: random.Random) -> str:
    roll = generator.random()
    if roll < 0.05:
        return ""
    if roll < 0.45:
        return str(generator.randint(0, 5000))
    if roll < 0.9:
        return f"{generator.uniform(0, 5000):.2f}"
    if roll < 0.97:
        return f"{generator.uniform(1000, 99999):,.2f}"
    return f"-{generator.uniform(0, 500):.2f}"


def _date(generator: random.Random) -> str:
    if generator.random() < 0.03:
        return ""
    day = date(2024, 1, 1) + timedelta(days=generator.randrange(3 * 365))
    return day.isoformat()
