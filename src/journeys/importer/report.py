"""The import report: what was stored, what was skipped and why.

The report keeps at most MAX_DETAILS row errors and MAX_DETAILS duplicates, so
that its memory stays flat, but it counts every one of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

MAX_DETAILS = 1_000

ALREADY_IN_RUN = "already in the run"


@dataclass(frozen=True)
class RowError:
    """A problem that kept one row out of the run.

    `column` is the field the value was meant for, or None for a problem with
    the whole row. `value` is the cell's text as read.
    """

    line: int
    column: str | None
    value: str | None
    reason: str
    message: str


@dataclass(frozen=True)
class Duplicate:
    """A row skipped because its phone number is already taken in the run.

    `duplicate_of` is the line of the same file that kept the number, or
    "already in the run" when an earlier import or the API added it.
    """

    line: int
    phone_number: str
    duplicate_of: int | Literal["already in the run"]


@dataclass
class ImportReport:
    """The outcome of one import, built up while the file is read.

    `rows` counts the data rows that were not blank. Each of them is accepted,
    rejected for row errors, or a duplicate.
    """

    run_id: int
    filename: str | None
    dry_run: bool
    encoding: str = ""
    encoding_fallback: bool = False
    delimiter: str = ","
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)
    recipient_status: Literal["pending", "active"] = "pending"
    rows: int = 0
    accepted: int = 0
    rejected_rows: int = 0
    blank_rows: int = 0
    row_error_count: int = 0
    row_errors: list[RowError] = field(default_factory=list)
    duplicate_count: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Return the number of rows not stored: rejected rows plus duplicates."""
        return self.rejected_rows + self.duplicate_count

    def add_rejected_row(self, errors: list[RowError]) -> None:
        """Count one rejected row and keep its errors while under MAX_DETAILS."""
        self.rejected_rows += 1
        self.row_error_count += len(errors)
        room = MAX_DETAILS - len(self.row_errors)
        self.row_errors.extend(errors[: max(room, 0)])

    def add_duplicate(self, duplicate: Duplicate) -> None:
        """Count one duplicate row and keep it while under MAX_DETAILS."""
        self.duplicate_count += 1
        if len(self.duplicates) < MAX_DETAILS:
            self.duplicates.append(duplicate)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-serialisable data, for --json and storage."""
        data = asdict(self)
        data["skipped"] = self.skipped
        data["row_errors_omitted"] = self.row_error_count - len(self.row_errors)
        data["duplicates_omitted"] = self.duplicate_count - len(self.duplicates)
        return data
