"""E-mail in over a signed webhook in Mailgun's shape or over SMTP (on-premises),
replies out over SMTP.

    POST /webhooks/email/mailgun   Mailgun route "forward" (a signed form, URL-encoded, or
                                   multipart/form-data when the mail has attachments)
    SMTP RAPPORT_SMTP_INBOUND_HOST:PORT   an MX or relay delivers (bot/channels/email/smtp_inbound.py),
                                   served on the Rasa server's loop when the port is set

Order of checks: body size (25 MB, Mailgun's own limit; 413) and form (400 when it does
not parse, 413 beyond 1,000 parts); signature (HMAC-SHA256 over timestamp + token with
the signing key, timestamp within 5 minutes; 403); parsing — a message that can never
be parsed or is for no hotel gets 406 so Mailgun stops retrying; then the token, claimed
atomically (Redis SET NX, so a replayed request 1 s or 10 min later gets 403) and given
back when the mail could not be stored (503), so Mailgun's retry with the same token is
taken. Attachments are counted and typed, never stored. Auto-replies, mail loops and
mail from a hotel's own inbound address are acknowledged and dropped, never answered.
Each Message-Id is processed once. The mail's Content-Language (else Accept-Language)
goes with the turn as `language_hint`, a weak language prior (bot/language/priors.py).
The turn runs after the answer; the reply is a threaded multipart mail (In-Reply-To,
References) sent through the outbox (bot/outbox, over SMTP). Both inbound routes end in `accept`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.errors import InvalidInput, StorageError, UnknownTenant
from bot.base.logs import event
from bot.base.names import EMAIL_INBOUND, MAILGUN_TOKEN
from bot.base.refs import channel_guest_id, guest_ref, make_sender
from bot.base.states import Channel
from bot.channels.base import WebhookChannel, posted_form
from bot.channels.email.autoreply import is_automatic, is_loop
from bot.channels.email.mailgun import parse_mailgun_form, replay_ttl, verify_signature
from bot.channels.email.message import InboundEmail, language_hint
from bot.channels.email.outbound import LOOP_MARKER
from bot.channels.email.smtp_inbound import InboundHandler, start_receiver, tls_context
from bot.inbox.queue import keyed_job_id
from bot.inbox.text import guest_text
from bot.language.priors import valid_hint
from bot.outbox import DeliveryFailed
from bot.storage.contacts import Contact
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 25 * 1024 * 1024  # Mailgun's own limit for a message, attachments included
ATTACHMENT_FIELD = re.compile(r"attachment-[0-9]{1,4}")


def turn_metadata(hint: object) -> dict[str, str]:
    """The turn's metadata: the channel and the mail's language header when it was a
    well-formed language list (records stored before it was kept have none)."""
    metadata = {"channel": Channel.EMAIL}
    hint = valid_hint(hint)
    if hint is not None:
        metadata["language_hint"] = hint
    return metadata


class EmailChannel(WebhookChannel):
    INBOUND = EMAIL_INBOUND

    @classmethod
    def name(cls) -> str:
        return Channel.EMAIL

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._redis: aioredis.Redis | None = None
        self._smtp_server: asyncio.base_events.Server | None = None

    async def close(self) -> None:
        await self.stop_smtp()
        if self._redis is not None:
            await self._redis.close()
        await super().close()

    def redis(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = aioredis.from_url(
                self.settings.effective_redis_url.value,
                socket_timeout=5,
                # a restarted Redis leaves dead pooled connections: reconnect and retry
                retry=Retry(ExponentialBackoff(cap=1.0, base=0.1), retries=4),
                retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
            )
        return self._redis

    async def first_use(self, token: str) -> bool:
        key = MAILGUN_TOKEN + hashlib.sha256(token.encode()).hexdigest()
        return bool(await self.redis().set(key, "1", nx=True, ex=int(replay_ttl())))

    async def forget_token(self, token: str) -> None:
        """Let the provider's retry of a request we could not store through the guard."""
        key = MAILGUN_TOKEN + hashlib.sha256(token.encode()).hexdigest()
        try:
            await self.redis().delete(key)
        except RedisError:
            event(logger, "email.inbound.unavailable", logging.ERROR, store="redis")

    def knows_recipient(self, address: str) -> bool:
        try:
            self.tenants.by_email_address(address)
        except UnknownTenant:
            return False
        return True

    async def start_smtp(self) -> None:
        s = self.settings
        if not s.smtp_inbound_port or self._smtp_server is not None:
            return
        tls = None
        if s.smtp_inbound_tls_cert and s.smtp_inbound_tls_key:
            tls = tls_context(s.smtp_inbound_tls_cert, s.smtp_inbound_tls_key)
        handler = InboundHandler(
            self.knows_recipient,
            lambda mail, null: self.accept(mail, null_sender=null),
            s.smtp_inbound_max_bytes,
        )
        self._smtp_server = await start_receiver(handler, s.smtp_inbound_host, s.smtp_inbound_port, tls=tls)
        event(logger, "email.smtp.listening", port=s.smtp_inbound_port, starttls=tls is not None)

    async def stop_smtp(self) -> None:
        server, self._smtp_server = self._smtp_server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    async def accept(self, mail: InboundEmail, *, null_sender: bool = False) -> str:
        """Take one parsed inbound mail, whichever route it came by: tenant by recipient;
        auto-replies, loops and mail from any hotel's own inbound address dropped; one
        durable `email_inbound` record per Message-Id (of attachments only their count and
        types), then the turn in the background. Returns "accepted", "duplicate" or
        "ignored". Raises UnknownTenant, or StorageError when the record was not stored
        (the caller answers a temporary failure so the sender retries)."""
        tenant = self.tenants.by_email_address(mail.to_address)
        reason = "null_reverse_path" if null_sender else None
        reason = reason or is_automatic(mail.headers, mail.from_address, subject=mail.subject)
        if not reason and self.knows_recipient(mail.from_address):
            reason = "own_address"  # from a hotel's own inbox: a reply would loop back in
        if not reason and is_loop(mail.headers, LOOP_MARKER, received_count=mail.received_count):
            reason = "loop"
        if reason:  # a loop is worth a warning: a route or a hotel's mailbox is misconfigured
            level = logging.WARNING if reason in ("own_address", "loop") else logging.INFO
            event(logger, "email.inbound.ignored", level, tenant=tenant.id, reason=reason)
            return "ignored"
        payload = {
            "message_id": mail.message_id,
            "references": list(mail.references),
            "from_address": mail.from_address,
            "to_address": mail.to_address,
            "subject": mail.subject,
            "text": mail.text,
            "language_hint": language_hint(mail.headers),  # a weak language prior
            # the attachments themselves are never kept
            "attachments": {"count": mail.attachment_count, "types": list(mail.attachment_types)},
        }
        try:
            job_id = keyed_job_id(self.settings.guest_key.value, tenant.id, mail.message_id)
            first = await self.accept_turn(tenant, job_id, payload, guest_ref=self.guest_of(tenant, mail)[1])
        except StorageError:
            event(logger, "email.inbound.unavailable", logging.ERROR, store="mongodb")
            raise StorageError("the inbound record was not stored") from None
        if not first:
            event(logger, "email.inbound.duplicate", tenant=tenant.id)
            return "duplicate"
        return "accepted"

    def guest_of(self, tenant: Tenant, mail: InboundEmail) -> tuple[str, str]:
        """The guest id inside the sender id, and its keyed reference."""
        guest = channel_guest_id(self.settings.guest_key, tenant.id, Channel.EMAIL, mail.from_address)
        return guest, guest_ref(self.settings.guest_key, tenant.id, guest)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = self.new_blueprint("rapport_email", on_new_message)

        @bp.listener("before_server_start")
        async def smtp_up(app: Any, _loop: Any) -> None:
            await self.start_smtp()

        @bp.listener("before_server_stop")
        async def smtp_down(app: Any, _loop: Any) -> None:
            await self.stop_smtp()  # no new mail while acknowledged turns drain

        @bp.route("/mailgun", methods=["POST"])
        async def mailgun(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "too_large"}, status=413)
            try:  # ~0.1 s of CPU for a 25 MB post with attachments: off the event loop
                form, uploads = await asyncio.to_thread(posted_form, request)
            except InvalidInput as e:
                event(logger, "email.inbound.rejected", logging.WARNING, reason=e.code)
                return response.json({"error": e.code}, status=413 if e.code == "too_large" else 400)
            key = self.settings.mailgun_signing_key.value
            if not key or not verify_signature(
                key,
                form.get("timestamp", ""),
                form.get("token", ""),
                form.get("signature", ""),
                now=time.time(),
            ):
                event(logger, "email.inbound.rejected", logging.WARNING, reason="signature")
                return response.json({"error": "forbidden"}, status=403)
            attachments = [(u.content_type, u.size) for u in uploads if ATTACHMENT_FIELD.fullmatch(u.field)]
            try:
                mail = await asyncio.to_thread(parse_mailgun_form, form, attachments)
                self.tenants.by_email_address(mail.to_address)
            except InvalidInput as e:
                event(logger, "email.inbound.unparseable", logging.WARNING, reason=e.code)
                return response.json({"error": e.code}, status=406)  # Mailgun: do not retry
            except UnknownTenant:
                event(logger, "email.inbound.unparseable", logging.WARNING, reason="unknown_recipient")
                return response.json({"error": "unknown_recipient"}, status=406)
            # the token is spent only by a request that is taken: claimed atomically here,
            # given back when the mail could not be stored, so Mailgun's retry gets through
            try:
                fresh = await self.first_use(form["token"])
            except RedisError:
                event(logger, "email.inbound.unavailable", logging.ERROR, store="redis")
                return response.json({"error": "unavailable"}, status=503)  # Mailgun retries
            if not fresh:
                event(logger, "email.inbound.rejected", logging.WARNING, reason="replay")
                return response.json({"error": "replayed"}, status=403)
            try:
                status = await self.accept(mail)
            except StorageError:
                await self.forget_token(form["token"])  # Mailgun retries with the same token
                return response.json({"error": "unavailable"}, status=503)
            except BaseException:
                await asyncio.shield(self.forget_token(form["token"]))
                raise
            return response.json({"status": status})

        return bp

    async def run_turn(self, tenant: Tenant, payload: dict[str, Any]) -> None:
        """The turn, after the provider or MTA has its answer. Raises when it should be
        retried (the message was not taken); a failed send is not retried blindly."""
        mail = InboundEmail(
            message_id=payload["message_id"],
            in_reply_to=None,
            references=tuple(payload.get("references") or ()),
            from_address=payload["from_address"],
            to_address=payload["to_address"],
            subject=payload.get("subject") or "",
            text=payload.get("text") or "",
        )
        guest, gref = self.guest_of(tenant, mail)
        thread = {"subject": mail.subject, "message_id": mail.message_id, "references": list(mail.references)}
        contact = Contact(gref, Channel.EMAIL, mail.from_address, mail.to_address, thread)
        await self.remember(tenant, contact)
        assert self.on_new_message is not None, "blueprint() sets it"
        collector = CollectingOutputChannel()
        await self.on_new_message(
            UserMessage(
                guest_text(mail.text),
                collector,
                make_sender(tenant.id, guest),
                input_channel=self.name(),
                metadata=turn_metadata(payload.get("language_hint")),
            )
        )
        texts = [m["text"] for m in collector.messages if m.get("text")]
        if not texts:
            return
        try:
            await self.outbox().reply(
                tenant.id,
                gref,
                "email",
                to=mail.from_address,
                via=mail.to_address,
                text="\n\n".join(texts),
                thread=thread,
            )
        except DeliveryFailed as e:
            event(logger, "email.send.failed", logging.ERROR, tenant=tenant.id, retryable=e.retryable)
