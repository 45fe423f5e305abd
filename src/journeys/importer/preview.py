"""The first rows of a recipient file as read, for a dry run to show before anything is stored."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import BinaryIO

from journeys.importer.encoding import detect_encoding
from journeys.importer.options import ImportOptions
from journeys.importer.records import Record, read_table
from journeys.importer.source import open_source

PREVIEW_ROWS = 10


@dataclass(frozen=True)
class FilePreview:
    """The header cells and the first non-blank data records of a file."""

    headers: list[str]
    rows: list[Record]


def preview_file(stream: BinaryIO, options: ImportOptions, *, rows: int = PREVIEW_ROWS) -> FilePreview:
    """Read the header and the first `rows` non-blank records of a seekable stream.

    The stream is read from its start with the encoding and delimiter an
    import would use. Raises ImportFileError as the import does.
    """
    stream.seek(0)
    with open_source(stream) as file:
        encoding = detect_encoding(file.stream, options.encoding, options.names, filename=options.filename or file.name)
        file.stream.seek(file.start + encoding.bom_length)
        text = io.TextIOWrapper(file.stream, encoding=encoding.codec, errors="strict", newline="")
        try:
            table = read_table(text, options.delimiter, options.names)
            records = list(itertools.islice((record for record in table.records if not record.is_blank()), rows))
        finally:
            # Detach so that closing the wrapper never closes the caller's stream.
            text.detach()
    return FilePreview(headers=table.headers, rows=records)
