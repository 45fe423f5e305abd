"""Conversion of one file record to a recipient, or to the errors that reject it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from journeys.domain.document import DataField
from journeys.domain.phones import InvalidPhoneError, Phone, parse_phone
from journeys.domain.text import NUL, control_character_problem
from journeys.domain.values import (
    TIMEZONE_FIELD,
    ConversionOptions,
    InvalidValueError,
)
from journeys.errors import ImportFileError
from journeys.importer.cells import CellConverter, cell_converter
from journeys.importer.mapping import EXTENSION_COLUMN, PHONE_FIELD, ColumnMapping
from journeys.importer.records import Record
from journeys.importer.report import RowError
from journeys.storage.jsoncolumns import dump_json

# The widths of the recipients table's `timezones` and `search_text` columns.
MAX_TIMEZONES_LENGTH = 400
MAX_SEARCH_TEXT_LENGTH = 400

NUL_REASON = "contains a NUL character"

# Field types whose values are text worth finding in a recipient search.
SEARCHABLE_TYPES = frozenset({"string", "email", "enum", "phone"})


@dataclass(frozen=True)
class Candidate:
    """A row that converted cleanly and waits for the duplicate check.

    `timezones` is the row's timezone value, else the space-separated zones of
    the number, else None.
    """

    line: int
    cells: list[str]
    phone_number: str
    phone_extension: str | None
    data: dict[str, Any]
    timezones: str | None
    search_text: str


class ImportRow(NamedTuple):
    """A row that converted cleanly, as the import stores it: `data` is JSON text.

    The fields are in the order of storage.imports.IMPORTED_COLUMNS.
    """

    line: int
    phone_number: str
    phone_extension: str | None
    data: str
    timezones: str | None
    search_text: str


# A chunk's result for one record: the row (an ImportRow, or a plain tuple in
# its order), its errors, or None for a blank record.
ChunkResult = tuple[Any, ...] | list[RowError] | None
PHONE_NUMBER_INDEX = ImportRow._fields.index("phone_number")


class RowConverter:
    """Converts records to candidates by the column mapping and the journey's fields."""

    def __init__(
        self, fields: Sequence[DataField], mapping: ColumnMapping, options: ConversionOptions
    ) -> None:
        _check_required_columns(fields, mapping, options)
        self._fields = list(fields)
        self._mapping = mapping
        self._options = options
        self._phone_column = mapping.column_of(PHONE_FIELD)
        self._timezone_column = mapping.column_of(TIMEZONE_FIELD.name)
        self._extension_column = mapping.column_of(EXTENSION_COLUMN)
        self._columns = [mapping.column_of(field.name) for field in self._fields]
        named = [
            (PHONE_FIELD, self._phone_column),
            (EXTENSION_COLUMN, self._extension_column),
            (TIMEZONE_FIELD.name, self._timezone_column),
            *((field.name, column) for field, column in zip(self._fields, self._columns, strict=True)),
        ]
        self._read_columns = [(name, column) for name, column in named if column is not None]
        self._width = len(mapping.headers)
        self._timezone = cell_converter(TIMEZONE_FIELD, options)
        self._plan = [
            (field.name, column, cell_converter(field, options))
            for field, column in zip(self._fields, self._columns, strict=True)
        ]
        self._searchable = [field.name for field in self._fields if field.type in SEARCHABLE_TYPES]

    def __reduce__(self) -> tuple[Any, ...]:
        # The per-column converters are closures, which pickle cannot send to
        # a worker process, so a worker builds its converter from the inputs.
        return (type(self), (self._fields, self._mapping, self._options))

    def convert(self, record: Record) -> Candidate | list[RowError]:
        """Return the record as a Candidate, or every error found in it.

        A row with a NUL character in a cell that is read gets only those
        errors and the extra-cells one, because its other cells are not checked.
        """
        parts = self._convert_parts(record)
        if isinstance(parts, list):
            return parts
        phone, extension, data, timezones = parts
        return Candidate(
            line=record.line,
            cells=record.cells,
            phone_number=phone.e164,
            phone_extension=extension,
            data=data,
            timezones=timezones,
            search_text=self._search_text(phone.e164, data),
        )

    def convert_chunk(self, records: Sequence[Record]) -> list[ChunkResult]:
        """Convert records as `convert` does, for the import: None marks a blank record."""
        results: list[ChunkResult] = []
        for record in records:
            if record.is_blank():
                results.append(None)
                continue
            parts = self._convert_parts(record)
            if isinstance(parts, list):
                results.append(parts)
                continue
            phone, extension, data, timezones = parts
            results.append(ImportRow(
                record.line, phone.e164, extension, _data_json(data), timezones,
                self._search_text(phone.e164, data),
            ))
        return results

    def _convert_parts(
        self, record: Record
    ) -> tuple[Phone, str | None, dict[str, Any], str | None] | list[RowError]:
        """Return the phone, extension, data and time zones of a record, or its errors."""
        errors: list[RowError] = []
        if len(record.cells) > self._width:
            extra = self._extra_cells_error(record)
            if extra is not None:
                errors.append(extra)
        # Joining first is cheaper than a check per cell, and NUL is rare.
        if NUL in "".join(record.cells):
            nul_errors = self._nul_errors(record)
            if nul_errors:
                return errors + nul_errors

        phone = self._phone(record, errors)
        extension = self._extension(record, phone, errors)
        timezone = self._convert(record, TIMEZONE_FIELD.name, self._timezone_column, self._timezone, errors)
        data = {
            name: self._convert(record, name, column, converter, errors)
            for name, column, converter in self._plan
        }
        if errors or phone is None:
            return errors

        if timezone is not None:
            data[TIMEZONE_FIELD.name] = timezone
        return phone, extension, data, timezone or _zones_text(phone)

    def _cell(self, record: Record, column: int | None) -> str:
        if column is None or column >= len(record.cells):
            return ""
        text = record.cells[column]
        return unguard(text) if text[:1] == "'" else text

    def _nul_errors(self, record: Record) -> list[RowError]:
        """Return an error for each cell read that contains NUL, which PostgreSQL cannot store."""
        errors = []
        for name, column in self._read_columns:
            text = self._cell(record, column)
            if NUL in text:
                errors.append(RowError(
                    record.line, name, shown_cell(text), NUL_REASON,
                    f"The cell cannot be stored: {control_character_problem(NUL, text.index(NUL))}.",
                ))
        return errors

    def _extension(self, record: Record, phone: Phone | None, errors: list[RowError]) -> str | None:
        """Return the extension from the phone cell, else from a phone_extension column."""
        text = self._cell(record, self._extension_column).strip()
        if phone is not None and phone.extension:
            return phone.extension
        if text and not text.isdigit():
            errors.append(RowError(
                record.line, EXTENSION_COLUMN, text, "invalid extension",
                f"{text!r} is not a phone extension; write digits only, such as 12.",
            ))
            return None
        return text or None

    def _phone(self, record: Record, errors: list[RowError]) -> Phone | None:
        text = self._cell(record, self._phone_column)
        try:
            return parse_phone(text, self._options.default_region, names=self._options.names)
        except InvalidPhoneError as exc:
            errors.append(RowError(record.line, PHONE_FIELD, text, exc.reason, str(exc)))
            return None

    def _convert(
        self, record: Record, name: str, column: int | None, converter: CellConverter, errors: list[RowError]
    ) -> Any:
        # _cell's steps, inlined: this runs once per field and row.
        cells = record.cells
        text = cells[column] if column is not None and column < len(cells) else ""
        if text[:1] == "'":
            text = unguard(text)
        try:
            return converter(text)
        except InvalidValueError as exc:
            errors.append(RowError(record.line, name, text, exc.reason, str(exc)))
            return None

    def _extra_cells_error(self, record: Record) -> RowError | None:
        width = len(self._mapping.headers)
        extra = [cell for cell in record.cells[width:] if cell.strip()]
        if not extra:
            return None
        return RowError(
            record.line,
            None,
            shown_cell(extra[0]),
            "too many cells",
            f"The row has {len(record.cells)} cells but the header names {width} columns; "
            "quote cells that contain the delimiter, or name the extra columns in the header.",
        )

    def _search_text(self, e164: str, data: dict[str, Any]) -> str:
        parts = [e164]
        for name in self._searchable:
            value = data.get(name)
            if isinstance(value, str):
                parts.append(value)
        # split() also folds the line breaks of multi-line cells into single spaces.
        return " ".join(" ".join(parts).lower().split())[:MAX_SEARCH_TEXT_LENGTH]


# The encoder json.dumps(value, allow_nan=False) builds at every call, built once.
_JSON_ENCODER = json.JSONEncoder(allow_nan=False)


def _data_json(data: dict[str, Any]) -> str:
    """Return `dump_json(data)`, the text the data column's serializer writes."""
    try:
        text = _JSON_ENCODER.encode(data)
    except ValueError:
        text = dump_json(data)  # Raises with the message the column gives.
    if "\\u0000" in text:
        text = dump_json(data)  # Raises for a NUL, which the column cannot hold.
    return text


def shown_cell(text: str) -> str:
    """Return a cell for the stored report: NUL, which PostgreSQL cannot store, as U+FFFD REPLACEMENT CHARACTER."""
    return text.replace(NUL, "\ufffd")


def _zones_text(phone: Phone) -> str | None:
    text = " ".join(phone.zones())
    # NOTE: a number whose zones do not fit the column gets none. North American
    # toll-free numbers map to dozens of zones. The engine then uses the run's
    # default time zone, as it does when no moment suits every zone.
    if not text or len(text) > MAX_TIMEZONES_LENGTH:
        return None
    return text


def _check_required_columns(fields: Sequence[DataField], mapping: ColumnMapping, options: ConversionOptions) -> None:
    for field in fields:
        if field.required and field.default is None and mapping.column_of(field.name) is None:
            raise ImportFileError(
                f"No column maps to the required field {field.name}. The columns are "
                f"{', '.join(repr(header) for header in mapping.headers)}; add the column, "
                f"or map one with {options.names.setting('mapping', f'COLUMN={field.name}')}."
            )


# The characters after which the exports add a `'`, as spreadsheets expect.
_GUARDED_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unguard(text: str) -> str:
    """Remove the `'` that an export put before text a spreadsheet would run as a formula.

    Spreadsheets treat a leading apostrophe as a "this is text" mark and do not
    show it, so dropping it gives back the value the export started from.
    """
    if text.startswith("'") and text[1:2] and text[1] in _GUARDED_STARTS:
        return text[1:]
    return text
