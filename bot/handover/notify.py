"""Telling on-duty staff that a guest is waiting: by e-mail (and SMS where the tenant
allows it), with a link to the conversation in the console.

`Notifier.run_once` is one round; the jobs process (bot/jobs) runs it every second.
Each escalated conversation is claimed with a lease (`notify_claim_until`, set with a
conditional update, so two jobs processes never both notify at once), then every
on-duty member of staff of the tenant with an address gets one message. Only then is
`notified_at` set. When every message failed, the claim is kept as a back-off (2, 4, 8 …
seconds) and the next round after it tries again, up to MAX_ATTEMPTS; a process that
dies between claim and send leaves a lease that expires after LEASE seconds, and another
round notifies (staff may then, rarely, get an alert twice: better than never).

The body says only what the tenant's policy (`handover.notify.include`) allows: the
hotel, the reason, the channel, the language, how long the guest has waited — never the
guest's name, number, address or words.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.base.logs import event
from bot.base.names import HANDOVERS
from bot.base.settings import Settings
from bot.handover.store import WAITING
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.staff.accounts import StaffStore
from bot.storage.mongo import DURABLE, MongoStore
from bot.tenants.registry import Tenant, Tenants

logger = logging.getLogger(__name__)

LEASE = 60.0  # seconds a claim holds while the notices are sent
MAX_ATTEMPTS = 6  # rounds that found every notice failing before the alert is given up


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str
    link: str


def compose(
    catalog: Catalog, tenant: Tenant, handover: dict[str, Any], console_url: str, now: float
) -> Notice:
    """The notification for one escalation, in the tenant's default language."""
    lang = tenant.default_language
    include = tenant.handover.notify_include
    details: list[str] = []
    if "reason" in include:
        details.append(catalog.render(lang, f"notify.reason.{handover.get('reason', 'request')}"))
    if "channel" in include and handover.get("channel"):
        details.append(str(handover["channel"]))
    if "language" in include and handover.get("language"):
        details.append(str(handover["language"]))
    if "waiting" in include and handover.get("escalated_at"):
        details.append(f"{max(0, int((now - float(handover['escalated_at'])) // 60))} min")
    hotel = tenant.name if "hotel" in include else ""
    link = f"{console_url.rstrip('/')}/t/{tenant.id}/#conversation={handover['_id']}"
    subject = catalog.render(lang, "notify.subject", hotel=hotel).lstrip(": ").strip()
    body = catalog.render(lang, "notify.body", details=", ".join(details) or "-", link=link)
    return Notice(subject, body, link)


class Notifier:
    def __init__(
        self,
        settings: Settings,
        mongo: MongoStore,
        staff: StaffStore,
        tenants: Tenants,
        catalog: Catalog,
        outbox: Outbox,
    ) -> None:
        self.settings = settings
        self.mongo = mongo
        self.staff = staff
        self.tenants = tenants
        self.catalog = catalog
        self.outbox = outbox  # e-mail and SMS to staff (`Outbox.to_staff`)

    async def run_once(self) -> int:
        """Notify about every escalation not yet notified; how many were claimed."""
        claimed = 0
        for tenant in self.tenants:
            handovers = self.mongo.database(tenant.id).get_collection(HANDOVERS, write_concern=DURABLE)
            while True:
                now = time.time()
                doc = await self._claim(handovers, now)
                if doc is None:
                    break
                claimed += 1
                attempts = int(doc.get("notify_attempts") or 0) + 1
                sent = await self.notify(tenant, doc, now)
                await self._settle(handovers, tenant, doc["_id"], sent, attempts, time.time())
        return claimed

    async def _claim(self, handovers: Any, now: float) -> dict[str, Any] | None:
        """An escalation nobody was told of and nobody holds (two passes: nx-27017 must
        not get a write filter with a top-level $or)."""
        lease = {"$set": {"notify_claim_until": now + LEASE}}
        unclaimed = {
            "state": WAITING,
            "notified_at": {"$exists": False},
            "notify_claim_until": {"$exists": False},
        }
        doc = await handovers.find_one_and_update(unclaimed, lease)
        if doc is None:
            expired = {
                "state": WAITING,
                "notified_at": {"$exists": False},
                "notify_claim_until": {"$lt": now},
            }
            doc = await handovers.find_one_and_update(expired, lease)
        return doc

    async def _settle(
        self, handovers: Any, tenant: Tenant, hid: str, sent: int | None, attempts: int, now: float
    ) -> None:
        """`sent` None: nobody on duty with an address (nothing to retry)."""
        if sent == 0 and attempts < MAX_ATTEMPTS:
            retry = min(2.0**attempts, LEASE)
            await handovers.update_one(
                {"_id": hid}, {"$set": {"notify_claim_until": now + retry, "notify_attempts": attempts}}
            )
            event(logger, "notify.retry", logging.WARNING, tenant=tenant.id, attempt=attempts, after=retry)
            return
        done: dict[str, Any] = {"notified_at": now, "notify_attempts": attempts}
        if sent == 0:
            done["notify_failed"] = 1
            event(
                logger,
                "notify.given_up",
                logging.ERROR,
                tenant=tenant.id,
                conversation=hid,
                attempts=attempts,
            )
        await handovers.update_one({"_id": hid}, {"$set": done, "$unset": {"notify_claim_until": ""}})

    async def notify(self, tenant: Tenant, handover: dict[str, Any], now: float) -> int | None:
        """Sends the notices; how many went out (None: there was nobody to send to)."""
        notice = compose(self.catalog, tenant, handover, self.settings.console_url, now)
        on_duty = [s for s in await self.staff.list(tenant.id) if s.on_duty and not s.disabled]
        policy = tenant.handover
        emails = [s.email for s in on_duty if policy.notify_email and s.email]
        phones = [s.phone for s in on_duty if policy.notify_sms and s.phone and tenant.sms_numbers]
        sent = await self._emails(tenant, emails, notice) + await self._sms(tenant, phones, notice)
        event(
            logger,
            "notify.sent",
            tenant=tenant.id,
            conversation=handover["_id"],
            reason=handover.get("reason"),
            on_duty=len(on_duty),
            sent=sent,
        )
        if not on_duty:
            event(logger, "notify.nobody_on_duty", logging.WARNING, tenant=tenant.id)
        return sent if emails or phones else None

    async def _emails(self, tenant: Tenant, addresses: Sequence[str], notice: Notice) -> int:
        sent = 0
        for address in addresses:
            try:
                await self.outbox.to_staff(tenant, "email", address, notice.body, subject=notice.subject)
                sent += 1
            except DeliveryFailed as e:
                event(logger, "notify.email_failed", logging.WARNING, tenant=tenant.id, retryable=e.retryable)
        return sent

    async def _sms(self, tenant: Tenant, phones: Sequence[str], notice: Notice) -> int:
        sent = 0
        for phone in phones:
            try:
                await self.outbox.to_staff(tenant, "sms", phone, f"{notice.subject}: {notice.link}")
                sent += 1
            except DeliveryFailed as e:
                event(logger, "notify.sms_failed", logging.WARNING, tenant=tenant.id, retryable=e.retryable)
        return sent
