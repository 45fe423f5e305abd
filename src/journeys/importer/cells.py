"""Per-column converters of cell text, chosen once per import, fast for common shapes.

`convert_value` looks up a field's converter and reads the options for every
cell. A converter here is chosen once per column. It converts the common shape
of its type directly (plain text, `true`/`no`, `2025-03-01`, `12` or `12.50`)
and hands any other text to `convert_value`, so values and errors are the same.
tests/test_import_cells.py compares both on generated cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, Final

from journeys.domain.document import DataField
from journeys.domain.values import (
    FALSE_WORDS,
    ISO_DATE,
    TIMEZONE_FIELD,
    TRUE_WORDS,
    ConversionOptions,
    InvalidValueError,
    convert_value,
)

# Numbers whose int() or float() equals what parse_number's Decimal gives:
# without grouping or exponent, and short enough to be far from the limits.
PLAIN_INTEGER: Final = re.compile(r"-?[0-9]{1,15}")
PLAIN_DECIMAL: Final = re.compile(r"-?[0-9]{1,15}\.[0-9]{1,15}")

CellConverter = Callable[[str], Any]


def cell_converter(field: DataField, options: ConversionOptions) -> CellConverter:
    """Return a function that converts a cell's text as `convert_value(field, text, options)` does."""

    def slow(text: str) -> Any:
        return convert_value(field, text, options)

    if field.name == TIMEZONE_FIELD.name:
        return _or_empty(slow, slow)
    if field.type == "string":
        return _or_empty(_string(slow), slow)
    if field.type == "boolean":
        return _or_empty(_boolean(slow), slow)
    if field.type == "date" and options.date_format is None:
        return _or_empty(_date(slow), slow)
    if field.type == "number":
        return _or_empty(_number(slow, options.decimal == "."), slow)
    return slow


def _or_empty(convert: CellConverter, slow: CellConverter) -> CellConverter:
    """Return `convert`, but give an empty cell the field's empty value without converting."""
    try:
        empty = slow("")
    except InvalidValueError:
        # A required field without a default: the slow path raises for each empty cell.
        return convert

    def convert_or_empty(text: str) -> Any:
        if not text or text.isspace():
            return empty
        return convert(text)

    return convert_or_empty


def _string(slow: CellConverter) -> CellConverter:
    def convert(text: str) -> Any:
        # An empty cell of a required field without a default fails in the slow path.
        return text.strip() or slow(text)

    return convert


def _boolean(slow: CellConverter) -> CellConverter:
    def convert(text: str) -> Any:
        word = text.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return slow(text)

    return convert


def _date(slow: CellConverter) -> CellConverter:
    def convert(text: str) -> Any:
        value = text.strip()
        if ISO_DATE.match(value):
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        return slow(text)

    return convert


def _number(slow: CellConverter, decimal_point: bool) -> CellConverter:
    def convert(text: str) -> Any:
        value = text.strip()
        if PLAIN_INTEGER.fullmatch(value):
            return int(value)
        if decimal_point and PLAIN_DECIMAL.fullmatch(value):
            return float(value)
        return slow(text)

    return convert
