"""The stay-import API for a PMS or middleware, served by the console:

    POST /t/<tenant>/api/stays
    Authorization: Bearer rpt_...        (a token of this tenant, bot/outreach/tokens.py)
    Content-Type: application/json
    {"stays": [{"reservation": ..., "status": ..., ...}, ...], "strict": false}

Not a staff route: no session, no CSRF token (a browser never sends an Authorization
header on its own, so another site cannot make it call this); `guard` in app.py lets
it through and this handler checks, in this order:

1. the token (401 `token_invalid` with `WWW-Authenticate: Bearer`): missing, malformed,
   unknown, revoked, or another tenant's — the same answer for each, and for a tenant
   that does not exist. A token is looked up only in the tenant the URL names, so
   another tenant's token is simply unknown there: 401, not 404 (a 404 would tell the
   caller the token is valid somewhere, or which tenants exist);
2. the rate per token (429 `rate_limited` with Retry-After; per console process);
3. the content type (415 `json_required`), then the size (413 `too_large`, over
   `MAX_BODY` bytes; the body is read only now, with that limit), then the JSON (400
   `json_invalid` / `json_too_deep` / `json_object_required`) and the batch's shape
   (400 `stays_required` / `stays_empty` / `parameter_unknown` / `strict_invalid`; 413
   `batch_too_large` over `MAX_ITEMS` stays);
4. each stay (bot/outreach/batch.py): 200 with every item's outcome (new, changed,
   unchanged, rejected with errors) and the counts; 422 with the same body when no
   item could be written.

Every accepted call is audited in the tenant (`stays.api`, actor `token:<id>`, the
batch id and counts; never a reservation or contact) and logged with the same; a
revoked token's attempt is audited as denied.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.audit.log import AuditRecord
from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.base.sealing import Cipher
from bot.console.routes import json_body
from bot.inbox.ratelimit import RateLimiter
from bot.outreach.batch import MAX_BODY, MAX_ITEMS, check_batch, import_batch
from bot.outreach.mapping import hotel_of
from bot.outreach.stays import StayStore
from bot.outreach.tokens import TokenStore, bearer
from bot.storage.mongo import MongoStore, connect

logger = logging.getLogger(__name__)

STAYS_API_ROUTES = (("POST", "/t/<tenant>/api/stays", "stays_api"),)
RATE = (60, 60.0, 20)  # calls per token: 60 a minute, bursts of 20
BULK_SECONDS = 120  # the socket timeout of one MongoDB operation on stays in bulk
DRAIN = 4  # a body up to 4 times the limit is read (and dropped) before the 413


def register(app: Sanic) -> None:
    app.add_route(stays_api, "/t/<tenant>/api/stays", methods=["POST"], name="stays_api", stream=True)
    app.ctx.stays_api_rate = RateLimiter.per(RATE[0], RATE[1], burst=RATE[2], max_keys=10_000)
    app.register_listener(_open, "before_server_start")
    app.register_listener(_close, "after_server_stop")


async def _open(app: Sanic, _loop: Any) -> None:
    # stays in bulk (this API, the console upload): reading every stay's digest and
    # writing thousands of sealed stays outlasts a chat turn's 5 s socket timeout
    url = app.ctx.settings.effective_mongodb_url.value
    app.ctx.bulk_mongo = connect(url, socketTimeoutMS=BULK_SECONDS * 1000)


async def _close(app: Sanic, _loop: Any) -> None:
    app.ctx.bulk_mongo.close()


def bulk(request: Request) -> MongoStore:
    """The tenant databases through the console's client for stays in bulk."""
    return MongoStore(request.app.ctx.bulk_mongo, request.app.ctx.settings.db_prefix)


def _unauthorized() -> HTTPResponse:
    return response.json(
        {"error": "token_invalid", "detail": "send Authorization: Bearer <an API token of this hotel>"},
        status=401,
        headers={"WWW-Authenticate": 'Bearer realm="rapport"'},
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The body of a streamed route, at most `limit` bytes, else 413 `too_large`. A body
    somewhat over the limit is read to its end and dropped, so that the client, still
    sending, gets the answer (a connection closed under it reads as a network error);
    one of over `DRAIN` times the limit is cut off."""
    stream = getattr(request, "stream", None)
    if stream is not None:
        declared = request.headers.get("content-length") or ""
        if declared.isdigit() and int(declared) > limit * DRAIN:
            raise InvalidInput("too_large", f"at most {limit} bytes")
        stream.request_max_size = limit * DRAIN  # beyond that Sanic answers 413 and closes
        parts: list[bytes] = []
        size = 0
        async for chunk in stream:
            size += len(chunk)
            if size <= limit:
                parts.append(chunk)
            elif parts:
                parts = []  # over the limit: drain, keep nothing
        if size > limit:
            raise InvalidInput("too_large", f"at most {limit} bytes")
        request.body = b"".join(parts)
    body = request.body or b""
    if len(body) > limit:
        raise InvalidInput("too_large", f"at most {limit} bytes")
    return body


async def stays_api(request: Request, tenant: str) -> HTTPResponse:
    ctx = request.app.ctx
    if tenant not in ctx.tenants.by_id:
        return _unauthorized()
    tokens = TokenStore(MongoStore(ctx.mongo, ctx.settings.db_prefix), tenant)
    found = await tokens.lookup(bearer(request.headers.get("authorization")))
    if found is None or found.revoked:
        event(logger, "outreach.api.token_refused", logging.WARNING, tenant=tenant, revoked=found is not None)
        if found is not None:  # a revoked token of this tenant: audited, it was once trusted
            record = AuditRecord(f"token:{found.id}", "stays.api", "stays", None, "denied", tenant)
            await ctx.audit.tenant(tenant, record)
        return _unauthorized()
    if not ctx.stays_api_rate.allow(found.id):
        event(logger, "outreach.api.rate_limited", logging.WARNING, tenant=tenant, token=found.id)
        return response.json(
            {"error": "rate_limited", "detail": f"at most {RATE[0]} calls a minute per token"},
            status=429,
            headers={"Retry-After": "5"},
        )
    token = await tokens.used(found)
    if not (request.content_type or "").lower().startswith("application/json"):
        return response.json(
            {"error": "json_required", "detail": "send Content-Type: application/json"}, status=415
        )
    await read_body(request, MAX_BODY)
    batch = check_batch(json_body(request), hotel_of(ctx.tenants.get(tenant)))
    s = ctx.settings
    store = StayStore(bulk(request), tenant, Cipher(s.data_keys), s.guest_key)
    report = await import_batch(store, batch)
    counts = report.counts()
    record = AuditRecord(
        f"token:{token.id}", "stays.api", "stays", report.batch_id, "allowed", tenant, counts
    )
    await ctx.audit.tenant(tenant, record)
    event(logger, "outreach.api.batch", tenant=tenant, token=token.id, **counts)
    status = 200 if report.written else 422
    return response.json(report.public(), status=status)


__all__ = ["MAX_ITEMS", "STAYS_API_ROUTES", "bulk", "register", "read_body"]
