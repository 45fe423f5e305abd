"""Opening a recipient file as a seekable binary stream of known size.

Encoding detection reads the file once before the import reads it again, so a
stream that cannot seek, such as standard input, is first copied to a
temporary file. Memory stays flat: the copy spills to disk past a few MiB.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from journeys.errors import ImportFileError

SPOOL_MAX_MEMORY = 8 << 20


@dataclass(frozen=True)
class SourceFile:
    """A binary stream positioned at the file's first byte, `start`, with `size` bytes."""

    stream: BinaryIO
    start: int
    size: int
    name: str | None

    def bytes_read(self) -> int:
        """Return how many bytes of the file have been read so far, read-ahead included."""
        return self.stream.tell() - self.start


@contextmanager
def open_source(source: Path | BinaryIO) -> Iterator[SourceFile]:
    """Yield the source as a SourceFile; a path is opened here and closed after.

    A stream the caller passes stays open, positioned wherever the import left it.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise ImportFileError(f"Cannot open {path}: {exc.strerror}; check the path.") from exc
        with stream:
            yield _measured(stream, path.name)
        return

    name = getattr(source, "name", None)
    name = Path(name).name if isinstance(name, str) else None
    if source.seekable():
        yield _measured(source, name)
        return

    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY) as spool:
        shutil.copyfileobj(source, spool)
        spool.seek(0)
        yield _measured(spool, name)  # type: ignore[arg-type]


def _measured(stream: BinaryIO, name: str | None) -> SourceFile:
    start = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(start)
    return SourceFile(stream=stream, start=start, size=end - start, name=name)
