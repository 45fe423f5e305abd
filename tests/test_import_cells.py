"""The import's per-column converters give convert_value's values and errors."""

from __future__ import annotations

import random
from typing import Any

import pytest

from journeys.domain.document import DataField
from journeys.domain.values import ConversionOptions, InvalidValueError, convert_value
from journeys.importer.cells import cell_converter

PIECES = ["", " ", "0", "1", "7", "12", "-", "+", ".", ",", "e", "E", "5", "99", "00", "\u00a0", "x", "yes", "No", "TRUE",
          "y", "n", "2025-01-31", "2025-02-30", "2024-02-29", "\u0662", "1,234", "1.234", "1 234", "-0", "1e3"]
FIELDS = [
    DataField(name="name", type="string"),
    DataField(name="name", type="string", required=True),
    DataField(name="name", type="string", default="none"),
    DataField(name="count", type="number"),
    DataField(name="count", type="number", required=True),
    DataField(name="count", type="number", default=3),
    DataField(name="paid", type="boolean"),
    DataField(name="paid", type="boolean", default=False),
    DataField(name="due", type="date"),
    DataField(name="due", type="date", required=True),
    DataField(name="timezone", type="string"),
    DataField(name="email", type="email"),
]
OPTIONS = [ConversionOptions(), ConversionOptions(decimal=","), ConversionOptions(date_format="%d/%m/%Y")]


def outcome(convert: Any, text: str) -> tuple[Any, ...]:
    try:
        value = convert(text)
    except InvalidValueError as exc:
        return ("error", exc.reason, str(exc))
    return ("value", type(value).__name__, repr(value))


def texts(count: int) -> list[str]:
    generator = random.Random(5)
    found = ["", "  ", "12", "-12", "12.50", "-0.0", "1.", ".5", "1,234.5", "2025-01-31", " yes ", "\t", "Europe/Paris",
             "9" * 15, "9" * 16, "1" * 15 + ".5", "0." + "1" * 15, "+5", "- 5", "1e5"]
    while len(found) < count:
        found.append("".join(generator.choice(PIECES) for _ in range(generator.randint(1, 3))))
    return found


@pytest.mark.parametrize("options", OPTIONS, ids=["point", "comma", "date format"])
def test_cell_converters_equal_convert_value(options: ConversionOptions) -> None:
    samples = texts(4_000)
    for field in FIELDS:
        fast = cell_converter(field, options)
        for text in samples:
            expected = outcome(lambda value: convert_value(field, value, options), text)
            assert outcome(fast, text) == expected, (field, text)


def test_empty_required_cell_is_an_error() -> None:
    convert = cell_converter(DataField(name="name", type="string", required=True), ConversionOptions())

    with pytest.raises(InvalidValueError, match="name is required"):
        convert("   ")
