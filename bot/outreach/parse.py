"""A hotel's guest list (CSV or XLSX) -> stays and rejected rows; pure, no I/O but reading.

    parse_file(path, hotel)    -> Parsed(rows, rejected, columns, ignored)
    parse_bytes(data, hotel)   -> the same from the file's bytes (CSV or XLSX, by content)
    check_stay(values, hotel)  -> (StayRow or None, [FieldError]): one stay's rules, shared
                                  by the file import and the JSON import API

The format is told by content, not by the file name: a ZIP (XLSX) is read with openpyxl in
read-only mode (first worksheet, values not formulas); anything else is CSV, decoded as
UTF-8 (with or without BOM), else Windows-1252, else Latin-1, and separated by the one of
`;`, `,` or tab that makes a line a header of known columns. The first row that names at
least two known columns is the header (title lines above it, within the first ten rows,
are skipped); it names the columns (bot/outreach/headers.py: the template's English
names and the usual ones in German, French, Spanish and Italian, or the tenant's own
names mapped once to fields, `Hotel.columns`, bot/outreach/mapping.py); unknown
columns are ignored and listed.

Each row is checked field by field; a row with any bad field is rejected with its line
(the file's line, header = 1; an XLSX row number), the column as the file names it, and
the reason, never the value (it may be a phone number); `check_stay` gives each
problem as a field, a stable code and the same reason. Rules:

- reservation: required, at most 64 characters, unique in the file;
- status: one of expected, in_house, checked_out, cancelled, no_show (or the usual words
  for them in the five languages);
- arrival, departure: ISO dates `YYYY-MM-DD` (or a date cell in XLSX), departure on or
  after arrival;
- phone and/or e-mail: at least one; a phone number is normalised to E.164 with the
  hotel's country as the region of a number without a country code (`phonenumbers`),
  an e-mail address to lower case (as the e-mail channel keys its guests);
- checked_out_at (optional): ISO date-time with an offset (`2026-05-03T10:15:00+02:00`),
  or without one in the hotel's time zone (a time in the hour skipped or repeated by a
  clock change is read as the earlier of the two readings, zoneinfo fold 0);
- language (optional): a code or name of en, de, fr, es, it (`de-AT` is `de`);
- country (optional): ISO 3166-1 alpha-2; room_type, booking_channel: free text, at
  most 64 characters.

A whole-file problem (not a CSV or XLSX, no header of known columns, a required column
missing) raises `BadFile`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers

from bot.base.errors import InvalidInput
from bot.base.states import StayStatus
from bot.outreach.headers import LANGUAGES, REQUIRED, STATUSES, field_of, fold

# the fields of a stay, in the template's order (what check_stay reads)
STAY_FIELDS = (
    "reservation",
    "status",
    "arrival",
    "departure",
    "first_name",
    "phone",
    "email",
    "language",
    "checked_out_at",
    "room_type",
    "booking_channel",
    "country",
)

MAX_TEXT = 64
MAX_ROWS = 1_000_000
MAX_BYTES = 200_000_000  # a million rows of a wide export fit
SEPARATORS = (";", ",", "\t")
PROGRESS_EVERY = 10_000
HEADER_WITHIN = 10  # the header may sit below title lines, within the first rows
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class BadFile(InvalidInput):
    """The file as a whole cannot be read as a guest list (exit 2 in the CLI)."""

    def __init__(self, detail: str) -> None:
        super().__init__("bad_file", detail)


@dataclass(frozen=True)
class Hotel:
    """What parsing needs of the tenant: the default phone region and the time zone."""

    country: str | None
    timezone: str
    languages: tuple[str, ...] = ("en", "de", "fr", "es", "it")
    # the tenant's own column names (folded, bot/outreach/headers.py fold) -> field;
    # they win over the built-in names (bot/outreach/mapping.py stores them)
    columns: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class StayRow:
    line: int
    reservation: str
    status: StayStatus
    arrival: str  # YYYY-MM-DD
    departure: str
    phone: str | None = None  # E.164
    email: str | None = None  # lower case
    first_name: str | None = None
    language: str | None = None
    checked_out_at: float | None = None  # epoch seconds
    room_type: str | None = None
    booking_channel: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Rejection:
    line: int
    column: str | None  # the file's own header text; None: the row as a whole
    reason: str  # never the value

    def public(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "reason": self.reason}


class FieldProblem(ValueError):
    """A field's value breaks a rule: `code` is stable, the message says which rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FieldError:
    field: str | None  # None: the stay as a whole
    code: str  # e.g. "required", "too_long", "invalid_phone", "no_contact"
    message: str  # never the value

    def public(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass
class Parsed:
    rows: list[StayRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header text in the file
    ignored: list[str] = field(default_factory=list)  # header texts of unknown columns
    format: str = ""  # "csv;utf-8-sig" / "xlsx"

    @property
    def rejected_lines(self) -> int:
        return len({r.line for r in self.rejected})


Progress = Callable[[int], None]


# ---- reading the file -------------------------------------------------------------------


def parse_file(path: Path, hotel: Hotel, progress: Progress | None = None) -> Parsed:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BadFile(f"larger than {MAX_BYTES // 1_000_000} MB: split the list")
        with path.open("rb") as f:
            head = f.read(8)
        if head.startswith(b"PK\x03\x04"):
            return _parse_xlsx(path, hotel, progress)
        data = path.read_bytes()
    except OSError as e:
        raise BadFile(f"cannot read the file ({e.strerror or type(e).__name__})") from None
    return parse_bytes(data, hotel, progress)


def parse_bytes(data: bytes, hotel: Hotel, progress: Progress | None = None) -> Parsed:
    if data.startswith(b"PK\x03\x04"):
        return _parse_xlsx(io.BytesIO(data), hotel, progress)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadFile("an old Excel file (.xls): save it as .xlsx or .csv")
    text, encoding = decode(data)
    if "\x00" in text:
        raise BadFile("not a text file (CSV) nor an XLSX workbook")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise BadFile("the file is empty")
    sep = separator(lines, hotel.columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows = ((reader.line_num, row) for row in reader)
    parsed = _parse_rows(rows, hotel, progress)
    parsed.format = f"csv;{encoding};{'tab' if sep == chr(9) else sep}"
    return parsed


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 with or without BOM, else Windows-1252 (Excel's "CSV" on Windows), else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            raise BadFile("the file starts with a UTF-8 mark but is not UTF-8") from None
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def separator(lines: list[str], columns: Mapping[str, str] | None = None) -> str:
    """The separator that splits a line among the first (the header, maybe below a
    title line) into the most known column names."""
    head = [line for line in lines[:HEADER_WITHIN] if line.strip()]

    def known(sep: str) -> int:
        rows = csv.reader(head, delimiter=sep)
        return max((sum(1 for c in cells if field_of(c, columns)) for cells in rows), default=0)

    best = max(SEPARATORS, key=known)
    if known(best) == 0:
        raise BadFile("no line names a known column (see the template in docs/OUTREACH.md)")
    return best


def _parse_xlsx(source: Any, hotel: Hotel, progress: Progress | None) -> Parsed:
    import openpyxl  # only an XLSX needs it

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise BadFile(f"not a readable XLSX workbook ({type(e).__name__})") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise BadFile("the workbook has no worksheet")
        rows = ((n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1))
        parsed = _parse_rows(rows, hotel, progress)
    finally:
        book.close()
    parsed.format = "xlsx"
    return parsed


# ---- rows -------------------------------------------------------------------------------


def _blank(row: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _header(cells: list[Any], columns: Mapping[str, str]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """(cell index -> field, field -> header text, ignored header texts)."""
    by_index: dict[int, str] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        name = field_of(text, columns)
        if name is None:
            ignored.append(text)
        elif name in names:
            raise BadFile(f"two columns are {name!r}: {names[name]!r} and {text!r}")
        else:
            by_index[i] = name
            names[name] = text
    missing = [f for f in REQUIRED if f not in names]
    if missing:
        raise BadFile(f"required columns missing: {', '.join(missing)}")
    if "phone" not in names and "email" not in names:
        raise BadFile("a phone or an email column is required")
    return by_index, names, ignored


def _parse_rows(rows: Iterator[tuple[int, list[Any]]], hotel: Hotel, progress: Progress | None) -> Parsed:
    parsed = Parsed()
    by_index: dict[int, str] | None = None
    seen: dict[str, int] = {}
    count = 0
    before: list[list[Any]] = []  # non-blank rows above the header (a title, a date)
    for line, cells in rows:
        if _blank(cells):
            continue
        if by_index is None:
            known = sum(1 for c in cells if c is not None and field_of(str(c), hotel.columns))
            if known < 2 and len(before) + 1 < HEADER_WITHIN:
                before.append(cells)
                continue
            header = cells if known >= 2 else before[0]
            by_index, parsed.columns, parsed.ignored = _header(header, hotel.columns)
            continue
        count += 1
        if count > MAX_ROWS:
            raise BadFile(f"more than {MAX_ROWS} rows: split the list")
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        values = {name: cells[i] if i < len(cells) else None for i, name in by_index.items()}
        row, problems = _row(line, values, parsed.columns, hotel)
        if row is not None and row.reservation in seen:
            problems.append(
                Rejection(line, parsed.columns["reservation"], f"duplicate of line {seen[row.reservation]}")
            )
        if problems:
            parsed.rejected.extend(problems)
        elif row is not None:
            seen[row.reservation] = line
            parsed.rows.append(row)
    if by_index is None:
        if before:
            _header(before[0], hotel.columns)  # raises: what is wrong with the first line
        raise BadFile("the file is empty")
    if progress is not None and count % PROGRESS_EVERY:
        progress(count)
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number cell: 12345.0 -> "12345"
    return str(value).strip()


def _row(
    line: int, values: dict[str, Any], columns: dict[str, str], hotel: Hotel
) -> tuple[StayRow | None, list[Rejection]]:
    row, errors = check_stay(values, hotel, line=line)
    return row, [Rejection(line, columns.get(e.field) if e.field else None, e.message) for e in errors]


def check_stay(
    values: Mapping[str, Any], hotel: Hotel, *, line: int = 0
) -> tuple[StayRow | None, list[FieldError]]:
    """One stay's fields (STAY_FIELDS; a missing one is empty) checked by the rules
    above: the stay, or None and every problem found (field, code, reason)."""
    problems: list[FieldError] = []
    out: dict[str, Any] = {}

    def check(name: str, fn: Callable[[Any], Any]) -> None:
        try:
            out[name] = fn(values.get(name))
        except ValueError as e:
            problems.append(FieldError(name, getattr(e, "code", "invalid"), str(e)))

    check("reservation", _reservation)
    check("status", _status)
    check("arrival", lambda v: _date(v, required=True))
    check("departure", lambda v: _date(v, required=True))
    check("phone", lambda v: _phone(v, hotel.country))
    check("email", _email)
    check("first_name", lambda v: _free(v, 100))
    check("language", lambda v: _language(v, hotel.languages))
    check("checked_out_at", lambda v: _instant(v, hotel.timezone))
    check("room_type", lambda v: _free(v, MAX_TEXT))
    check("booking_channel", lambda v: _free(v, MAX_TEXT))
    check("country", _country)
    if out.get("arrival") and out.get("departure") and out["departure"] < out["arrival"]:
        problems.append(FieldError("departure", "before_arrival", "departure is before arrival"))
    if "phone" in out and "email" in out and not out["phone"] and not out["email"]:
        problems.append(FieldError(None, "no_contact", "neither a phone number nor an e-mail address"))
    if problems:
        return None, problems
    return StayRow(line=line, **out), []


def _reservation(value: Any) -> str:
    text = _text(value)
    if not text:
        raise FieldProblem("required", "reservation is empty")
    if len(text) > MAX_TEXT:
        raise FieldProblem("too_long", f"reservation longer than {MAX_TEXT} characters")
    return text


def _status(value: Any) -> StayStatus:
    text = fold(_text(value))
    if not text:
        raise FieldProblem("required", "status is empty")
    try:
        return STATUSES[text]
    except KeyError:
        raise FieldProblem(
            "invalid_status", "status must be one of " + ", ".join(s.value for s in StayStatus)
        ) from None


def _date(value: Any, *, required: bool) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    if not text:
        if required:
            raise FieldProblem("required", "date is empty")
        return None
    if not _ISO_DATE.match(text):
        raise FieldProblem("invalid_date", "not a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldProblem("invalid_date", "not a calendar date") from None


def _phone(value: Any, region: str | None) -> str | None:
    text = _text(value)
    if not text:
        return None
    tries = [text]
    if isinstance(value, int | float) and not isinstance(value, bool):
        tries.insert(0, "+" + text)  # a number cell lost its "+" (or else its leading 0)
    for candidate in tries:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise FieldProblem("invalid_phone", "not a valid phone number" + ("" if region else " (no country code)"))


def _email(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.match(text):
        raise FieldProblem("invalid_email", "not an e-mail address")
    return text.lower()


def _free(value: Any, limit: int) -> str | None:
    text = _text(value)
    if len(text) > limit:
        raise FieldProblem("too_long", f"longer than {limit} characters")
    return text or None


def _language(value: Any, known: Iterable[str]) -> str | None:
    text = fold(_text(value))
    if not text:
        return None
    code = LANGUAGES.get(text) or LANGUAGES.get(text.split("_")[0])
    if code is None or code not in known:
        raise FieldProblem("invalid_language", "language must be one of " + ", ".join(known))
    return code


def _instant(value: Any, zone: str) -> float | None:
    if isinstance(value, dt.datetime):
        at = value
    else:
        text = _text(value)
        if not text:
            return None
        try:
            at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise FieldProblem(
                "invalid_datetime", "not a date-time as YYYY-MM-DDTHH:MM[:SS][+HH:MM]"
            ) from None
        if "T" not in text and " " not in text:
            raise FieldProblem("invalid_datetime", "not a date-time as YYYY-MM-DDTHH:MM[:SS][+HH:MM]")
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(zone))  # fold 0: the earlier reading
    return at.timestamp()


def _country(value: Any) -> str | None:
    text = _text(value).upper()
    if not text:
        return None
    if not _COUNTRY.match(text):
        raise FieldProblem("invalid_country", "country must be a two-letter ISO 3166 code")
    return text
