"""The names under which a caller sets import options, so that error messages point at them.

The importer and the value converters are shared by the command line and the
HTTP API. A message that says "declare it with --delimiter" helps a user of the
command line and misleads a user of the API, whose multipart form has a
`delimiter` field instead. Each caller passes its own names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Option = Literal["mapping", "encoding", "delimiter", "default_region", "date_format", "datetime_format"]


@dataclass(frozen=True)
class OptionNames:
    """The name of each import option in the caller's interface; the defaults are the command line's flags.

    `form` is true for named fields (the HTTP API's form or JSON body): a message
    then writes a setting as `encoding=utf-16-le` and refers to an option as
    "the encoding field", where the command line has `--encoding utf-16-le` and
    `--encoding`. `decimal_comma` is the whole setting that makes `,` the
    decimal separator, and `decimal_point` the one that makes it `.`.
    """

    mapping: str = "--map"
    encoding: str = "--encoding"
    delimiter: str = "--delimiter"
    default_region: str = "--default-region"
    date_format: str = "--date-format"
    datetime_format: str = "--datetime-format"
    decimal_comma: str = "--decimal-comma"
    decimal_point: str = "without --decimal-comma"
    form: bool = False

    def option(self, option: Option) -> str:
        """Return how a message refers to an option: `--encoding`, or "the encoding field"."""
        name = getattr(self, option)
        return f"the {name} field" if self.form else name

    def setting(self, option: Option, value: str, *, quote: bool = False) -> str:
        """Return an option with a value: `--encoding utf-16-le`, or `encoding=utf-16-le`.

        `quote` puts the value in single quotes on the command line, for a value
        that a shell would otherwise split or expand.
        """
        name = getattr(self, option)
        if self.form:
            return f"{name}={value}"
        return f"{name} '{value}'" if quote else f"{name} {value}"

    def decimal_setting(self, separator: str) -> str:
        """Return the setting that makes `separator` (`,` or `.`) the decimal separator."""
        return self.decimal_comma if separator == "," else self.decimal_point


# The command line's flags, as `journeys run import` and `journeys simulate` take them.
CLI_OPTION_NAMES = OptionNames()

# The field names of the HTTP API's import form (`POST /api/runs/{id}/imports`),
# which `POST /api/runs/{id}/recipients` shares for `default_region`.
API_OPTION_NAMES = OptionNames(
    mapping="mapping",
    encoding="encoding",
    delimiter="delimiter",
    default_region="default_region",
    date_format="date_format",
    datetime_format="datetime_format",
    decimal_comma="decimal=,",
    decimal_point="decimal=.",
    form=True,
)
