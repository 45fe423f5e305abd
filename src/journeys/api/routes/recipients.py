"""Recipient routes: a run's recipients page by page, one recipient's timeline, and additions over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Connection, Engine

from journeys.api import deps, security
from journeys.api.params import RowId
from journeys.api.cursor import decode_cursor, encode_cursor
from journeys.api.models.recipients import Recipient, RecipientCreate, RecipientPage, RecipientSummary
from journeys.domain.phones import InvalidPhoneError, parse_phone
from journeys.domain.statuses import RecipientStatus
from journeys.services.recipients import NewRecipient, RecipientInvalidError, add_recipient
from journeys.storage import events as event_queries
from journeys.storage import journeys as journey_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

router = APIRouter(tags=["recipients"])

MAX_PAGE_SIZE = 500


@router.get("/api/runs/{run_id}/recipients", response_model=RecipientPage, dependencies=[Depends(security.viewer)])
def list_recipients(
    run_id: RowId,
    status_: RecipientStatus | None = Query(None, alias="status", description="Only recipients with this status."),
    node: str | None = Query(None, max_length=100, description="Only recipients on this node."),
    q: str | None = Query(
        None, min_length=1, max_length=100,
        description="A phone number in E.164 (exact match), or text that the phone number or a text field contains.",
    ),
    cursor: str | None = Query(None, max_length=200, description="The `next_cursor` of the previous page."),
    limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    engine: Engine = Depends(deps.engine),
) -> RecipientPage:
    """List a run's recipients in id order, a page at a time, with keyset pagination."""
    after_id = decode_cursor(cursor) if cursor else 0
    phone = _exact_phone(q)
    with engine.connect() as conn:
        run = run_queries.get_run(conn, run_id)
        if node is not None:
            _check_node(conn, run, node)
        rows = recipient_queries.list_page(
            conn, run_id, status=status_, node=node, search=None if phone else q, phone=phone,
            after_id=after_id, limit=limit + 1,
        )
    # The row past the page shows whether another page follows.
    more = len(rows) > limit
    rows = rows[:limit]
    return RecipientPage(
        items=[RecipientSummary.model_validate(row) for row in rows],
        next_cursor=encode_cursor(rows[-1]["id"]) if more else None,
    )


@router.post(
    "/api/runs/{run_id}/recipients",
    response_model=RecipientSummary,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": RecipientSummary, "description": "The recipient an earlier request with this client_key added."}},
    dependencies=[Depends(security.operator)],
)
def create_recipient(
    run_id: RowId,
    body: RecipientCreate,
    response: Response,
    engine: Engine = Depends(deps.engine),
    now: datetime = Depends(deps.now),
) -> RecipientSummary:
    """Add a recipient to a run whose journey's start node has trigger 'api'.

    In a running or paused run it starts at once; in a draft or scheduled run,
    when the run starts. Its values are checked as a CSV row's are, and each
    bad one is listed with its field.
    """
    new = NewRecipient(
        phone_number=body.phone_number, data=body.data, phone_extension=body.phone_extension,
        timezone=body.timezone, client_key=body.client_key, default_region=body.default_region,
    )
    try:
        row, created = add_recipient(engine, run_id, new, now=now)
    except RecipientInvalidError as exc:
        raise RequestValidationError([_field_error(error) for error in exc.errors]) from exc
    if not created:
        response.status_code = status.HTTP_200_OK
    return RecipientSummary.model_validate(row)


@router.get("/api/recipients/{recipient_id}", response_model=Recipient, dependencies=[Depends(security.viewer)])
def get_recipient(recipient_id: RowId, engine: Engine = Depends(deps.engine)) -> Recipient:
    """Return a recipient's data, state and event timeline, oldest event first."""
    with engine.connect() as conn:
        row = recipient_queries.get_one(conn, recipient_id)
        timeline = event_queries.timeline(conn, recipient_id)
    return Recipient(**row, events=timeline)


def _exact_phone(q: str | None) -> str | None:
    """Return `q` as E.164 when it is a whole number with its country code, else None."""
    if q is None or not q.strip().startswith("+"):
        return None
    try:
        return parse_phone(q, None).e164
    except InvalidPhoneError:
        return None


def _check_node(conn: Connection, run: dict[str, Any], node: str) -> None:
    document = journey_queries.get_document(conn, run["journey_id"])
    node_ids = [str(item.get("id")) for item in document.get("nodes", [])]
    if node not in node_ids:
        raise RequestValidationError([{
            "loc": ("query", "node"),
            "msg": f"unknown node {node!r}; the journey's nodes are {', '.join(node_ids)}",
            "type": "value_error",
        }])


def _field_error(error: Any) -> dict[str, Any]:
    if error.column in ("phone_number", "phone_extension", "timezone"):
        loc: tuple[str, ...] = ("body", error.column)
    elif error.column:
        loc = ("body", "data", error.column)
    else:
        loc = ("body",)
    return {"loc": loc, "msg": error.message, "type": "value_error"}
