"""The options of a recipient import, checked when they are created."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from journeys.domain.option_names import CLI_OPTION_NAMES, OptionNames
from journeys.domain.phones import check_region
from journeys.domain.values import ConversionOptions
from journeys.errors import InvalidInputError
from journeys.importer.dialect import check_delimiter
from journeys.importer.encoding import codec_name

# A moment whose every part differs, to check that a format reads back what it writes.
FORMAT_PROBE = datetime(2001, 12, 23, 14, 35, 56, tzinfo=UTC)


@dataclass(frozen=True)
class ImportOptions:
    """How to read a recipient file.

    - `mapping`: column header to field name, or to '-' to ignore the column;
      columns not named here are matched to fields by their headers.
    - `default_region`: ISO 3166 code (such as "US") for numbers written
      without a country code.
    - `encoding`: a declared encoding; detected when None.
    - `delimiter`: `,` `;` tab `|` or their names; detected when None.
    - `decimal`: the decimal separator of numbers.
    - `date_format`, `datetime_format`: `strptime` formats for every date or
      datetime column; ISO 8601 when None.
    - `filename`: the name stored with the import; the file's own name when None.
    - `names`: the caller's names for these options, which error messages use;
      the command line's flags by default.

    Raises InvalidInputError for an unknown region, encoding, delimiter,
    decimal separator or a format that cannot read back its own output.
    """

    mapping: Mapping[str, str] = field(default_factory=dict)
    default_region: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: Literal[".", ","] = "."
    date_format: str | None = None
    datetime_format: str | None = None
    filename: str | None = None
    names: OptionNames = CLI_OPTION_NAMES

    def __post_init__(self) -> None:
        # Normalised values replace the given ones, so a frozen instance is
        # only ever seen in its checked form.
        object.__setattr__(self, "mapping", dict(self.mapping))
        if self.default_region is not None:
            object.__setattr__(self, "default_region", check_region(self.default_region))
        if self.encoding is not None:
            codec_name(self.encoding)
        if self.delimiter is not None:
            object.__setattr__(self, "delimiter", check_delimiter(self.delimiter))
        if self.decimal not in (".", ","):
            raise InvalidInputError(
                f"unsupported decimal separator {self.decimal!r}: use '.' or ','"
            )
        _check_format(self.date_format, "date")
        _check_format(self.datetime_format, "datetime")

    def conversion_options(self) -> ConversionOptions:
        """Return the options that convert cell values."""
        return ConversionOptions(
            default_region=self.default_region,
            decimal=self.decimal,
            date_format=self.date_format,
            datetime_format=self.datetime_format,
            names=self.names,
        )


def _check_format(text: str | None, kind: str) -> None:
    if text is None:
        return
    try:
        datetime.strptime(FORMAT_PROBE.strftime(text), text)
        valid = "%" in text
    except ValueError:
        valid = False
    if not valid:
        raise InvalidInputError(
            f"invalid {kind} format {text!r}: use strptime directives such as %d/%m/%Y "
            "or %m/%d/%Y %H:%M"
        )
