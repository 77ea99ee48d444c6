"""Staff reports: a tenant's ratings over a period, aggregated (bot/reports/report.py),
with restricted guests left out in the query and small groups hidden; what guests'
comments talk about and their ratings of topics not asked about (topics.py); the
comments behind a topic's figure (comments.py); the send log and response rate of its
invitations (outreach.py); every table as CSV or XLSX (export.py)."""

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
