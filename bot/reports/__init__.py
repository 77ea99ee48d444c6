"""Staff reports: a tenant's ratings over a period, aggregated (bot/reports/report.py),
with restricted guests left out in the query and small groups hidden; the send log and
response rate of its invitations (bot/reports/outreach.py)."""

from bot.reports.groups import MIN_GROUP
from bot.reports.outreach import response_rates, send_log
from bot.reports.period import Period, parse_period
from bot.reports.report import base_filter, build_report

__all__ = [
    "MIN_GROUP",
    "Period",
    "base_filter",
    "build_report",
    "parse_period",
    "response_rates",
    "send_log",
]
