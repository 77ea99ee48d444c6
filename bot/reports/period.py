"""A report's period: whole UTC calendar days, both ends included (pure).

`from=2026-01-01&to=2026-03-31` covers every rating with
`2026-01-01T00:00Z <= answered_at < 2026-04-01T00:00Z`. Without `to` the period ends
today (UTC); without `from` it starts 89 days before its end (90 days in all). A
period spans at most two calendar years (`to` before the same day two years after
`from`), between 2000-01-01 and 2100-12-31. Anything else is `InvalidInput` (400).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.base.errors import InvalidInput

DEFAULT_DAYS = 90
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Period:
    first: dt.date  # included
    last: dt.date  # included

    @property
    def start(self) -> dt.datetime:
        """The first instant in the period (UTC)."""
        return dt.datetime.combine(self.first, dt.time(), dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (UTC, excluded)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), dt.UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def windows(self, days: int) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """[start, end) slices of at most `days` days that cover the period in order."""
        start = self.start
        while start < self.end:
            end = min(start + dt.timedelta(days=days), self.end)
            yield start, end
            start = end

    def public(self) -> dict[str, object]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "days": self.days}


def _day(name: str, raw: str | None) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if len(raw) != 10 or not _DAY.fullmatch(raw):
        raise InvalidInput(f"{name}_invalid", f"{name} must be a date written YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name}_invalid", f"{name} is not a calendar date") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{name}_invalid", f"{name} must lie between {FIRST_DAY} and {LAST_DAY}")
    return day


def two_years_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 2)
    except ValueError:  # 29 February
        return dt.date(day.year + 2, 3, 1)


def parse_period(from_raw: str | None, to_raw: str | None, today: dt.date) -> Period:
    """The period a request asks for (see the module's docstring)."""
    first, last = _day("from", from_raw), _day("to", to_raw)
    if last is None:
        last = max(today, first) if first is not None else today
    if first is None:
        first = last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput("period_invalid", "from must not be after to")
    if last >= two_years_after(first):
        raise InvalidInput("period_too_long", "a report covers two years at most")
    return Period(first, last)
