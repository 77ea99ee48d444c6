"""REST channel for tests, benchmarks and server-to-server use — loopback only.

    POST /webhooks/rest/webhook
    {"sender": "guest-1", "message": "room 5", "metadata": {"tenant": "alpenhof", "locale": "de-AT"}}
    -> 200 [{"recipient_id": ..., "text": ...}, ...]

While staff hold the guest's conversation the bot says nothing; staff replies to a
REST guest (nothing can be pushed to it) come with the guest's next request, marked
`"from": "staff"`, and are then delivered. A message starting with "/" is the guest's
text for NLU, never an intent payload (bot/inbox/text.py: guest_text).

400 malformed (with a machine-readable "error" code; also JSON nested too deeply and
metadata values that are not strings), 403 not from loopback (a
request that came through a proxy, i.e. carries X-Forwarded-For/Forwarded, counts as
not from loopback),
404 unknown tenant, 413 too large, 503 when the turn could not be processed
(`{"error": "busy"}` with Retry-After when the conversation stayed locked by other
turns, bot/rasa/lock_store.py).

At-least-once clients send `"message_id"` (1-128 characters of [A-Za-z0-9_.:@+-],
unique per guest): a message whose id was already turned runs no second turn and is
answered `200 []` (plus staff messages waiting) with the header
`X-Rapport-Duplicate: true`; the replies of the first delivery are not repeated.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.errors import PyMongoError
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.errors import InvalidInput, UnknownTenant
from bot.base.logs import event
from bot.base.refs import guest_ref, make_sender
from bot.base.states import Channel
from bot.channels.base import TenantChannel, apply_server_limits
from bot.channels.rest.parse import parse_rest_payload
from bot.handover.store import HandoverStore
from bot.rasa.lock_store import ConversationBusy, DuplicateMessage
from bot.rasa.lock_store import inbound as turn_of

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
DUPLICATE_HEADER = "X-Rapport-Duplicate"


def is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def error(code: str, status: int, detail: str = "") -> HTTPResponse:
    return response.json({"error": code, "detail": detail}, status=status)


class RestChannel(TenantChannel):
    @classmethod
    def name(cls) -> str:
        return Channel.REST

    async def staff_messages(self, tenant_id: str, guest: str) -> list[dict[str, Any]]:
        """Staff messages waiting for this guest, now delivered (oldest first)."""
        gref = guest_ref(self.settings.guest_key, tenant_id, guest)
        store = HandoverStore(self.mongo(), tenant_id)
        try:
            waiting = await store.undelivered(gref)
            for m in waiting:
                await store.acknowledge(m["_id"], gref)
        except PyMongoError:
            event(logger, "rest.staff_messages_failed", logging.WARNING)
            return []  # delivered with a later request
        return [{"recipient_id": guest, "text": m["text"], "from": m["author"]} for m in waiting]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("rapport_rest", __name__)
        apply_server_limits(bp)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.listener("before_server_stop")
        async def close(app: Any, _loop: Any) -> None:
            if self._mongo is not None:
                self._mongo.client.close()

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            proxied = "x-forwarded-for" in request.headers or "forwarded" in request.headers
            if proxied or not is_loopback(request.ip):
                return error("forbidden", 403, "the REST channel is for loopback clients only")
            if len(request.body or b"") > MAX_BODY_BYTES:
                return error("too_large", 413, f"body over {MAX_BODY_BYTES} bytes")
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return error("bad_json", 400, "body is not JSON")
            except RecursionError:  # nested deeper than the interpreter's recursion limit
                return error("bad_json", 400, "body is nested too deeply")
            try:
                inbound = parse_rest_payload(body, self.tenants)
            except UnknownTenant:
                return error("unknown_tenant", 404)
            except InvalidInput as e:
                return error(e.code, 413 if e.code == "too_large" else 400, e.detail)

            collector = CollectingOutputChannel()
            headers = {}
            try:
                with turn_of(self.name(), inbound.message_id):
                    await on_new_message(
                        UserMessage(
                            inbound.text,
                            collector,
                            make_sender(inbound.tenant.id, inbound.guest),
                            input_channel=self.name(),
                            metadata=inbound.metadata,
                        )
                    )
            except DuplicateMessage:
                headers[DUPLICATE_HEADER] = "true"
            except ConversationBusy:
                return response.json(
                    {"error": "busy", "detail": ""}, status=503, headers={"Retry-After": "1"}
                )
            except Exception as e:  # noqa: BLE001 - the edge maps every failure
                event(logger, "rest.turn.failed", logging.ERROR, error=type(e).__name__)
                return error("processing_failed", 503)
            return response.json(
                collector.messages + await self.staff_messages(inbound.tenant.id, inbound.guest),
                headers=headers,
            )

        return bp
