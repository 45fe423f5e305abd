"""CSV text for spreadsheets: UTF-8 with a byte-order mark, written in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, BinaryIO, TextIO

from journeys.errors import InvalidInputError

BYTE_ORDER_MARK = "\ufeff"

# Rows per chunk: big enough to keep write calls few, small enough to keep memory flat.
ROWS_PER_CHUNK = 500


def iter_csv_text(
    rows: Iterable[Sequence[str]], *, rows_per_chunk: int = ROWS_PER_CHUNK
) -> Iterator[str]:
    """Yield the CSV text of `rows` in chunks, the first starting with the byte-order mark.

    Spreadsheets need the mark to read the file as UTF-8 and show accents.
    Lines end with CRLF and fields are quoted where needed, as RFC 4180 has it.
    """
    if rows_per_chunk < 1:
        raise InvalidInputError(
            f"invalid chunk size {rows_per_chunk}: give a number of rows of 1 or more"
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    iterator = iter(rows)
    prefix = BYTE_ORDER_MARK
    while True:
        chunk = list(islice(iterator, rows_per_chunk))
        if not chunk:
            break
        yield prefix + "".join([_csv_line(row, writer, buffer) for row in chunk])
        prefix = ""

    # An export without rows still yields its byte-order mark.
    if prefix:
        yield prefix


def _csv_line(row: Sequence[str], writer: Any, buffer: io.StringIO) -> str:
    """Return one CSV line of `row`, ending in CRLF, as csv.writer writes it.

    A row of text cells without a comma, a quote or a line break is the
    cells joined by commas, which takes a fraction of csv.writer's time.
    Any other row goes through csv.writer.
    """
    try:
        line = ",".join(row)
    except TypeError:
        line = None
    if line is None or '"' in line or "\n" in line or "\r" in line or line.count(",") != len(row) - 1 or len(row) == 1:
        writer.writerow(row)
        return _drain(buffer)
    return line + "\r\n"


def iter_csv_bytes(
    rows: Iterable[Sequence[str]], *, rows_per_chunk: int = ROWS_PER_CHUNK
) -> Iterator[bytes]:
    """Yield the CSV of `rows` as UTF-8 chunks, for a streaming HTTP response."""
    for chunk in iter_csv_text(rows, rows_per_chunk=rows_per_chunk):
        yield chunk.encode("utf-8")


def write_csv(rows: Iterable[Sequence[str]], out: TextIO | BinaryIO) -> int:
    """Write `rows` as CSV to `out` and return how many rows were written.

    `out` is a text stream (an `io.TextIOBase`, opened with `newline=""` and
    a UTF-8 encoding) or a binary stream, which receives UTF-8 bytes.
    """
    counted = _CountedRows(rows)
    text_output = isinstance(out, io.TextIOBase)
    for chunk in iter_csv_text(counted):
        if text_output:
            out.write(chunk)  # type: ignore[arg-type]
        else:
            out.write(chunk.encode("utf-8"))  # type: ignore[arg-type]
    return counted.count


class _CountedRows:
    def __init__(self, rows: Iterable[Sequence[str]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[str]]:
        for row in self._rows:
            self.count += 1
            yield row


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
