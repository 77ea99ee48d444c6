"""Durable SMS bookkeeping in the tenant's database (motor).

- `sms_inbound`: one document per Twilio MessageSid (`_id`), written by the durable
  turn queue (bot/inbox/queue.py). Inserting it is the exactly-once gate: the
  unique `_id` makes a concurrent or later retry of the same webhook a no-op. It holds
  the message (number and body, sealed) only until its turn has run.
- `sms_outbound`: one document per message we sent through Twilio: provider sid, status
  and its history, the conversation's guest reference; `medium: "whatsapp"` on a
  WhatsApp message (none on an SMS). Statuses never move backwards.
- `sms_consent`: opt-out state per guest reference (STOP / START), persisted so a
  restart forgets nothing. SMS and WhatsApp from one number are one guest reference,
  so a STOP on either medium stops both (docs/INTEGRATORS.md#whatsapp).

WhatsApp's inbound turns share `sms_inbound` (the same webhook; the payload says
`medium`), its 24-hour window is `whatsapp_window.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.base.names import SMS_CONSENT, SMS_INBOUND, SMS_OUTBOUND
from bot.outbox.sms_status import advances
from bot.storage.mongo import DURABLE, MongoStore, delete_matching


def _now() -> datetime:
    return datetime.now(UTC)


class SmsStore:
    def __init__(self, store: MongoStore, tenant_id: str) -> None:
        db = store.database(tenant_id)
        self.inbound = db.get_collection(SMS_INBOUND, write_concern=DURABLE)
        self.outbound = db.get_collection(SMS_OUTBOUND, write_concern=DURABLE)
        self.consent = db.get_collection(SMS_CONSENT, write_concern=DURABLE)

    async def opted_out(self, guest_ref: str) -> bool:
        doc = await self.consent.find_one({"_id": guest_ref})
        return bool(doc and doc.get("opted_out"))

    async def set_consent(self, guest_ref: str, *, opted_out: bool, keyword: str) -> None:
        await self.consent.update_one(
            {"_id": guest_ref},
            {
                "$set": {"opted_out": opted_out, "keyword": keyword, "updated_at": _now()},
                "$setOnInsert": {"guest_ref": guest_ref},
            },
            upsert=True,
        )

    async def record_sent(
        self, sid: str, *, guest_ref: str, status: str, segments: int | None, medium: str = "sms"
    ) -> None:
        first: dict[str, Any] = {"guest_ref": guest_ref, "segments": segments, "sent_at": _now()}
        if medium != "sms":
            first["medium"] = medium
        await self.outbound.update_one(
            {"_id": sid},
            {
                "$setOnInsert": first,
                "$set": {"status": status},
                "$addToSet": {"history": status},
            },
            upsert=True,
        )

    async def update_status(self, sid: str, status: str) -> bool:
        """Apply a delivery-status callback; False when it would move backwards or
        repeats (duplicated or out-of-order callbacks change nothing)."""
        doc = await self.outbound.find_one({"_id": sid})
        current = doc.get("status") if doc else None
        if not advances(current, status):
            return False
        result = await self.outbound.update_one(
            {"_id": sid, "status": current},  # compare-and-set against a concurrent callback
            {"$set": {"status": status, "updated_at": _now()}, "$addToSet": {"history": status}},
            upsert=doc is None,
        )
        return bool(result.modified_count or result.upserted_id)

    async def status_of(self, sid: str) -> dict[str, Any] | None:
        return await self.outbound.find_one({"_id": sid})

    async def export_guest(self, guest_ref: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for col in (self.inbound, self.outbound, self.consent):
            out += [d async for d in col.find({"guest_ref": guest_ref})]
        return out

    async def erase_guest(self, guest_ref: str) -> int:
        n = 0
        for col in (self.inbound, self.outbound, self.consent):
            n += await delete_matching(col, {"guest_ref": guest_ref})
        return n
