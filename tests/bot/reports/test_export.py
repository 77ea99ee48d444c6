"""Every report table as CSV and XLSX (bot/reports/export.py): built from a real report
over a real nx-27017, read back with the csv module and openpyxl; hidden cells stay
hidden, formulas never run, no guest data goes out."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from bot.base.errors import InvalidInput
from bot.reports import build_report, parse_period
from bot.reports import export as x
from bot.reports.outreach import tally_log
from tests.bot.reports.seed import TENANT, alpenhof, comment, rating

PERIOD = parse_period("2026-06-01", "2026-06-30", dt.date(2026, 6, 30))
IN = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes, sheet: str) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


@pytest.fixture()
async def report(mongo):
    docs = [rating("room", float(1 + i % 5), IN, guest=f"g_{i}") for i in range(7)]
    docs += [rating("overall", 5.0, IN, guest=f"g_{i}") for i in range(7)]
    docs += [rating("overall", 1.0, IN, guest="g_lonely")]
    docs += [
        comment(
            '=HYPERLINK("http://evil") cold eggs', [("breakfast", "negative", ("cold",))], IN, guest=f"g_{i}"
        )
        for i in range(5)
    ]
    docs += [comment("Noisy", [("noise", "negative", ("noisy",))], IN, guest="g_1")]
    docs += [rating("parking", 3.0, IN, guest=f"g_{i}", unsolicited=True) for i in range(5)]
    await mongo.database(TENANT).ratings.insert_many(docs)
    return await build_report(mongo.database(TENANT), alpenhof(), PERIOD)


@pytest.mark.parametrize("table", list(x.REPORT_TABLES))
async def test_every_report_table_exports_as_csv_and_xlsx_with_the_same_cells(report, table):
    built = x.REPORT_TABLES[table](report)
    rows = read_csv(x.to_csv(built))
    assert tuple(rows[0]) == built.header
    sheet = read_xlsx(x.to_xlsx(built), table)
    assert tuple(sheet[0]) == built.header
    assert len(rows) == len(sheet) == len(built.rows) + 1
    for csv_row, xlsx_row, row in zip(rows[1:], sheet[1:], built.rows, strict=True):
        assert csv_row == ["" if v is None else str(v) for v in row]
        assert xlsx_row == list(row)
    everything = str(rows) + str(sheet)
    for secret in ("g_", "HYPERLINK", "eggs", "Noisy", "+49", "@"):
        assert secret not in everything, (table, secret)


async def test_figures_and_hidden_cells(report):
    q = {r[0]: r for r in read_xlsx(x.to_xlsx(x.questions(report)), "questions")[1:]}
    assert q["room"][4] == 7 and q["room"][5] == 2.571  # answers, mean of 1 2 3 4 5 1 2
    assert q["comment"][4] is None or q["comment"][4] == 0
    dist = read_xlsx(x.to_xlsx(x.distribution(report)), "distribution")[1:]
    assert ("overall", 1, "hidden") in [tuple(r) for r in dist]  # one answer of 1
    topics = {r[0]: r for r in read_csv(x.to_csv(x.topics(report)))[1:]}
    assert topics["breakfast"][1:4] == ["5", "0.0", "1.0"]
    assert topics["noise"][1:] == ["hidden"] * 5
    unsolicited = read_csv(x.to_csv(x.unsolicited(report)))
    assert unsolicited == [["topic", "ratings", "mean"], ["parking", "5", "3.0"]]
    book = load_workbook(io.BytesIO(x.to_xlsx(x.topics(report))))
    assert "guests" in book["notes"]["A1"].value  # the note on hiding goes along


def test_cells_that_a_spreadsheet_would_run_are_prefixed():
    table = x.Table("t", ("a",), [(v,) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok", -3, None, 2.5)])
    rows = read_csv(x.to_csv(table))[1:]
    assert [r[0] for r in rows] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "ok", "-3", "", "2.5"]
    book = load_workbook(io.BytesIO(x.to_xlsx(table)))
    cells = [c.value for c in book["t"]["A"]][1:]
    assert cells == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "ok", -3, None, 2.5]
    assert all(c.data_type != "f" for c in book["t"]["A"])  # no formula anywhere
    # control characters XLSX cannot hold are dropped, not a crash
    assert (
        load_workbook(io.BytesIO(x.to_xlsx(x.Table("t", ("a",), [("a\x00\x07b",)]))))["t"]["A2"].value == "ab"
    )


def test_the_send_log_table():
    day = dt.datetime(2026, 6, 3, 12, tzinfo=dt.UTC).timestamp()
    docs = [
        {"status": "sent", "sent_at": day, "journey": "post_stay", "channel": "sms"},
        {"status": "failed", "updated_at": day, "journey": "post_stay", "channel": "=cmd", "reason": "x"},
    ]
    rows = read_csv(x.to_csv(x.send_log(tally_log(docs, PERIOD))))
    assert rows[0] == ["day", "journey", "channel", "status", "invitations"]
    assert sorted(rows[1:]) == [
        ["2026-06-03", "post_stay", "'=cmd", "failed", "1"],
        ["2026-06-03", "post_stay", "sms", "sent", "1"],
    ]


def test_headers_and_names():
    h = x.headers("alpenhof", "topics", "2026-06-01", "2026-06-30", "xlsx")
    assert h["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        h["Content-Disposition"]
        == 'attachment; filename="rapport-alpenhof-topics-2026-06-01-2026-06-30.xlsx"'
    )
    assert x.headers("a", "nps", "d", "e", "csv")["Content-Type"] == "text/csv; charset=utf-8"
    for table, fmt in (("guests", "csv"), ("topics", "pdf"), (None, "csv"), ("topics", None)):
        with pytest.raises(InvalidInput):
            x.check(table, fmt)
