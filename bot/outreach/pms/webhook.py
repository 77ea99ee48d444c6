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
    401 {"error": "unauthorized"}              a wrong token (or, for a signed kind, a
                                               missing, stale or wrong signature)
    422 {"error": "unmappable", "detail": ...} a signed kind's booking that cannot be a
                                               stay (nothing recorded)
    404 {"error": "not_found"}                 no such tenant, no connector of this kind
                                               for it, or no webhook token configured
    413 (the console's request size limit, 64 KB)
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.base.errors import RapportError, UnknownTenant
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.outreach.pms.base import Counters, Unmappable
from bot.outreach.pms.events import EventStore, WebhookEvent
from bot.outreach.pms.registry import MODULES, hotel_of, module
from bot.outreach.stays import StayStore, stay_id
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
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """A webhook's answer; a kind with `verify` (signed bodies) is checked against its
    signing secret, and one with `webhook_stay` is stored at once (no re-fetch)."""
    now = time.time() if now is None else now
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
    verify = getattr(module(kind), "verify", None)
    if verify is not None:
        key = settings.pms_secret(tenant.id, "signing_secret")
        if not verify(headers or {}, body, key.value if key else None, now):
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
    to_stay = getattr(module(kind), "webhook_stay", None)
    stay = None
    if to_stay is not None:
        try:
            stay = to_stay(payload, hotel_of(tenant), Counters())
        except Unmappable as e:
            return Answer(422, {"error": "unmappable", "detail": str(e)})
    events = EventStore(mongo, tenant.id)
    doc_id = await events.record(kind, ev, stay_id(settings.guest_key, tenant.id, ev.entity), now)
    if doc_id is None:
        return Answer(200, {"ok": True, "event": "duplicate"})
    if stay is None:
        return Answer(200, {"ok": True, "event": "recorded"}, doc_id)
    stays = StayStore(mongo, tenant.id, Cipher(settings.data_keys), settings.guest_key)
    try:
        result = await stays.upsert(
            [stay], source=kind, import_id=f"pms_{kind}_{secrets.token_hex(4)}", now=now
        )
    except RapportError:
        with contextlib.suppress(Exception):  # the sender's retry must not read as a replay
            await events.collection.delete_one({"_id": doc_id})
        raise
    outcome = next((k for k in ("new", "changed", "unchanged") if result[k]), "unchanged")
    await events.finish(doc_id, outcome, now)
    return Answer(200, {"ok": True, "event": "recorded", "outcome": outcome})


__all__ = ["Answer", "WebhookEvent", "receive", "webhook_token"]
