"""WhatsApp's 24-hour customer-service window, per guest and hotel sender.

WhatsApp lets a business send free text to a user only within 24 hours of the user's
last message to that business number; outside it only a pre-approved template (Twilio:
`ContentSid` + `ContentVariables`), and Twilio fails a free-form message with error
63016. The outbox checks the window before it sends free text (`Outbox`), so a caller
gets DeliveryFailed("outside_window") at once and can fall back (a template, SMS, mail).

Collection `whatsapp_window` in the tenant's database, one document per guest and
hotel WhatsApp sender:

    _id              "<guest_ref>|<hotel number>"
    guest_ref        keyed hash (erasure and export find it by this)
    via              the hotel's WhatsApp sender, E.164 (not personal)
    last_inbound_at  epoch seconds (a float: nx-27017 returns datetimes written by
                     update operators as strings) of the guest's latest message

The SMS channel records each inbound WhatsApp message's arrival (`opened`), before its
turn replies; a turn retried later never moves the time backwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pymongo.errors import DuplicateKeyError

from bot.base.names import WHATSAPP_WINDOW
from bot.storage.mongo import DURABLE, MongoStore

WINDOW_SECONDS = 24 * 60 * 60


def within_window(last_inbound_at: float | None, now: float, window: float = WINDOW_SECONDS) -> bool:
    """True when free text may go out at `now`: the guest wrote at `last_inbound_at`
    (epoch seconds) less than `window` seconds before. Never written (None): False. A
    time ahead of the clock (skew between servers) counts as just now."""
    if last_inbound_at is None:
        return False
    return now - float(last_inbound_at) < window


class WhatsappWindow:
    def __init__(self, mongo: MongoStore, tenant_id: str, clock: Callable[[], float] = time.time) -> None:
        self.collection = mongo.database(tenant_id).get_collection(WHATSAPP_WINDOW, write_concern=DURABLE)
        self.clock = clock

    @staticmethod
    def key(guest_ref: str, via: str) -> str:
        return f"{guest_ref}|{via}"

    async def opened(self, guest_ref: str, via: str, at: float) -> None:
        """The guest wrote to the hotel's sender `via` at `at`: the window runs from the
        latest such time (an older one, from a retried turn, changes nothing)."""
        key, at = self.key(guest_ref, via), float(at)
        for _ in range(2):
            # one condition per write (nx-27017: no $or in write filters)
            result = await self.collection.update_one(
                {"_id": key, "last_inbound_at": {"$lt": at}}, {"$set": {"last_inbound_at": at}}
            )
            if result.matched_count:
                return
            try:
                await self.collection.insert_one(
                    {"_id": key, "guest_ref": guest_ref, "via": via, "last_inbound_at": at}
                )
                return
            except DuplicateKeyError:
                continue  # recorded meanwhile, or already as late: compare once more
        return

    async def last_inbound(self, guest_ref: str, via: str) -> float | None:
        doc = await self.collection.find_one({"_id": self.key(guest_ref, via)})
        value = doc.get("last_inbound_at") if doc else None
        return float(value) if isinstance(value, int | float | str) and value != "" else None

    async def is_open(self, guest_ref: str, via: str) -> bool:
        return within_window(await self.last_inbound(guest_ref, via), self.clock())
