"""Receiving a PMS webhook, independent of the web framework (the console's route,
bot/console/pms_webhook.py, is a thin adapter around `receive`).

    POST /pms/<tenant>/<kind>/webhook/<token>

apaleo cannot sign its webhooks, so the URL carries a per-tenant secret
(RAPPORT_PMS_<TENANT>_WEBHOOK_TOKEN, at least 24 characters; register the URL with it in
apaleo's subscription) and the body is only a hint: its event id (replay protection) and
entity id (what to re-fetch with the client credentials). Answers:

    200 {"ok": true, "event": "recorded"}      new event: recorded, processed right after
    200 {"ok": true, "event": "duplicate"}     the same event id again: nothing happens
    200 {"ok": true, "event": "ignored"}       a health check or another topic
    400 {"error": "malformed"}                 not JSON, or no event id / entity id
    401 {"error": "unauthorized"}              a wrong token
    404 {"error": "not_found"}                 no such tenant, no connector of this kind
                                               for it, or no webhook token configured
    413 (the console's request size limit, 64 KB)
"""

from __future__ import annotations

import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from bot.base.errors import UnknownTenant
from bot.base.settings import Settings
from bot.outreach.pms.events import EventStore, WebhookEvent
from bot.outreach.pms.registry import MODULES, module
from bot.outreach.stays import stay_id
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Tenants

MIN_TOKEN = 24


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    event: str | None = None  # the recorded event's _id, to process after answering


NOT_FOUND = Answer(404, {"error": "not_found"})


def webhook_token(settings: Settings, tenant_id: str) -> str | None:
    secret = settings.pms_secret(tenant_id, "webhook_token")
    return secret.value if secret and len(secret.value) >= MIN_TOKEN else None


async def receive(
    mongo: MongoStore,
    settings: Settings,
    tenants: Tenants,
    tenant_id: str,
    kind: str,
    token: str,
    body: bytes,
    now: float | None = None,
) -> Answer:
    try:
        tenant = tenants.get(tenant_id)
    except UnknownTenant:
        return NOT_FOUND
    if tenant.pms is None or tenant.pms.kind != kind or kind not in MODULES:
        return NOT_FOUND
    parse = getattr(module(kind), "webhook_event", None)
    expected = webhook_token(settings, tenant.id)
    if parse is None or expected is None:
        return NOT_FOUND
    if not hmac.compare_digest(expected.encode(), token.encode("utf-8", "surrogatepass")):
        return Answer(401, {"error": "unauthorized"})
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Answer(400, {"error": "malformed"})
    try:
        ev = parse(payload, tenant.pms.options)
    except ValueError:
        return Answer(400, {"error": "malformed"})
    if ev is None:
        return Answer(200, {"ok": True, "event": "ignored"})
    stay = stay_id(settings.guest_key, tenant.id, ev.entity)
    now = time.time() if now is None else now
    doc_id = await EventStore(mongo, tenant.id).record(kind, ev, stay, now)
    if doc_id is None:
        return Answer(200, {"ok": True, "event": "duplicate"})
    return Answer(200, {"ok": True, "event": "recorded"}, doc_id)


__all__ = ["Answer", "WebhookEvent", "receive", "webhook_token"]
