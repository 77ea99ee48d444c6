"""What an administrator decides about a data-subject request, shared by the console
(bot/console/dsr.py) and the CLI (bot/privacy/commands/dsr.py); both audit the
decision with the actor (a staff id, or `cli:<uid>`).

- approve: awaiting_approval -> verified, with `approved_by` / `approved_at`; the
  worker (bot/privacy/worker.py) then carries it out;
- reject: received | verification_pending | awaiting_approval -> rejected, with the
  reason; the guest is told, with the reason (GDPR Art. 12(4));
- extend: the deadline by 1-60 days with a recorded reason (DsrStore.extend); the
  guest is told the new date and the reason (Art. 12(3)).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.outbox import DeliveryFailed
from bot.privacy.requests import AWAITING, PENDING, RECEIVED, REJECTED, VERIFIED, DsrStore, RequestConflict
from bot.storage.documents import DsrRequestDoc
from bot.tenants.registry import Tenant, Tenants

logger = logging.getLogger(__name__)

HIDDEN = ("details", "code_hash", "claimed_by")  # sealed or secret: never shown
MAX_REASON = 500


class Notices(Protocol):
    async def notify(self, tenant: Tenant, request: DsrRequestDoc, key: str, **params: Any) -> str: ...


def public(doc: DsrRequestDoc) -> dict[str, Any]:
    """A request as staff and operators see it (no sealed details, no code hash)."""
    out = {("id" if k == "_id" else k): v for k, v in doc.items() if k not in HIDDEN}
    out["has_details"] = bool(doc.get("details"))
    return out


async def history(dsr: DsrStore, request_id: str) -> list[dict[str, Any]]:
    cursor = dsr.history.find({"request": request_id}).sort("at", 1)
    return [{k: v for k, v in d.items() if k != "_id"} async for d in cursor]


def _reason(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("reason_required", "give a reason")
    if len(raw) > MAX_REASON:
        raise InvalidInput("too_large", f"reason over {MAX_REASON} characters")
    return " ".join(raw.split())


async def approve(dsr: DsrStore, request_id: str, actor: str) -> DsrRequestDoc:
    fields = {"approved_by": actor, "approved_at": time.time()}
    doc = await dsr.transition(request_id, AWAITING, VERIFIED, actor, fields=fields)
    if doc is None:
        raise RequestConflict("only a request awaiting approval can be approved")
    event(logger, "dsr.approved", tenant=dsr.tenant_id, request=request_id)
    return doc


async def reject(
    dsr: DsrStore, request_id: str, actor: str, reason: Any, tenants: Tenants, notices: Notices | None
) -> DsrRequestDoc:
    reason = _reason(reason)
    doc = await dsr.transition(
        request_id, (RECEIVED, PENDING, AWAITING), REJECTED, actor, fields={"rejection_reason": reason}
    )
    if doc is None:
        raise RequestConflict("only an open request not being carried out can be rejected")
    event(logger, "dsr.rejected", tenant=dsr.tenant_id, request=request_id)
    await _tell(tenants.get(dsr.tenant_id), doc, "dsr.result.rejected", notices, reason=reason)
    return doc


async def extend(
    dsr: DsrStore,
    request_id: str,
    actor: str,
    days: Any,
    reason: Any,
    tenants: Tenants,
    notices: Notices | None,
) -> DsrRequestDoc:
    if isinstance(days, bool) or not isinstance(days, int):
        raise InvalidInput("days_invalid", "days is a whole number (1-60)")
    doc = await dsr.extend(request_id, days, _reason(reason), actor)
    date = datetime.fromtimestamp(float(doc["extended_until"]), UTC).strftime("%Y-%m-%d")
    event(logger, "dsr.extended", tenant=dsr.tenant_id, request=request_id, days=days)
    await _tell(
        tenants.get(dsr.tenant_id), doc, "dsr.result.extended", notices, date=date, reason=_reason(reason)
    )
    return doc


async def _tell(tenant: Tenant, doc: DsrRequestDoc, key: str, notices: Notices | None, **params: Any) -> None:
    if notices is None:
        return
    try:
        notice = await notices.notify(tenant, doc, key, **params)
    except DeliveryFailed as e:
        notice = f"failed:{e.code}"
    event(logger, "dsr.guest_told", tenant=tenant.id, request=doc["_id"], notice=notice)
