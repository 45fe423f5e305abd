"""Matching a file's columns to a journey's data fields.

A header matches a field after trimming, ignoring case and treating spaces,
dashes and underscores alike, so "Customer Name", "customer-name" and
"CUSTOMER_NAME" all match customer_name. A header that matches no field that way
still matches one whose name is the same without separators and case, so
"customerName" and "E-mail" find customer_name and email, unless two fields
would fit. A few common names for the phone and time zone columns are accepted
too. An explicit mapping overrides all of this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from journeys.domain.option_names import CLI_OPTION_NAMES, OptionNames
from journeys.domain.text import quoted
from journeys.errors import ImportFileError, InvalidInputError

IGNORE = "-"
PHONE_FIELD = "phone_number"
# A column the recipients export writes, so that extensions survive a re-import.
EXTENSION_COLUMN = "phone_extension"

# Other headers that name a built-in field when no header matches it exactly.
ALIASES = {
    "phone": PHONE_FIELD,
    "phone_no": PHONE_FIELD,
    "phone_num": PHONE_FIELD,
    "mobile": PHONE_FIELD,
    "mobile_number": PHONE_FIELD,
    "mobile_phone": PHONE_FIELD,
    "cell": PHONE_FIELD,
    "cell_phone": PHONE_FIELD,
    "cellphone": PHONE_FIELD,
    "telephone": PHONE_FIELD,
    "telephone_number": PHONE_FIELD,
    "tel": PHONE_FIELD,
    "time_zone": "timezone",
    "tz": "timezone",
}

SEPARATORS = re.compile(r"[\s_-]+")


@dataclass(frozen=True)
class ColumnMapping:
    """The field of each column, by position; None for ignored and unmapped columns."""

    headers: tuple[str, ...]
    fields: tuple[str | None, ...]
    ignored: tuple[str, ...]
    unmapped: tuple[str, ...]

    def as_dict(self) -> dict[str, str]:
        """Return the mapped columns as header to field name."""
        return {
            header: field
            for header, field in zip(self.headers, self.fields, strict=True)
            if field is not None
        }

    def column_of(self, field: str) -> int | None:
        """Return the position of the column mapped to `field`, or None."""
        try:
            return self.fields.index(field)
        except ValueError:
            return None


def normalize_header(header: str) -> str:
    """Return the header's comparable form: trimmed, lower case, '_' between words."""
    text = header.replace("\ufeff", "").strip().lower()
    return SEPARATORS.sub("_", text)


def map_columns(
    headers: Sequence[str],
    field_names: Sequence[str],
    overrides: Mapping[str, str],
    names: OptionNames = CLI_OPTION_NAMES,
) -> ColumnMapping:
    """Map each column to a field, by `overrides` (column to field or '-') or by name.

    `field_names` includes the built-in fields. Raises InvalidInputError for an
    override naming a missing column or an unknown field, and ImportFileError
    when two columns map to one field or no column maps to phone_number.
    `names` says how errors tell the caller to map a column.
    """
    labels = tuple(_label(header, position) for position, header in enumerate(headers))
    keys = [normalize_header(header) for header in headers]
    chosen = _apply_overrides(labels, keys, field_names, overrides, names)

    known = {normalize_header(name): name for name in field_names}
    for position, key in enumerate(keys):
        if position not in chosen and key in known:
            chosen[position] = known[key]
    _match_compact(headers, field_names, chosen)
    matched = set(chosen.values())
    for position, key in enumerate(keys):
        alias = ALIASES.get(key)
        if position not in chosen and alias in field_names and alias not in matched:
            chosen[position] = alias

    fields = tuple(chosen.get(position) for position in range(len(labels)))
    _check_one_column_per_field(labels, fields, names)
    mapping = ColumnMapping(
        headers=labels,
        fields=tuple(None if field == IGNORE else field for field in fields),
        ignored=tuple(label for label, field in zip(labels, fields) if field == IGNORE),
        unmapped=tuple(label for label, field in zip(labels, fields) if field is None),
    )
    if mapping.column_of(PHONE_FIELD) is None:
        raise PhoneColumnMissingError(
            f"no column maps to phone_number. The columns are {_listed(labels)}; name "
            f"the phone column phone_number, or map it with {names.setting('mapping', 'COLUMN=phone_number')}.",
            mapping,
        )
    return mapping


class PhoneColumnMissingError(ImportFileError):
    """No column maps to phone_number; `mapping` is what the other columns map to.

    A dry run over the API returns that mapping with the file's first rows, so
    that a person can choose the phone column.
    """

    # The error keeps the API code `import_file_error`; this names the case.
    reason = "phone_column_missing"

    def __init__(self, message: str, mapping: ColumnMapping) -> None:
        super().__init__(message)
        self.mapping = mapping


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _match_compact(headers: Sequence[str], field_names: Sequence[str], chosen: dict[int, str]) -> None:
    """Match the remaining headers to fields by their letters and digits alone."""
    candidates: dict[str, list[str]] = {}
    for name in field_names:
        candidates.setdefault(_compact(name), []).append(name)
    taken = set(chosen.values())
    for position, header in enumerate(headers):
        fits = candidates.get(_compact(header), [])
        if position in chosen or len(fits) != 1 or fits[0] in taken:
            continue
        chosen[position] = fits[0]
        taken.add(fits[0])


def _label(header: str, position: int) -> str:
    text = header.replace("\ufeff", "").strip()
    return text or f"column {position + 1}"


def _apply_overrides(
    labels: Sequence[str],
    keys: Sequence[str],
    field_names: Sequence[str],
    overrides: Mapping[str, str],
    names: OptionNames,
) -> dict[int, str]:
    chosen: dict[int, str] = {}
    for column, field in overrides.items():
        field = field.strip()
        if field != IGNORE and field not in field_names:
            raise InvalidInputError(
                f"{names.setting('mapping', f'{column}={field}')}: the journey has no field {field!r}; use one of "
                f"{', '.join(field_names)}, or '-' to ignore the column."
            )

        positions = [index for index, key in enumerate(keys) if key == normalize_header(column)]
        if not positions:
            raise InvalidInputError(
                f"{names.setting('mapping', f'{column}={field}')}: the file has no column {quoted(column)}; its columns "
                f"are {_listed(labels)}."
            )
        for position in positions:
            chosen[position] = field
    return chosen


def _check_one_column_per_field(labels: Sequence[str], fields: Sequence[str | None], names: OptionNames) -> None:
    first_column: dict[str, str] = {}
    for label, field in zip(labels, fields, strict=True):
        if field is None or field == IGNORE:
            continue
        if field in first_column:
            raise ImportFileError(
                f"Columns {quoted(first_column[field])} and {quoted(label)} both map to {field}; "
                f"ignore one with {names.setting('mapping', f'{label}=-', quote=True)} or map it to another field."
            )
        first_column[field] = label


def _listed(labels: Sequence[str]) -> str:
    return ", ".join(quoted(label) for label in labels) or "(none)"
