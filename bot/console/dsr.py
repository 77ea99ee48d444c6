"""Data-subject requests in the console, for the tenant's admins (JSON API):

    GET  /t/<tenant>/api/dsr?status=<status>        the register (newest first)
    GET  /t/<tenant>/api/dsr/<request>              one request and its history
    POST /t/<tenant>/api/dsr/<request>/approve      awaiting_approval -> verified (the worker runs it)
    POST /t/<tenant>/api/dsr/<request>/reject       {reason}: open -> rejected, the guest is told
    POST /t/<tenant>/api/dsr/<request>/extend       {days, reason}: the deadline, recorded

Every handler passes `access(..., need="admin")` first (audited). Requests show ids,
type, status, dates, channel, language and the outcome — never the sealed details or
the code's hash. Unknown requests are 404, a request in the wrong status 409.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.console.access import Access, NotVisible, access
from bot.console.routes import json_body
from bot.privacy import decisions
from bot.privacy.requests import STATUSES, DsrStore, RequestConflict
from bot.storage.mongo import MongoStore

logger = logging.getLogger(__name__)

DSR_ROUTES = (
    ("GET", "/t/<tenant>/api/dsr", "dsr_list"),
    ("GET", "/t/<tenant>/api/dsr/<request_id>", "dsr_show"),
    ("POST", "/t/<tenant>/api/dsr/<request_id>/approve", "dsr_approve"),
    ("POST", "/t/<tenant>/api/dsr/<request_id>/reject", "dsr_reject"),
    ("POST", "/t/<tenant>/api/dsr/<request_id>/extend", "dsr_extend"),
)
MAX_ID = 40


def register(app: Sanic) -> None:
    handlers = {
        "dsr_list": dsr_list,
        "dsr_show": dsr_show,
        "dsr_approve": dsr_approve,
        "dsr_reject": dsr_reject,
        "dsr_extend": dsr_extend,
    }
    for method, path, name in DSR_ROUTES:
        app.add_route(handlers[name], path, methods=[method], name=name)


def store(request: Request, grant: Access) -> DsrStore:
    s = request.app.ctx.settings
    return DsrStore(
        MongoStore(request.app.ctx.mongo, s.db_prefix), grant.tenant_id, s.guest_key, s.control_db
    )


def _id(raw: str) -> str:
    if not raw or len(raw) > MAX_ID:
        raise NotVisible("not found")
    return raw


async def _grant(request: Request, tenant: str, action: str, request_id: str | None = None) -> Access:
    return await access(
        request,
        tenant,
        action=f"dsr.{action}",
        resource_type="dsr_request",
        resource_id=request_id,
        need="admin",
    )


async def dsr_list(request: Request, tenant: str) -> HTTPResponse:
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise InvalidInput("status_invalid", f"status is one of {', '.join(STATUSES)}")
    grant = await _grant(request, tenant, "list")
    items = await store(request, grant).list(status)
    return response.json({"requests": [decisions.public(r) for r in items]})


async def dsr_show(request: Request, tenant: str, request_id: str) -> HTTPResponse:
    rid = _id(request_id)
    grant = await _grant(request, tenant, "read", rid)
    dsr = store(request, grant)
    doc = await dsr.get(rid)
    if doc is None:
        raise NotVisible("not found")
    return response.json({"request": decisions.public(doc), "history": await decisions.history(dsr, rid)})


async def _decide(request: Request, tenant: str, request_id: str, action: str) -> HTTPResponse:
    rid = _id(request_id)
    body = json_body(request) if request.body else {}
    grant = await _grant(request, tenant, action, rid)
    dsr = store(request, grant)
    if await dsr.get(rid) is None:
        raise NotVisible("not found")
    ctx = request.app.ctx
    try:
        if action == "approve":
            doc = await decisions.approve(dsr, rid, grant.staff.id)
        elif action == "reject":
            doc = await decisions.reject(
                dsr, rid, grant.staff.id, body.get("reason"), ctx.tenants, ctx.dsr_notices
            )
        else:
            doc = await decisions.extend(
                dsr, rid, grant.staff.id, body.get("days"), body.get("reason"), ctx.tenants, ctx.dsr_notices
            )
    except RequestConflict:
        return response.json({"error": "conflict"}, status=409)
    event(
        logger,
        "console.dsr.decided",
        tenant=grant.tenant_id,
        request=rid,
        action=action,
        actor=grant.staff.id,
    )
    return response.json(decisions.public(doc))


async def dsr_approve(request: Request, tenant: str, request_id: str) -> HTTPResponse:
    return await _decide(request, tenant, request_id, "approve")


async def dsr_reject(request: Request, tenant: str, request_id: str) -> HTTPResponse:
    return await _decide(request, tenant, request_id, "reject")


async def dsr_extend(request: Request, tenant: str, request_id: str) -> HTTPResponse:
    return await _decide(request, tenant, request_id, "extend")


__all__: list[Any] = ["DSR_ROUTES", "register"]
