"""Bodies of the import routes: the multipart form's fields, the report and the dry run's preview."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from journeys.api.models.base import RequestModel


class ImportForm(RequestModel):
    """The fields of an import's multipart form besides the file."""

    mapping: list[str] = Field(
        default_factory=list,
        description="COLUMN=field, or COLUMN=- to ignore a column; one form field per column.",
        examples=[["Mobile=phone_number"]],
    )
    default_region: str | None = Field(None, description="Two-letter region for numbers without a country code.")
    dry_run: bool = Field(False, description="Check the file and return the report and a preview; store nothing.")
    encoding: str | None = Field(None, description="The file's encoding; detected when omitted.")
    delimiter: str | None = Field(None, description="',', ';', 'tab' or '|'; detected when omitted.")
    decimal: Literal[".", ","] = "."
    date_format: str | None = Field(None, description="strptime format of date columns, e.g. %d/%m/%Y.")
    datetime_format: str | None = Field(None, description="strptime format of datetime columns.")

    @field_validator("mapping")
    @classmethod
    def _check_mapping(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            column, separator, field = entry.partition("=")
            if not separator or not column.strip() or not field.strip():
                raise ValueError(
                    f"invalid mapping {entry!r}: write COLUMN=field, e.g. 'Mobile=phone_number', "
                    "or COLUMN=- to ignore a column"
                )
        return entries

    def mapping_dict(self) -> dict[str, str]:
        """Return the mapping as column to field."""
        pairs = (entry.partition("=") for entry in self.mapping)
        return {column.strip(): field.strip() for column, _, field in pairs}


class RowErrorOut(BaseModel):
    """A problem that kept one row out of the run."""

    line: int
    column: str | None
    value: str | None
    reason: str
    message: str


class DuplicateOut(BaseModel):
    """A row skipped because its number is already taken: by a line of the file, or already in the run."""

    line: int
    phone_number: str
    duplicate_of: int | str


class PreviewRow(BaseModel):
    """A data row of the file as read, before conversion."""

    line: int
    cells: list[str]


class ImportPreview(BaseModel):
    """The first rows of the file and the fields that columns can map to."""

    headers: list[str]
    rows: list[PreviewRow]
    fields: list[str] = Field(description="Every name a column can map to, built-in fields included.")


class ImportReportOut(BaseModel):
    """The report of an import: the rows it stored and skipped, listing up to 1,000 row errors and duplicates."""

    run_id: int
    filename: str | None
    dry_run: bool
    encoding: str
    encoding_fallback: bool
    delimiter: str
    mapping: dict[str, str] = Field(description="The column of each mapped field: column to field.")
    ignored_columns: list[str]
    unmapped_columns: list[str]
    recipient_status: str
    rows: int
    accepted: int
    rejected_rows: int
    blank_rows: int
    skipped: int
    row_error_count: int
    row_errors: list[RowErrorOut]
    row_errors_omitted: int
    duplicate_count: int
    duplicates: list[DuplicateOut]
    duplicates_omitted: int


class FileErrorOut(BaseModel):
    """A problem with the whole file that a dry run reports along with its preview."""

    code: str
    message: str


class ImportResult(ImportReportOut):
    """The import's report; a dry run adds a preview of the file.

    `file_error` is set only by a dry run of a file where no column maps to
    phone_number (code `phone_column_missing`); the import itself rejects that file.
    """

    preview: ImportPreview | None = None
    file_error: FileErrorOut | None = None

