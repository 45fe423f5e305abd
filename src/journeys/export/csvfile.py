"""CSV text for spreadsheets: UTF-8 with a byte-order mark, written in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO, TextIO

from journeys.errors import InvalidInputError

BYTE_ORDER_MARK = "\ufeff"

# Rows per chunk: big enough to keep write calls few, small enough to keep memory flat.
ROWS_PER_CHUNK = 500


def iter_csv_text(
    rows: Iterable[list[str]], *, rows_per_chunk: int = ROWS_PER_CHUNK
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
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= rows_per_chunk:
            yield _drain(buffer)
            pending = 0

    # An export without rows still yields its byte-order mark.
    rest = _drain(buffer)
    if rest:
        yield rest


def iter_csv_bytes(
    rows: Iterable[list[str]], *, rows_per_chunk: int = ROWS_PER_CHUNK
) -> Iterator[bytes]:
    """Yield the CSV of `rows` as UTF-8 chunks, for a streaming HTTP response."""
    for chunk in iter_csv_text(rows, rows_per_chunk=rows_per_chunk):
        yield chunk.encode("utf-8")


def write_csv(rows: Iterable[list[str]], out: TextIO | BinaryIO) -> int:
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
    def __init__(self, rows: Iterable[list[str]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list[str]]:
        for row in self._rows:
            self.count += 1
            yield row


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
