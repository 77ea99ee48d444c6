"""SMS and WhatsApp over Twilio.

    POST /webhooks/sms/inbound   Twilio's incoming-message webhook (SMS and WhatsApp)
    POST /webhooks/sms/status    delivery-status callbacks (?tenant=<id>), both media

WhatsApp arrives on the same webhook, signed the same way, with `whatsapp:+...` in From
and To (bot/channels/sms/whatsapp.py): the tenant is the one whose `whatsapp_numbers`
holds To; the guest is the phone number's, the same guest as by SMS, so a reply on either
medium continues one conversation; each message records the guest's 24-hour window
(bot/outbox/whatsapp_window.py) and the bot answers on WhatsApp.

Unlike Rasa 3.6's TwilioInput: every request's `X-Twilio-Signature` is verified
(over the configured public URL, so it works behind a TLS-terminating proxy) before
anything else; each MessageSid is processed once however often Twilio retries it; the
webhook answers at once with empty TwiML and the turn runs afterwards, as a durable job
retried with backoff if it fails (bot/channels/base.py) — a retry whose MessageSid is
already among the tracker's user events (Rasa's message_id; the process died after the
turn) is not run again —; replies go out through the
outbox (bot/outbox: Twilio's async client, split on sentence boundaries within the
segment budget, each part recorded); the turn's metadata carries the sender number's
country (`phone_region`, a weak language prior), never the number;
STOP/START/HELP in every supported language are honoured and persisted (on WhatsApp
too, where Twilio answers none of them, so the English ones are answered here).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import redis.asyncio as aioredis
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.audit.log import AuditLog, SystemAccess
from bot.base.errors import InvalidInput, RapportError, UnknownTenant
from bot.base.logs import event
from bot.base.names import SMS_CONSENT, SMS_INBOUND, WHATSAPP_WINDOW
from bot.base.refs import channel_guest_id, guest_ref, make_sender, tracker_key
from bot.base.states import Channel
from bot.channels.base import OnNewMessage, WebhookChannel, form_dict, turn_replies
from bot.channels.sms.inbound import InboundSms, parse_twilio_form
from bot.channels.sms.keywords import classify_keyword, keyword_language
from bot.channels.sms.signature import public_url, verify
from bot.channels.sms.whatsapp import InboundWhatsapp, is_whatsapp, parse_whatsapp_form
from bot.i18n import Catalog
from bot.inbox.queue import Job
from bot.inbox.text import guest_text
from bot.language import phone_region
from bot.outbox import DeliveryFailed
from bot.outbox.sms_store import SmsStore
from bot.outbox.whatsapp_window import WhatsappWindow
from bot.storage.contacts import Contact
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY_BYTES = 64 * 1024
KEYWORD_REPLIES = {"stop": "sms.stopped", "start": "sms.started", "help": "sms.help"}
OUTSIDE_WINDOW = "63016"  # Twilio's ErrorCode: free-form WhatsApp message outside the window


def turn_metadata(medium: str, from_number: str) -> dict[str, str]:
    """The turn's metadata: the medium and, when the number parses, its country (ISO
    3166 alpha-2, a weak language prior: bot/language/priors.py). Only the region
    goes into metadata, never the number."""
    metadata = {"channel": medium}
    region = phone_region(from_number)
    if region is not None:
        metadata["phone_region"] = region
    return metadata


def twiml() -> HTTPResponse:
    return response.text(EMPTY_TWIML, content_type="text/xml")


class SmsChannel(WebhookChannel):
    INBOUND = SMS_INBOUND

    @classmethod
    def name(cls) -> str:
        return Channel.SMS

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.catalog = Catalog.load()
        self._redis: aioredis.Redis | None = None

    def store(self, tenant: Tenant) -> SmsStore:
        return SmsStore(self.mongo(), tenant.id)

    def authentic(self, request: Request, form: dict[str, str]) -> bool:
        url = public_url(self.settings.public_url, request.path, request.query_string)
        return verify(
            self.settings.twilio_auth_token.value, url, form, request.headers.get("X-Twilio-Signature")
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = self.new_blueprint("rapport_sms", on_new_message)

        @bp.route("/inbound", methods=["POST"])
        async def inbound(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "too_large"}, status=413)
            form = form_dict(request)
            if not self.settings.twilio_auth_token or not self.authentic(request, form):
                event(logger, "sms.inbound.rejected", logging.WARNING, reason="signature")
                return response.json({"error": "forbidden"}, status=403)
            whatsapp = is_whatsapp(form)
            try:
                if whatsapp:
                    sms = parse_whatsapp_form(form)
                    tenant = self.tenants.by_whatsapp_number(sms.to_number)
                else:
                    sms = parse_twilio_form(form)
                    tenant = self.tenants.by_sms_number(sms.to_number)
            except UnknownTenant:
                event(logger, "sms.inbound.rejected", logging.WARNING, reason="unknown_number")
                return response.json({"error": "unknown_number"}, status=404)
            except InvalidInput as e:
                # signed by Twilio but unusable: answer 200 so it is not retried forever
                event(logger, "sms.inbound.unparseable", logging.WARNING, reason=e.code)
                return twiml()
            payload = dataclasses.asdict(sms)
            if whatsapp:
                payload["medium"] = Channel.WHATSAPP
            try:
                first = await self.accept_turn(
                    tenant, sms.message_sid, payload, guest_ref=self.guest_of(tenant, sms)[1]
                )
            except RapportError:
                return response.json({"error": "unavailable"}, status=503)  # Twilio retries
            if not first:
                event(logger, "sms.inbound.duplicate", sid=sms.message_sid)
            return twiml()

        @bp.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            form = form_dict(request)
            if not self.settings.twilio_auth_token or not self.authentic(request, form):
                return response.json({"error": "forbidden"}, status=403)
            sid, new = form.get("MessageSid", ""), form.get("MessageStatus", "")
            try:
                tenant = self.tenants.get(request.args.get("tenant", ""))
            except UnknownTenant:
                return response.json({"error": "unknown_tenant"}, status=404)
            if not sid or not new:
                return response.json({"error": "bad_status"}, status=400)
            changed = await self.store(tenant).update_status(sid, new)
            event(logger, "sms.status.received", sid=sid, status=new, applied=changed)
            if form.get("ErrorCode") == OUTSIDE_WINDOW:  # Twilio refused free text on WhatsApp
                event(logger, "whatsapp.send.outside_window", logging.WARNING, tenant=tenant.id, sid=sid)
            return response.text("", status=204)

        return bp

    def guest_of(self, tenant: Tenant, sms: InboundSms) -> tuple[str, str]:
        """The guest id inside the sender id, and its keyed reference: the phone
        number's, on SMS and WhatsApp alike (one guest, one conversation, one STOP)."""
        guest = channel_guest_id(self.settings.guest_key, tenant.id, Channel.SMS, sms.from_number)
        return guest, guest_ref(self.settings.guest_key, tenant.id, guest)

    async def run_turn(self, tenant: Tenant, payload: dict[str, Any]) -> None:
        """The turn, after Twilio has its answer. Raises when it should be retried
        (the message was not taken: tracker store or Rasa failed)."""
        payload = dict(payload)
        medium = payload.pop("medium", Channel.SMS)
        sms = InboundWhatsapp(**payload) if medium == Channel.WHATSAPP else InboundSms(**payload)
        guest, gref = self.guest_of(tenant, sms)
        store = self.store(tenant)
        if isinstance(sms, InboundWhatsapp):  # the guest wrote: free text may answer for 24 h
            window = WhatsappWindow(self.mongo(), tenant.id).opened(gref, sms.to_number, sms.received_at)
            await self.audited(
                tenant, [SystemAccess("whatsapp_window.update", WHATSAPP_WINDOW, gref)], window
            )
        keyword = classify_keyword(sms.body)
        if keyword in ("stop", "start"):
            consent = store.set_consent(gref, opted_out=keyword == "stop", keyword=keyword)
            await self.audited(tenant, [SystemAccess("sms_consent.update", SMS_CONSENT, gref)], consent)
            event(logger, "sms.consent.changed", tenant=tenant.id, keyword=keyword)
        if keyword:
            lang = keyword_language(sms.body) or tenant.default_language
            # Twilio itself answers its standard English keywords by SMS, not on WhatsApp
            if lang != "en" or medium == Channel.WHATSAPP:
                text = self.catalog.render(lang, KEYWORD_REPLIES[keyword], hotel=tenant.name)
                await self.send(tenant, gref, sms, text)
            return
        if await store.opted_out(gref):
            event(logger, "sms.inbound.opted_out", tenant=tenant.id)
            return
        await self.remember(tenant, Contact(gref, medium, sms.from_number, sms.to_number))
        assert self.on_new_message is not None, "blueprint() sets it"
        collector = CollectingOutputChannel()
        await self.on_new_message(
            UserMessage(
                guest_text(sms.body or ""),
                collector,
                make_sender(tenant.id, guest),
                input_channel=self.name(),
                message_id=sms.message_sid,  # the user event carries it: turned_before()
                metadata=turn_metadata(medium, sms.from_number),
            )
        )
        texts = [m["text"] for m in collector.messages if m.get("text")]
        if texts:
            await self.send(tenant, gref, sms, "\n\n".join(texts))
            # a retry after a crash from here on does not send it again (turned_before)
            await (await self.queue(tenant)).collection.update_one(
                {"_id": sms.message_sid}, {"$set": {"replied": 1}}
            )

    async def turned_before(self, tenant: Tenant, job: Job) -> bool:
        """Whether the guest's tracker holds a user event with this MessageSid (the
        tracker is saved atomically, so it is the record of a turn that ran); if so and
        the job does not say its reply went out (`replied`, set after the send), the
        turn's texts from the tracker are sent now (the process died between the save
        and the send; a death between the send and the mark sends them twice). The
        tracker read is audited like the tracker store's own reads."""
        if job.payload is None:
            return False
        payload = dict(job.payload)
        medium = payload.pop("medium", Channel.SMS)
        sms = InboundWhatsapp(**payload) if medium == Channel.WHATSAPP else InboundSms(**payload)
        guest, gref = self.guest_of(tenant, sms)
        key = tracker_key(self.settings.guest_key.value.encode(), make_sender(tenant.id, guest))
        read = SystemAccess("tracker.read", "tracker", key.rsplit(":", 1)[-1])
        if self._audit is None:
            self._audit = AuditLog.from_settings(self.mongo().client, self.settings)
        await self._audit.system_access(tenant.id, [], [read])
        texts = turn_replies(await self.redis().get(key), sms.message_sid)
        if texts is None:
            return False
        queue = await self.queue(tenant)
        done = await queue.collection.find_one({"_id": job.id}, {"replied": 1})
        if texts and not (done or {}).get("replied"):
            await self.send(tenant, gref, sms, "\n\n".join(texts))
            event(logger, "sms.reply.resent", tenant=tenant.id)
        return True

    def redis(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = aioredis.from_url(self.settings.effective_redis_url.value, socket_timeout=5)
        return self._redis

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.close()
        await super().close()

    async def send(self, tenant: Tenant, gref: str, sms: InboundSms, text: str) -> None:
        """A bot reply, on the medium the guest wrote on. A failed send is logged
        (sms.send.failed, whatsapp.send.failed) and not retried blindly: Twilio may have
        taken it (bot/channels/sms/twilio.py)."""
        medium = Channel.WHATSAPP if isinstance(sms, InboundWhatsapp) else Channel.SMS
        try:
            await self.outbox().reply(
                tenant.id, gref, medium, to=sms.from_number, via=sms.to_number, text=text
            )
        except DeliveryFailed:
            return
