"""PMS webhooks into the console server: `POST /pms/<tenant>/<kind>/webhook/<token>`.

Machine-to-machine, so no session, no CSRF token and no same-origin check (the guard in
app.py lets this one route name through); the per-tenant secret path segment
authenticates it (bot/outreach/pms/webhook.py, which also gives every answer). A new
event is processed in a task of its own after the answer (re-fetch, upsert); if the
console stops first, the jobs' PMS round picks it up (bot/outreach/pms/events.py).
"""

from __future__ import annotations

import logging

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.errors import RapportError
from bot.base.logs import event
from bot.base.sealing import Cipher
from bot.outreach.pms.events import EventStore, process
from bot.outreach.pms.registry import connector_for
from bot.outreach.pms.webhook import receive
from bot.outreach.stays import StayStore
from bot.storage.mongo import MongoStore

logger = logging.getLogger(__name__)

ROUTE = "pms_webhook"
PATH = "/pms/<tenant>/<kind>/webhook/<token>"


def register(app: Sanic) -> None:
    app.add_route(pms_webhook, PATH, methods=["POST"], name=ROUTE)


async def pms_webhook(request: Request, tenant: str, kind: str, token: str) -> HTTPResponse:
    ctx = request.app.ctx
    mongo = MongoStore(ctx.mongo, ctx.settings.db_prefix)
    answer = await receive(
        mongo, ctx.settings, ctx.tenants, tenant, kind, token, request.body or b"", headers=request.headers
    )
    if answer.status != 200:
        event(logger, "console.pms_webhook.refused", logging.WARNING, status=answer.status, pms=kind)
    if answer.event is not None:
        request.app.add_task(_process(request.app, tenant, answer.event))
    return response.json(answer.body, status=answer.status)


async def _process(app: Sanic, tenant_id: str, event_id: str) -> None:
    ctx = app.ctx
    settings = ctx.settings
    tenant = ctx.tenants.get(tenant_id)
    mongo = MongoStore(ctx.mongo, settings.db_prefix)
    try:
        connector = connector_for(settings, tenant)
        try:
            stays = StayStore(mongo, tenant.id, Cipher(settings.data_keys), settings.guest_key)
            await process(EventStore(mongo, tenant.id), stays, connector, event_id)
        finally:
            await connector.close()
    except RapportError as e:  # storage or configuration: the jobs' round retries the event
        event(logger, "console.pms_webhook.failed", logging.WARNING, tenant=tenant_id, error=type(e).__name__)
