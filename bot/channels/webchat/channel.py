"""Web chat over socket.io, with demo pages — one chat per tenant, chosen by widget key.

    GET  /webhooks/webchat/                  demo index (one link per tenant)
    GET  /webhooks/webchat/demo/<widget key> demo page with the chat
    GET  /webhooks/webchat/static/<file>     widget script, style, socket.io client, embed.js
    GET  /webhooks/webchat/i/<token>         an invitation's signed link: the chat bound to
                                             the invited guest (bot/channels/webchat/invite.py)
    socket.io at /socket.io/                 events below

connect (auth: {"widget_key"}) -> refused unless the key names a tenant, when a browser's
                                   Origin is not allowed for that tenant ("origin_not_allowed"),
                                   and when the client IP opened too many connections
                                   ("rate_limited")
session_request ({"token"?})    -> session_confirm {"token", "resumed", "language"}; only a
                                   token this server signed for this tenant, not older than
                                   RAPPORT_WEBCHAT_TOKEN_DAYS, resumes a session; "language"
                                   is the tenant's default (the widget's UI fallback);
session_request ({"invite"})    -> the invitation link's page: the socket talks as the
                                   invited guest (checked again: signature, expiry, this
                                   tenant, the stay) -> session_confirm {"token": null,
                                   "resumed": true, "language"}, else rapport_error
                                   "invite_refused";
                                   over the per-socket or per-IP limit: rapport_error
                                   "rate_limited", no session
user_uttered ({"message", "locale"?, "message_id"?}) -> bot_uttered {"text"} to this socket only
                                   (through the outbox: bot/outbox, webchat/transport.py)
                                   (of texts starting with "/" only the widget's "/start"
                                   reaches Rasa as an intent),
                                   or rapport_error {"error": code}; over the per-socket or
                                   per-IP limit: rapport_error "rate_limited", message dropped;
                                   a `message_id` already turned (a resend after a reconnect):
                                   rapport_duplicate {"message_id"}, no second turn; the
                                   conversation locked too long by other turns:
                                   rapport_error "busy"

Embedding on a hotel's own site (one script tag):

    <script src="https://<rapport>/webhooks/webchat/static/embed.js"
            data-widget-key="wk_..." async></script>

The page is then cross-origin to this server, so its origin must be listed in the
tenant's `widget_origins` (config/tenants.yml): a page of hotel A may open sessions
with hotel A's widget key only. RAPPORT_WEBCHAT_ORIGINS (comma-separated) adds origins
allowed for every tenant (demo or staging pages); this server's own origin (the demo
pages) is always allowed. An origin allowed for no tenant gets HTTP 400 from socket.io;
one allowed for another tenant only is refused at connect ("origin_not_allowed"). A
client that sends no Origin is not a browser and is not checked (it could send any).

Limits (bot/inbox/ratelimit.py). Per socket, in process memory (a socket lives in
one process): RAPPORT_WEBCHAT_SOCKET_MESSAGES_PER_10S (5, burst 5) messages and
SOCKET_SESSIONS_PER_MIN session requests. Per client IP, in Redis, shared by every
worker: RAPPORT_WEBCHAT_IP_MESSAGES_PER_MIN (60), RAPPORT_WEBCHAT_IP_CONNECTS_PER_MIN
(30), RAPPORT_WEBCHAT_IP_SESSIONS_PER_MIN (30); while Redis is unavailable these fall
back to per-process budgets (logged). The client IP is the peer address; behind a
reverse proxy set RAPPORT_WEBCHAT_TRUST_PROXY=true to use the first X-Forwarded-For hop
instead (only then: the header is client-controlled otherwise).

The visible chat history is kept by the browser (sessionStorage, per widget key, last
50 messages), not by the server: a server-side copy in process memory would be neither
durable nor shared between workers, and the widget only needs it to survive a reload.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from pymongo.errors import PyMongoError
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer
from socketio.exceptions import ConnectionRefusedError as SocketRefused

from bot.audit.log import AuditLog, SystemAccess
from bot.base.errors import InvalidInput, StorageError, UnknownTenant
from bot.base.logs import event
from bot.base.names import STAYS
from bot.base.refs import guest_ref, make_sender
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.base.states import Channel
from bot.channels.base import TenantChannel
from bot.channels.rest.parse import parse_message_id
from bot.channels.transports import build_transports
from bot.channels.webchat.invite import Refused, check, invited_guest, stay_exists
from bot.channels.webchat.pages import INVITE_HEADERS, demo_index, demo_page, invite_page, invite_refused
from bot.channels.webchat.session import (
    SOCKETIO_CHANNEL,
    STAFF_ACK_EVENT,
    guest_room,
    issue_session,
    origin_allowed,
    parse_user_message,
    private_socketio_client,
    resume_session,
)
from bot.handover.store import HandoverStore
from bot.inbox.ratelimit import RateLimiter, SharedRateLimiter, client_ip, limits_redis
from bot.outbox import Outbox, Transport
from bot.rasa.lock_store import ConversationBusy, DuplicateMessage
from bot.rasa.lock_store import inbound as turn_of
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

SOCKET_SESSIONS_PER_MIN = 5  # the widget sends one per (re)connect; also the burst

WEB_DIR = Path(__file__).parent / "static"
STATIC = {
    "widget.js": ("widget.js", "application/javascript"),
    "widget.css": ("widget.css", "text/css"),
    "embed.js": ("embed.js", "application/javascript"),
    "socket.io.min.js": ("vendor/socket.io.min.js", "application/javascript"),
}
EMBED_CLIENT = "socket.io.embed.js"  # the same client, as window.RapportIo (embed.js)


class WebchatOutput(OutputChannel):
    """Sends to the one socket that sent the message, never to a shared room (through
    the outbox; the socket is in this process: no round trip through Redis)."""

    @classmethod
    def name(cls) -> str:
        return Channel.WEBCHAT

    def __init__(self, outbox: Outbox, tenant_id: str, socket_id: str) -> None:
        self.outbox = outbox
        self.tenant_id = tenant_id
        self.socket_id = socket_id

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.outbox.on_socket(self.tenant_id, self.socket_id, text)


class _SocketBlueprint(Blueprint):
    def __init__(self, sio: AsyncServer, path: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.sio = sio
        self.ctx.path = path

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.sio.attach(app, self.ctx.path)
        super().register(app, options)


class WebchatChannel(TenantChannel):
    @classmethod
    def name(cls) -> str:
        return Channel.WEBCHAT

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._redis: aioredis.Redis | None = None
        self._sio: AsyncServer | None = None
        self._audit: AuditLog | None = None
        self.cipher = Cipher(settings.data_keys)

    def transports(self) -> dict[str, Transport]:
        """With this process's socket.io server: the widget's sockets are held here."""
        return build_transports(self.settings, server=self._sio)

    def redis(self) -> aioredis.Redis:
        """The per-IP limits' client, created on first use inside the server's loop."""
        if self._redis is None:
            self._redis = limits_redis(self.settings.effective_redis_url.value)
        return self._redis

    def _origins(self, tenant: Tenant | None) -> Iterable[str]:
        """Origins allowed for a tenant's widget key (None: for any tenant's)."""
        tenants = list(self.tenants) if tenant is None else [tenant]
        return itertools.chain(self.settings.webchat_origins, *(t.widget_origins for t in tenants))

    @staticmethod
    def _own_origin(environ: dict | None) -> str | None:
        if environ and "HTTP_HOST" in environ:
            return f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"
        return None

    def _origin_allowed(self, origin: Any, environ: dict | None = None) -> bool:
        """socket.io CORS, before the widget key is known: an origin allowed for some
        tenant (connect then checks it against the key's tenant)."""
        return origin_allowed(origin, self._origins(None), self._own_origin(environ))

    def _shared_limit(self, name: str, count: int) -> SharedRateLimiter:
        s = self.settings
        return SharedRateLimiter.per(
            self.redis, f"webchat.{name}", count, 60, secret=s.guest_key.value.encode()
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        s = self.settings
        socket_limit = RateLimiter.per(s.webchat_socket_messages_per_10s, 10)
        socket_sessions = RateLimiter.per(SOCKET_SESSIONS_PER_MIN, 60)
        ip_limit = self._shared_limit("ip_messages", s.webchat_ip_messages_per_min)
        connect_limit = self._shared_limit("ip_connects", s.webchat_ip_connects_per_min)
        session_limit = self._shared_limit("ip_sessions", s.webchat_ip_sessions_per_min)
        sio = AsyncServer(
            async_mode="sanic",
            # staff replies (bot/outbox, webchat/transport.py) come from the console process through
            # Redis to whichever process holds the guest's socket (JSON messages, not pickle)
            client_manager=AsyncRedisManager(s.effective_redis_url.value, channel=SOCKETIO_CHANNEL),
            # long-polling first, then the upgrade to a websocket; Sanic 21.12's websockets
            # need bot/rasa/sanic_compat.py on Python 3.11 (applied by channels/__init__.py)
            transports=["polling", "websocket"],
            # the handshake answers with the cookie io=<engine.io sid>: a load balancer routes
            # every long-polling request of the session to this process by it (deploy/haproxy/)
            cookie={"name": "io", "path": "/socket.io", "SameSite": "Lax", "httponly": True},
            # same origin (the demo pages), tenants' widget_origins and RAPPORT_WEBCHAT_ORIGINS
            cors_allowed_origins=self._origin_allowed,
            max_http_buffer_size=64 * 1024,
            logger=False,
            engineio_logger=False,
        )
        self._sio = sio
        bp = _SocketBlueprint(sio, "/socket.io", "rapport_webchat", __name__)
        key = s.guest_key
        max_chars = s.max_message_chars
        token_days = s.webchat_token_days

        @bp.listener("before_server_stop")
        async def close(app: Any, _loop: Any) -> None:
            await self.close_outbox()
            if self._redis is not None:
                await self._redis.close()
            if self._mongo is not None:
                self._mongo.client.close()

        @bp.route("/", methods=["GET"])
        async def index(request: Request) -> HTTPResponse:
            return response.html(demo_index(list(self.tenants)))

        @bp.route("/demo/<widget_key>", methods=["GET"])
        async def demo(request: Request, widget_key: str) -> HTTPResponse:
            try:
                tenant = self.tenants.by_widget_key(widget_key)
            except UnknownTenant:
                return response.json({"error": "unknown_widget_key"}, status=404)
            return response.html(demo_page(tenant))

        @bp.route("/i/<token>", methods=["GET"])
        async def invitation(request: Request, token: str) -> HTTPResponse:
            try:
                claim = check(key, self.tenants, token)
                if not await stay_exists(self.mongo(), claim):
                    raise Refused("gone", self.tenants.get(claim.tenant).default_language)
            except Refused as e:
                event(logger, "webchat.invite.refused", logging.INFO, reason=e.reason)
                return response.html(invite_refused(e.lang, e.kind), status=e.status, headers=INVITE_HEADERS)
            except StorageError:
                event(logger, "webchat.invite.unavailable", logging.ERROR)
                return response.text("unavailable", status=503, headers=INVITE_HEADERS)
            event(logger, "webchat.invite.opened", tenant=claim.tenant)
            page = invite_page(self.tenants.get(claim.tenant), token)
            return response.html(page, headers=INVITE_HEADERS)

        embed_client = private_socketio_client(
            (WEB_DIR / STATIC["socket.io.min.js"][0]).read_text(encoding="utf-8")
        )

        @bp.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name == EMBED_CLIENT:
                body, content_type = embed_client, "application/javascript"
            elif name in STATIC:
                path, content_type = STATIC[name]
                body = (WEB_DIR / path).read_text(encoding="utf-8")
            else:
                return response.json({"error": "not_found"}, status=404)
            return response.text(
                body,
                content_type=content_type,
                headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
            )

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: Any) -> bool:
            widget_key = auth.get("widget_key") if isinstance(auth, dict) else None
            try:
                tenant = self.tenants.by_widget_key(widget_key) if isinstance(widget_key, str) else None
            except UnknownTenant:
                tenant = None
            if tenant is None:
                event(logger, "webchat.connect.refused", logging.INFO)
                return False
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and not origin_allowed(
                origin, self._origins(tenant), self._own_origin(environ)
            ):
                event(logger, "webchat.connect.origin_refused", logging.WARNING, tenant=tenant.id)
                raise SocketRefused("origin_not_allowed")
            ip = client_ip(environ, s.webchat_trust_proxy)
            if not await connect_limit.allow(ip):
                event(logger, "webchat.connect.rate_limited", logging.WARNING)
                raise SocketRefused("rate_limited")
            await sio.save_session(sid, {"tenant": tenant.id, "ip": ip})
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str, *_: Any) -> None:
            socket_limit.forget(sid)
            socket_sessions.forget(sid)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None, *_: Any) -> None:  # any number of args
            session = await sio.get_session(sid)
            if not socket_sessions.allow(sid) or not await session_limit.allow(session.get("ip", "unknown")):
                event(logger, "webchat.session.rate_limited", logging.INFO)
                await sio.emit("rapport_error", {"error": "rate_limited"}, room=sid)
                return
            tenant_id = session["tenant"]
            if isinstance(data, dict) and "invite" in data:
                await self.invited_session(sid, session, data["invite"])
                return
            token = data.get("token") if isinstance(data, dict) else None
            session_id = resume_session(key, tenant_id, token, max_age_days=token_days)
            resumed = session_id is not None
            if session_id is None:
                session_id, token = issue_session(key, tenant_id)
            session["sender"] = make_sender(tenant_id, session_id)
            session["guest_ref"] = guest_ref(key, tenant_id, session_id)
            await sio.save_session(sid, session)
            await sio.enter_room(sid, guest_room(tenant_id, session["guest_ref"]))
            language = self.tenants.get(tenant_id).default_language
            await sio.emit(
                "session_confirm", {"token": token, "resumed": resumed, "language": language}, room=sid
            )
            if resumed:
                await self.redeliver(sid, tenant_id, session["guest_ref"])

        @sio.on(STAFF_ACK_EVENT)
        async def staff_received(sid: str, data: Any = None, *_: Any) -> None:
            """The widget showed a staff message: delivered (only this guest's own)."""
            session = await sio.get_session(sid)
            message_id = data.get("id") if isinstance(data, dict) else None
            gref = session.get("guest_ref")
            if not gref or not isinstance(message_id, str) or len(message_id) > 100:
                await sio.emit("rapport_error", {"error": "bad_ack"}, room=sid)
                return
            try:
                await self.handovers(session["tenant"]).acknowledge(message_id, gref)
            except PyMongoError:
                event(logger, "webchat.ack.failed", logging.WARNING)  # sent again on reconnect

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: Any = None, *_: Any) -> None:  # any number of args
            session = await sio.get_session(sid)
            if not socket_limit.allow(sid) or not await ip_limit.allow(session.get("ip", "unknown")):
                event(logger, "webchat.message.rate_limited", logging.INFO)
                await sio.emit("rapport_error", {"error": "rate_limited"}, room=sid)
                return
            sender = session.get("sender")
            if not sender:
                await sio.emit("rapport_error", {"error": "no_session"}, room=sid)
                return
            try:
                text, metadata = parse_user_message(data, max_chars)
                message_id = parse_message_id(data.get("message_id"))
            except InvalidInput as e:
                await sio.emit("rapport_error", {"error": e.code}, room=sid)
                return
            try:
                output = WebchatOutput(self.outbox(), session["tenant"], sid)
                with turn_of(self.name(), message_id):
                    await on_new_message(
                        UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata)
                    )
            except DuplicateMessage:  # a redelivery: its turn ran once, its replies were sent then
                # the protocol's own answer on the asking socket (a literal event: see
                # tests/bot/outbox/test_only_the_outbox_sends.py), no message to the guest
                await sio.emit("rapport_duplicate", {"message_id": message_id}, room=sid)
            except ConversationBusy:
                await sio.emit("rapport_error", {"error": "busy"}, room=sid)
            except Exception as e:  # noqa: BLE001
                event(logger, "webchat.turn.failed", logging.ERROR, error=type(e).__name__)
                await sio.emit("rapport_error", {"error": "processing_failed"}, room=sid)

        return bp

    def handovers(self, tenant_id: str) -> HandoverStore:
        return HandoverStore(self.mongo(), tenant_id)

    async def invited_session(self, sid: str, session: dict[str, Any], invite: Any) -> None:
        """Bind the socket to the guest an invitation link names (bot/channels/webchat/
        invite.py): the link is checked again (it may have expired since the page
        loaded), for the socket's tenant only; the stay's contact is opened to work out
        the invited guest's sender id, and that read is audited."""
        assert self._sio is not None
        tenant_id = session["tenant"]
        s = self.settings
        try:
            claim = check(s.guest_key, self.tenants, invite)
            if claim.tenant != tenant_id:
                raise Refused("bad_signature", "en")  # another hotel's link on this widget key
            reads = [SystemAccess("stay.read", STAYS, claim.stay)]
            if self._audit is None:
                self._audit = AuditLog.from_settings(self.mongo().client, s)
            await self._audit.system_access(tenant_id, [], reads)  # recorded before it is used
            guest = await invited_guest(self.mongo(), self.cipher, s.guest_key, claim)
            if guest is None:
                raise Refused("gone", "en")
        except Refused as e:
            event(logger, "webchat.invite.refused", logging.INFO, reason=e.reason)
            await self._sio.emit("rapport_error", {"error": "invite_refused"}, room=sid)
            return
        except (StorageError, PyMongoError):
            event(logger, "webchat.invite.unavailable", logging.ERROR)
            await self._sio.emit("rapport_error", {"error": "unavailable"}, room=sid)
            return
        session["sender"] = make_sender(tenant_id, guest)
        session["guest_ref"] = claim.guest_ref
        await self._sio.save_session(sid, session)
        await self._sio.enter_room(sid, guest_room(tenant_id, claim.guest_ref))
        language = self.tenants.get(tenant_id).default_language
        await self._sio.emit(
            "session_confirm", {"token": None, "resumed": True, "language": language}, room=sid
        )
        event(logger, "webchat.invite.bound", tenant=tenant_id)
        await self.redeliver(sid, tenant_id, claim.guest_ref)

    async def redeliver(self, sid: str, tenant_id: str, gref: str) -> None:
        """Staff messages the guest's widget has not acknowledged (it was closed or
        offline when they were sent)."""
        try:
            missed = await self.handovers(tenant_id).undelivered(gref)
        except PyMongoError:
            event(logger, "webchat.redeliver.failed", logging.WARNING)
            return
        for m in missed:
            await self.outbox().on_socket(tenant_id, sid, m["text"], message_id=m["_id"], author=m["author"])
        if missed:
            event(logger, "webchat.redelivered", tenant=tenant_id, count=len(missed))


__all__ = ["WebchatChannel", "WebchatOutput"]
