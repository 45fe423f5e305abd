"""The kinds of real-world files each import case stands for, sent over the HTTP API.

tests/test_import_kinds.py imports these kinds through the library. Here each
file is uploaded as multipart form data, with the import's options as form
fields, into a draft run of the payment-reminder journey. The report, the dry
run's preview, the recipients list and the export are read back over HTTP.
Variants combine what real files combine, such as a byte-order mark with
another header spelling, or a delimiter with a line ending.
"""

from __future__ import annotations

import codecs
from typing import Any

import pytest
from api_helpers import client_as
from api_import_helpers import (
    export_rows,
    new_reminder_run,
    recipient_data,
    register_reminder_senders,
    upload,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, select

from journeys.storage.schema import imports

FILENAME = "recipients.csv"


@pytest.fixture
def api(app: FastAPI) -> FastAPI:
    register_reminder_senders(app)
    return app


def import_into_new_run(client: TestClient, data: bytes, **fields: Any) -> tuple[int, Response]:
    run_id = new_reminder_run(client)
    return run_id, upload(client, run_id, FILENAME, data, **fields)


def accepted_report(response: Response, status_code: int = 201) -> dict[str, Any]:
    """Return the report of an import that got `status_code`: 201 when stored, 200 for a dry run."""
    assert response.status_code == status_code, response.text
    report: dict[str, Any] = response.json()
    return report


def errors_of(report: dict[str, Any]) -> list[tuple[int, str | None, str]]:
    return [(error["line"], error["column"], error["reason"]) for error in report["row_errors"]]


def data_of(client: TestClient, run_id: int, name: str) -> dict[str, Any]:
    """Return the value of data field `name` of each recipient, by phone number."""
    return {phone: item["data"][name] for phone, item in recipient_data(client, run_id).items()}


def stored_import_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(imports.c.id)).all())


def assert_file_error_stores_nothing(
    client: TestClient, engine: Engine, data: bytes, fragments: list[str], **fields: Any
) -> None:
    """Upload `data` as a dry run and for real; the import gets a 422 and nothing is stored.

    A dry run gets the same 422, except for a file where no column maps to
    phone_number: there it returns 200 with the proposed mapping, so that the
    user can choose the phone column, and the same message under `file_error`.
    """
    run_id = new_reminder_run(client)
    dry = upload(client, run_id, FILENAME, data, dry_run="true", **fields)
    real = upload(client, run_id, FILENAME, data, **fields)

    assert real.status_code == 422, real.text
    assert real.json()["code"] == "import_file_error"
    for fragment in fragments:
        assert fragment in real.json()["message"]

    if "no column maps to phone_number" in real.json()["message"]:
        assert dry.status_code == 200, dry.text
        assert dry.json()["file_error"] == {"code": "phone_column_missing", "message": real.json()["message"]}
        assert dry.json()["accepted"] == 0
    else:
        assert dry.status_code == 422, dry.text
        assert dry.json() == real.json()
    assert recipient_data(client, run_id) == {}
    assert stored_import_count(engine) == 0


# --- Encodings and byte-order marks ------------------------------------------------------

NAMES = {"+12025550118": "François Test", "+12025550119": "Zoë Demo"}


def names_file(header: list[str], *, delimiter: str = ",", newline: str = "\n") -> str:
    rows = [header, *([phone, name] for phone, name in NAMES.items())]
    return "".join(delimiter.join(cells) + newline for cells in rows)


ENCODED_FILES = [
    pytest.param(
        codecs.BOM_UTF8 + names_file([" Phone Number ", " Customer Name "]).encode("utf-8"),
        {}, "utf-8", False, [" Phone Number ", " Customer Name "],
        id="utf-8-bom-spaced-header",
    ),
    pytest.param(
        codecs.BOM_UTF8 + names_file(['"Phone"', '"Customer Name"'], newline="\r\n").encode("utf-8"),
        {}, "utf-8", False, ["Phone", "Customer Name"],
        id="excel-csv-utf-8-quoted-alias",
    ),
    pytest.param(
        codecs.BOM_UTF8 + names_file(["Mobile", "customer name"], delimiter=";").encode("utf-8"),
        {"encoding": "utf-8"}, "utf-8", False, ["Mobile", "customer name"],
        id="utf-8-bom-declared-utf-8",
    ),
    pytest.param(
        codecs.BOM_UTF8 + names_file(["PHONE-NUMBER", "Customer-Name"]).encode("utf-8"),
        {"encoding": "utf-8-sig"}, "utf-8", False, ["PHONE-NUMBER", "Customer-Name"],
        id="utf-8-bom-declared-utf-8-sig",
    ),
    pytest.param(
        codecs.BOM_UTF16_LE
        + names_file(["Mobile", "Customer Name"], delimiter="\t", newline="\r\n").encode("utf-16-le"),
        {}, "utf-16-le", False, ["Mobile", "Customer Name"],
        id="excel-unicode-text-mobile",
    ),
    pytest.param(
        codecs.BOM_UTF16_BE + names_file(["Cell Phone", "Customer_Name"]).encode("utf-16-be"),
        {}, "utf-16-be", False, ["Cell Phone", "Customer_Name"],
        id="utf-16-be-bom-cell-phone",
    ),
    pytest.param(
        codecs.BOM_UTF16_LE + names_file(["Telephone", "customerName"], delimiter="|").encode("utf-16-le"),
        {"encoding": "utf-16"}, "utf-16-le", False, ["Telephone", "customerName"],
        id="utf-16-le-bom-declared-utf-16",
    ),
    pytest.param(
        names_file(["phone_number", "customer_name"], delimiter="\t").encode("utf-16-le"),
        {"encoding": "utf-16-le"}, "utf-16-le", False, ["phone_number", "customer_name"],
        id="declared-utf-16-le-no-bom",
    ),
    pytest.param(
        names_file(["Phone", "CUSTOMER_NAME"]).encode("utf-16-be"),
        {"encoding": "UTF-16BE"}, "utf-16-be", False, ["Phone", "CUSTOMER_NAME"],
        id="declared-utf-16-be-no-bom",
    ),
    pytest.param(
        names_file(["Phone Number", "Customer Name"], delimiter=";", newline="\r\n").encode("cp1252"),
        {}, "windows-1252", True, ["Phone Number", "Customer Name"],
        id="windows-1252-fallback",
    ),
    pytest.param(
        names_file(["phone_number", "customer_name"]).encode("cp1252"),
        {"encoding": "cp1252"}, "windows-1252", False, ["phone_number", "customer_name"],
        id="declared-cp1252",
    ),
    pytest.param(
        names_file(["phone_number", "customer_name"]).encode("latin-1"),
        {"encoding": "iso-8859-1"}, "iso8859-1", False, ["phone_number", "customer_name"],
        id="declared-latin-1",
    ),
]


@pytest.mark.parametrize(("data", "fields", "reported", "fallback", "headers"), ENCODED_FILES)
def test_api_import_encodings(
    api: FastAPI, data: bytes, fields: dict[str, str], reported: str, fallback: bool, headers: list[str]
) -> None:
    with client_as(api, "operator") as client:
        run_id = new_reminder_run(client)
        dry = accepted_report(upload(client, run_id, FILENAME, data, dry_run="true", **fields), 200)
        report = accepted_report(upload(client, run_id, FILENAME, data, **fields))
        names = data_of(client, run_id, "customer_name")

    assert report["encoding"] == reported
    assert report["encoding_fallback"] is fallback
    assert report["mapping"] == {headers[0].strip(): "phone_number", headers[1].strip(): "customer_name"}
    assert report["row_errors"] == []
    assert names == NAMES
    assert dry["preview"]["headers"] == headers
    assert [row["cells"][1] for row in dry["preview"]["rows"]] == list(NAMES.values())


@pytest.mark.parametrize(
    ("data", "fields", "fragments"),
    [
        pytest.param(
            names_file(["phone_number", "customer_name"]).encode("utf-16-le"), {},
            ["UTF-16 without a byte-order mark"],
            id="utf-16-le-no-bom-undeclared",
        ),
        pytest.param(
            names_file(["phone_number", "customer_name"]).encode("cp1252") + b"+12025550120,Bad \x81 byte\n", {},
            ["Line 4 ", "0x81"],
            id="byte-undefined-in-windows-1252",
        ),
        pytest.param(
            names_file(["phone_number", "customer_name"]).encode("utf-8") + b"+12025550120,Ren\xe9\n", {},
            ["Line 4 ", "0xE9", "not valid UTF-8"],
            id="utf-8-damaged-after-valid-letters",
        ),
        pytest.param(
            names_file(["phone_number", "customer_name"]).encode("cp1252"), {"encoding": "utf-8"},
            ["Line 2 ", "not valid utf-8"],
            id="declared-utf-8-for-windows-1252",
        ),
        pytest.param(
            codecs.BOM_UTF8 + names_file(["phone_number", "customer_name"]).encode("utf-8"),
            {"encoding": "utf-16-le"},
            ["utf-8 byte-order mark", "utf-16-le"],
            id="bom-contradicts-declared",
        ),
        pytest.param(
            names_file(["phone_number", "customer_name"]).encode("utf-16-le"), {"encoding": "utf-16"},
            ["needs a byte-order mark"],
            id="declared-utf-16-without-bom",
        ),
    ],
)
def test_api_import_encoding_file_errors(
    api: FastAPI, engine: Engine, data: bytes, fields: dict[str, str], fragments: list[str]
) -> None:
    with client_as(api, "operator") as client:
        assert_file_error_stores_nothing(client, engine, data, fragments, **fields)


def test_api_import_unknown_encoding_is_422(api: FastAPI) -> None:
    data = names_file(["phone_number", "customer_name"]).encode("utf-8")
    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data, encoding="klingon")
        stored = recipient_data(client, run_id)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "'klingon'" in response.json()["message"]
    assert stored == {}


def test_api_import_no_replacement_character(api: FastAPI) -> None:
    data = names_file(["phone_number", "customer_name"]).encode("cp1252")
    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        rows = export_rows(client, run_id)

    assert response.status_code == 201
    assert [row["customer_name"] for row in rows] == list(NAMES.values())
    assert all("\ufffd" not in cell for row in rows for cell in row.values())


# --- Delimiters, quoting, line endings and blank rows ------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_api_import_delimiters_and_line_endings(api: FastAPI, delimiter: str, newline: str) -> None:
    lines = [
        delimiter.join(["phone_number", "customer_name", "notes", "autopay"]),
        delimiter.join(["+12025550105", f'"Test{delimiter} Ana"', f'"Call after 5pm{newline}side door"', "yes"]),
        delimiter.join(["+12025550106", "Ben Sample", '"He said ""no"""', ""]),
        delimiter.join(["", "", "", ""]),
        delimiter.join(["+12025550107", "Cy Demo", "", "maybe"]),
        delimiter.join(["+12025550108", "Di Demo", "x", "no"]),
    ]
    data = (newline.join(lines) + newline).encode("utf-8")

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        notes = data_of(client, run_id, "notes")
        names = data_of(client, run_id, "customer_name")

    report = accepted_report(response)
    assert report["delimiter"] == delimiter
    assert report["accepted"] == 3
    assert report["blank_rows"] == 1
    # The quoted line break makes the first record two lines long, so Cy is on line 6.
    assert errors_of(report) == [(6, "autopay", "invalid boolean")]
    assert names["+12025550105"] == f"Test{delimiter} Ana"
    assert notes == {
        "+12025550105": "Call after 5pm\nside door",
        "+12025550106": 'He said "no"',
        "+12025550108": "x",
    }


@pytest.mark.parametrize(
    ("declared", "delimiter"),
    [(";", ";"), ("semicolon", ";"), ("\t", "\t"), ("tab", "\t"), ("|", "|"), ("pipe", "|")],
    ids=["semicolon", "semicolon-name", "tab", "tab-name", "pipe", "pipe-name"],
)
def test_api_import_declared_delimiter(api: FastAPI, engine: Engine, declared: str, delimiter: str) -> None:
    # The header has more commas than `delimiter`, so detection alone picks ','.
    header = delimiter.join(["phone_number", "customer_name", "notes,a,b,c"])
    data = (f"{header}\n" + delimiter.join(["+12025550105", "Ana", "x,y,z,w"]) + "\n").encode("utf-8")

    with client_as(api, "operator") as client:
        assert_file_error_stores_nothing(client, engine, data, ["no column maps to phone_number"])
        run_id, response = import_into_new_run(client, data, delimiter=declared)
        names = data_of(client, run_id, "customer_name")

    report = accepted_report(response)
    assert report["delimiter"] == delimiter
    assert report["unmapped_columns"] == ["notes,a,b,c"]
    assert names == {"+12025550105": "Ana"}


def test_api_import_unclear_delimiter_is_422(api: FastAPI, engine: Engine) -> None:
    data = b"phone_number;customer_name,notes\n+12025550105;Ana,x\n"

    with client_as(api, "operator") as client:
        assert_file_error_stores_nothing(client, engine, data, ["1 comma and 1 semicolon", "unclear"])


def test_api_import_decimal_comma(api: FastAPI) -> None:
    # Spreadsheets in locales that use ',' for decimals write ';' between cells.
    data = (
        "phone_number;customer_name;balance\r\n"
        "+12025550101;A;12,50\r\n+12025550102;A;1.234,50\r\n+12025550103;A;1 234,5\r\n"
        "+12025550104;A;1.234\r\n"
    ).encode("cp1252")

    with client_as(api, "operator") as client:
        run_id, with_comma = import_into_new_run(client, data, decimal=",")
        balances = data_of(client, run_id, "balance")
        _, with_point = import_into_new_run(client, data, dry_run="true")

    assert balances == {"+12025550101": 12.5, "+12025550102": 1234.5, "+12025550103": 1234.5}
    assert errors_of(accepted_report(with_comma)) == [(5, "balance", "ambiguous number")]
    assert errors_of(accepted_report(with_point, 200)) == [
        (2, "balance", "invalid number"),
        (3, "balance", "invalid number"),
        (4, "balance", "invalid number"),
    ]


def blank_rows(delimiter: str) -> list[str]:
    """Return rows that a spreadsheet writes for an empty line, as `delimiter` separates them."""
    return ["", delimiter, delimiter * 2, f" {delimiter} ", f'""{delimiter}""', " ", "\t"]


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"], ids=["utf-8", "utf-16-bom"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_api_import_skips_blank_rows(api: FastAPI, delimiter: str, codec: str) -> None:
    blanks = blank_rows(delimiter)
    lines = [f"phone_number{delimiter}customer_name", *blanks, f"+12025550107{delimiter}Ana Test", *blanks]
    data = ("\r\n".join(lines) + "\r\n").encode(codec)

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        names = data_of(client, run_id, "customer_name")

    report = accepted_report(response)
    assert report["row_errors"] == []
    assert report["accepted"] == 1
    assert report["blank_rows"] == 2 * len(blanks)
    assert names == {"+12025550107": "Ana Test"}


# --- Headers and mapping ----------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "phone_number,customer_name,balance",
        " Phone Number , Customer Name ,BALANCE",
        "PHONE-NUMBER,customer-name,Balance",
        "Phone,Customer Name,Balance",
        "Mobile,customer name,balance",
        "Cell Phone,Customer  Name,balance",
        "Telephone,Customer_Name,balance",
        "Tel,customerName,Balance",
    ],
)
@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no-bom", "bom"])
def test_api_import_header_variants(api: FastAPI, header: str, bom: bytes) -> None:
    data = bom + f"{header}\r\n+12025550108,Ana Test,3\r\n".encode("utf-8")

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        stored = recipient_data(client, run_id)

    report = accepted_report(response)
    assert report["accepted"] == 1
    assert sorted(report["mapping"].values()) == ["balance", "customer_name", "phone_number"]
    assert stored["+12025550108"]["data"]["customer_name"] == "Ana Test"
    assert stored["+12025550108"]["data"]["balance"] == 3


def test_api_import_mapping_after_bom(api: FastAPI) -> None:
    # The byte-order mark sits before the first header, the column that the mapping names.
    data = codecs.BOM_UTF8 + "Contact;Who;notes;Amount Due\r\n+12025550108;Ana Test;secret;4,5\r\n".encode("utf-8")
    mapping = ["Contact=phone_number", "WHO=customer_name", "notes=-", "amount due=balance"]

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data, mapping=mapping, decimal=",")
        stored = recipient_data(client, run_id)

    report = accepted_report(response)
    assert report["mapping"] == {"Contact": "phone_number", "Who": "customer_name", "Amount Due": "balance"}
    assert report["ignored_columns"] == ["notes"]
    assert stored["+12025550108"]["data"]["customer_name"] == "Ana Test"
    assert stored["+12025550108"]["data"]["balance"] == 4.5
    assert stored["+12025550108"]["data"]["notes"] is None


@pytest.mark.parametrize(
    ("data", "fields", "fragments"),
    [
        pytest.param(b"customer_name,balance\nAna Test,4\n", {}, ["no column maps to phone_number"], id="comma"),
        pytest.param(
            codecs.BOM_UTF8 + b"Customer Name;Balance\r\nAna Test;4\r\n", {},
            ["no column maps to phone_number", "'Customer Name', 'Balance'"],
            id="bom-semicolon",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + "Name\tcustomer_name\r\nAna\tAna Test\r\n".encode("utf-16-le"), {},
            ["no column maps to phone_number", "'Name', 'customer_name'"],
            id="utf-16-tab",
        ),
        pytest.param(
            b"phone,customer_name\n+12025550108,Ana\n", {"mapping": ["phone=-"]},
            ["no column maps to phone_number"],
            id="phone-column-ignored",
        ),
        pytest.param(
            b"phone_number,balance\n+12025550108,3\n", {},
            ["required field customer_name"],
            id="required-field-without-column",
        ),
        pytest.param(
            b"phone_number,Phone Number,customer_name\n+12025550108,+12025550109,Ana\n", {},
            ["'phone_number' and 'Phone Number' both map to phone_number"],
            id="two-phone-columns",
        ),
        pytest.param(b"", {}, ["The file is empty"], id="empty-file"),
        pytest.param(codecs.BOM_UTF8 + b"\r\n\r\n", {}, ["The file is empty"], id="bom-and-blank-lines-only"),
    ],
)
def test_api_import_unmappable_files_are_422(
    api: FastAPI, engine: Engine, data: bytes, fields: dict[str, Any], fragments: list[str]
) -> None:
    with client_as(api, "operator") as client:
        assert_file_error_stores_nothing(client, engine, data, fragments, **fields)


# --- Phones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "cells", "expected"),
    [
        ("US", ["(202) 555-0101", "202.555.0102", "1-202-555-0103", "+61 491 570 156"],
         ["+12025550101", "+12025550102", "+12025550103", "+61491570156"]),
        ("AU", ["0491 570 156", "0491570157", "+61 491 570 158", "+1 202 555 0101"],
         ["+61491570156", "+61491570157", "+61491570158", "+12025550101"]),
        ("au", ["0491 570 156", "(02) 9876 5432"], ["+61491570156", "+61298765432"]),
        ("GB", ["07911 123456", "020 7946 0018"], ["+447911123456", "+442079460018"]),
    ],
)
def test_api_import_default_region(api: FastAPI, region: str, cells: list[str], expected: list[str]) -> None:
    lines = ["phone_number,customer_name,zip"]
    lines += [f'"{cell}",Ana,0211{index}' for index, cell in enumerate(cells)]
    lines.append(",Ben Sample,02199")
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data, default_region=region)
        zips = data_of(client, run_id, "zip")
        exported = export_rows(client, run_id)

    report = accepted_report(response)
    assert list(zips) == expected
    assert list(zips.values()) == [f"0211{index}" for index in range(len(cells))]
    assert [row["phone_number"] for row in exported] == expected
    assert [row["zip"] for row in exported] == [f"0211{index}" for index in range(len(cells))]
    assert errors_of(report) == [(len(lines), "phone_number", "missing")]


def test_api_import_national_number_without_region(api: FastAPI) -> None:
    data = b"phone_number,customer_name\n(202) 555-0101,A\n0491 570 156,B\n+12025550102,C\n"

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        stored = recipient_data(client, run_id)

    report = accepted_report(response)
    assert list(stored) == ["+12025550102"]
    assert errors_of(report) == [(2, "phone_number", "invalid phone number"), (3, "phone_number", "invalid phone number")]
    assert report["row_errors"][0]["value"] == "(202) 555-0101"


def test_api_import_unknown_region_is_422(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, b"phone_number,customer_name\n0491 570 156,A\n", default_region="ZZ")
        stored = recipient_data(client, run_id)

    assert response.status_code == 422
    assert "'ZZ'" in response.json()["message"]
    assert stored == {}


@pytest.mark.parametrize(
    ("cell", "extension"),
    [
        ("+1 202 555 0110 x12", "12"),
        ("+1 202 555 0110 X 12", "12"),
        ("(202) 555-0110 ext. 7", "7"),
        ("(202) 555-0110 Ext.7", "7"),
        ("(202) 555-0110 extension 7", "7"),
        ("(202) 555-0110 #7", "7"),
        ("202-555-0110;ext=7", "7"),
    ],
)
def test_api_import_phone_extensions(api: FastAPI, cell: str, extension: str) -> None:
    # A semicolon file, so that the ';ext=' form is quoted like any cell holding the delimiter.
    data = f'phone_number;customer_name\r\n"{cell}";Ana\r\n'.encode("utf-8")

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data, default_region="US")
        stored = recipient_data(client, run_id)
        exported = export_rows(client, run_id)

    assert accepted_report(response)["accepted"] == 1
    assert stored["+12025550110"]["phone_extension"] == extension
    assert [(row["phone_number"], row["phone_extension"]) for row in exported] == [("+12025550110", extension)]


@pytest.mark.parametrize(
    ("cell", "fields"),
    [
        ("1.20256E+10", {}),
        ("1.20256e10", {}),
        ("1.20256E10", {"default_region": "US"}),
        ("4.15555E+10", {"default_region": "US"}),
        ("4,15555E+10", {"decimal": ","}),
        ("1E+10", {}),
    ],
)
def test_api_import_scientific_notation_phones(api: FastAPI, cell: str, fields: dict[str, str]) -> None:
    delimiter = ";" if fields.get("decimal") == "," else ","
    data = f"phone_number{delimiter}customer_name\n{cell}{delimiter}Ana\n+14155550131{delimiter}Ben\n".encode("utf-8")

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data, **fields)
        stored = recipient_data(client, run_id)

    report = accepted_report(response)
    assert list(stored) == ["+14155550131"]
    assert errors_of(report) == [(2, "phone_number", "scientific notation")]
    assert report["row_errors"][0]["value"] == cell


# --- Values by type ----------------------------------------------------------------------


def test_api_import_booleans_table(api: FastAPI) -> None:
    spellings = {
        "true": True, "TRUE": True, "Yes": True, "y": True, "Y": True, "1": True,
        "false": False, "False": False, "NO": False, "n": False, "0": False, "": None,
    }
    lines = ["phone_number,customer_name,autopay"]
    expected = {}
    for index, (text, value) in enumerate(spellings.items()):
        phone = f"+120255501{index + 10:02d}"
        expected[phone] = value
        lines.append(f"{phone},Test,{text}")
    lines += ["+12025550198,Test,maybe", "+12025550199,Test,2"]
    data = ("\n".join(lines) + "\n").encode("utf-8")

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        autopay = data_of(client, run_id, "autopay")
        exported = {row["phone_number"]: row["autopay"] for row in export_rows(client, run_id)}

    assert autopay == expected
    assert all(autopay[phone] is value for phone, value in expected.items())
    assert exported == {
        phone: {True: "true", False: "false", None: ""}[value] for phone, value in expected.items()
    }
    assert errors_of(accepted_report(response)) == [
        (len(lines) - 1, "autopay", "invalid boolean"),
        (len(lines), "autopay", "invalid boolean"),
    ]


def test_api_import_required_field_empty(api: FastAPI) -> None:
    data = b"phone_number,customer_name,balance\n+12025550116,,4\n+12025550117,  ,4\n+12025550118\n+12025550119,Ana,5\n"

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        stored = recipient_data(client, run_id)

    report = accepted_report(response)
    assert list(stored) == ["+12025550119"]
    assert report["rejected_rows"] == 3
    assert errors_of(report) == [
        (2, "customer_name", "required"),
        (3, "customer_name", "required"),
        (4, "customer_name", "required"),
    ]


# --- Duplicates -------------------------------------------------------------------------


def test_api_import_duplicates_in_several_formats(api: FastAPI) -> None:
    data = (
        "phone_number,customer_name\n"
        "+12025550114,Ana\n(202) 555-0114,Ben\n+1 202-555-0114,Cy\n12025550114,Di\n"
        "202.555.0114 x9,Ed\n+12025550115,Flo\n"
    ).encode("utf-8")

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data, default_region="US")
        names = data_of(client, run_id, "customer_name")

    report = accepted_report(response)
    assert names == {"+12025550114": "Ana", "+12025550115": "Flo"}
    assert report["duplicate_count"] == 4
    assert [(item["line"], item["duplicate_of"]) for item in report["duplicates"]] == [(3, 2), (4, 2), (5, 2), (6, 2)]


def test_api_import_duplicate_of_earlier_upload(api: FastAPI) -> None:
    first = b"phone_number,customer_name\n+12025550114,Ana\n"
    second = b"phone_number,customer_name\n(202) 555-0114,Ben\n+12025550115,Cy\n"

    with client_as(api, "operator") as client:
        run_id = new_reminder_run(client)
        upload(client, run_id, "first.csv", first, default_region="US")
        dry = upload(client, run_id, "second.csv", second, default_region="US", dry_run="true")
        names_after_dry_run = data_of(client, run_id, "customer_name")
        real = upload(client, run_id, "second.csv", second, default_region="US")
        names = data_of(client, run_id, "customer_name")

    for response, status_code in ((dry, 200), (real, 201)):
        report = accepted_report(response, status_code)
        assert report["accepted"] == 1
        assert [(item["line"], item["duplicate_of"]) for item in report["duplicates"]] == [(2, "already in the run")]
    assert names_after_dry_run == {"+12025550114": "Ana"}
    assert names == {"+12025550114": "Ana", "+12025550115": "Cy"}


# --- Text that a spreadsheet would run as a formula --------------------------------------

FORMULA_TEXTS = {
    "+12025550120": '=HYPERLINK("http://example.invalid","x")',
    "+12025550121": "+1+1",
    "+12025550122": "-2+3",
    "+12025550123": "@SUM(A1:A2)",
    "+12025550124": "=cmd|' /C calc'!A0",
}


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def test_api_import_formula_text_round_trip(api: FastAPI) -> None:
    lines = ["phone_number,customer_name,notes"]
    lines += [f"{phone},{csv_cell(text)},{csv_cell(text)}" for phone, text in FORMULA_TEXTS.items()]
    # A cell that a spreadsheet or an earlier export already guarded is read back unguarded.
    lines.append("+12025550125,'=1+1,plain")
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    expected = {**FORMULA_TEXTS, "+12025550125": "=1+1"}

    with client_as(api, "operator") as client:
        run_id, response = import_into_new_run(client, data)
        names = data_of(client, run_id, "customer_name")
        export = client.get(f"/api/runs/{run_id}/export")
        exported = export_rows(client, run_id)
        copy_id, copy_response = import_into_new_run(client, export.content)
        copied_names = data_of(client, copy_id, "customer_name")
        copied_notes = data_of(client, copy_id, "notes")

    assert accepted_report(response)["accepted"] == len(expected)
    assert names == expected
    assert {row["phone_number"]: row["customer_name"] for row in exported} == {
        phone: "'" + text for phone, text in expected.items()
    }
    assert accepted_report(copy_response)["row_errors"] == []
    assert copied_names == expected
    assert copied_notes == {**FORMULA_TEXTS, "+12025550125": "plain"}

