"""Staff reports: a tenant's ratings over a period, aggregated (bot/reports/report.py),
with restricted guests left out in the query and small groups hidden."""

from bot.reports.period import Period, parse_period
from bot.reports.report import MIN_GROUP, base_filter, build_report

__all__ = ["MIN_GROUP", "Period", "base_filter", "build_report", "parse_period"]
