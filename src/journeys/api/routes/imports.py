"""CSV imports over HTTP: a multipart upload, spooled to disk, imported or checked as a dry run."""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from journeys.api import deps, security
from journeys.api.params import RowId
from journeys.api.models.imports import FileErrorOut, ImportForm, ImportPreview, ImportResult, PreviewRow
from journeys.api.uploads import spooled_form
from journeys.config import Settings
from journeys.domain.document import BUILTIN_FIELDS, JourneyDocument
from journeys.domain.option_names import API_OPTION_NAMES
from journeys.domain.jsonvalues import find_json_problem
from journeys.domain.text import NUL, control_character_problem
from journeys.importer.mapping import EXTENSION_COLUMN, PhoneColumnMissingError
from journeys.importer.options import ImportOptions
from journeys.importer.preview import preview_file
from journeys.importer.report import ImportReport
from journeys.importer.service import import_recipients
from journeys.storage import journeys as journey_queries
from journeys.storage import runs as run_queries

router = APIRouter(tags=["runs"])

FILE_PART = "file"
LIST_FIELDS = ("mapping",)


def _form_schema() -> dict[str, Any]:
    schema = ImportForm.model_json_schema()
    properties = {FILE_PART: {"type": "string", "format": "binary", "description": "The CSV file."}}
    properties.update(schema["properties"])
    return {"type": "object", "properties": properties, "required": [FILE_PART]}


@router.post(
    "/api/runs/{run_id}/imports",
    response_model=ImportResult,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": ImportResult, "description": "A dry run: the report and a preview; nothing was stored."},
        413: {"description": "The upload is larger than JOURNEYS_MAX_UPLOAD_BYTES."},
    },
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _form_schema()}}}},
    dependencies=[Depends(security.operator)],
)
async def create_import(
    run_id: RowId,
    request: Request,
    response: Response,
    engine: Engine = Depends(deps.engine),
    config: Settings = Depends(deps.config),
    now: datetime = Depends(deps.now),
) -> ImportResult:
    """Import a CSV of recipients into a draft run, or check it with `dry_run`.

    Rejected rows come back in the report: up to 1,000 row errors with their
    line, column, value and reason, and every one of them counted. A dry run
    also returns the first 10 rows and the column mapping it would use.

    Messages name this form's fields, such as `mapping=COLUMN=phone_number`
    or the `encoding` field.
    """
    async with spooled_form(request, config.max_upload_bytes) as form:
        upload = _upload(form)
        fields = _form_fields(form)
        options = _options(fields, upload)
        try:
            report = await run_in_threadpool(
                import_recipients, engine, run_id, upload.file, options=options, now=now, dry_run=fields.dry_run
            )
            result = ImportResult.model_validate(report.to_dict())
        except PhoneColumnMissingError as exc:
            if not fields.dry_run:
                raise
            # The preview lets the person choose the phone column in the mapping step.
            result = _unmapped_result(run_id, options, exc)
        if fields.dry_run:
            result.preview = await run_in_threadpool(_preview, engine, run_id, upload.file, options)
            response.status_code = status.HTTP_200_OK
    return result


def _upload(form: FormData) -> UploadFile:
    parts = form.getlist(FILE_PART)
    if len(parts) != 1 or not isinstance(parts[0], UploadFile):
        raise RequestValidationError([{
            "loc": ("body", FILE_PART),
            "msg": f"send the CSV as one file part named {FILE_PART!r}",
            "type": "missing",
        }])
    if parts[0].filename and NUL in parts[0].filename:
        raise RequestValidationError([{
            "loc": ("body", FILE_PART),
            "msg": f"the file name {control_character_problem(NUL, parts[0].filename.index(NUL))}",
            "type": "value_error",
        }])
    return parts[0]


def _form_fields(form: FormData) -> ImportForm:
    values: dict[str, Any] = {}
    for name, value in form.multi_items():
        if name == FILE_PART:
            continue
        if isinstance(value, UploadFile):
            raise RequestValidationError([{
                "loc": ("body", name), "msg": f"{name} must be a text field, not a file", "type": "value_error",
            }])
        _check_storable(name, value)
        if name in LIST_FIELDS:
            values.setdefault(name, []).append(value)
        else:
            values[name] = value
    try:
        return ImportForm.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from exc


def _check_storable(name: str, value: str) -> None:
    # Values reach the stored report, where PostgreSQL cannot keep a NUL character.
    problem = find_json_problem({name: value})
    if problem is not None:
        path, message = problem
        raise RequestValidationError([{"loc": ("body", *path), "msg": message, "type": "value_error"}])


def _options(fields: ImportForm, upload: UploadFile) -> ImportOptions:
    return ImportOptions(
        mapping=fields.mapping_dict(),
        default_region=fields.default_region,
        encoding=fields.encoding,
        delimiter=fields.delimiter,
        decimal=fields.decimal,
        date_format=fields.date_format,
        datetime_format=fields.datetime_format,
        filename=upload.filename,
        names=API_OPTION_NAMES,
    )


def _unmapped_result(run_id: int, options: ImportOptions, error: PhoneColumnMissingError) -> ImportResult:
    # NOTE: encoding and delimiter keep their defaults here, because the import
    # stopped before it reported them; the preview reads the file with the real ones.
    report = ImportReport(run_id=run_id, filename=options.filename, dry_run=True)
    report.mapping = error.mapping.as_dict()
    report.ignored_columns = list(error.mapping.ignored)
    report.unmapped_columns = list(error.mapping.unmapped)
    result = ImportResult.model_validate(report.to_dict())
    result.file_error = FileErrorOut(code=error.reason, message=str(error))
    return result


def _preview(engine: Engine, run_id: RowId, stream: BinaryIO, options: ImportOptions) -> ImportPreview:
    found = preview_file(stream, options)
    with engine.connect() as conn:
        run = run_queries.get_run(conn, run_id)
        document = JourneyDocument.model_validate(journey_queries.get_document(conn, run["journey_id"]))
    declared = [field.name for field in document.fields if field.name not in BUILTIN_FIELDS]
    return ImportPreview(
        headers=found.headers,
        rows=[PreviewRow(line=record.line, cells=record.cells) for record in found.rows],
        fields=[*BUILTIN_FIELDS, EXTENSION_COLUMN, *declared],
    )
