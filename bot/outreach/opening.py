"""The conversation an invitation opens (CONTRACTS §3): which invitation a guest's first
message answers, and recording that it was answered.

An invitation already greeted the guest in the stay's language and asked the
questionnaire's first question (bot/outreach/message.py), so when the guest writes
back — by SMS or WhatsApp from the invited number, by e-mail from the invited address,
or in the web chat opened by the signed link (bot/channels/webchat/invite.py) — the
feedback pipeline (bot/feedback/stages/questionnaire.py) starts the new conversation
from the invitation: its language (source "reservation": detection never flips it, only
an explicit request does), the first question counted as asked, no second greeting;
the stay and the journey are kept in the conversation (`stay`, `journey`).

The channels give the guest the same keyed reference the stay holds for that number or
address (bot/base/refs.py `address_guest_ref`); a stay with both a phone and an address
holds both (`guest_refs`), so a reply by e-mail to an invitation sent by SMS is found too.

`answered_at` is the response rate's numerator (answered / invited, per journey,
channel and language) and tells the scheduler not to send the reminder.
"""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING
from pymongo.errors import PyMongoError

from bot.base.errors import StorageError
from bot.base.names import INVITATIONS
from bot.storage.mongo import DURABLE, MongoStore

WINDOW_DAYS = 14  # an invitation older than this no longer opens a conversation
DAY = 86_400.0
SENT = "sent"


async def open_invitation(
    mongo: MongoStore, tenant_id: str, guest_ref: str, now: float
) -> dict[str, Any] | None:
    """The newest invitation with status "sent" to this guest (any of the stay's
    references), sent within the last WINDOW_DAYS days; None when there is none."""
    if not isinstance(guest_ref, str) or not guest_ref:
        return None
    collection = mongo.database(tenant_id)[INVITATIONS]
    query = {
        "guest_refs": {"$in": [guest_ref]},  # nx-27017 matches an array element with $in
        "status": SENT,
        "sent_at": {"$gte": float(now) - WINDOW_DAYS * DAY, "$lte": float(now) + 60.0},
    }
    try:
        found = await collection.find(query).sort("sent_at", DESCENDING).limit(1).to_list(1)
    except PyMongoError as e:
        raise StorageError("reading invitations failed") from e
    return found[0] if found else None


async def mark_answered(mongo: MongoStore, tenant_id: str, inv_id: str, now: float) -> bool:
    """Set `answered_at` (epoch float) once; True when this call set it."""
    collection = mongo.database(tenant_id).get_collection(INVITATIONS, write_concern=DURABLE)
    try:
        result = await collection.update_one(
            {"_id": str(inv_id), "answered_at": {"$exists": False}},
            {"$set": {"answered_at": float(now), "updated_at": float(now)}},
        )
    except PyMongoError as e:
        raise StorageError("marking an invitation answered failed") from e
    return result.modified_count == 1
