"""Reports in the console, for the tenant's agents and admins (JSON API):

    GET /t/<tenant>/api/reports?from=YYYY-MM-DD&to=YYYY-MM-DD

The period is whole UTC days, both included (bot/reports/period.py; default the last
90 days, two years at most). The handler passes `access()` first (audited as
`reports.read` with the period as resource id; another tenant is 404), then answers
400 for a malformed period or an unknown parameter. The report leaves out restricted
guests and hides small groups (bot/reports/report.py). One report at a time per
console process: each holds the MongoDB-wire server for a few seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.console.access import access
from bot.reports import Period, build_report, parse_period

logger = logging.getLogger(__name__)

PARAMETERS = ("from", "to")


def register(app: Sanic) -> None:
    app.register_listener(_open, "before_server_start")


async def _open(app: Sanic, _loop: Any) -> None:
    app.ctx.report_slot = asyncio.Semaphore(1)


def period_of(args: Any, today: dt.date) -> Period:
    """The period named by the query string (`request.args`), or InvalidInput."""
    unknown = sorted(k for k in args if k not in PARAMETERS)
    if unknown:
        raise InvalidInput("parameter_unknown", "the parameters are from and to (YYYY-MM-DD)")
    values = {}
    for name in PARAMETERS:
        given = args.getlist(name) if name in args else []
        if len(given) > 1:
            raise InvalidInput(f"{name}_invalid", f"give {name} once")
        values[name] = given[0] if given else None
    return parse_period(values["from"], values["to"], today)


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
