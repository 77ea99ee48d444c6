"""What each verified data-subject request does (called by bot/privacy/worker.py,
which claims, audits and closes the request). Every step is idempotent, so a request
whose execution failed half-way is simply run again. Outcomes hold counts and codes,
never personal data.

- access: the export (bot/privacy/export.py) sealed behind a one-time link that
  expires after 24 hours (bot/privacy/links.py), sent to the guest on their channel.
  E-mail guests get the link too (no attachment: a mail may sit in many mailboxes
  and backups, a link works once and expires).
- erasure: the guest's contact is opened into memory, every store is erased and
  scanned (bot/privacy/erasure.py; the scan must come back clean, else `NotClean`
  and the request stays open), then the receipt goes out from memory without leaving
  a record of the guest in any store.
- rectification: the sealed `details` ({"email", "phone", "language",
  "withdraw_ratings"}) change the contact address on the guest's own channel, the
  conversations' language, or delete the guest's ratings.
- restriction: the guest's flag and `restricted: true` on every rating they gave.
- objection: the guest's flag (the outbox refuses everything else from then on), the
  confirmation (essential: the guest asked for it), then SMS consent opted out.

Every message to the guest goes through the outbox (bot/outbox).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from bot.base.errors import RapportError
from bot.base.logs import event
from bot.base.names import CONVERSATIONS, HANDOVERS, RATINGS
from bot.base.settings import Settings
from bot.base.states import Channel, DsrType
from bot.handover.store import HandoverStore
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.outbox.sms_store import SmsStore
from bot.outbox.whatsapp_window import WhatsappWindow
from bot.privacy import erasure, export
from bot.privacy.links import ExportLinks
from bot.privacy.stores import PrivacyContext
from bot.storage.contacts import Contact, ContactStore
from bot.storage.flags import FlagStore
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

EXPORT_PATH = "/webhooks/privacy/export/"


class NotClean(RapportError):
    """The scan after an erasure still found the guest somewhere."""


class Executor:
    def __init__(self, settings: Settings, ctx: PrivacyContext, catalog: Catalog, outbox: Outbox) -> None:
        self.settings = settings
        self.ctx = ctx
        self.catalog = catalog
        self.outbox = outbox

    async def run(self, tenant: Tenant, request: dict[str, Any]) -> dict[str, Any]:
        handler = {
            DsrType.ACCESS: self.access,
            DsrType.ERASURE: self.erasure,
            DsrType.RECTIFICATION: self.rectification,
            DsrType.RESTRICTION: self.restriction,
            DsrType.OBJECTION: self.objection,
        }[request["type"]]
        return await handler(tenant, request)

    # ---- the request types ----------------------------------------------------------

    async def access(self, tenant: Tenant, request: dict[str, Any]) -> dict[str, Any]:
        gref, lang = request["guest_ref"], self.language(tenant, request)
        data = await export.export_guest(self.ctx, tenant.id, gref)
        document = {"summary": export.summary(data, lang, self.catalog), "data": data}
        links = ExportLinks(self.ctx.mongo, tenant.id, self.ctx.cipher)
        token, expires_at = await links.create(request["_id"], gref, document)
        link = self.settings.public_url.rstrip("/") + EXPORT_PATH + token
        try:
            notice = await self.notify(tenant, request, "dsr.result.access", link=link, hours=24)
        except DeliveryFailed:
            await links.drop(token)  # never sent: nobody may use it
            raise
        if notice != "sent" and notice != "queued":
            await links.drop(token)
        return {"export": "link", "expires_at": expires_at, "records": _count(data), "notice": notice}

    async def erasure(self, tenant: Tenant, request: dict[str, Any]) -> dict[str, Any]:
        gref, channel = request["guest_ref"], request["channel"]
        contact = await ContactStore(self.ctx.mongo, tenant.id, self.ctx.cipher).get(gref)
        stopped = await SmsStore(self.ctx.mongo, tenant.id).opted_out(gref)
        # WhatsApp: free text only within 24 h of the guest's last message, read before it goes
        window_open = False
        if contact is not None and contact.channel == Channel.WHATSAPP:
            window_open = await WhatsappWindow(self.ctx.mongo, tenant.id).is_open(gref, contact.via)
        text = self.render(tenant, request, "dsr.result.erasure")
        await ExportLinks(self.ctx.mongo, tenant.id, self.ctx.cipher).erase_guest(gref)
        report = await erasure.erase_guest(self.ctx, tenant.id, gref, actor="system")
        if not report["scan"]["clean"]:
            hits = len(report["scan"].get("hits") or [])
            event(
                logger,
                "dsr.erasure.not_clean",
                logging.ERROR,
                tenant=tenant.id,
                request=request["_id"],
                hits=hits,
            )
            raise NotClean("the scan after the erasure found the guest")
        notice = await self.receipt(tenant, request, channel, contact, stopped, text, window_open)
        return {
            "erased": report["erased"],
            "scan": {"clean": True, "searched": report["scan"].get("searched", {})},
            "notice": notice,
        }

    async def rectification(self, tenant: Tenant, request: dict[str, Any]) -> dict[str, Any]:
        done = await apply_rectification(self.ctx, tenant.id, tenant.languages, request)
        if "language" in done["changed"]:
            request = {**request, "language": done["language"]}  # the confirmation in the new language
        notice = await self.notify(tenant, request, "dsr.result.rectification")
        return {
            "changed": done["changed"],
            "skipped": done["skipped"],
            "ratings_withdrawn": done["ratings_withdrawn"],
            "notice": notice,
        }

    async def restriction(self, tenant: Tenant, request: dict[str, Any]) -> dict[str, Any]:
        gref = request["guest_ref"]
        await FlagStore(self.ctx.mongo, tenant.id).set(gref, restricted=True)
        # nx-27017 stores a bool written by $set as 1; real MongoDB keeps true. Readers
        # filter with {"restricted": {"$nin": [True, 1]}} or on `restricted_at`.
        flagged = await self.ctx.db(tenant.id)[RATINGS].update_many(
            {"guest_ref": gref}, {"$set": {"restricted": True, "restricted_at": time.time()}}
        )
        notice = await self.notify(tenant, request, "dsr.result.restriction")
        return {"ratings_flagged": flagged.matched_count, "notice": notice}

    async def objection(self, tenant: Tenant, request: dict[str, Any]) -> dict[str, Any]:
        gref = request["guest_ref"]
        await FlagStore(self.ctx.mongo, tenant.id).set(gref, objected=True)
        notice = await self.notify(tenant, request, "dsr.result.objection")
        await SmsStore(self.ctx.mongo, tenant.id).set_consent(gref, opted_out=True, keyword="dsr_objection")
        return {"objected": True, "sms_opted_out": True, "notice": notice}

    # ---- telling the guest ---------------------------------------------------------

    def language(self, tenant: Tenant, request: dict[str, Any]) -> str:
        lang = request.get("language")
        return lang if lang in self.catalog.languages else tenant.default_language

    def render(self, tenant: Tenant, request: dict[str, Any], key: str, **params: Any) -> str:
        lang = self.language(tenant, request)
        return self.catalog.render(lang, key, hotel=tenant.name, request=request["_id"], **params)

    async def notify(self, tenant: Tenant, request: dict[str, Any], key: str, **params: Any) -> str:
        """The result on the guest's channel: "sent", "queued" (REST: with the guest's
        next request) or "undeliverable:<code>". A retryable provider failure raises
        (the request stays open and is tried again)."""
        text = self.render(tenant, request, key, **params)
        channel, gref = request["channel"], request["guest_ref"]
        message = {"_id": f"{request['_id']}:{key}", "text": text, "author": "system"}
        if channel in ("webchat", "rest"):
            # kept until the widget acknowledges it (sent again on reconnect) or the
            # REST guest's next request collects it
            store = HandoverStore(self.ctx.mongo, tenant.id)
            recorded = await store.record(
                f"dsr-{request['_id']}", gref, [("system", text)], publish=False, delivered=False
            )
            message["_id"] = recorded[0]["_id"]
            if channel == "rest":
                return "queued"
        try:
            await self.outbox.to_guest(tenant.id, channel, gref, message, essential=True)
        except DeliveryFailed as e:
            if e.retryable:
                raise
            return f"undeliverable:{e.code}"
        return "sent"

    async def receipt(
        self,
        tenant: Tenant,
        request: dict[str, Any],
        channel: str,
        contact: Contact | None,
        stopped: bool,
        text: str,
        window_open: bool = False,
    ) -> str:
        """The erasure receipt, from memory: nothing of the guest is written anywhere."""
        message_id = f"{request['_id']}:receipt"
        try:
            await self.outbox.from_memory(
                tenant.id,
                channel,
                request["guest_ref"],
                contact,
                stopped,
                message_id,
                text,
                window_open=window_open,
            )
        except RapportError as e:  # erased all the same; the receipt cannot be retried
            if isinstance(e, DeliveryFailed) and e.code != "provider_failed":
                return f"undeliverable:{e.code}"  # no contact, or the guest sent STOP
            event(logger, "dsr.receipt_failed", logging.WARNING, tenant=tenant.id, error=type(e).__name__)
            return "failed"
        return "sent"


def _count(data: dict[str, Any]) -> dict[str, int]:
    """Records per part of an export (the outcome keeps counts only)."""
    counts = {}
    for key, value in data.items():
        if isinstance(value, list):
            counts[key] = len(value)
        elif isinstance(value, dict):
            counts[key] = sum(len(v) for v in value.values() if isinstance(v, list))
    return counts


def rectification_details(ctx: PrivacyContext, tenant_id: str, request: dict[str, Any]) -> dict[str, Any]:
    """A rectification request's sealed details ({"email", "phone", "language", "withdraw_ratings"})."""
    if not request.get("details"):
        return {}
    return json.loads(ctx.cipher.open(request["details"], f"{tenant_id}|{request['guest_ref']}|dsr"))


async def apply_rectification(
    ctx: PrivacyContext, tenant_id: str, languages: Sequence[str], request: dict[str, Any]
) -> dict[str, Any]:
    """The changes a verified rectification asks for, without telling anyone (the worker
    notifies; a restore re-applies it silently). Idempotent. Returns
    {changed, skipped, ratings_withdrawn, language}."""
    gref = request["guest_ref"]
    details = rectification_details(ctx, tenant_id, request)
    changed: list[str] = []
    skipped: list[str] = []
    contacts = ContactStore(ctx.mongo, tenant_id, ctx.cipher)
    contact = await contacts.get(gref)
    for field, channels in (("email", ("email",)), ("phone", ("sms", "whatsapp"))):
        new = details.get(field)
        if not isinstance(new, str) or not new:
            continue
        if contact is None or contact.channel not in channels:
            skipped.append(field)  # one contact per guest: the channel they wrote on
            continue
        channel = contact.channel
        thread = {"subject": contact.thread.get("subject")} if channel == "email" else {}
        contact = Contact(gref, channel, new, contact.via, thread)
        await contacts.remember(contact)
        changed.append(field)
    lang = details.get("language")
    if isinstance(lang, str) and lang:
        if lang in languages:
            db = ctx.db(tenant_id)
            change = {"$set": {"language": lang, "language_source": "rectification"}}
            await db[CONVERSATIONS].update_many({"guest_ref": gref}, change)
            await db[HANDOVERS].update_many({"guest_ref": gref}, {"$set": {"language": lang}})
            await FlagStore(ctx.mongo, tenant_id).set(gref, language=lang)  # the next turn applies it
            changed.append("language")
        else:
            skipped.append("language")
    withdrawn = 0
    if details.get("withdraw_ratings") is True:
        withdrawn = (await ctx.db(tenant_id)[RATINGS].delete_many({"guest_ref": gref})).deleted_count
        changed.append("ratings_withdrawn")
    return {"changed": changed, "skipped": skipped, "ratings_withdrawn": withdrawn, "language": lang}
