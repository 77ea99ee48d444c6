"""Guest lists as hotels export them: CSV with `;` or `,`, UTF-8 with or without BOM,
Windows-1252/Latin-1, XLSX; headers in five languages; every rejected row with its line,
column and reason (never the value); phone numbers to E.164 with the hotel's country."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.base.states import StayStatus
from bot.outreach.headers import FIELDS, HEADERS, fold
from bot.outreach.parse import BadFile, Hotel, parse_bytes, parse_file

ALPENHOF = Hotel(country="DE", timezone="Europe/Berlin")
TEMPLATE = "reservation,status,arrival,departure,first_name,phone,email,language"


def csv_bytes(lines: list[str], sep: str = ",", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(line.replace(",", sep) for line in lines).encode(encoding)


def test_the_documented_template_imports_without_mapping():
    data = csv_bytes(
        [
            TEMPLATE,
            "R-1001,expected,2026-12-20,2026-12-23,Jürgen,0170 1234567,,de",
            "R-1002,checked_out,2026-12-01,2026-12-05,Anna,+39 347 123 4567,anna@Example.org,it",
            "R-1003,in_house,2026-12-06,2026-12-09,,,guest@example.com,",
        ]
    )
    parsed = parse_bytes(data, ALPENHOF)
    assert parsed.rejected == [] and parsed.ignored == []
    a, b, c = parsed.rows
    assert (a.reservation, a.status, a.arrival, a.departure) == (
        "R-1001",
        "expected",
        "2026-12-20",
        "2026-12-23",
    )
    assert a.status is StayStatus.EXPECTED
    assert (a.phone, a.email, a.first_name, a.language) == ("+491701234567", None, "Jürgen", "de")
    assert (b.phone, b.email, b.language) == ("+393471234567", "anna@example.org", "it")
    assert (c.phone, c.email, c.first_name, c.language) == (None, "guest@example.com", None, None)
    assert [r.line for r in parsed.rows] == [2, 3, 4]


def test_optional_columns_of_the_template():
    data = csv_bytes(
        [
            TEMPLATE + ",checked_out_at,room_type,booking_channel,country",
            "R1,checked_out,2026-03-27,2026-03-29,Eva,+4930123456,,en,2026-03-29T10:15:00+02:00,Double,Booking.com,at",
            "R2,checked_out,2026-03-27,2026-03-29,Eva,+4930123457,,en,2026-03-29 10:15,,,",
        ]
    )
    one, two = parse_bytes(data, ALPENHOF).rows
    assert one.checked_out_at == dt.datetime(2026, 3, 29, 8, 15, tzinfo=dt.UTC).timestamp()
    assert (one.room_type, one.booking_channel, one.country) == ("Double", "Booking.com", "AT")
    # no offset: the hotel's time zone (summer time began that night in Berlin: +02:00)
    assert (
        two.checked_out_at == dt.datetime(2026, 3, 29, 10, 15, tzinfo=ZoneInfo("Europe/Berlin")).timestamp()
    )
    assert two.checked_out_at == one.checked_out_at


@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_separators_and_encodings_are_detected(sep, encoding):
    data = csv_bytes(
        [
            "Reservierung,Status,Anreise,Abreise,Vorname,Telefon,E-Mail,Sprache",
            "A1,erwartet,2026-12-20,2026-12-22,Zoë Müller,030 1234567,,Deutsch",
        ],
        sep,
        encoding,
    )
    parsed = parse_bytes(data, ALPENHOF)
    assert parsed.rejected == []
    (row,) = parsed.rows
    assert row.first_name == "Zoë Müller" and row.phone == "+49301234567" and row.language == "de"
    assert parsed.format.startswith("csv;" + ("utf-8" if encoding.startswith("utf") else "cp1252"))
    if encoding == "utf-8-sig":
        assert parsed.format.startswith("csv;utf-8-sig")


def test_latin1_fallback_for_bytes_windows_1252_does_not_know():
    data = (
        "reservation;status;arrival;departure;first_name;email\n"
        "X;expected;2026-01-02;2026-01-03;Ab\x81c;a@b.example\n"
    ).encode("latin-1")
    parsed = parse_bytes(data, ALPENHOF)
    assert parsed.format.startswith("csv;latin-1") and parsed.rows[0].first_name == "Ab\x81c"


@pytest.mark.parametrize(
    "header,row",
    [
        (
            "Reservierungsnummer;Status;Anreise;Abreise;Vorname;Handy;E-Mail-Adresse;Sprache",
            "1;abgereist;2026-05-01;2026-05-03;Max;+49 170 1234567;;de",
        ),
        (
            "Réservation;Statut;Arrivée;Départ;Prénom;Téléphone;Courriel;Langue",
            "1;parti;2026-05-01;2026-05-03;Léa;+33 6 12 34 56 78;;français",
        ),
        (
            "Reserva;Estado;Llegada;Salida;Nombre;Teléfono;Correo electrónico;Idioma",
            "1;salido;2026-05-01;2026-05-03;Lucía;+34 612 34 56 78;;es",
        ),
        (
            "Prenotazione;Stato;Arrivo;Partenza;Nome;Cellulare;Posta elettronica;Lingua",
            "1;partito;2026-05-01;2026-05-03;Giulia;+39 347 123 4567;;it-IT",
        ),
        (
            "Booking reference;State;Check-in;Check-out;Given name;Mobile;E-mail address;Lang",
            "1;Checked out;2026-05-01;2026-05-03;Tom;+44 7400 123456;;EN",
        ),
    ],
    ids=["de", "fr", "es", "it", "en"],
)
def test_headers_and_statuses_in_five_languages(header, row):
    parsed = parse_bytes(f"{header}\n{row}\n".encode(), ALPENHOF)
    assert parsed.rejected == [] and parsed.ignored == []
    (stay,) = parsed.rows
    assert stay.status == StayStatus.CHECKED_OUT and stay.phone.startswith("+") and stay.language
    assert set(parsed.columns) == {
        "reservation",
        "status",
        "arrival",
        "departure",
        "first_name",
        "phone",
        "email",
        "language",
    }


def test_every_header_name_folds_to_itself_and_names_one_field():
    assert all(fold(name) == name for name in HEADERS)
    assert set(HEADERS.values()) == set(FIELDS)


def test_rejected_rows_carry_line_column_and_reason_never_the_value():
    data = csv_bytes(
        [
            TEMPLATE,
            "R1,expected,2026-12-20,2026-12-23,Ann,+49 170 1234567,,de",  # line 2: fine
            "R2,arrived,2026-12-20,2026-12-23,Bob,+49 170 1234568,,de",  # 3: status
            "R3,expected,20.12.2026,2026-12-23,Cy,+49 170 1234569,,de",  # 4: date format
            "R4,expected,2026-12-20,2026-12-19,Di,+49 170 1234560,,de",  # 5: departure before arrival
            "R5,expected,2026-12-20,2026-12-23,Ed,12,,de",  # 6: phone
            "R6,expected,2026-12-20,2026-12-23,Flo,,not-an-address,de",  # 7: e-mail
            "R7,expected,2026-12-20,2026-12-23,Gus,,,de",  # 8: no contact
            "R1,expected,2026-12-20,2026-12-23,Hal,+49 170 1234561,,de",  # 9: duplicate
            ",expected,2026-12-20,2026-12-23,Ida,+49 170 1234562,,de",  # 10: no reservation
            "R8,expected,2026-02-30,2026-12-23,Jo,+49 170 1234563,,xx",  # 11: date and language
            "",
            "R9,no-show,2026-12-20,2026-12-23,Kim,+49 170 1234564,,",  # 13: fine (blank line skipped)
        ]
    )
    parsed = parse_bytes(data, ALPENHOF)
    assert [r.reservation for r in parsed.rows] == ["R1", "R9"]
    assert parsed.rows[1].status == StayStatus.NO_SHOW and parsed.rows[1].line == 13
    got = [(r.line, r.column, r.reason) for r in parsed.rejected]
    assert got == [
        (3, "status", "status must be one of expected, in_house, checked_out, cancelled, no_show"),
        (4, "arrival", "not a date as YYYY-MM-DD"),
        (5, "departure", "departure is before arrival"),
        (6, "phone", "not a valid phone number"),
        (7, "email", "not an e-mail address"),
        (8, None, "neither a phone number nor an e-mail address"),
        (9, "reservation", "duplicate of line 2"),
        (10, "reservation", "reservation is empty"),
        (11, "arrival", "not a calendar date"),
        (11, "language", "language must be one of en, de, fr, es, it"),
    ]
    assert parsed.rejected_lines == 9
    assert not any("1234" in r.reason or "not-an-address" in r.reason for r in parsed.rejected)


def test_quoted_fields_and_line_numbers_of_multi_line_cells():
    data = (
        b"reservation,status,arrival,departure,first_name,email\n"
        b'"R,1",expected,2026-01-01,2026-01-02,"Ann\nMarie",a@b.example\n'
        b"R2,bad,2026-01-01,2026-01-02,B,b@b.example\n"
    )
    parsed = parse_bytes(data, ALPENHOF)
    assert parsed.rows[0].reservation == "R,1" and parsed.rows[0].first_name == "Ann\nMarie"
    assert [(r.line, r.column) for r in parsed.rejected] == [(4, "status")]


@pytest.mark.parametrize(
    "number,region,e164",
    [
        ("0170 1234567", "DE", "+491701234567"),
        ("0049 170 1234567", "DE", "+491701234567"),
        ("+49 (0)170 1234567", "DE", "+491701234567"),
        ("347 123 4567", "IT", "+393471234567"),
        ("041 520 0000", "IT", "+390415200000"),
        ("+1 415 555 2671", "DE", "+14155552671"),
        ("+44 7400 123456", None, "+447400123456"),
    ],
)
def test_phone_numbers_become_e164_with_the_hotels_country(number, region, e164):
    hotel = Hotel(country=region, timezone="Europe/Rome")
    data = f"reservation;status;arrival;departure;phone\n1;expected;2026-01-01;2026-01-02;{number}\n".encode()
    parsed = parse_bytes(data, hotel)
    assert parsed.rejected == [] and parsed.rows[0].phone == e164


def test_a_national_number_without_a_hotel_country_is_rejected():
    data = b"reservation;status;arrival;departure;phone\n1;expected;2026-01-01;2026-01-02;0170 1234567\n"
    (r,) = parse_bytes(data, Hotel(country=None, timezone="UTC")).rejected
    assert (r.line, r.column, r.reason) == (2, "phone", "not a valid phone number (no country code)")


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"name,age\nx,1\n", "no line names a known column"),
        (b"reservation,arrival,departure,phone\n", "required columns missing: status"),
        (b"reservation,status,arrival,departure,first_name\n", "a phone or an email column"),
        (b"reservation,status,arrival,departure,phone,telefon\n", "two columns are 'phone'"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
        (b"PK\x03\x04broken zip", "not a readable XLSX"),
        (b"\xef\xbb\xbfreservation\xff", "not UTF-8"),
    ],
)
def test_bad_files_are_refused_whole(data, message):
    with pytest.raises(BadFile) as e:
        parse_bytes(data, ALPENHOF)
    assert message in e.value.detail


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_date_cells_and_numbers(tmp_path):
    data = xlsx(
        [
            [
                "Reservierung",
                "Status",
                "Anreise",
                "Abreise",
                "Vorname",
                "Telefon",
                "E-Mail",
                "checked_out_at",
            ],
            [
                4711,
                "abgereist",
                dt.datetime(2026, 10, 23),
                dt.date(2026, 10, 25),
                "Uwe",
                491701234567,
                None,
                dt.datetime(2026, 10, 25, 2, 30),
            ],
            [None, None, None, None, None, None, None, None],
            ["4712", "storniert", "2026-10-23", "2026-10-24", None, "0170 7654321", "UWE@EXAMPLE.DE", None],
            ["4713", "???", "2026-10-23", "2026-10-24", None, None, "x@example.de", None],
        ]
    )
    path = tmp_path / "liste.xlsx"
    path.write_bytes(data)
    parsed = parse_file(path, ALPENHOF)
    assert parsed.format == "xlsx"
    one, two = parsed.rows
    assert (one.reservation, one.arrival, one.departure, one.phone) == (
        "4711",
        "2026-10-23",
        "2026-10-25",
        "+491701234567",
    )
    # 02:30 on the night summer time ends happens twice in Berlin: the earlier (+02:00)
    assert one.checked_out_at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC).timestamp()
    assert (two.status, two.phone, two.email) == ("cancelled", "+491707654321", "uwe@example.de")
    assert [(r.line, r.column) for r in parsed.rejected] == [(5, "Status")]


def test_progress_is_reported_for_large_lists():
    lines = [TEMPLATE] + [f"R{i},expected,2026-12-20,2026-12-23,,,g{i}@example.com," for i in range(25_000)]
    seen: list[int] = []
    parsed = parse_bytes("\n".join(lines).encode(), ALPENHOF, seen.append)
    assert len(parsed.rows) == 25_000 and seen == [10_000, 20_000, 25_000]


def test_title_lines_above_the_header_are_skipped():
    data = (
        "Hotel Alpenhof – Anreiseliste;;;\n"
        "Stand: 07.12.2026;;;\n"
        "\n"
        "Reservierung;Status;Anreise;Abreise;Telefon\n"
        "A1;erwartet;2026-12-20;2026-12-22;0170 1234567\n"
        "A2;erwartet;2026-12-20;2026-12-22;\n"
    ).encode("cp1252")
    parsed = parse_bytes(data, ALPENHOF)
    assert [r.reservation for r in parsed.rows] == ["A1"]
    assert [(r.line, r.column) for r in parsed.rejected] == [(6, None)]
    book = xlsx(
        [
            ["Anreiseliste"],
            [],
            ["reservation", "status", "arrival", "departure", "email"],
            ["1", "expected", "2026-01-01", "2026-01-02", "a@b.example"],
        ]
    )
    parsed = parse_bytes(book, ALPENHOF)
    assert parsed.rows[0].line == 4 and parsed.rejected == []


def test_a_header_further_down_than_ten_rows_is_not_looked_for():
    data = ("title\n" * 10 + "reservation,status,arrival,departure,phone\n").encode()
    with pytest.raises(BadFile) as e:
        parse_bytes(data, ALPENHOF)
    assert "no line names a known column" in e.value.detail


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import bot.outreach.parse as parse

    monkeypatch.setattr(parse, "MAX_BYTES", 100)
    big = tmp_path / "guests.csv"
    big.write_text("reservation;status\n" + "R1;expected\n" * 20, encoding="utf-8")
    with pytest.raises(BadFile, match="larger than"):
        parse_file(big, ALPENHOF)


@pytest.mark.parametrize("data", [b"PK\x03\x04not a zip at all", b"PK\x03\x04" + b"\x00" * 64])
def test_a_broken_workbook_is_a_bad_file(data):
    with pytest.raises(BadFile):
        parse_bytes(data, ALPENHOF)
