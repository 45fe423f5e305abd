"""The kinds of real-world files each import case stands for, imported on each database.

Each test writes its variants to tmp_path, imports them into a new draft run of
the payment-reminder journey and reads the recipients back.
"""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from conftest import load_fixture_json, make_run
from journeys.errors import ImportFileError
from journeys.importer.options import ImportOptions
from journeys.importer.report import ImportReport
from journeys.importer.service import import_recipients
from journeys.storage.schema import recipients

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def import_bytes(
    engine: Engine, tmp_path: Path, data: bytes, **options: Any
) -> tuple[int, ImportReport]:
    path = tmp_path / "recipients.csv"
    path.write_bytes(data)
    run_id = make_run(engine, load_fixture_json("journey-reminder.json"))
    report = import_recipients(engine, run_id, path, options=ImportOptions(**options), now=NOW)
    return run_id, report


def import_text(
    engine: Engine, tmp_path: Path, text: str, **options: Any
) -> tuple[int, ImportReport]:
    return import_bytes(engine, tmp_path, text.encode("utf-8"), **options)


def stored(engine: Engine, run_id: int) -> dict[str, dict[str, Any]]:
    query = select(recipients).where(recipients.c.run_id == run_id).order_by(recipients.c.id)
    with engine.connect() as conn:
        return {row["phone_number"]: dict(row) for row in conn.execute(query).mappings()}


def errors_of(report: ImportReport) -> list[tuple[int, str | None, str]]:
    return [(error.line, error.column, error.reason) for error in report.row_errors]


# --- Encodings ---------------------------------------------------------------------------

NAMES_TEXT = "phone_number,customer_name\n+12025550118,François Test\n+12025550119,Zoë Demo\n"
NAMES = {"+12025550118": "François Test", "+12025550119": "Zoë Demo"}


@pytest.mark.parametrize(
    ("data", "options", "reported"),
    [
        (NAMES_TEXT.encode("utf-8"), {}, "utf-8"),
        (codecs.BOM_UTF8 + NAMES_TEXT.encode("utf-8"), {}, "utf-8"),
        (
            codecs.BOM_UTF16_LE + NAMES_TEXT.replace(",", "\t").replace("\n", "\r\n").encode("utf-16-le"),
            {},
            "utf-16-le",
        ),
        (
            codecs.BOM_UTF16_BE + NAMES_TEXT.replace(",", "\t").encode("utf-16-be"),
            {},
            "utf-16-be",
        ),
        (NAMES_TEXT.replace("\n", "\r\n").encode("cp1252"), {}, "windows-1252"),
        (NAMES_TEXT.encode("latin-1"), {"encoding": "iso-8859-1"}, "iso8859-1"),
        (NAMES_TEXT.encode("cp1252"), {"encoding": "windows-1252"}, "windows-1252"),
        (NAMES_TEXT.encode("utf-16-le"), {"encoding": "utf-16-le"}, "utf-16-le"),
    ],
    ids=[
        "utf-8", "utf-8-bom", "excel-unicode-text-le", "utf-16-be-bom", "windows-1252-fallback",
        "declared-latin-1", "declared-windows-1252", "declared-utf-16-le-no-bom",
    ],
)
def test_import_encodings(
    engine: Engine, tmp_path: Path, data: bytes, options: dict[str, str], reported: str
) -> None:
    run_id, report = import_bytes(engine, tmp_path, data, **options)
    rows = stored(engine, run_id)

    assert report.encoding == reported
    assert report.encoding_fallback is (reported == "windows-1252" and not options)
    assert {phone: row["data"]["customer_name"] for phone, row in rows.items()} == NAMES


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_import_undecodable_byte_stores_nothing(engine: Engine, tmp_path: Path, byte: bytes) -> None:
    data = NAMES_TEXT.encode("cp1252") + b"+12025550120,Bad " + byte + b" byte\n"

    with pytest.raises(ImportFileError) as caught:
        import_bytes(engine, tmp_path, data)

    assert "Line 4 " in str(caught.value)
    assert f"0x{byte[0]:02X}" in str(caught.value)
    with engine.connect() as conn:
        assert conn.execute(select(recipients.c.id)).all() == []


def test_import_never_stores_replacement_character(engine: Engine, tmp_path: Path) -> None:
    run_id, _ = import_bytes(engine, tmp_path, NAMES_TEXT.encode("cp1252"))

    for row in stored(engine, run_id).values():
        assert "\ufffd" not in row["data"]["customer_name"]


# --- Delimiters, quoting and line endings ----------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_import_delimiters_quotes_and_line_endings(
    engine: Engine, tmp_path: Path, delimiter: str, newline: str
) -> None:
    lines = [
        delimiter.join(["phone_number", "customer_name", "notes"]),
        delimiter.join(["+12025550105", f'"Test{delimiter} Ana"', f'"Call after 5pm{newline}side door"']),
        delimiter.join(["+12025550106", "Ben Sample", '"He said ""no"""']),
        delimiter.join(["", ""]),
        delimiter.join(["+12025550107", "Cy Demo", ""]),
    ]
    run_id, report = import_text(engine, tmp_path, newline.join(lines) + newline)
    rows = stored(engine, run_id)

    assert report.delimiter == delimiter
    assert report.accepted == 3
    assert report.blank_rows == 1
    assert rows["+12025550105"]["data"]["customer_name"] == f"Test{delimiter} Ana"
    assert rows["+12025550105"]["data"]["notes"] == "Call after 5pm\nside door"
    assert rows["+12025550106"]["data"]["notes"] == 'He said "no"'
    assert [row["line"] for row in rows.values()] == [2, 4, 6]


def test_import_excel_crlf_with_lf_inside_cells(engine: Engine, tmp_path: Path) -> None:
    # Excel for Windows ends records with CRLF but writes LF inside a quoted cell.
    text = (
        "phone_number,customer_name,notes\r\n"
        '+12025550105,Ana,"line one\nline two"\r\n+12025550106,Ben,x\r\n'
    )

    run_id, report = import_text(engine, tmp_path, text)
    rows = stored(engine, run_id)

    assert report.accepted == 2
    assert rows["+12025550105"]["data"]["notes"] == "line one\nline two"
    assert rows["+12025550106"]["line"] == 4


@pytest.mark.parametrize("delimiter", [";", "\t", "|"], ids=["semicolon", "tab", "pipe"])
def test_import_declared_delimiter(engine: Engine, tmp_path: Path, delimiter: str) -> None:
    # The header has more commas than `delimiter`, so detection alone picks ','.
    header = delimiter.join(["phone_number", "customer_name", "notes,a,b,c"])
    text = f"{header}\n" + delimiter.join(["+12025550105", "Ana", "x,y,z,w"]) + "\n"

    with pytest.raises(ImportFileError, match="no column maps to phone_number"):
        import_text(engine, tmp_path, text)
    run_id, report = import_text(engine, tmp_path, text, delimiter=delimiter)

    assert report.delimiter == delimiter
    assert stored(engine, run_id)["+12025550105"]["data"]["customer_name"] == "Ana"
    assert report.unmapped_columns == ["notes,a,b,c"]


@pytest.mark.parametrize(
    "blank", ["", ",", ",,", " , ", '"",""', "\t", ",,,,,"], ids=repr
)
def test_import_skips_blank_rows(engine: Engine, tmp_path: Path, blank: str) -> None:
    text = f"phone_number,customer_name\n{blank}\n+12025550107,Ana Test\n{blank}\n{blank}\n"

    run_id, report = import_text(engine, tmp_path, text)

    assert report.accepted == 1
    assert report.row_errors == []
    assert report.blank_rows == 3
    assert stored(engine, run_id)["+12025550107"]["line"] == 3


# --- Headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "phone_number,customer_name,balance",
        " Phone Number , Customer Name ,BALANCE",
        "PHONE-NUMBER,customer-name,Balance",
        "phone_number,CUSTOMER_NAME,balance",
        "Phone,Customer Name,Balance",
        "Mobile,customer name,balance",
        "Cell Phone,Customer  Name,balance",
        "Telephone,Customer_Name,balance",
    ],
)
def test_import_header_variants(engine: Engine, tmp_path: Path, header: str) -> None:
    run_id, report = import_text(engine, tmp_path, f"{header}\n+12025550108,Ana Test,3\n")
    row = stored(engine, run_id)["+12025550108"]

    assert report.accepted == 1
    assert row["data"]["customer_name"] == "Ana Test"
    assert row["data"]["balance"] == 3


def test_import_lists_unmapped_columns(engine: Engine, tmp_path: Path) -> None:
    text = "phone_number,customer_name,Account Id,Region\n+12025550108,Ana,A-1,East\n"

    _, report = import_text(engine, tmp_path, text)

    assert report.unmapped_columns == ["Account Id", "Region"]
    assert report.mapping == {"phone_number": "phone_number", "customer_name": "customer_name"}


def test_import_map_override_and_ignore(engine: Engine, tmp_path: Path) -> None:
    text = "Contact,Who,notes,Amount Due\n+12025550108,Ana Test,secret,4.5\n"

    run_id, report = import_text(
        engine,
        tmp_path,
        text,
        mapping={"Contact": "phone_number", "Who": "customer_name", "notes": "-", "amount due": "balance"},
    )
    data = stored(engine, run_id)["+12025550108"]["data"]

    assert data["customer_name"] == "Ana Test"
    assert data["balance"] == 4.5
    assert data["notes"] is None
    assert report.ignored_columns == ["notes"]


def test_import_required_field_without_column_is_file_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="required field customer_name"):
        import_text(engine, tmp_path, "phone_number,balance\n+12025550108,3\n")


def test_import_ignoring_phone_column_is_file_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no column maps to phone_number"):
        import_text(
            engine, tmp_path, "phone,customer_name\n+12025550108,Ana\n", mapping={"phone": "-"}
        )


# --- Values by type ------------------------------------------------------------------------


def test_import_booleans_table(engine: Engine, tmp_path: Path) -> None:
    spellings = {
        "true": True, "TRUE": True, "Yes": True, "y": True, "Y": True, "1": True,
        "false": False, "False": False, "NO": False, "n": False, "0": False, "": None,
    }
    lines = ["phone_number,customer_name,autopay"]
    phones = {}
    for index, (text, value) in enumerate(spellings.items()):
        phone = f"+120255501{index + 10:02d}"
        phones[phone] = value
        lines.append(f"{phone},Test,{text}")
    lines.append("+12025550199,Test,maybe")

    run_id, report = import_text(engine, tmp_path, "\n".join(lines) + "\n")
    rows = stored(engine, run_id)

    assert {phone: rows[phone]["data"]["autopay"] for phone in phones} == phones
    assert errors_of(report) == [(len(lines), "autopay", "invalid boolean")]


def test_import_numbers_with_decimal_point(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number,customer_name,balance\n"
        "+12025550101,A,12.50\n+12025550102,A,\"1,234.50\"\n+12025550103,A,7\n"
        "+12025550104,A,\"1,234\"\n+12025550105,A,\"12,5\"\n"
    )

    run_id, report = import_text(engine, tmp_path, text)
    rows = stored(engine, run_id)

    assert [row["data"]["balance"] for row in rows.values()] == [12.5, 1234.5, 7]
    assert errors_of(report) == [
        (5, "balance", "ambiguous number"),
        (6, "balance", "invalid number"),
    ]


def test_import_numbers_with_declared_decimal_comma(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number;customer_name;balance\n"
        "+12025550101;A;12,50\n+12025550102;A;1.234,50\n+12025550103;A;1 234,5\n"
        "+12025550104;A;1.234\n+12025550105;A;12.5\n"
    )

    run_id, report = import_text(engine, tmp_path, text, decimal=",")
    rows = stored(engine, run_id)

    assert [row["data"]["balance"] for row in rows.values()] == [12.5, 1234.5, 1234.5]
    assert errors_of(report) == [
        (5, "balance", "ambiguous number"),
        (6, "balance", "invalid number"),
    ]


def test_import_dates_iso(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number,customer_name,due_date\n"
        "+12025550101,A,2026-03-01\n+12025550102,A,03/01/2026\n+12025550103,A,2026-02-30\n"
    )

    run_id, report = import_text(engine, tmp_path, text)

    assert stored(engine, run_id)["+12025550101"]["data"]["due_date"] == "2026-03-01"
    assert errors_of(report) == [(3, "due_date", "invalid date"), (4, "due_date", "invalid date")]


@pytest.mark.parametrize(
    ("date_format", "cells", "expected"),
    [
        ("%d/%m/%Y", ["03/01/2026", "28/02/2026"], ["2026-01-03", "2026-02-28"]),
        ("%m/%d/%Y", ["03/01/2026", "12/31/2026"], ["2026-03-01", "2026-12-31"]),
        ("%d.%m.%Y", ["1.3.2026", "01.03.2026"], ["2026-03-01", "2026-03-01"]),
    ],
)
def test_import_dates_declared_format(
    engine: Engine, tmp_path: Path, date_format: str, cells: list[str], expected: list[str]
) -> None:
    lines = ["phone_number,customer_name,due_date"]
    lines += [f"+1202555010{index},A,{cell}" for index, cell in enumerate(cells)]
    lines.append("+12025550109,A,2026-03-01")

    run_id, report = import_text(engine, tmp_path, "\n".join(lines) + "\n", date_format=date_format)

    assert [row["data"]["due_date"] for row in stored(engine, run_id).values()] == expected
    assert errors_of(report) == [(len(lines), "due_date", "invalid date")]


def test_import_email_and_zip(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number,customer_name,email,zip\n"
        "+12025550101,A,ana@example.com,02116\n+12025550102,A,not-an-email,02117\n"
    )

    run_id, report = import_text(engine, tmp_path, text)
    data = stored(engine, run_id)["+12025550101"]["data"]

    assert data["email"] == "ana@example.com"
    assert data["zip"] == "02116"
    assert errors_of(report) == [(3, "email", "invalid email")]


def test_import_timezone_column(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number,customer_name,Time Zone\n"
        "+12025550101,A,america/chicago\n+12025550102,A,\n+12025550103,A,Mars/Base\n"
    )

    run_id, report = import_text(engine, tmp_path, text)
    rows = stored(engine, run_id)

    assert rows["+12025550101"]["data"]["timezone"] == "America/Chicago"
    assert rows["+12025550101"]["timezones"] == "America/Chicago"
    assert "timezone" not in rows["+12025550102"]["data"]
    assert rows["+12025550102"]["timezones"] == "America/New_York"
    assert errors_of(report) == [(4, "timezone", "invalid timezone")]


# --- Phones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "cells", "expected"),
    [
        ("US", ["(202) 555-0101", "202.555.0102", "1-202-555-0103", "+61 491 570 156"],
         ["+12025550101", "+12025550102", "+12025550103", "+61491570156"]),
        ("AU", ["0491 570 156", "0491570157", "+61 491 570 158", "+1 202 555 0101"],
         ["+61491570156", "+61491570157", "+61491570158", "+12025550101"]),
    ],
)
def test_import_national_phone_formats(
    engine: Engine, tmp_path: Path, region: str, cells: list[str], expected: list[str]
) -> None:
    lines = ["phone_number,customer_name"] + [f'"{cell}",A' for cell in cells]

    run_id, report = import_text(engine, tmp_path, "\n".join(lines) + "\n", default_region=region)

    assert list(stored(engine, run_id)) == expected
    assert report.row_errors == []


def test_import_rejects_invalid_phones(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number,customer_name\n"
        "07700 900123,Drama\n+44 7700 900456,Drama\n555-0101,Short\n+12025550101,Good\n"
    )

    run_id, report = import_text(engine, tmp_path, text, default_region="GB")

    assert list(stored(engine, run_id)) == ["+12025550101"]
    assert errors_of(report) == [
        (2, "phone_number", "invalid phone number"),
        (3, "phone_number", "invalid phone number"),
        (4, "phone_number", "invalid phone number"),
    ]


def test_import_national_phone_without_region_is_row_error(engine: Engine, tmp_path: Path) -> None:
    _, report = import_text(engine, tmp_path, "phone_number,customer_name\n(202) 555-0101,A\n")

    assert errors_of(report) == [(2, "phone_number", "invalid phone number")]
    assert "--default-region" in report.row_errors[0].message


@pytest.mark.parametrize(
    ("cell", "extension"),
    [
        ("+1 202 555 0110 x12", "12"),
        ("+1 202 555 0110 X 12", "12"),
        ("(202) 555-0110 ext. 7", "7"),
        ("(202) 555-0110 ext 7", "7"),
        ("(202) 555-0110 Ext.7", "7"),
        ("(202) 555-0110 extension 7", "7"),
        ("(202) 555-0110 #7", "7"),
        ("202-555-0110;ext=7", "7"),
    ],
)
def test_import_phone_extensions(engine: Engine, tmp_path: Path, cell: str, extension: str) -> None:
    text = f'phone_number,customer_name\n"{cell}",Ana\n'

    run_id, _ = import_text(engine, tmp_path, text, default_region="US")
    row = stored(engine, run_id)["+12025550110"]

    assert row["phone_extension"] == extension


@pytest.mark.parametrize(
    ("cell", "options"),
    [
        ("1.20256E+10", {}),
        ("1.20256e10", {}),
        ("1.20256E10", {"default_region": "US"}),
        ("4.15555E+10", {"default_region": "US"}),
        ("4,15555E+10", {"decimal": ","}),
        ("1E+10", {}),
    ],
)
def test_import_scientific_notation_phones(
    engine: Engine, tmp_path: Path, cell: str, options: dict[str, str]
) -> None:
    delimiter = ";" if options.get("decimal") == "," else ","
    text = f"phone_number{delimiter}customer_name\n{cell}{delimiter}Ana\n+14155550131{delimiter}Ben\n"

    run_id, report = import_text(engine, tmp_path, text, **options)

    assert list(stored(engine, run_id)) == ["+14155550131"]
    assert errors_of(report) == [(2, "phone_number", "scientific notation")]


def test_import_stores_zones_of_number(engine: Engine, tmp_path: Path) -> None:
    text = "phone_number,customer_name\n+16235550115,A\n+61491570156,B\n"

    run_id, _ = import_text(engine, tmp_path, text)
    rows = stored(engine, run_id)

    assert rows["+16235550115"]["timezones"] == "America/Phoenix"
    assert "Australia/Sydney" in rows["+61491570156"]["timezones"].split(" ")


# --- Duplicates -------------------------------------------------------------------------------


def test_import_duplicates_in_several_formats(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number,customer_name\n"
        "+12025550114,Ana\n(202) 555-0114,Ben\n+1 202-555-0114,Cy\n12025550114,Di\n"
        "202.555.0114 x9,Ed\n+12025550115,Flo\n"
    )

    run_id, report = import_text(engine, tmp_path, text, default_region="US")
    rows = stored(engine, run_id)

    assert rows["+12025550114"]["data"]["customer_name"] == "Ana"
    assert report.accepted == 2
    assert report.duplicate_count == 4
    assert [(item.line, item.duplicate_of) for item in report.duplicates] == [
        (3, 2), (4, 2), (5, 2), (6, 2)
    ]


def test_import_duplicate_of_earlier_import(engine: Engine, tmp_path: Path) -> None:
    run_id = make_run(engine, load_fixture_json("journey-reminder.json"))
    first = tmp_path / "first.csv"
    first.write_text("phone_number,customer_name\n+12025550114,Ana\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(
        "phone_number,customer_name\n(202) 555-0114,Ben\n+12025550115,Cy\n", encoding="utf-8"
    )
    options = ImportOptions(default_region="US")

    import_recipients(engine, run_id, first, options=options, now=NOW)
    report = import_recipients(engine, run_id, second, options=options, now=NOW)
    rows = stored(engine, run_id)

    assert report.accepted == 1
    assert [(item.line, item.duplicate_of) for item in report.duplicates] == [
        (2, "already in the run")
    ]
    assert rows["+12025550114"]["data"]["customer_name"] == "Ana"


# --- Required fields and row shape ------------------------------------------------------------


def test_import_required_field_empty(engine: Engine, tmp_path: Path) -> None:
    text = "phone_number,customer_name\n+12025550116,\n+12025550117,  \n+12025550118,Ana\n"

    run_id, report = import_text(engine, tmp_path, text)

    assert list(stored(engine, run_id)) == ["+12025550118"]
    assert errors_of(report) == [(2, "customer_name", "required"), (3, "customer_name", "required")]


def test_import_row_with_several_errors_lists_each(engine: Engine, tmp_path: Path) -> None:
    text = "phone_number,customer_name,autopay,balance\n1.2E+10,,maybe,x\n"

    _, report = import_text(engine, tmp_path, text)

    assert report.rejected_rows == 1
    assert errors_of(report) == [
        (2, "phone_number", "scientific notation"),
        (2, "customer_name", "required"),
        (2, "balance", "invalid number"),
        (2, "autopay", "invalid boolean"),
    ]


def test_import_missing_cells_are_empty(engine: Engine, tmp_path: Path) -> None:
    text = "phone_number,customer_name,notes\n+12025550101,Ana\n+12025550102\n"

    run_id, report = import_text(engine, tmp_path, text)

    assert stored(engine, run_id)["+12025550101"]["data"]["notes"] is None
    assert errors_of(report) == [(3, "customer_name", "required")]


def test_import_extra_cells_are_row_error(engine: Engine, tmp_path: Path) -> None:
    text = (
        "phone_number,customer_name\n"
        "+12025550101,Test, Ana\n+12025550102,Ben,,\n+12025550103,\"Test, Cy\"\n"
    )

    run_id, report = import_text(engine, tmp_path, text)

    assert list(stored(engine, run_id)) == ["+12025550102", "+12025550103"]
    assert errors_of(report) == [(2, None, "too many cells")]
    assert report.row_errors[0].value == " Ana"
