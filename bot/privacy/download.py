"""Download of a guest's data export (access requests), served by the Rasa server.

    GET /webhooks/privacy/export/<tenant>.<token>
    -> 200 application/json {"summary": "<readable overview>", "data": {...}}
       (as an attachment), once, within 24 hours of the link being sent
    -> 404 {"error": "not_found"} for a malformed, unknown, used or expired token

The token is the only credential (256 random bits, sent to the guest's own channel
after they were verified); only its SHA-256 is stored (bot/privacy/links.py). Every
refusal does the same work (one hash, one conditional update) and gives the same
body, so the answer does not tell which of the four it was. Nothing here logs the
token or the guest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.errors import PyMongoError
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.logs import event
from bot.base.sealing import Cipher
from bot.channels.base import TenantChannel, apply_server_limits
from bot.privacy.links import ExportLinks, split_token

logger = logging.getLogger(__name__)

HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}
MAX_TOKEN = 100


def not_found() -> HTTPResponse:
    return response.json({"error": "not_found"}, status=404, headers=HEADERS)


class PrivacyChannel(TenantChannel):
    @classmethod
    def name(cls) -> str:
        return "privacy"

    def links(self, tenant_id: str) -> ExportLinks:
        return ExportLinks(self.mongo(), tenant_id, Cipher(self.settings.data_keys))

    async def redeem(self, raw: str) -> dict[str, Any] | None:
        parsed = split_token(raw[:MAX_TOKEN])
        known = parsed is not None and parsed[0] in self.tenants.by_id
        # an unknown tenant or a malformed token is looked up too (in the first
        # tenant's collection, where it cannot match): the same work for every refusal
        tenant_id = parsed[0] if known and parsed else next(iter(self.tenants.by_id))
        found = await self.links(tenant_id).redeem(parsed[1] if parsed else raw[:MAX_TOKEN])
        return found if known else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("rapport_privacy", __name__)
        apply_server_limits(bp)

        @bp.listener("before_server_stop")
        async def close(app: Any, _loop: Any) -> None:
            if self._mongo is not None:
                self._mongo.client.close()

        @bp.route("/export/<token>", methods=["GET"])
        async def download(request: Request, token: str) -> HTTPResponse:
            try:
                found = await self.redeem(token)
            except PyMongoError:
                event(logger, "privacy.export.unavailable", logging.WARNING)
                return response.json({"error": "unavailable"}, status=503, headers=HEADERS)
            if found is None:
                event(logger, "privacy.export.refused")
                return not_found()
            event(logger, "privacy.export.downloaded", tenant=found.get("data", {}).get("tenant", "-"))
            body = json.dumps(found, ensure_ascii=False, indent=2, sort_keys=True)
            return response.text(
                body,
                content_type="application/json; charset=utf-8",
                headers={**HEADERS, "Content-Disposition": 'attachment; filename="rapport-export.json"'},
            )

        return bp
