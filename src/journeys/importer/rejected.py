"""The rejected-rows file: every skipped row with its original cells, to fix and import again.

The first two columns are `_line` (the row's line in the imported file) and
`_errors` (its problems, as "column: reason" separated by "; "). Field names
start with a letter, so these two columns never map to a field when the fixed
file is imported again. The original cells follow unchanged, in their order.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TextIO

from journeys.errors import ImportFileError

LINE_COLUMN = "_line"
ERRORS_COLUMN = "_errors"


class RejectedRows(Protocol):
    """A destination for the file's header row and for each row the import skips."""

    def write_header(self, headers: Sequence[str]) -> None: ...

    def write(self, line: int, cells: Sequence[str], reasons: Sequence[str]) -> None: ...


class _DiscardRejectedRows:
    def write_header(self, headers: Sequence[str]) -> None:
        return None

    def write(self, line: int, cells: Sequence[str], reasons: Sequence[str]) -> None:
        return None


class _CsvRejectedRows:
    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream)

    def write_header(self, headers: Sequence[str]) -> None:
        self._writer.writerow([LINE_COLUMN, ERRORS_COLUMN, *headers])

    def write(self, line: int, cells: Sequence[str], reasons: Sequence[str]) -> None:
        self._writer.writerow([line, "; ".join(reasons), *cells])


@contextmanager
def open_rejected_rows(path: Path | None) -> Iterator[RejectedRows]:
    """Yield a writer of rejected rows to `path`, or one that discards them if None.

    The rows go to a temporary file beside `path`, which replaces `path` only
    when the block ends without an exception. Wrapped around the import's
    transaction, this leaves no file from a failed import. The file is UTF-8 with a byte-order mark, which Excel needs
    to show accented letters.
    """
    if path is None:
        yield _DiscardRejectedRows()
        return

    partial = path.with_name(f".{path.name}.partial")
    try:
        stream = partial.open("w", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFileError(
            f"Cannot write the rejected rows to {path}: {exc.strerror}; choose another path."
        ) from exc

    try:
        with stream:
            # NOTE: cells are written as read, formulas included, because the file
            # is for fixing and importing again. The rows come from the user's own file.
            yield _CsvRejectedRows(stream)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
