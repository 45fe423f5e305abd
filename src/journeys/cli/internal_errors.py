"""Reporting an unexpected exception: one short line for the user, the traceback in a private log.

The line shows the exception's type and the first line of its message only.
A SQLAlchemy error's full text contains the SQL statement and its parameters,
which can hold phone numbers, names and emails, so for those the line shows the
database driver's own first line instead. The traceback is appended to a log
file that only the current user can read.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import StatementError

# Longer first lines are cut, so that the error stays one readable line.
MAX_SUMMARY_LENGTH = 200
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700


def summarize(exc: BaseException) -> str:
    """Return `Type: first line of the message`, without SQL or parameters for SQLAlchemy errors."""
    name = type(exc).__name__
    if isinstance(exc, StatementError) and exc.orig is not None:
        name = f"{name} ({type(exc.orig).__module__}.{type(exc.orig).__name__})"
        message = str(exc.orig)
    elif isinstance(exc, StatementError):
        # Without a driver error, args[0] is SQLAlchemy's message before the SQL is appended.
        message = str(exc.args[0]) if exc.args else ""
    else:
        message = str(exc)

    first_line = message.strip().splitlines()[0].strip() if message.strip() else ""
    if len(first_line) > MAX_SUMMARY_LENGTH:
        first_line = first_line[: MAX_SUMMARY_LENGTH - 3] + "..."
    return f"{name}: {first_line}" if first_line else name


def error_log_candidates() -> Iterator[Path]:
    """Yield where the error log may go, in order of preference.

    First `$XDG_STATE_HOME/journeys/errors.log` (default
    `~/.local/state/journeys/errors.log`), then a file in the temporary folder
    named with the user id, for a user without a writable home.
    """
    state = os.environ.get("XDG_STATE_HOME", "")
    if state and Path(state).is_absolute():
        yield Path(state) / "journeys" / "errors.log"
    else:
        try:
            yield Path.home() / ".local" / "state" / "journeys" / "errors.log"
        except RuntimeError:
            pass
    yield Path(tempfile.gettempdir()) / f"journeys-errors-{_user_id()}.log"


def write_error_log(exc: BaseException) -> Path | None:
    """Append the traceback of `exc` to the first usable error log; return its path, or None if none could be written."""
    text = "".join(traceback.format_exception(exc))
    for path in error_log_candidates():
        try:
            with _open_private(path) as log:
                log.write(text)
        except OSError:
            continue
        return path
    return None


def _open_private(path: Path) -> TextIO:
    """Open `path` for appending, created with mode 0600, and refuse a file that another user owns."""
    path.parent.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    # O_NOFOLLOW, because another user could plant a link at a name in the shared temporary folder.
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        if hasattr(os, "getuid") and os.fstat(descriptor).st_uid != os.getuid():
            raise PermissionError(f"{path} belongs to another user")
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, PRIVATE_FILE_MODE)
        return os.fdopen(descriptor, "a", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise


def _user_id() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    return os.environ.get("USERNAME", "user")
