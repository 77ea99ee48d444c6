"""E-mail in over a signed webhook in Mailgun's shape, replies out over SMTP.

    POST /webhooks/email/mailgun   Mailgun route "forward" (form fields, signed)

Order of checks: body size; signature (HMAC-SHA256 over timestamp + token with the
signing key, timestamp within 5 minutes); the token not seen before (Redis SET NX,
so a replayed request 1 s or 10 min later is refused); then parsing — a message that
can never be parsed gets 406 so Mailgun stops retrying. Auto-replies and mail loops
are acknowledged and dropped, never answered. Each Message-Id is processed once. The
turn runs after the answer; the reply is a threaded multipart mail (In-Reply-To,
References) sent with aiosmtplib.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from pymongo.errors import DuplicateKeyError
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.email.autoreply import is_automatic, is_loop
from bot.email.mailgun import parse_mailgun_form, replay_ttl, verify_signature
from bot.email.message import InboundEmail
from bot.email.outbound import build_reply
from bot.email.sender import EmailSendError, SmtpSender
from bot.errors import InvalidInput, UnknownTenant
from bot.feedback.service import make_sender
from bot.logs import event
from bot.privacy.refs import guest_ref
from bot.storage.mongo import DURABLE
from bot.tenants import Tenant
from channels.base import WebhookChannel, form_dict

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 25 * 1024 * 1024  # Mailgun posts attachments' metadata, not more
LOOP_MARKER = "rapport"


class EmailChannel(WebhookChannel):
    @classmethod
    def name(cls) -> str:
        return "email"

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._redis: aioredis.Redis | None = None

    async def close(self) -> None:
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

    def sender(self) -> SmtpSender:
        s = self.settings
        return SmtpSender(
            s.smtp_host or s.host,
            s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.value or None,
            starttls=s.smtp_starttls,
        )

    async def first_use(self, token: str) -> bool:
        key = "rapport:mailgun:token:" + hashlib.sha256(token.encode()).hexdigest()
        return bool(await self.redis().set(key, "1", nx=True, ex=int(replay_ttl())))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = self.new_blueprint("rapport_email")

        @bp.route("/mailgun", methods=["POST"])
        async def mailgun(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "too_large"}, status=413)
            form = form_dict(request)
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
            try:
                fresh = await self.first_use(form["token"])
            except RedisError:
                event(logger, "email.inbound.unavailable", logging.ERROR, store="redis")
                return response.json({"error": "unavailable"}, status=503)  # Mailgun retries
            if not fresh:
                event(logger, "email.inbound.rejected", logging.WARNING, reason="replay")
                return response.json({"error": "replayed"}, status=403)
            try:
                mail = parse_mailgun_form(form)
                tenant = self.tenants.by_email_address(mail.to_address)
            except InvalidInput as e:
                event(logger, "email.inbound.unparseable", logging.WARNING, reason=e.code)
                return response.json({"error": e.code}, status=406)  # Mailgun: do not retry
            except UnknownTenant:
                event(logger, "email.inbound.unparseable", logging.WARNING, reason="unknown_recipient")
                return response.json({"error": "unknown_recipient"}, status=406)
            automatic = is_automatic(mail.headers, mail.from_address, subject=mail.subject)
            if automatic or is_loop(mail.headers, LOOP_MARKER, received_count=mail.received_count):
                event(logger, "email.inbound.ignored", tenant=tenant.id, reason=automatic or "loop")
                return response.json({"status": "ignored"})
            guest = "email-" + guest_ref(self.settings.guest_key, tenant.id, mail.from_address)[2:26]
            gref = guest_ref(self.settings.guest_key, tenant.id, guest)
            inbound = self.mongo().database(tenant.id).get_collection("email_inbound", write_concern=DURABLE)
            try:
                await inbound.insert_one(
                    {"_id": mail.message_id, "guest_ref": gref, "received_at": time.time()}
                )
            except DuplicateKeyError:
                return response.json({"status": "duplicate"})
            self.spawn(self.handle(on_new_message, mail, tenant, make_sender(tenant.id, guest)), "email-turn")
            return response.json({"status": "accepted"})

        return bp

    async def handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        mail: InboundEmail,
        tenant: Tenant,
        sender_id: str,
    ) -> None:
        try:
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    mail.text, collector, sender_id, input_channel=self.name(), metadata={"channel": "email"}
                )
            )
            texts = [m["text"] for m in collector.messages if m.get("text")]
            if not texts:
                return
            reply = build_reply(
                from_address=mail.to_address,
                to_address=mail.from_address,
                subject=mail.subject,
                text="\n\n".join(texts),
                html_text=None,
                in_reply_to=mail.message_id,
                references=mail.references,
                domain=mail.to_address.split("@", 1)[1],
                loop_marker=LOOP_MARKER,
            )
            await self.sender().send(reply)
        except EmailSendError as e:
            event(logger, "email.send.failed", logging.ERROR, tenant=tenant.id, retryable=e.retryable)
        except Exception as e:  # noqa: BLE001 - a background task must log, not die silently
            event(logger, "email.turn.failed", logging.ERROR, tenant=tenant.id, error=type(e).__name__)
