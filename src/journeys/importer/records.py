"""Reading a decoded recipient file as a header and numbered records.

Quoted cells may contain delimiters and line breaks. A record's line is the
file line where it starts, counting the header as line 1; CR, LF and CRLF all
end a line, as Excel and Numbers write them.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, TextIO

from journeys.domain.option_names import CLI_OPTION_NAMES, OptionNames
from journeys.domain.text import NUL, control_character_problem
from journeys.errors import ImportFileError
from journeys.importer.dialect import detect_delimiter


class Record(NamedTuple):
    """One data row of the file: its starting line and its cells as text.

    A named tuple, because the import sends records to worker processes in
    chunks, and tuples pickle fastest.
    """

    line: int
    cells: list[str]

    def is_blank(self) -> bool:
        """Return whether every cell is empty or whitespace, as in `,,` or ` , `."""
        return all(not cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class Table:
    """A file's delimiter, header cells and an iterator over its data records."""

    delimiter: str
    headers: list[str]
    records: Iterator[Record]


def read_table(text: TextIO, delimiter: str | None, names: OptionNames = CLI_OPTION_NAMES) -> Table:
    """Read the header and return a Table whose records are read on demand.

    Blank lines before the header are skipped but still counted. The delimiter
    is detected from the header line unless declared. Raises ImportFileError for
    an empty file or malformed quoting, with the line.
    """
    skipped = 0
    first_line = text.readline()
    while first_line and not first_line.strip():
        skipped += 1
        first_line = text.readline()
    if not first_line:
        raise ImportFileError(
            "The file is empty; it needs a header line naming its columns, one of them "
            "phone_number."
        )

    delimiter = delimiter or detect_delimiter(first_line, names)
    reader = csv.reader(itertools.chain([first_line], text), delimiter=delimiter, strict=True)
    rows = _numbered_rows(reader, skipped)

    header = next(rows)
    if header.is_blank():
        raise ImportFileError(
            f"Line {header.line} has only delimiters; the first line must name the columns."
        )
    _check_header(header)
    return Table(delimiter=delimiter, headers=header.cells, records=rows)


def _check_header(header: Record) -> None:
    # Column names go into the stored import report, where PostgreSQL cannot keep NUL.
    for number, cell in enumerate(header.cells, start=1):
        if NUL in cell:
            raise ImportFileError(
                f"Column {number} of the header (line {header.line}) cannot be used: "
                f"{control_character_problem(NUL, cell.index(NUL))}."
            )


def _numbered_rows(reader: Iterator[list[str]], skipped: int) -> Iterator[Record]:
    # csv counts the lines it takes from its input, so the line after the last
    # record is where the next one starts.
    next_line = 1 + skipped
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A cell over csv.field_size_limit() (128 KiB by default) is almost
            # always an unclosed quote that swallowed the rest of the file.
            if "field limit" in str(exc):
                raise ImportFileError(
                    f"A cell in the record starting at line {next_line} is longer than "
                    f"{csv.field_size_limit():,} characters. Check for an unclosed double quote "
                    "there, or shorten the cell."
                ) from None
            raise ImportFileError(
                f"The file's quoting is malformed in the record starting at line "
                f"{next_line}: {exc}. Check for an unclosed or stray double quote there."
            ) from None

        # One search of the joined cells is cheaper than one per cell.
        if "\r" in "".join(cells):
            cells = [_unify_line_breaks(cell) for cell in cells]
        yield Record(line=next_line, cells=cells)
        next_line = reader.line_num + 1 + skipped  # type: ignore[attr-defined]


def _unify_line_breaks(cell: str) -> str:
    """Return the cell with CRLF and CR line breaks written as LF."""
    if "\r" not in cell:
        return cell
    return cell.replace("\r\n", "\n").replace("\r", "\n")
