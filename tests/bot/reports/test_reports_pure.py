"""The report's period and small-cell rules without a server (bot/reports)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.base.errors import InvalidInput
from bot.reports.period import parse_period
from bot.reports.report import base_filter, protect

TODAY = dt.date(2026, 5, 20)


def test_default_is_the_last_90_days_ending_today():
    p = parse_period(None, None, TODAY)
    assert (p.first, p.last, p.days) == (dt.date(2026, 2, 20), TODAY, 90)


def test_bounds_are_whole_utc_days_from_included_to_included():
    p = parse_period("2026-01-01", "2026-03-31", TODAY)
    assert p.start == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert p.end == dt.datetime(2026, 4, 1, tzinfo=dt.UTC)  # excluded
    windows = list(p.windows(14))
    assert windows[0][0] == p.start and windows[-1][1] == p.end
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))


def test_one_day_and_only_to_or_from():
    assert parse_period("2026-01-05", "2026-01-05", TODAY).days == 1
    assert parse_period(None, "2026-01-31", TODAY).first == dt.date(2025, 11, 3)
    assert parse_period("2026-05-01", None, TODAY).last == TODAY


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        ("2026-13-01", None, "from_invalid"),
        ("2026-02-30", None, "from_invalid"),
        ("2026-1-01", None, "from_invalid"),
        ("yesterday", None, "from_invalid"),
        ("2026-01-01T00:00", None, "from_invalid"),
        ("２０２６-01-01", None, "from_invalid"),
        ("x" * 5000, None, "from_invalid"),
        (None, "1999-12-31", "to_invalid"),
        ("2026-03-01", "2026-02-28", "period_invalid"),
        ("2024-01-01", "2026-01-01", "period_too_long"),
        ("2024-02-29", "2026-03-01", "period_too_long"),
    ],
)
def test_malformed_or_too_long_periods_are_refused(first, last, code):
    with pytest.raises(InvalidInput) as e:
        parse_period(first, last, TODAY)
    assert e.value.code == code


def test_two_years_exactly_is_accepted():
    assert parse_period("2024-01-01", "2025-12-31", TODAY).days == 731
    assert parse_period("2024-02-29", "2026-02-28", TODAY).last == dt.date(2026, 2, 28)


def test_the_base_filter_leaves_out_flagged_ratings_and_guests():
    start, end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    assert base_filter(start, end, []) == {
        "answered_at": {"$gte": start, "$lt": end},
        "restricted": {"$exists": False},
    }
    assert base_filter(start, end, ["g_b", "g_a"])["$and"] == [
        {"guest_ref": {"$ne": "g_a"}},
        {"guest_ref": {"$ne": "g_b"}},
    ]
    many = [f"g_{i:04d}" for i in range(101)]
    assert base_filter(start, end, many)["guest_ref"] == {"$nin": many}


def test_protect_hides_small_cells_and_enough_others():
    assert protect({"a": 10, "b": 7, "c": 0}) == set()
    # one small cell alone would be the total minus the others: the smallest other goes too
    assert protect({"a": 10, "b": 7, "c": 2}) == {"b", "c"}
    # two small cells adding up to fewer than 5 are not enough either
    assert protect({"a": 10, "b": 7, "c": 2, "d": 1}) == {"b", "c", "d"}
    assert protect({"a": 10, "b": 3, "c": 2}) == {"b", "c"}
    assert protect({"a": 4}) == {"a"}
