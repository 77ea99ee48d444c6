"""Every report table as CSV or XLSX (pure): the console's
`GET /t/<tenant>/api/reports/export?table=...&format=csv|xlsx` (bot/console/reports.py).

The tables are built from the report's JSON (bot/reports/report.py, topics.py) and the
send log (outreach.py), so what they show is exactly what the console shows: restricted
guests left out, small groups hidden (a hidden figure is the text "hidden"). No table
has a guest's name, phone, e-mail, reference or comment text: figures and keys only.

Injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and tab or
carriage return) as a formula; every such text cell is prefixed with `'` (OWASP's CSV
injection advice). Numbers stay numbers. Characters XLSX cannot hold (control
characters) are dropped from texts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.base.errors import InvalidInput

HIDDEN = "hidden"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    name: str  # the file's and the sheet's name
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    notes: tuple[str, ...] = ()


def safe(value: Cell) -> Cell:
    """A cell as written: texts that a spreadsheet would run as a formula get a `'`."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def _fig(row: Mapping[str, Any], key: str) -> Cell:
    return HIDDEN if row.get("suppressed") else row.get(key)


def questions(report: Mapping[str, Any]) -> Table:
    rows = []
    for q in report.get("questions") or ():
        scale = q.get("scale") or {}
        rows.append(
            (
                q["id"],
                q["kind"],
                scale.get("low"),
                scale.get("high"),
                _fig(q, "count"),
                _fig(q, "mean_value"),
                _fig(q, "mean_score"),
            )
        )
    header = ("question", "kind", "scale_low", "scale_high", "answers", "mean", "mean_score")
    return Table("questions", header, rows, tuple(report.get("notes") or ()))


def distribution(report: Mapping[str, Any]) -> Table:
    rows = [
        (q["id"], d["value"], HIDDEN if d.get("suppressed") else d.get("count"))
        for q in report.get("questions") or ()
        for d in q.get("distribution") or ()
    ]
    return Table("distribution", ("question", "value", "answers"), rows, tuple(report.get("notes") or ()))


def breakdown(dim: str) -> Callable[[Mapping[str, Any]], Table]:
    def table(report: Mapping[str, Any]) -> Table:
        qs = report.get("questions") or []
        header: list[str] = [dim, "responses"]
        for q in qs:
            header += [f"{q['id']} answers"] + ([f"{q['id']} mean_score"] if q["kind"] == "rating" else [])
        rows = []
        for r in (report.get("breakdowns") or {}).get(dim) or ():
            row: list[Cell] = [r["key"], HIDDEN if r.get("suppressed") else r.get("responses")]
            for q in qs:
                c = (r.get("questions") or {}).get(q["id"]) or {"suppressed": True}
                row.append(_fig(c, "count"))
                if q["kind"] == "rating":
                    row.append(_fig(c, "mean_score"))
            rows.append(tuple(row))
        return Table(f"by_{dim}", tuple(header), rows, tuple(report.get("notes") or ()))

    return table


def nps(report: Mapping[str, Any]) -> Table:
    header = ("question", "answers", "score", "promoters", "passives", "detractors")
    n = report.get("nps")
    if not n:
        return Table("nps", header, [], ("No 0-10 recommend question is configured.",))
    groups = [HIDDEN if n.get("groups_suppressed") or n.get("suppressed") else n.get(g) for g in header[3:]]
    row = (n["question"], _fig(n, "count"), _fig(n, "score"), *groups)
    return Table("nps", header, [row], tuple(report.get("notes") or ()))


def topics(report: Mapping[str, Any]) -> Table:
    part = report.get("topics") or {}
    rows = []
    for t in part.get("topics") or ():
        trend = t.get("trend") or {"suppressed": True}
        rows.append(
            (
                t["topic"],
                _fig(t, "mentions"),
                _fig(t, "positive_share"),
                _fig(t, "negative_share"),
                _fig(trend, "mentions"),
                _fig(trend, "negative_share"),
            )
        )
    header = (
        "topic",
        "mentions",
        "positive_share",
        "negative_share",
        "change_mentions",
        "change_negative_share",
    )
    notes = (part["note"],) if part.get("note") else ()
    return Table("topics", header, rows, notes)


def unsolicited(report: Mapping[str, Any]) -> Table:
    rows = [
        (u["topic"], _fig(u, "count"), _fig(u, "mean_value"))
        for u in (report.get("topics") or {}).get("unsolicited") or ()
    ]
    note = ("Ratings guests gave for topics the hotel does not ask about.",)
    return Table("unsolicited", ("topic", "ratings", "mean"), rows, note)


def response_rate(report: Mapping[str, Any]) -> Table:
    rr = report.get("response_rate") or {}
    header = ("dimension", "key", "invited", "answered", "rate")
    rows: list[tuple[Cell, ...]] = []
    if rr:
        rows.append(("all", "all", _fig(rr, "invited"), _fig(rr, "answered"), _fig(rr, "rate")))
        for dim, items in (rr.get("breakdowns") or {}).items():
            rows += [(dim, i["key"], _fig(i, "invited"), _fig(i, "answered"), _fig(i, "rate")) for i in items]
    notes = (rr["note"],) if rr.get("note") else ()
    return Table("response_rate", header, rows, notes)


def send_log(log: Mapping[str, Any]) -> Table:
    rows = [(r["day"], r["journey"], r["channel"], r["status"], r["count"]) for r in log.get("rows") or ()]
    return Table("send_log", ("day", "journey", "channel", "status", "invitations"), rows)


# table name -> builder from the report's JSON (send_log: from the send log's)
REPORT_TABLES: dict[str, Callable[[Mapping[str, Any]], Table]] = {
    "questions": questions,
    "distribution": distribution,
    "by_month": breakdown("month"),
    "by_channel": breakdown("channel"),
    "by_language": breakdown("language"),
    "nps": nps,
    "topics": topics,
    "unsolicited": unsolicited,
    "response_rate": response_rate,
}
TABLES = (*REPORT_TABLES, "send_log")


def check(table: Any, fmt: Any) -> tuple[str, str]:
    if table not in TABLES:
        raise InvalidInput("table_invalid", "table is one of " + ", ".join(TABLES))
    if fmt not in FORMATS:
        raise InvalidInput("format_invalid", "format is csv or xlsx")
    return table, fmt


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte order mark (spreadsheets then read accents right), CRLF rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe(h) for h in table.header])
    for row in table.rows:
        writer.writerow(["" if v is None else safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """One sheet named after the table (and a "notes" sheet when it has notes)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:31])
    sheet.append([safe(h) for h in table.header])
    for row in table.rows:
        sheet.append([safe(v) for v in row])
    if table.notes:
        notes = book.create_sheet("notes")
        for note in table.notes:
            notes.append([safe(note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> bytes:
    return to_csv(table) if fmt == "csv" else to_xlsx(table)


def filename(tenant: str, table: str, first: str, last: str, fmt: str) -> str:
    """`rapport-<tenant>-<table>-<from>-<to>.<fmt>`: tenant ids and table names are
    [a-z0-9_], days digits and dashes, so the name needs no quoting beyond "..."."""
    return f"rapport-{tenant}-{table}-{first}-{last}.{fmt}"


def headers(tenant: str, table: str, first: str, last: str, fmt: str) -> dict[str, str]:
    return {
        "Content-Type": FORMATS[fmt],
        "Content-Disposition": f'attachment; filename="{filename(tenant, table, first, last, fmt)}"',
    }
