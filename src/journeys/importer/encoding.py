"""Detection and checking of a recipient file's text encoding.

The rules, in order: a declared encoding; a byte-order mark (UTF-8, or UTF-16
as Excel's "Unicode Text" writes it); UTF-8; else Windows-1252, reported as a
fallback. The whole file is decoded once before import, in chunks, so that an
undecodable byte is a file error naming its line, never a replacement character
and never a failure halfway through the import.
"""

from __future__ import annotations

import codecs
import logging
from dataclasses import dataclass
from typing import BinaryIO

from journeys.domain.option_names import CLI_OPTION_NAMES, OptionNames
from journeys.domain.text import quoted
from journeys.errors import ImportFileError, InvalidInputError

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1 << 20

# Byte-order marks, longest first, with the codec that reads the text after them.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Python codec names of the encodings that a byte-order mark settles.
BOM_FAMILIES = {
    "utf-8": {"utf-8", "utf-8-sig"},
    "utf-16-le": {"utf-16", "utf-16-le"},
    "utf-16-be": {"utf-16", "utf-16-be"},
}

# The names users know, for Python codec names that differ from them.
REPORTED_NAMES = {"cp1252": "windows-1252", "utf-8-sig": "utf-8"}

FALLBACK_CODEC = "cp1252"

# A UTF-16 file without a byte-order mark has a NUL byte in about every second
# position when its text is mostly ASCII; UTF-8 and Windows-1252 text has none.
NUL_SHARE_OF_UTF16 = 0.25
SAMPLE_SIZE = 4096
# Text in any single-byte encoding has almost no C0 control characters besides
# tab and line breaks; images, archives (.xlsx is a zip) and random bytes have
# about one byte in nine. A few stray NUL bytes in text are not counted as binary,
# because the row checks then name the line and column that contain them.
CONTROL_SHARE_OF_BINARY = 0.05
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")


@dataclass(frozen=True)
class DetectedEncoding:
    """The encoding a file is read with.

    `codec` is the Python codec for the bytes after the byte-order mark, whose
    length is `bom_length`. `name` is what the report shows. `fallback` is true
    when Windows-1252 was chosen because the file is not UTF-8.
    """

    name: str
    codec: str
    bom_length: int = 0
    fallback: bool = False


@dataclass(frozen=True)
class _Undecodable:
    line: int
    bad_bytes: bytes
    after_non_ascii: bool


def detect_encoding(
    source: BinaryIO, declared: str | None, names: OptionNames = CLI_OPTION_NAMES, *, filename: str | None = None
) -> DetectedEncoding:
    """Choose the encoding of `source`, check every byte with it, and rewind.

    `source` must be seekable; it is read from its current position to the end.
    Raises ImportFileError for a file of binary data, named `filename` in the
    message, and for bytes that the chosen encoding cannot decode; `names` says
    how the error tells the caller to declare the encoding.
    """
    start = source.tell()
    head = source.read(SAMPLE_SIZE)
    source.seek(start)
    _check_is_text(head, declared, filename)

    detected = _choose(head, declared, names)
    if detected is None:
        detected = _choose_utf8_or_fallback(source, start, names)
    else:
        _check_decodes(source, start, detected, names)

    if detected.fallback:
        logger.info(
            "The file is not UTF-8; reading it as Windows-1252.",
            extra={"action": "import_encoding_fallback"},
        )
    return detected


def _check_is_text(head: bytes, declared: str | None, filename: str | None) -> None:
    if not head or any(head.startswith(mark) for mark, _ in BYTE_ORDER_MARKS):
        return
    if declared is not None and codec_name(declared).startswith(("utf-16", "utf-32")):
        return
    if _looks_like_utf16(head):
        return  # _choose asks for the encoding to be declared.

    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    if controls / len(head) > CONTROL_SHARE_OF_BINARY:
        shown = quoted(filename) if filename else "The file"
        raise ImportFileError(
            f"{shown} is not a text CSV file (it contains binary data); export it from your "
            "spreadsheet as CSV."
        )


def _looks_like_utf16(head: bytes) -> bool:
    # ASCII text in UTF-16 has its NUL bytes all at even or all at odd positions.
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = max(len(head) // 2, 1)
    return max(even, odd) / half >= 2 * NUL_SHARE_OF_UTF16 and min(even, odd) / half < 0.05


def _choose(head: bytes, declared: str | None, names: OptionNames) -> DetectedEncoding | None:
    """Return the encoding that the declaration or a byte-order mark settles."""
    bom = next(((mark, codec) for mark, codec in BYTE_ORDER_MARKS if head.startswith(mark)), None)
    if declared is not None:
        return _declared_encoding(declared, bom)
    if bom is not None:
        mark, codec = bom
        return DetectedEncoding(name=codec, codec=codec, bom_length=len(mark))

    if head and head.count(0) / len(head) >= NUL_SHARE_OF_UTF16:
        raise ImportFileError(
            "The file looks like UTF-16 without a byte-order mark; declare its encoding "
            f"with {names.setting('encoding', 'utf-16-le')} or {names.setting('encoding', 'utf-16-be')}, "
            "or save it as UTF-8 CSV."
        )
    return None


def _declared_encoding(declared: str, bom: tuple[bytes, str] | None) -> DetectedEncoding:
    codec = codec_name(declared)
    if bom is None:
        if codec == "utf-16":
            raise ImportFileError(
                "The declared encoding utf-16 needs a byte-order mark, and the file has "
                "none; declare utf-16-le or utf-16-be instead."
            )
        return DetectedEncoding(name=REPORTED_NAMES.get(codec, codec), codec=codec)

    mark, bom_codec = bom
    if codec not in BOM_FAMILIES[bom_codec]:
        raise ImportFileError(
            f"The file starts with a {bom_codec} byte-order mark, but the declared "
            f"encoding is {declared}; declare {bom_codec} or leave the encoding out."
        )
    return DetectedEncoding(name=bom_codec, codec=bom_codec, bom_length=len(mark))


def codec_name(encoding: str) -> str:
    """Return Python's name for an encoding, or raise InvalidInputError."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InvalidInputError(
            f"unknown encoding {encoding!r}: use a name such as utf-8, utf-16-le, "
            "windows-1252 or iso-8859-1"
        ) from None


def _choose_utf8_or_fallback(source: BinaryIO, start: int, names: OptionNames) -> DetectedEncoding:
    problem = _find_undecodable(source, start, "utf-8")
    if problem is None:
        return DetectedEncoding(name="utf-8", codec="utf-8")

    # Earlier valid UTF-8 letters mean a damaged UTF-8 file: reading it as
    # Windows-1252 would turn those letters into mojibake without a word.
    if problem.after_non_ascii:
        raise ImportFileError(
            f"Line {problem.line} contains {_describe(problem.bad_bytes)}, which is not "
            "valid UTF-8, although the lines before it are UTF-8; fix that line, or "
            f"declare the file's encoding with {names.option('encoding')}."
        )

    fallback = DetectedEncoding(name="windows-1252", codec=FALLBACK_CODEC, fallback=True)
    _check_decodes(source, start, fallback, names)
    return fallback


def _check_decodes(source: BinaryIO, start: int, detected: DetectedEncoding, names: OptionNames) -> None:
    problem = _find_undecodable(source, start + detected.bom_length, detected.codec)
    if problem is None:
        return
    raise ImportFileError(
        f"Line {problem.line} contains {_describe(problem.bad_bytes)}, which is not valid "
        f"{detected.name}; fix that line, or declare the file's encoding with {names.option('encoding')} "
        "if it is another one."
    )


def _find_undecodable(source: BinaryIO, start: int, codec: str) -> _Undecodable | None:
    """Decode from `start` to the end and return the first undecodable bytes, then rewind."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    counter = _LineCounter()
    source.seek(start)
    try:
        while True:
            chunk = source.read(CHUNK_SIZE)
            try:
                counter.feed(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError as exc:
                # The error's bytes start with what the decoder held back from
                # the previous chunk, so this prefix continues the counted text.
                counter.feed(exc.object[: exc.start].decode(codec))
                bad = exc.object[exc.start : exc.end]
                return _Undecodable(counter.line, bytes(bad), counter.non_ascii)
            if not chunk:
                return None
    finally:
        source.seek(start)


def _describe(bad_bytes: bytes) -> str:
    listed = " ".join(f"0x{byte:02X}" for byte in bad_bytes)
    return f"the byte {listed}" if len(bad_bytes) == 1 else f"the bytes {listed}"


class _LineCounter:
    """The current line number of decoded text fed in pieces; CR, LF and CRLF end a line."""

    def __init__(self) -> None:
        self.line = 1
        self.non_ascii = False
        self._ends_with_cr = False

    def feed(self, text: str) -> None:
        if not text:
            return
        breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
        if self._ends_with_cr and text.startswith("\n"):
            breaks -= 1
        self.line += breaks
        self._ends_with_cr = text.endswith("\r")
        self.non_ascii = self.non_ascii or not text.isascii()
