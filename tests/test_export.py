"""CSV exports of recipients and events, on rows inserted directly into each database."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import load_fixture_json, make_run
from sqlalchemy import Engine, event, insert, select
from sqlalchemy import text as sql

from journeys.errors import InvalidInputError, NotFoundError
from journeys.export import (
    iter_csv_bytes,
    iter_event_rows,
    iter_recipient_rows,
    write_events_csv,
    write_recipients_csv,
)
from journeys.export.csvsafe import format_number, format_utc, format_value, guard_text
from journeys.storage import runs as run_queries
from journeys.storage.schema import events, recipients

T0 = datetime(2026, 12, 4, 19, 20, tzinfo=UTC)
BOM = "\ufeff"
HYPERLINK = '=HYPERLINK("http://example.invalid","x")'
STATE_COLUMNS = [
    "timezone", "status", "current_node", "result", "failure_reason", "calls_placed",
    "last_call_outcome", "talk_time_seconds", "sms_sent", "started_at", "finished_at",
    "phone_extension",
]
_phones = itertools.count(120)


def export_document() -> dict[str, Any]:
    """The reminder journey with a phone field and an integer field added at the end."""
    document = load_fixture_json("journey-reminder.json")
    document["fields"] += [
        {"name": "alt_phone", "type": "phone"},
        {"name": "visits", "type": "integer"},
    ]
    return document


def field_names() -> list[str]:
    return [field["name"] for field in export_document()["fields"]]


@pytest.fixture
def run_id(engine: Engine) -> int:
    return make_run(engine, export_document())


def add_recipient(
    engine: Engine, run_id: int, data: dict[str, Any] | None = None, **columns: Any
) -> int:
    """Insert a recipient with a new phone number. Keyword `columns` override the defaults."""
    values: dict[str, Any] = {
        "run_id": run_id,
        "phone_number": f"+1202555{next(_phones):04d}",
        "data": data or {},
        "outputs": {},
        "status": "pending",
    }
    values.update(columns)
    with engine.begin() as conn:
        return int(conn.execute(insert(recipients).values(**values)).inserted_primary_key[0])


def add_event(engine: Engine, run_id: int, recipient_id: int, type_: str, **columns: Any) -> None:
    values: dict[str, Any] = {
        "run_id": run_id, "recipient_id": recipient_id, "type": type_, "at": T0
    }
    values.update(columns)
    with engine.begin() as conn:
        conn.execute(insert(events).values(**values))


def export_recipients(engine: Engine, run_id: int, **options: Any) -> str:
    out = io.BytesIO()
    write_recipients_csv(engine, run_id, out, **options)
    return out.getvalue().decode("utf-8")


def export_events(engine: Engine, run_id: int, **options: Any) -> str:
    out = io.BytesIO()
    write_events_csv(engine, run_id, out, **options)
    return out.getvalue().decode("utf-8")


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))


def exported_recipient(
    engine: Engine, run_id: int, data: dict[str, Any], **columns: Any
) -> dict[str, str]:
    add_recipient(engine, run_id, data, **columns)
    (row,) = parse(export_recipients(engine, run_id))
    return row


# --- Layout ---------------------------------------------------------------------


def test_recipients_header_order(engine: Engine, run_id: int) -> None:
    text = export_recipients(engine, run_id)

    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header == ["phone_number", *field_names(), *STATE_COLUMNS]


def test_recipients_export_starts_with_bom(engine: Engine, run_id: int) -> None:
    add_recipient(engine, run_id, {"customer_name": "Zoé Müller"})
    out = io.BytesIO()

    write_recipients_csv(engine, run_id, out)

    assert out.getvalue().startswith(b"\xef\xbb\xbfphone_number,")
    assert "Zoé Müller".encode() in out.getvalue()


def test_empty_export_has_bom_and_header(engine: Engine, run_id: int) -> None:
    text = export_recipients(engine, run_id)

    assert text.startswith(BOM + "phone_number,")
    assert parse(text) == []


def test_recipients_export_writes_text_stream(engine: Engine, run_id: int) -> None:
    add_recipient(engine, run_id, {"customer_name": "Ana"})
    out = io.StringIO(newline="")

    count = write_recipients_csv(engine, run_id, out)

    assert count == 1
    assert out.getvalue().startswith(BOM)
    assert parse(out.getvalue())[0]["customer_name"] == "Ana"


def test_recipients_lines_end_with_crlf(engine: Engine, run_id: int) -> None:
    add_recipient(engine, run_id, {"customer_name": "Ana"})

    text = export_recipients(engine, run_id)

    assert text.count("\r\n") == 2


def test_recipients_state_columns(engine: Engine, run_id: int) -> None:
    row = exported_recipient(
        engine, run_id, {"timezone": "America/New_York"},
        status="completed", current_node="done", result="contacted",
        calls_placed=2, last_call_outcome="answered", talk_time_seconds=75.0, sms_sent=1,
        started_at=T0, finished_at=T0 + timedelta(minutes=5, seconds=30, microseconds=250),
    )

    assert row["timezone"] == "America/New_York"
    assert row["status"] == "completed"
    assert row["current_node"] == "done"
    assert row["result"] == "contacted"
    assert row["calls_placed"] == "2"
    assert row["last_call_outcome"] == "answered"
    assert row["talk_time_seconds"] == "75"
    assert row["sms_sent"] == "1"
    assert row["started_at"] == "2026-12-04T19:20:00Z"
    assert row["finished_at"] == "2026-12-04T19:25:30Z"


def test_recipients_failure_reason(engine: Engine, run_id: int) -> None:
    row = exported_recipient(
        engine, run_id, {}, status="failed", failure_reason="missing value for due_date"
    )

    assert row["failure_reason"] == "missing value for due_date"


def test_recipients_nulls_are_empty(engine: Engine, run_id: int) -> None:
    row = exported_recipient(engine, run_id, {"customer_name": "Ana", "balance": None})

    empty = ["balance", "due_date", "timezone", "current_node", "result", "failure_reason",
             "last_call_outcome", "started_at", "finished_at"]
    for column in empty:
        assert row[column] == "", column


def test_recipients_zero_counters_are_zero(engine: Engine, run_id: int) -> None:
    row = exported_recipient(engine, run_id, {})

    assert (row["calls_placed"], row["talk_time_seconds"], row["sms_sent"]) == ("0", "0", "0")


@pytest.mark.parametrize(("value", "expected"), [(True, "true"), (False, "false"), (None, "")])
def test_recipients_booleans(
    engine: Engine, run_id: int, value: bool | None, expected: str
) -> None:
    row = exported_recipient(engine, run_id, {"autopay": value})

    assert row["autopay"] == expected


def test_recipients_export_ignores_undeclared_data(engine: Engine, run_id: int) -> None:
    row = exported_recipient(engine, run_id, {"customer_name": "Ana", "legacy": "x"})

    assert "legacy" not in row
    assert "x" not in row.values()


def test_recipients_export_converts_offsets_to_utc(engine: Engine, run_id: int) -> None:
    new_york_winter = timezone(timedelta(hours=-5))
    started_at = datetime(2026, 12, 4, 4, 20, tzinfo=new_york_winter)

    row = exported_recipient(engine, run_id, {}, started_at=started_at)

    assert row["started_at"] == "2026-12-04T09:20:00Z"


# --- Formula guard -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("=1+1", "'=1+1"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Zoé", "Zoé"),
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),
        ("", ""),
    ],
)
def test_text_field_formula_guard(engine: Engine, run_id: int, value: str, expected: str) -> None:
    row = exported_recipient(engine, run_id, {"customer_name": value, "notes": value})

    assert row["customer_name"] == expected
    assert row["notes"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-5, "-5"), (-5.25, "-5.25"), (120.0, "120"), (0, "0"), (1e-7, "0.0000001"), ("-5", "'-5")],
)
def test_number_field_not_guarded(engine: Engine, run_id: int, value: Any, expected: str) -> None:
    row = exported_recipient(engine, run_id, {"balance": value})

    assert row["balance"] == expected


def test_integer_field_negative(engine: Engine, run_id: int) -> None:
    row = exported_recipient(engine, run_id, {"visits": -3})

    assert row["visits"] == "-3"


def test_phone_number_column_is_plain_e164(engine: Engine, run_id: int) -> None:
    row = exported_recipient(engine, run_id, {}, phone_number="+12025550123")

    assert row["phone_number"] == "+12025550123"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("+442071838750", "+442071838750"), ("+1 (202) 555-0100", "'+1 (202) 555-0100"),
     ("=1+1", "'=1+1"), (None, "")],
)
def test_phone_field_exempt_only_as_e164(
    engine: Engine, run_id: int, value: Any, expected: str
) -> None:
    row = exported_recipient(engine, run_id, {"alt_phone": value})

    assert row["alt_phone"] == expected


def test_state_text_is_guarded(engine: Engine, run_id: int) -> None:
    row = exported_recipient(
        engine, run_id, {"timezone": "=tz"}, status="failed", result="-done",
        failure_reason="=cmd", current_node="@node",
    )

    assert row["timezone"] == "'=tz"
    assert row["result"] == "'-done"
    assert row["failure_reason"] == "'=cmd"
    assert row["current_node"] == "'@node"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=x", "'=x"), ("+x", "'+x"), ("-x", "'-x"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("x=", "x=")],
)
def test_guard_text(value: str, expected: str) -> None:
    assert guard_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (True, "true"), (7, "7"), (2.5, "2.5"), (1e20, "100000000000000000000"),
     (["-a"], '["-a"]'), ({"k": "v"}, '{"k": "v"}'), ("-a", "'-a")],
)
def test_format_value(value: Any, expected: str) -> None:
    assert format_value(value) == expected


def test_format_number_tiny_without_exponent() -> None:
    assert format_number(1.5e-10) == "0.00000000015"


def test_format_utc_naive_is_utc() -> None:
    assert format_utc(datetime(2026, 12, 4, 19, 20, 5, 999)) == "2026-12-04T19:20:05Z"


# --- Paging and streaming -------------------------------------------------------------


def test_recipients_paged_complete_in_id_order(engine: Engine, run_id: int) -> None:
    phones = [f"+1202555{1000 + index}" for index in range(5)]
    for phone in phones:
        add_recipient(engine, run_id, {}, phone_number=phone)

    rows = parse(export_recipients(engine, run_id, page_size=2))

    assert [row["phone_number"] for row in rows] == phones


def count_page_queries(engine: Engine, export: Any) -> tuple[Any, int]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        if "LIMIT" in args[2].upper():
            statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        result = export()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return result, len(statements)


def test_recipients_read_in_pages(engine: Engine, run_id: int) -> None:
    for _ in range(5):
        add_recipient(engine, run_id)

    text, page_queries = count_page_queries(
        engine, lambda: export_recipients(engine, run_id, page_size=2)
    )

    assert len(parse(text)) == 5
    assert page_queries == 3


def test_recipients_full_last_page_ends(engine: Engine, run_id: int) -> None:
    for _ in range(4):
        add_recipient(engine, run_id)

    text, page_queries = count_page_queries(
        engine, lambda: export_recipients(engine, run_id, page_size=2)
    )

    assert len(parse(text)) == 4
    assert page_queries == 3


def test_recipients_export_only_its_run(engine: Engine, run_id: int) -> None:
    other_run = make_run(engine, export_document())
    add_recipient(engine, other_run, {}, phone_number="+12025559999")
    add_recipient(engine, run_id, {}, phone_number="+12025551111")

    rows = parse(export_recipients(engine, run_id, page_size=1))

    assert [row["phone_number"] for row in rows] == ["+12025551111"]


def test_iter_rows_on_connection(engine: Engine, run_id: int) -> None:
    add_recipient(engine, run_id, {"customer_name": "Ana"})

    with engine.connect() as conn:
        rows = list(iter_recipient_rows(conn, run_id, page_size=1))

    assert rows[0][0] == "phone_number"
    assert rows[1][1] == "Ana"
    assert len(rows) == 2


def test_iter_csv_bytes_streams_chunks(engine: Engine, run_id: int) -> None:
    for _ in range(5):
        add_recipient(engine, run_id)

    rows = iter_recipient_rows(engine, run_id, page_size=2)

    chunks = list(iter_csv_bytes(rows, rows_per_chunk=2))

    assert len(chunks) == 3
    assert chunks[0].startswith(b"\xef\xbb\xbf")
    assert len(parse(b"".join(chunks).decode("utf-8"))) == 5


def test_unknown_run_raises_before_iteration(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="run 999 not found"):
        iter_recipient_rows(engine, 999)
    with pytest.raises(NotFoundError, match="run 999 not found"):
        iter_event_rows(engine, 999)


@pytest.mark.parametrize("page_size", [0, -1])
def test_page_size_must_be_positive(engine: Engine, run_id: int, page_size: int) -> None:
    with pytest.raises(InvalidInputError, match=f"invalid page size {page_size}"):
        iter_recipient_rows(engine, run_id, page_size=page_size)


# --- Events ---------------------------------------------------------------------------


def test_events_export(engine: Engine, run_id: int) -> None:
    first = add_recipient(engine, run_id, {}, phone_number="+12025550142")
    second = add_recipient(engine, run_id, {}, phone_number="+12025550143")
    add_event(engine, run_id, first, "entered", node_id="start", at=T0)
    add_event(engine, run_id, second, "entered", node_id="start", at=T0 + timedelta(seconds=1))
    add_event(engine, run_id, first, "sms_sent", node_id="text", detail="Hi Ana, é 5 €")
    add_event(engine, run_id, first, "completed", node_id="done", detail=None)

    text = export_events(engine, run_id, page_size=3)

    assert text.startswith(BOM + "phone_number,at,node_id,type,detail\r\n")
    assert [list(row.values()) for row in parse(text)] == [
        ["+12025550142", "2026-12-04T19:20:00Z", "start", "entered", ""],
        ["+12025550143", "2026-12-04T19:20:01Z", "start", "entered", ""],
        ["+12025550142", "2026-12-04T19:20:00Z", "text", "sms_sent", "Hi Ana, é 5 €"],
        ["+12025550142", "2026-12-04T19:20:00Z", "done", "completed", ""],
    ]


def test_events_detail_guarded(engine: Engine, run_id: int) -> None:
    recipient_id = add_recipient(engine, run_id)
    add_event(engine, run_id, recipient_id, "sms_sent", node_id="text", detail="-5 due\nnow")

    (row,) = parse(export_events(engine, run_id))

    assert row["detail"] == "'-5 due\nnow"


def test_events_export_only_its_run(engine: Engine, run_id: int) -> None:
    other_run = make_run(engine, export_document())
    add_event(engine, other_run, add_recipient(engine, other_run), "entered", node_id="start")
    add_event(engine, run_id, add_recipient(engine, run_id), "entered", node_id="call_1")

    rows = parse(export_events(engine, run_id, page_size=1))

    assert [row["node_id"] for row in rows] == ["call_1"]


def test_events_write_returns_count(engine: Engine, run_id: int) -> None:
    recipient_id = add_recipient(engine, run_id)
    for node_id in ("start", "call_1", "outcome"):
        add_event(engine, run_id, recipient_id, "entered", node_id=node_id)

    count = write_events_csv(engine, run_id, io.BytesIO(), page_size=2)

    assert count == 3


# --- Round trip -----------------------------------------------------------------------

ROUND_TRIP_DATA = [
    {"customer_name": HYPERLINK, "balance": -5, "due_date": "2026-12-20", "autopay": True,
     "zip": "02134", "email": "ana@example.invalid", "notes": "line one\nline two, \"quoted\"",
     "alt_phone": "+442071838750", "visits": 3, "timezone": "Europe/London"},
    {"customer_name": "Zoé Müller", "balance": 120.5, "due_date": None, "autopay": False,
     "zip": None, "email": None, "notes": "+ plus; semi", "alt_phone": None, "visits": None},
]


def read_back(text: str, field_type: str) -> Any:
    """Read a cell back as the importer would: undo the guard, empty is null, convert by type."""
    if text == "":
        return None
    if text.startswith("'") and text[1:].startswith(("=", "+", "-", "@", "\t", "\r")):
        text = text[1:]
    if field_type == "number":
        return float(text)
    if field_type == "integer":
        return int(text)
    if field_type == "boolean":
        return {"true": True, "false": False}[text]
    return text


def test_recipients_export_round_trip(engine: Engine, run_id: int) -> None:
    phones = ["+12025550150", "+12025550151"]
    for phone, data in zip(phones, ROUND_TRIP_DATA, strict=True):
        add_recipient(engine, run_id, data, phone_number=phone)
    field_types = {field["name"]: field["type"] for field in export_document()["fields"]}
    field_types["timezone"] = "string"

    rows = parse(export_recipients(engine, run_id))

    assert [row["phone_number"] for row in rows] == phones
    for data, row in zip(ROUND_TRIP_DATA, rows, strict=True):
        for name, field_type in field_types.items():
            assert read_back(row[name], field_type) == data.get(name), name


def reimport(engine: Engine, run_id: int, text: str) -> tuple[Any, dict[str, dict[str, Any]]]:
    """Import exported CSV text into a new draft run of the same journey.

    Returns the import report and each new recipient's data by phone number.
    """
    from journeys.importer.options import ImportOptions
    from journeys.importer.service import import_recipients

    with engine.begin() as conn:
        journey_id = run_queries.get_run(conn, run_id)["journey_id"]
        new_run = run_queries.insert_run(
            conn, journey_id=journey_id, name="re-import", settings={}, now=T0
        )
    report = import_recipients(
        engine, new_run, io.BytesIO(text.encode("utf-8")), options=ImportOptions(), now=T0
    )
    with engine.connect() as conn:
        rows = conn.execute(
            select(recipients.c.phone_number, recipients.c.data)
            .where(recipients.c.run_id == new_run)
        )
        return report, {phone: data for phone, data in rows}


REIMPORT_DATA = [
    {"customer_name": "Ana", "balance": -5, "due_date": "2026-12-20", "autopay": True,
     "zip": "02134", "email": "ana@example.invalid", "notes": "line one\nline two, \"quoted\"",
     "alt_phone": "+442071838750", "visits": 3, "timezone": "Europe/London"},
    {"customer_name": "Zoé Müller", "balance": 120.5, "due_date": None, "autopay": False,
     "zip": None, "email": None, "notes": "semi; colon", "alt_phone": None, "visits": None},
]


def test_export_reimports_through_importer(engine: Engine, run_id: int) -> None:
    phones = ["+12025550160", "+12025550161"]
    for phone, data in zip(phones, REIMPORT_DATA, strict=True):
        add_recipient(engine, run_id, data, phone_number=phone, status="completed")

    report, imported = reimport(engine, run_id, export_recipients(engine, run_id))

    assert report.accepted == len(phones)
    assert report.row_error_count == 0
    for phone, data in zip(phones, REIMPORT_DATA, strict=True):
        for name in [*field_names(), "timezone"]:
            assert imported[phone].get(name) == data.get(name), (phone, name)


def test_guarded_text_reimports_unchanged(engine: Engine, run_id: int) -> None:
    add_recipient(engine, run_id, {"customer_name": HYPERLINK}, phone_number="+12025550170")

    _, imported = reimport(engine, run_id, export_recipients(engine, run_id))

    assert imported["+12025550170"]["customer_name"] == HYPERLINK


def test_extension_survives_reimport(engine: Engine, run_id: int) -> None:
    add_recipient(engine, run_id, {"customer_name": "Ext Test"}, phone_number="+12025550171")
    with engine.begin() as conn:
        conn.execute(sql("UPDATE recipients SET phone_extension = '12' WHERE phone_number = '+12025550171'"))

    exported = export_recipients(engine, run_id)
    report, _ = reimport(engine, run_id, exported)

    assert exported.splitlines()[0].endswith(",phone_extension")
    assert report.row_error_count == 0
    with engine.connect() as conn:
        extensions = conn.execute(sql("SELECT phone_extension FROM recipients WHERE phone_number = '+12025550171'")).scalars().all()
    assert extensions == ["12", "12"]
