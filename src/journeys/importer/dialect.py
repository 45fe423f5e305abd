"""The delimiter of a recipient file: declared, or detected from its header line."""

from __future__ import annotations

from journeys.domain.option_names import CLI_OPTION_NAMES, OptionNames
from journeys.errors import ImportFileError, InvalidInputError

# The delimiters a file may use, with the names they can be declared by.
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
DELIMITER_ALIASES = {name: char for char, name in DELIMITER_NAMES.items()} | {"\\t": "\t"}

QUOTE = '"'


def check_delimiter(declared: str) -> str:
    """Return the delimiter character for a declared delimiter or its name.

    Raises InvalidInputError for anything but `,` `;` tab `|` and their names
    (comma, semicolon, tab, pipe).
    """
    if declared in DELIMITER_NAMES:
        return declared
    char = DELIMITER_ALIASES.get(declared.strip().lower())
    if char is None:
        raise InvalidInputError(
            f"unsupported delimiter {declared!r}: use ',' ';' '|' or tab "
            "(or the names comma, semicolon, pipe, tab)"
        )
    return char


def detect_delimiter(header_line: str, names: OptionNames = CLI_OPTION_NAMES) -> str:
    """Return the delimiter that occurs most often outside quotes in the header line.

    A header with none of them is a one-column file and gets ','. Raises
    ImportFileError when two delimiters occur equally often, because either
    reading would be a guess. `names` says how the error tells the caller to
    declare the delimiter.
    """
    counts = _count_outside_quotes(header_line)
    best = max(counts.values())
    if best == 0:
        return ","

    winners = [char for char, count in counts.items() if count == best]
    if len(winners) > 1:
        plural = "" if best == 1 else "s"
        found = " and ".join(f"{best} {DELIMITER_NAMES[char]}{plural}" for char in winners)
        raise ImportFileError(
            f"The header line contains {found} outside quotes, so the delimiter is "
            f"unclear; declare it with {names.option('delimiter')}."
        )
    return winners[0]


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = dict.fromkeys(DELIMITER_NAMES, 0)
    quoted = False
    for char in line:
        if char == QUOTE:
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return counts
