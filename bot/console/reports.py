"""Reports in the console, for the tenant's agents and admins:

    GET /t/<tenant>/api/reports?from=YYYY-MM-DD&to=YYYY-MM-DD                 (JSON)
    GET /t/<tenant>/api/reports/comments?topic=T&polarity=P&from=..&to=..    (JSON)
    GET /t/<tenant>/api/reports/export?table=NAME&format=csv|xlsx&from=..&to=..

The period is whole UTC days, both included (bot/reports/period.py; default the last
90 days, two years at most). The handler passes `access()` first (audited as
`reports.read` with the period as resource id; another tenant is 404), then answers
400 for a malformed period or an unknown parameter. The report leaves out restricted
guests and hides small groups (bot/reports/report.py). One report at a time per
console process: each holds the MongoDB-wire server for a few seconds.

The comments behind a topic's figure (bot/reports/comments.py) are personal data: the
request is audited as `reports.comments.read` (topic:polarity:period) before anything is
read, and what was shown as `reports.comments.shown` naming the conversations whose
comments went out (ids and a count only); if that record cannot be written, nothing is
sent (503). An export (bot/reports/export.py) is audited as `reports.export`
(table:period) and carries the same figures as the JSON, hidden cells included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.audit.log import AuditRecord
from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.console.access import access
from bot.reports import Period, build_report, parse_period, send_log
from bot.reports import comments as topic_comments
from bot.reports import export as exports

logger = logging.getLogger(__name__)

PARAMETERS = ("from", "to")
COMMENT_PARAMETERS = ("from", "to", "topic", "polarity")
EXPORT_PARAMETERS = ("from", "to", "table", "format")
SEND_LOG_MAX_DAYS = 92  # as the console's send log (bot/console/journeys.py LOG_MAX_DAYS)


def register(app: Sanic) -> None:
    app.register_listener(_open, "before_server_start")


async def _open(app: Sanic, _loop: Any) -> None:
    app.ctx.report_slot = asyncio.Semaphore(1)


def values_of(args: Any, allowed: tuple[str, ...]) -> dict[str, str | None]:
    """The query string's parameters (each at most once, none unknown), or InvalidInput."""
    unknown = sorted(k for k in args if k not in allowed)
    if unknown:
        raise InvalidInput("parameter_unknown", "the parameters are " + ", ".join(allowed))
    values = {}
    for name in allowed:
        given = args.getlist(name) if name in args else []
        if len(given) > 1:
            raise InvalidInput(f"{name}_invalid", f"give {name} once")
        values[name] = given[0] if given else None
    return values


def period_of(args: Any, today: dt.date) -> Period:
    """The period named by the query string (`request.args`), or InvalidInput."""
    values = values_of(args, PARAMETERS)
    return parse_period(values["from"], values["to"], today)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def reports(request: Request, tenant: str) -> HTTPResponse:
    try:
        period: Period | None = period_of(request.args, dt.datetime.now(dt.UTC).date())
        refused = None
    except InvalidInput as e:
        period, refused = None, e
    named = f"{period.first}..{period.last}" if period is not None else "invalid"
    grant = await access(request, tenant, action="reports.read", resource_type="report", resource_id=named)
    if refused is not None or period is None:
        raise refused or InvalidInput("period_invalid")
    async with request.app.ctx.report_slot:
        report = await build_report(grant.database, request.app.ctx.tenants.get(grant.tenant_id), period)
    event(
        logger,
        "console.reports.read",
        tenant=grant.tenant_id,
        actor=grant.staff.id,
        days=period.days,
        suppressed=report["suppressed"],
    )
    return response.json(report)


async def comments(request: Request, tenant: str) -> HTTPResponse:
    """The comments behind a topic's figure (personal data: audited twice, see above)."""
    refused: InvalidInput | None = None
    named = "invalid"
    try:
        values = values_of(request.args, COMMENT_PARAMETERS)
        period = parse_period(values["from"], values["to"], _today())
        topic, polarity = topic_comments.check(values["topic"], values["polarity"])
        named = f"{topic}:{polarity or 'all'}:{period.first}..{period.last}"
    except InvalidInput as e:
        refused = e
    grant = await access(
        request, tenant, action="reports.comments.read", resource_type="comments", resource_id=named
    )
    if refused is not None:
        raise refused
    async with request.app.ctx.report_slot:
        found = await topic_comments.topic_comments(grant.database, period, topic, polarity)
    if found.conversations:  # no record, no data (StorageError -> 503)
        record = AuditRecord(
            grant.staff.id,
            "reports.comments.shown",
            "comments",
            named,
            "allowed",
            tenant=grant.tenant_id,
            detail={"comments": len(found.public["comments"])},
            resources=found.conversations,
        )
        await request.app.ctx.gate.audit.tenant(grant.tenant_id, record)
    event(
        logger,
        "console.reports.comments",
        tenant=grant.tenant_id,
        actor=grant.staff.id,
        topic=topic,
        shown=len(found.public["comments"]),
        suppressed=found.public["suppressed"],
    )
    return response.json(found.public)


async def export(request: Request, tenant: str) -> HTTPResponse:
    """One report table as CSV or XLSX (bot/reports/export.py); defaults: questions, csv."""
    refused: InvalidInput | None = None
    named = "invalid"
    try:
        values = values_of(request.args, EXPORT_PARAMETERS)
        period = parse_period(values["from"], values["to"], _today())
        table, fmt = exports.check(values["table"] or "questions", values["format"] or "csv")
        if table == "send_log" and period.days > SEND_LOG_MAX_DAYS:
            raise InvalidInput("period_too_long", f"the send log covers {SEND_LOG_MAX_DAYS} days at most")
        named = f"{table}:{period.first}..{period.last}"
    except InvalidInput as e:
        refused = e
    grant = await access(request, tenant, action="reports.export", resource_type="report", resource_id=named)
    if refused is not None:
        raise refused
    async with request.app.ctx.report_slot:
        if table == "send_log":
            built = exports.send_log(await send_log(grant.database, period))
        else:
            report = await build_report(grant.database, request.app.ctx.tenants.get(grant.tenant_id), period)
            built = exports.REPORT_TABLES[table](report)
    body = exports.render(built, fmt)
    event(
        logger,
        "console.reports.export",
        tenant=grant.tenant_id,
        actor=grant.staff.id,
        table=table,
        format=fmt,
    )
    first, last = period.first.isoformat(), period.last.isoformat()
    return response.raw(body, headers=exports.headers(grant.tenant_id, table, first, last, fmt))
