"""Reading a recipient file without a database: encoding, delimiter, records, mapping."""

from __future__ import annotations

import codecs
import io

import pytest

from journeys.errors import ImportFileError, InvalidInputError
from journeys.importer import encoding as encoding_module
from journeys.importer.dialect import check_delimiter, detect_delimiter
from journeys.importer.encoding import detect_encoding
from journeys.importer.mapping import map_columns, normalize_header
from journeys.importer.records import read_table
from journeys.importer.rows import unguard

FIELDS = ["phone_number", "timezone", "customer_name", "balance", "notes"]
TEXT = "phone_number,customer_name\n+12025550118,François Zoë\n"


def decoded_text(data: bytes, declared: str | None = None) -> str:
    stream = io.BytesIO(data)
    detected = detect_encoding(stream, declared)
    return data[detected.bom_length :].decode(detected.codec)


# --- Encoding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "fallback"),
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", False),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", False),
        (TEXT.encode("cp1252"), "windows-1252", True),
        (b"phone_number\n+12025550101\n", "utf-8", False),
        (b"", "utf-8", False),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "windows-1252", "ascii", "empty"],
)
def test_detect_encoding(data: bytes, name: str, fallback: bool) -> None:
    detected = detect_encoding(io.BytesIO(data), None)

    assert detected.name == name
    assert detected.fallback is fallback


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be", "windows-1252"],
)
def test_detected_encoding_reads_text_without_bom(data: bytes) -> None:
    assert decoded_text(data) == TEXT


@pytest.mark.parametrize(
    ("declared", "data", "name"),
    [
        ("iso-8859-1", TEXT.encode("latin-1"), "iso8859-1"),
        ("latin-1", TEXT.encode("latin-1"), "iso8859-1"),
        ("windows-1252", TEXT.encode("cp1252"), "windows-1252"),
        ("cp1252", TEXT.encode("cp1252"), "windows-1252"),
        ("utf-8", codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        ("utf-8", TEXT.encode("utf-8"), "utf-8"),
        ("utf-16", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        ("utf-16-le", TEXT.encode("utf-16-le"), "utf-16-le"),
        ("mac-roman", TEXT.encode("mac-roman"), "mac-roman"),
    ],
)
def test_declared_encoding_is_used(declared: str, data: bytes, name: str) -> None:
    detected = detect_encoding(io.BytesIO(data), declared)

    assert detected.name == name
    assert detected.fallback is False
    assert decoded_text(data, declared) == TEXT


def test_declared_encoding_reads_cp1252_letters_as_declared() -> None:
    # 0xE9 is "é" in Windows-1252 but "И" in KOI8-R: the declaration decides.
    data = b"phone_number,customer_name\n+12025550118,Fran\xe9\n"

    assert decoded_text(data, "koi8-r").endswith("FranИ\n")


@pytest.mark.parametrize(
    ("data", "line", "byte"),
    [
        (b"phone_number,customer_name\n+12025550118,Bad \x81 byte\n", 2, "0x81"),
        (b"phone_number,customer_name\r\n+1,a\r\n+2,b\r\n+3,\x8d\r\n", 4, "0x8D"),
        (b"phone_number,customer_name\r+1,a\r+2,\x8f\r", 3, "0x8F"),
        (b"a\n" * 3 + b"\x90\n", 4, "0x90"),
        (b"\x9d", 1, "0x9D"),
    ],
    ids=["0x81-lf", "0x8d-crlf", "0x8f-cr", "0x90", "0x9d-first-line"],
)
def test_bytes_undefined_in_cp1252_are_file_error(data: bytes, line: int, byte: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        detect_encoding(io.BytesIO(data), None)

    assert f"Line {line} " in str(caught.value)
    assert byte in str(caught.value)


def test_damaged_utf8_after_utf8_letters_is_file_error() -> None:
    # Valid UTF-8 letters first, then a lone continuation byte: reading the file
    # as Windows-1252 would silently garble "François".
    data = "phone_number,customer_name\n+12025550118,François\n".encode() + b"+12025550119,Zo\xebe\n"

    with pytest.raises(ImportFileError) as caught:
        detect_encoding(io.BytesIO(data), None)

    assert "Line 3 " in str(caught.value)
    assert "UTF-8" in str(caught.value)


def test_undecodable_bytes_in_declared_encoding_name_line() -> None:
    data = b"phone_number,customer_name\n+12025550118,ok\n+12025550119,\xff\xfe\n"

    with pytest.raises(ImportFileError) as caught:
        detect_encoding(io.BytesIO(data), "utf-8")

    assert "Line 3 " in str(caught.value)


def test_odd_utf16_length_is_file_error() -> None:
    data = codecs.BOM_UTF16_LE + "phone_number\n+1\n".encode("utf-16-le") + b"\x00"

    with pytest.raises(ImportFileError, match="Line 3"):
        detect_encoding(io.BytesIO(data), None)


def test_undecodable_byte_found_beyond_first_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding_module, "CHUNK_SIZE", 7)
    lines = [b"phone_number,customer_name\r\n"] + [b"+1202555010%d,Ana\r\n" % i for i in range(9)]
    data = b"".join(lines) + b"+12025550119,\x81\r\n"

    with pytest.raises(ImportFileError, match="Line 11 "):
        detect_encoding(io.BytesIO(data), None)


def test_utf8_letter_split_across_chunks_decodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding_module, "CHUNK_SIZE", 3)
    data = "phone_number,customer_name\n+12025550118,Ééééé\n".encode()

    assert detect_encoding(io.BytesIO(data), None).name == "utf-8"


def test_utf16_without_bom_is_file_error() -> None:
    with pytest.raises(ImportFileError, match="utf-16-le"):
        detect_encoding(io.BytesIO(TEXT.encode("utf-16-le")), None)


def test_declared_encoding_conflicting_with_bom_is_file_error() -> None:
    data = codecs.BOM_UTF8 + TEXT.encode("utf-8")

    with pytest.raises(ImportFileError, match="byte-order mark"):
        detect_encoding(io.BytesIO(data), "windows-1252")


def test_unknown_declared_encoding_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="klingon"):
        detect_encoding(io.BytesIO(TEXT.encode()), "klingon")


def test_detect_encoding_rewinds_to_start() -> None:
    stream = io.BytesIO(b"junk" + TEXT.encode("cp1252"))
    stream.seek(4)

    detect_encoding(stream, None)

    assert stream.tell() == 4


# --- Delimiter --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("phone_number,customer_name\n", ","),
        ("phone_number;customer_name;balance\n", ";"),
        ("phone_number\tcustomer_name\n", "\t"),
        ("phone_number|customer_name\n", "|"),
        ('"phone, number";"customer, name";notes\n', ";"),
        ('"a;b;c",x,y\n', ","),
        ('"a|b"\t"c|d"\n', "\t"),
        ("phone_number\n", ","),
    ],
)
def test_detect_delimiter(header: str, delimiter: str) -> None:
    assert detect_delimiter(header) == delimiter


def test_detect_delimiter_tie_is_file_error() -> None:
    with pytest.raises(ImportFileError, match="1 comma and 1 semicolon"):
        detect_delimiter("phone_number,customer_name;balance\n")


@pytest.mark.parametrize(
    ("declared", "char"),
    [(",", ","), (";", ";"), ("\t", "\t"), ("|", "|"), ("tab", "\t"), ("TAB", "\t"),
     ("\\t", "\t"), ("comma", ","), ("semicolon", ";"), ("pipe", "|")],
)
def test_check_delimiter(declared: str, char: str) -> None:
    assert check_delimiter(declared) == char


@pytest.mark.parametrize("declared", [":", " ", "", "ab", "space"])
def test_check_delimiter_rejects_others(declared: str) -> None:
    with pytest.raises(InvalidInputError):
        check_delimiter(declared)


# --- Records and line numbers ------------------------------------------------------------


def records_of(text: str, delimiter: str | None = None) -> list[tuple[int, list[str]]]:
    table = read_table(io.StringIO(text, newline=""), delimiter)
    return [(record.line, record.cells) for record in table.records]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_records_quoted_newline_and_delimiter(newline: str, delimiter: str) -> None:
    rows = [
        ["phone_number", "customer_name", "notes"],
        ["+12025550105", f'"Test{delimiter} Ana"', f'"Call after 5pm{newline}side door"'],
        ["+12025550106", "Ben", "none"],
        ["+12025550107", "Cy", f'"say ""hi"""'],
    ]
    text = newline.join(delimiter.join(row) for row in rows) + newline

    found = records_of(text)

    assert found == [
        (2, ["+12025550105", f"Test{delimiter} Ana", "Call after 5pm\nside door"]),
        (4, ["+12025550106", "Ben", "none"]),
        (5, ["+12025550107", "Cy", 'say "hi"']),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_records_count_blank_lines(newline: str) -> None:
    text = newline.join(["phone_number,x", "", "+1,a", ",", " , ", "+2,b"]) + newline

    found = [(line, cells) for line, cells in records_of(text)]

    assert found == [(2, []), (3, ["+1", "a"]), (4, ["", ""]), (5, [" ", " "]), (6, ["+2", "b"])]


def test_records_without_final_newline() -> None:
    assert records_of("phone_number,x\n+1,a") == [(2, ["+1", "a"])]


def test_records_skip_blank_lines_before_header() -> None:
    table = read_table(io.StringIO("\n\nphone_number\n+1\n", newline=""), None)

    assert table.headers == ["phone_number"]
    assert [record.line for record in table.records] == [4]


def test_records_declared_delimiter_wins() -> None:
    assert records_of("phone_number;x\n+1;a,b\n", ",") == [(2, ["+1;a", "b"])]


@pytest.mark.parametrize("text", ["", "\n\n", "\r\n"])
def test_empty_file_is_file_error(text: str) -> None:
    with pytest.raises(ImportFileError, match="empty"):
        read_table(io.StringIO(text, newline=""), None)


def test_header_of_delimiters_only_is_file_error() -> None:
    with pytest.raises(ImportFileError, match="Line 1 "):
        read_table(io.StringIO(",,\n+1,a,b\n", newline=""), None)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('phone_number,x\n+1,a\n+2,"never closed\n+3,c\n', 3),
        ('phone_number,x\n+1,"a"b\n', 2),
    ],
    ids=["unclosed-quote", "text-after-quote"],
)
def test_malformed_quoting_is_file_error(text: str, line: int) -> None:
    with pytest.raises(ImportFileError) as caught:
        records_of(text)

    assert f"line {line}" in str(caught.value)


def test_quote_inside_unquoted_cell_is_kept() -> None:
    assert records_of('phone_number,x\n+1,5" screen\n') == [(2, ["+1", '5" screen'])]


# --- Mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Phone Number", "phone_number"),
        (" phone_number ", "phone_number"),
        ("PHONE-NUMBER", "phone_number"),
        ("phone  -  number", "phone_number"),
        ("\ufeffphone_number", "phone_number"),
        ("Customer\tName", "customer_name"),
    ],
)
def test_normalize_header(header: str, key: str) -> None:
    assert normalize_header(header) == key


@pytest.mark.parametrize(
    "header",
    ["phone_number", "Phone Number", " PHONE-NUMBER ", "phone", "Phone", "mobile", "Mobile Number",
     "cell", "Cell Phone", "telephone", "Tel", "mobile-phone"],
)
def test_phone_column_variants_map(header: str) -> None:
    mapping = map_columns([header, "Customer Name"], FIELDS, {})

    assert mapping.fields == ("phone_number", "customer_name")


@pytest.mark.parametrize("header", ["Time Zone", "timezone", "TZ", "time-zone"])
def test_timezone_column_variants_map(header: str) -> None:
    mapping = map_columns(["phone", header], FIELDS, {})

    assert mapping.fields == ("phone_number", "timezone")


def test_exact_phone_header_wins_over_alias() -> None:
    mapping = map_columns(["mobile", "Phone Number"], FIELDS, {})

    assert mapping.fields == (None, "phone_number")
    assert mapping.unmapped == ("mobile",)


def test_two_alias_columns_for_phone_is_file_error() -> None:
    with pytest.raises(ImportFileError, match="'phone' and 'mobile' both map to phone_number"):
        map_columns(["phone", "mobile"], FIELDS, {})


def test_two_columns_for_one_field_is_file_error() -> None:
    with pytest.raises(ImportFileError, match="both map to customer_name"):
        map_columns(["phone", "Customer Name", "customer-name"], FIELDS, {})


def test_unmapped_columns_are_listed() -> None:
    mapping = map_columns(["phone", "Account", "", "notes"], FIELDS, {})

    assert mapping.unmapped == ("Account", "column 3")
    assert mapping.as_dict() == {"phone": "phone_number", "notes": "notes"}


def test_no_phone_column_is_file_error() -> None:
    with pytest.raises(ImportFileError) as caught:
        map_columns(["Customer Name", "Balance"], FIELDS, {})

    assert "no column maps to phone_number" in str(caught.value)
    assert "'Customer Name', 'Balance'" in str(caught.value)


def test_map_override_names_phone_column() -> None:
    mapping = map_columns(["Contact", "Name"], FIELDS, {"Contact": "phone_number", "name": "customer_name"})

    assert mapping.fields == ("phone_number", "customer_name")


def test_map_override_ignores_column() -> None:
    mapping = map_columns(["phone", "notes", "Balance"], FIELDS, {"Notes": "-"})

    assert mapping.fields == ("phone_number", None, "balance")
    assert mapping.ignored == ("notes",)
    assert mapping.unmapped == ()


def test_map_override_moves_field_to_other_column() -> None:
    mapping = map_columns(
        ["phone", "mobile"], FIELDS, {"phone": "-", "mobile": "phone_number"}
    )

    assert mapping.fields == (None, "phone_number")


def test_map_override_clashing_with_header_is_file_error() -> None:
    with pytest.raises(ImportFileError, match="both map to phone_number"):
        map_columns(["phone_number", "Contact"], FIELDS, {"Contact": "phone_number"})


def test_map_override_unknown_field_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="no field 'balanse'"):
        map_columns(["phone"], FIELDS, {"phone": "balanse"})


def test_map_override_unknown_column_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="no column 'Mobile'"):
        map_columns(["phone"], FIELDS, {"Mobile": "phone_number"})


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("'=SUM(A1:A2)", "=SUM(A1:A2)"),
        ("'+12", "+12"),
        ("'-5", "-5"),
        ("'@home", "@home"),
        ("'\tindented", "\tindented"),
        ("'quoted'", "'quoted'"),
        ("'", "'"),
        ("O'Brien", "O'Brien"),
    ],
)
def test_unguard_removes_only_export_guard(cell: str, stored: str) -> None:
    assert unguard(cell) == stored


@pytest.mark.parametrize(
    ("header", "field"),
    [("customerName", "customer_name"), ("phoneNumber", "phone_number"), ("Auto-Pay", "autopay"), ("E-mail", "email")],
)
def test_compact_headers_map(header: str, field: str) -> None:
    mapping = map_columns(["phone" if field != "phone_number" else "Name", header], [*FIELDS, "autopay", "email"], {})

    assert mapping.as_dict()[header] == field


def test_compact_match_skips_ambiguous_fields() -> None:
    mapping = map_columns(["phone", "AutoPay"], [*FIELDS, "auto_pay", "autopay_"], {})

    assert "AutoPay" in mapping.unmapped
