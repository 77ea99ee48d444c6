"""Live updates: websocket `GET /t/<tenant>/live`.

Before the handshake (`before_upgrade`, run by the app's request middleware) the
upgrade must come from the console's own origin, be a well-formed websocket upgrade,
carry a live session and pass `access()` for the tenant in the URL; otherwise it is
answered 403/400/401/404 and no websocket is opened. The connection then subscribes
to the tenant's Redis channel `rapport:console:<tenant>` only, sends `{"type":
"ready"}` (the page re-fetches what it shows: persist first, publish second, so a
(re)connecting console resyncs from MongoDB) and forwards every JSON object published
there. Messages carry ids only.

The session is checked again every `RECHECK_SECONDS`; after logout, expiry or a
disabled account the socket is closed with 4401. A Redis failure closes it with 1011,
and the page reconnects. Sanic pings the browser every 20 s (WEBSOCKET_PING_INTERVAL).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from types import SimpleNamespace
from typing import Any

from redis.exceptions import RedisError
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from websockets.connection import OPEN
from websockets.server import ServerConnection

from bot.base.logs import event
from bot.base.names import console_channel
from bot.console.access import NotAuthenticated, NotVisible, access
from bot.console.security import same_origin

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 30.0
MAX_MESSAGE_BYTES = 8 * 1024


def register(app: Sanic) -> None:
    app.add_websocket_route(live, "/t/<tenant>/live", name="live")


async def before_upgrade(request: Request) -> HTTPResponse | None:
    if not same_origin(request.headers, request.app.ctx.origin):
        event(logger, "console.live.cross_origin", logging.WARNING)
        return response.json({"error": "cross_origin"}, status=403)
    if handshake_refused(request.headers):
        return response.json({"error": "websocket_required"}, status=400)
    tenant = request.match_info.get("tenant", "")
    try:
        request.ctx.live = await access(request, tenant, action="live.subscribe", resource_type="channel")
    except NotAuthenticated:
        return response.json({"error": "login_required"}, status=401)
    except NotVisible:
        return response.json({"error": "not_found"}, status=404)
    return None


def handshake_refused(headers: Any) -> bool:
    """True when the websockets package would refuse this upgrade (no or a bad
    Upgrade/Connection/Sec-WebSocket-Key/-Version header). Sanic 21.12 turns such a
    refusal into a 500 (websockets records it on the request, which Sanic's slotted
    Request refuses), so the console answers 400 before the handshake."""
    try:
        ServerConnection(state=OPEN).process_request(SimpleNamespace(headers=headers))
    except Exception:  # noqa: BLE001 - whatever websockets would refuse
        return True
    return False


def forwardable(data: Any) -> str | None:
    """The message to send to the browser (re-serialised JSON object), or None."""
    if not isinstance(data, bytes | str) or len(data) > MAX_MESSAGE_BYTES:
        return None
    try:
        message = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None
    return json.dumps(message, separators=(",", ":"))


async def _until_closed(ws: Any) -> None:
    """Read (and drop) what the browser sends; returns when the connection closes."""
    try:
        while await ws.recv() is not None:
            pass
    except Exception:  # noqa: BLE001, S110 - any end of the connection ends the loop
        pass


async def live(request: Request, ws: Any, tenant: str) -> None:
    grant = request.ctx.live
    ctx = request.app.ctx
    session_id = request.ctx.session.id
    pubsub = ctx.redis.pubsub()
    closed = asyncio.create_task(_until_closed(ws), name="console-live-reader")
    event(logger, "console.live.open", staff=grant.staff.id, tenant=grant.tenant_id)
    try:
        await pubsub.subscribe(console_channel(grant.tenant_id))
        await ws.send(json.dumps({"type": "ready"}))
        checked = time.monotonic()
        while not closed.done():
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is not None and message.get("type") == "message":
                out = forwardable(message.get("data"))
                if out is None:
                    event(logger, "console.live.dropped", logging.WARNING, tenant=grant.tenant_id)
                else:
                    await ws.send(out)
            if time.monotonic() - checked > RECHECK_SECONDS:
                checked = time.monotonic()
                if not await _still_allowed(request, session_id, grant.staff.id, grant.tenant_id):
                    await ws.close(code=4401, reason="session ended")
                    return
    except (RedisError, OSError) as e:
        event(logger, "console.live.redis_failed", logging.WARNING, error=type(e).__name__)
        await ws.close(code=1011, reason="live updates unavailable, reconnect")
    finally:
        closed.cancel()
        try:
            await pubsub.unsubscribe()
            await pubsub.close()
        except (RedisError, OSError):
            pass
        event(logger, "console.live.closed", staff=grant.staff.id, tenant=grant.tenant_id)


async def _still_allowed(request: Request, session_id: str, staff_id: str, tenant_id: str) -> bool:
    ctx = request.app.ctx
    session = await ctx.sessions.get(session_id)
    if session is None:
        return False
    staff = await ctx.staff.get(staff_id)
    return (
        staff is not None
        and not staff.disabled
        and staff.session_epoch == session.epoch
        and staff.role_in(tenant_id) is not None
    )
