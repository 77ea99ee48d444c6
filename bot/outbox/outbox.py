"""The outbox: every message to a guest, and the staff notices sent over the same
providers, with the decisions each kind of send takes (see bot/outbox/__init__.py)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.audit.log import AuditLog, SystemAccess
from bot.base.errors import RapportError
from bot.base.logs import event
from bot.base.metrics import OUTBOX_SENDS
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.outbox.segments import split_message, split_text
from bot.outbox.sms_store import SmsStore
from bot.outbox.throttle import Throttle
from bot.outbox.transport import Envelope, Kind, Sent, Transport, TransportFailed
from bot.outbox.whatsapp_window import WhatsappWindow
from bot.storage.contacts import Contact, ContactStore
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

WHATSAPP_MAX_CHARS = 1600  # Twilio's limit of one message's Body
OUTSIDE_WINDOW = 63016  # Twilio: free-form WhatsApp message outside the 24-hour window
TOO_MANY_REQUESTS = (429, 20429)  # Twilio's HTTP status and error code for 429
RATE_LIMITED_RETRY = 5.0  # seconds to wait after the provider's 429 (it says no Retry-After here)
MAX_RATE_WAIT = 2.0  # an invitation waits this long for its sender's slot, else "rate_limited"
INVITE_CHANNELS = ("whatsapp", "sms", "email")
CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
VARIABLE_KEY = re.compile(r"[A-Za-z0-9_]{1,16}")  # Twilio: up to 16 characters, no spaces
MAX_VARIABLES = 100
INVITE_SEGMENTS = 10  # an invitation is sent whole up to this many SMS segments (Twilio's advice)


class DeliveryFailed(RapportError):
    """The message could not be handed to the channel: `code` says why ("objected",
    "opted_out", "no_contact", "provider_failed", "no_transport"; WhatsApp:
    "outside_window" for free text more than 24 hours after the guest's last message, so
    the caller can fall back to a template or another medium, "bad_template";
    "rate_limited" when the sending number is at its rate, with `retry_after` seconds;
    invitations: "restricted", "no_channel", "provider_uncertain");
    `retryable` whether sending it again later cannot duplicate it. `tried`: the
    channels an invitation tried before, with why each did not take it."""

    def __init__(
        self,
        code: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        tried: Sequence[tuple[str, str]] = (),
        uncertain: bool = False,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after
        self.tried = list(tried)
        # the provider may have taken it (a timeout, a 5xx): sending again could duplicate it
        self.uncertain = uncertain


def suppressed(channel: str, code: str) -> DeliveryFailed:
    """A send the outbox's rules refuse (objection, STOP, WhatsApp's window), counted as
    rapport_outbox_sends_total{status="suppressed"}. An invitation refused before a
    medium is chosen (objected, restricted) is not counted (no channel to name)."""
    OUTBOX_SENDS.labels(channel, "suppressed").inc()
    return DeliveryFailed(code)


class InviteText(Protocol):
    """What `Outbox.invite` sends (bot/outreach/message.py InviteMessage)."""

    text: str
    email_text: str
    subject: str
    template_variables: dict[str, str]


@dataclass(frozen=True)
class Invited:
    """An invitation went out on `channel`, after the channels in `tried` did not take
    it ([channel, DeliveryFailed code]); `message_id`: the provider's id."""

    channel: str
    tried: list[tuple[str, str]] = field(default_factory=list)
    message_id: str = ""


class Outbox:
    """One per process: `transports` are the media's (bot/channels/transports.py builds
    them from the settings), keyed by medium; `close()` releases them."""

    def __init__(
        self,
        settings: Settings,
        mongo: MongoStore,
        transports: Mapping[str, Transport],
        *,
        clock: Callable[[], float] = time.time,
        redis: Any = None,
    ) -> None:
        """`redis`: the send rates per sending number (bot/outbox/throttle.py) are kept
        there, shared by every process; without it invitations are not throttled here
        (the provider's 429 still backs them off)."""
        self.settings = settings
        self.clock = clock  # epoch seconds: WhatsApp's 24-hour window
        self.mongo = mongo
        self.transports = dict(transports)
        self.cipher = Cipher(settings.data_keys)
        self.audit = AuditLog.from_settings(mongo.client, settings)
        self.throttle = Throttle(redis) if redis is not None else None

    async def close(self) -> None:
        for transport in self.transports.values():
            await transport.close()

    async def _transmit(self, envelope: Envelope) -> Sent:
        """Hand the envelope to its medium's transport; every outcome is counted in
        rapport_outbox_sends_total{channel=medium, status=sent|failed|rate_limited}."""
        medium = envelope.medium
        try:
            transport = self.transports[medium]
        except KeyError:
            OUTBOX_SENDS.labels(medium, "failed").inc()
            raise DeliveryFailed("no_transport") from None
        try:
            sent = await transport.transmit(envelope)
        except TransportFailed as e:
            if e.code in TOO_MANY_REQUESTS:  # refused before anything was created
                OUTBOX_SENDS.labels(medium, "rate_limited").inc()
                raise DeliveryFailed("rate_limited", retryable=True, retry_after=RATE_LIMITED_RETRY) from None
            OUTBOX_SENDS.labels(medium, "failed").inc()
            if e.code == OUTSIDE_WINDOW:  # Twilio's own verdict (our record missed a message)
                raise DeliveryFailed("outside_window") from None
            uncertain = not e.retryable and (e.code is None or 20500 <= e.code < 20600)
            raise DeliveryFailed("provider_failed", retryable=e.retryable, uncertain=uncertain) from None
        except BaseException:
            OUTBOX_SENDS.labels(medium, "failed").inc()  # a transport's bug or a cancelled send
            raise
        OUTBOX_SENDS.labels(medium, "sent").inc()
        return sent

    # ---- the bot's replies in the conversation -------------------------------------------

    async def reply(
        self,
        tenant_id: str,
        guest_ref: str,
        medium: str,
        *,
        to: str,
        via: str,
        text: str,
        thread: Mapping[str, Any] | None = None,
    ) -> None:
        """The bot's answer to the SMS or mail a guest just sent, to the number or address
        it came from (`via`: the hotel's number or inbox it was sent to; `thread`: the
        mail's subject, message_id and references). No flags are read: the turn already
        decided (a guest who objected gets no texts, a STOP is answered). SMS: split
        within the segment budget, each part tracked and recorded. WhatsApp: the same,
        within the 24-hour window (else "outside_window"). Raises
        DeliveryFailed("provider_failed"); the channel logs it and does not retry blindly
        (the provider may have taken it)."""
        if medium == "sms":
            await self._sms(tenant_id, guest_ref, to, via, text, "reply")
        elif medium == "whatsapp":
            await self._whatsapp(tenant_id, guest_ref, to, via, text, "reply")
        elif medium != "email":
            raise ValueError(f"no reply by {medium}: web chat answers on its socket (on_socket)")
        else:
            await self._transmit(
                Envelope(
                    "email", "reply", tenant_id, text, to=to, sender=via, guest_ref=guest_ref, thread=thread
                )
            )

    async def on_socket(
        self, tenant_id: str, socket_id: str, text: str, *, message_id: str = "", author: str = ""
    ) -> None:
        """To one web-chat socket held by this process: the bot's reply (no `message_id`),
        or a staff message the widget has not acknowledged yet, sent again."""
        kind = "message" if message_id else "reply"
        envelope = Envelope(
            "webchat", kind, tenant_id, text, to=socket_id, message_id=message_id, author=author
        )
        await self._transmit(envelope)

    # ---- messages to a guest outside the turn ----------------------------------------------

    async def to_guest(
        self,
        tenant_id: str,
        channel: str,
        guest_ref: str,
        message: Mapping[str, Any],
        *,
        essential: bool = False,
    ) -> bool:
        """A staff reply or a system message ({"_id", "text", "author"}) on the guest's own
        channel. True when the provider has it; False when it waits: for the widget's
        acknowledgement (web chat, sent to every socket of the guest in any process) or
        for the guest's next request (REST, nothing to push).

        Nothing goes to a guest who objected (bot/storage/flags.py): DeliveryFailed
        ("objected"), unless the guest asked for it themselves (`essential`: a
        verification code, the confirmation of the objection, a request's result). SMS
        and e-mail open the guest's sealed contact (the read is recorded in the audit
        inbox alongside; nothing is sent if that fails): "no_contact" without one; no SMS
        or WhatsApp to a guest who sent STOP ("opted_out"); on WhatsApp free text only
        within 24 hours of the guest's last message ("outside_window"). SMS and WhatsApp
        are one number: the message goes on the one the guest last wrote on (the
        contact's), whichever the conversation began on."""
        if not essential and (await FlagStore(self.mongo, tenant_id).get(guest_ref)).objected:
            event(logger, "handover.delivery_refused", tenant=tenant_id, reason="objected")
            raise suppressed(channel, "objected")  # GDPR Art. 21: no further messages on any channel
        if channel == "webchat":
            await self._transmit(
                Envelope(
                    "webchat",
                    "message",
                    tenant_id,
                    message["text"],
                    guest_ref=guest_ref,
                    message_id=message["_id"],
                    author=message["author"],
                )
            )
            event(logger, "handover.delivered", tenant=tenant_id, channel=channel, pending_ack=True)
            return False
        if channel not in ("sms", "whatsapp", "email"):
            event(logger, "handover.delivery_skipped", tenant=tenant_id, channel=channel or "-")
            return False
        contact, _ = await asyncio.gather(
            ContactStore(self.mongo, tenant_id, self.cipher).get(guest_ref),
            self.audit.system_access(tenant_id, [], [SystemAccess("contact.read", "contact", guest_ref)]),
        )
        if contact is None:
            raise DeliveryFailed("no_contact")
        if channel in ("sms", "whatsapp") and contact.channel in ("sms", "whatsapp"):
            channel = contact.channel  # one number, two media: where the guest last wrote
        if channel in ("sms", "whatsapp"):
            if await SmsStore(self.mongo, tenant_id).opted_out(guest_ref):
                raise suppressed(channel, "opted_out")
            send = self._sms if channel == "sms" else self._whatsapp
            await send(tenant_id, guest_ref, contact.address, contact.via, message["text"], "message")
        else:
            await self._transmit(
                Envelope(
                    "email",
                    "message",
                    tenant_id,
                    message["text"],
                    to=contact.address,
                    sender=contact.via,
                    guest_ref=guest_ref,
                    thread=contact.thread,
                )
            )
        event(logger, "handover.delivered", tenant=tenant_id, channel=channel)
        return True

    async def from_memory(
        self,
        tenant_id: str,
        channel: str,
        guest_ref: str,
        contact: Contact | None,
        opted_out: bool,
        message_id: str,
        text: str,
        *,
        window_open: bool = False,
    ) -> None:
        """A message to a guest whose data is already erased (the erasure receipt), from
        the contact and STOP state read before: nothing of the guest is read or written
        (no flags, no record, no status callback). WhatsApp: only when the caller read
        the 24-hour window as open before (`window_open`). DeliveryFailed: "no_contact"
        (neither web chat nor a contact), "opted_out", "outside_window",
        "provider_failed"."""
        if channel == "webchat":
            await self._transmit(
                Envelope(
                    "webchat",
                    "message",
                    tenant_id,
                    text,
                    guest_ref=guest_ref,
                    message_id=message_id,
                    author="system",
                )
            )
            return
        if channel not in ("sms", "whatsapp", "email") or contact is None:
            raise DeliveryFailed("no_contact")
        if channel in ("sms", "whatsapp"):
            if opted_out:
                raise suppressed(channel, "opted_out")
            if channel == "whatsapp" and not window_open:
                raise suppressed(channel, "outside_window")
            for part in self._parts(channel, text):
                await self._transmit(
                    Envelope(channel, "message", tenant_id, part, to=contact.address, sender=contact.via)
                )
            return
        await self._transmit(
            Envelope(
                "email",
                "message",
                tenant_id,
                text,
                to=contact.address,
                sender=contact.via,
                thread=contact.thread,
            )
        )

    async def _sms(self, tenant_id: str, guest_ref: str, to: str, via: str, text: str, kind: Kind) -> None:
        """`text` in as many parts as it needs, each tracked and recorded (sms_outbound).
        The first part that fails raises; nothing after it is sent."""
        store = SmsStore(self.mongo, tenant_id)
        for part in split_message(text, self.settings.sms_max_segments):
            envelope = Envelope(
                "sms", kind, tenant_id, part, to=to, sender=via, guest_ref=guest_ref, tracked=True
            )
            try:
                sent = await self._transmit(envelope)
            except DeliveryFailed as e:
                event(logger, "sms.send.failed", logging.ERROR, tenant=tenant_id, retryable=e.retryable)
                raise
            await store.record_sent(sent.id, guest_ref=guest_ref, status=sent.status, segments=sent.segments)

    def _parts(self, medium: str, text: str) -> list[str]:
        if medium == "whatsapp":
            return split_text(text, WHATSAPP_MAX_CHARS)
        return split_message(text, self.settings.sms_max_segments)

    async def _whatsapp(
        self, tenant_id: str, guest_ref: str, to: str, via: str, text: str, kind: Kind
    ) -> None:
        """Free text on WhatsApp, only within 24 hours of the guest's last message to
        `via` (bot/outbox/whatsapp_window.py): else DeliveryFailed("outside_window"),
        nothing sent. Parts of at most 1,600 characters, each tracked and recorded."""
        window = WhatsappWindow(self.mongo, tenant_id, self.clock)
        if not await window.is_open(guest_ref, via):
            event(logger, "whatsapp.send.refused", tenant=tenant_id, reason="outside_window")
            raise suppressed("whatsapp", "outside_window")
        for part in self._parts("whatsapp", text):
            envelope = Envelope(
                "whatsapp", kind, tenant_id, part, to=to, sender=via, guest_ref=guest_ref, tracked=True
            )
            await self._tracked(tenant_id, guest_ref, envelope)

    async def _tracked(self, tenant_id: str, guest_ref: str, envelope: Envelope) -> Sent:
        try:
            sent = await self._transmit(envelope)
        except DeliveryFailed as e:
            event(
                logger,
                f"{envelope.medium}.send.failed",
                logging.ERROR,
                tenant=tenant_id,
                reason=e.code,
                retryable=e.retryable,
            )
            raise
        await SmsStore(self.mongo, tenant_id).record_sent(
            sent.id, guest_ref=guest_ref, status=sent.status, segments=sent.segments, medium=envelope.medium
        )
        return sent

    async def whatsapp_template(
        self,
        tenant_id: str,
        guest_ref: str,
        *,
        to: str,
        via: str,
        content_sid: str,
        variables: Mapping[str, str] | None = None,
        essential: bool = False,
    ) -> str:
        """A pre-approved WhatsApp template (Twilio's Content API: `content_sid` "HX..."
        and its `variables`, {"1": "Anna", ...}) from the hotel's sender `via` to the
        guest's number `to`: the only business-initiated message WhatsApp allows outside
        the 24-hour window, so no window is checked. Consent as for a staff message: not
        to a guest who objected unless `essential`, never after STOP. Tracked and
        recorded; returns Twilio's message sid. DeliveryFailed: "objected",
        "opted_out", "bad_template" (a malformed SID or variables), "provider_failed"."""
        if not CONTENT_SID.fullmatch(content_sid or ""):
            raise DeliveryFailed("bad_template")
        values = dict(variables or {})
        if len(values) > MAX_VARIABLES or not all(
            isinstance(k, str)
            and VARIABLE_KEY.fullmatch(k)
            and isinstance(v, str)
            and len(v) <= WHATSAPP_MAX_CHARS
            for k, v in values.items()
        ):
            raise DeliveryFailed("bad_template")
        if not essential and (await FlagStore(self.mongo, tenant_id).get(guest_ref)).objected:
            raise suppressed("whatsapp", "objected")
        if await SmsStore(self.mongo, tenant_id).opted_out(guest_ref):
            raise suppressed("whatsapp", "opted_out")
        envelope = Envelope(
            "whatsapp",
            "message",
            tenant_id,
            "",
            to=to,
            sender=via,
            guest_ref=guest_ref,
            tracked=True,
            content_sid=content_sid,
            variables=values,
        )
        sent = await self._tracked(tenant_id, guest_ref, envelope)
        event(logger, "whatsapp.template.sent", tenant=tenant_id, sid=sent.id, variables=len(values))
        return sent.id

    # ---- invitations (bot/outreach/scheduler.py) -------------------------------------------

    async def invite(
        self,
        tenant: Tenant,
        guest_ref: str,
        *,
        channels: Sequence[str],
        phone: str | None,
        email: str | None,
        message: InviteText,
        template_sid: str | None,
        rates: Mapping[str, float] | None = None,
    ) -> Invited:
        """An invitation: Rapport writes first. Tries `channels` in order (the journey's
        preference) and returns the one that took it, with what was tried before.

        Nothing to a guest who objected ("objected") or restricted processing
        ("restricted"), on any channel. A channel is skipped (noted in `tried`) when
        its contact is missing ("no_contact"), the hotel has no sender for it
        ("no_sender": its first sms_numbers / whatsapp_numbers / email_addresses is
        the sender), the number sent STOP ("opted_out", SMS and WhatsApp alike), or on
        WhatsApp outside the 24-hour window without a template ("outside_window"; within
        it free text, else the template `template_sid` with the message's
        template_variables). A provider failure that created nothing moves on to the
        next channel. SMS is split as replies are; e-mail goes out with the subject and
        its own Message-ID from the hotel's inbox, so the guest's reply threads there.

        Rates per sending number (`rates` per channel, else the tenant's policy): an
        invitation waits up to MAX_RATE_WAIT for its sender's slot. Raises
        DeliveryFailed: "objected", "restricted"; "rate_limited" (retryable, with
        `retry_after`) when the sender is at its rate or the provider answered 429;
        "provider_failed" with `uncertain` when the provider may have taken it (no
        other channel is tried then: the guest might get two); "no_channel" when none
        took it (`tried` says why each did not)."""
        flags = await FlagStore(self.mongo, tenant.id).get(guest_ref)
        if flags.objected:
            raise DeliveryFailed("objected")
        if flags.restricted:
            raise DeliveryFailed("restricted")  # GDPR Art. 18: no outreach while restricted
        rates = dict(rates) if rates is not None else dict(tenant.outreach.rate_per_second)
        opted_out: bool | None = None
        tried: list[tuple[str, str]] = []
        for channel in channels:
            if channel not in INVITE_CHANNELS:
                tried.append((channel, "unknown_channel"))
                continue
            address = email if channel == "email" else phone
            senders = {
                "sms": tenant.sms_numbers,
                "whatsapp": tenant.whatsapp_numbers,
                "email": tenant.email_addresses,
            }[channel]
            if not address:
                tried.append((channel, "no_contact"))
                continue
            if not senders:
                tried.append((channel, "no_sender"))
                continue
            if channel != "email":
                if opted_out is None:
                    opted_out = await SmsStore(self.mongo, tenant.id).opted_out(guest_ref)
                if opted_out:
                    tried.append((channel, "opted_out"))
                    continue
            try:
                sent_id = await self._invite_on(
                    tenant, guest_ref, channel, address, senders[0], message, template_sid, rates
                )
            except DeliveryFailed as e:
                if e.code == "rate_limited" or e.uncertain:
                    e.tried = tried
                    raise
                tried.append((channel, e.code))
                continue
            event(logger, "outreach.invite.sent", tenant=tenant.id, channel=channel, fallbacks=len(tried))
            return Invited(channel, tried, sent_id)
        raise DeliveryFailed("no_channel", tried=tried)

    async def _slot(self, medium: str, sender: str, rate: float | None, n: int = 1) -> None:
        """Wait for the sender's `n` slots (bot/outbox/throttle.py), at most MAX_RATE_WAIT."""
        if self.throttle is None or not rate:
            return
        waited = 0.0
        while True:
            wait = await self.throttle.take(medium, sender, rate, n)
            if wait <= 0:
                return
            if waited + wait > MAX_RATE_WAIT:
                OUTBOX_SENDS.labels(medium, "rate_limited").inc()
                raise DeliveryFailed("rate_limited", retryable=True, retry_after=wait)
            await asyncio.sleep(wait)
            waited += wait

    async def _invite_on(
        self,
        tenant: Tenant,
        guest_ref: str,
        channel: str,
        to: str,
        via: str,
        message: InviteText,
        template_sid: str | None,
        rates: Mapping[str, float],
    ) -> str:
        rate = rates.get(channel)
        try:
            if channel == "email":
                await self._slot("email", via, rate)
                envelope = Envelope(
                    "email",
                    "notice",  # a new thread: its own subject and Message-ID, auto-generated
                    tenant.id,
                    message.email_text,
                    to=to,
                    sender=via,
                    guest_ref=guest_ref,
                    subject=message.subject,
                )
                return (await self._transmit(envelope)).id
            if channel == "sms":
                # one message, however long (within Twilio's 10 concatenated segments): an
                # invitation cut in parts reads badly and costs no fewer segments
                parts = split_message(message.text, max(self.settings.sms_max_segments, INVITE_SEGMENTS))
                await self._slot("sms", via, rate, len(parts))
                return await self._sms_parts(tenant.id, guest_ref, to, via, parts)
            if await WhatsappWindow(self.mongo, tenant.id, self.clock).is_open(guest_ref, via):
                parts = self._parts("whatsapp", message.text)
                await self._slot("whatsapp", via, rate, len(parts))
                ids: list[str] = []
                for part in parts:
                    envelope = Envelope(
                        "whatsapp",
                        "message",
                        tenant.id,
                        part,
                        to=to,
                        sender=via,
                        guest_ref=guest_ref,
                        tracked=True,
                    )
                    try:
                        ids.append((await self._tracked(tenant.id, guest_ref, envelope)).id)
                    except DeliveryFailed as e:
                        e.uncertain = e.uncertain or bool(ids)  # a part is out
                        raise
                return ids[0]
            if not template_sid:
                raise suppressed("whatsapp", "outside_window")
            await self._slot("whatsapp", via, rate)
            return await self.whatsapp_template(
                tenant.id,
                guest_ref,
                to=to,
                via=via,
                content_sid=template_sid,
                variables=message.template_variables,
            )
        except DeliveryFailed as e:
            if e.code == "rate_limited" and self.throttle is not None and e.retry_after:
                await self.throttle.penalize(channel, via, e.retry_after)  # every process backs off
            raise

    async def _sms_parts(self, tenant_id: str, guest_ref: str, to: str, via: str, parts: list[str]) -> str:
        """`parts` of one SMS, each tracked and recorded; the first part's sid."""
        store = SmsStore(self.mongo, tenant_id)
        first = ""
        for part in parts:
            envelope = Envelope(
                "sms", "message", tenant_id, part, to=to, sender=via, guest_ref=guest_ref, tracked=True
            )
            try:
                sent = await self._transmit(envelope)
            except DeliveryFailed as e:
                e.uncertain = e.uncertain or bool(first)  # a part is out: never resend or fall back
                raise
            await store.record_sent(sent.id, guest_ref=guest_ref, status=sent.status, segments=sent.segments)
            first = first or sent.id
        return first

    # ---- staff and operators ---------------------------------------------------------------

    async def to_staff(self, tenant: Tenant, medium: str, to: str, text: str, *, subject: str = "") -> None:
        """A notice to a member of staff or an admin of the tenant (no guest, so no consent
        to ask): e-mail from the no-reply address of the tenant's inbox domain, marked
        auto-generated; SMS from the tenant's first number, in one message. Raises
        DeliveryFailed("provider_failed")."""
        if medium == "email":
            envelope = Envelope(
                "email", "notice", tenant.id, text, to=to, sender=tenant.notice_sender, subject=subject
            )
        else:
            envelope = Envelope("sms", "notice", tenant.id, text, to=to, sender=tenant.sms_numbers[0])
        await self._transmit(envelope)
