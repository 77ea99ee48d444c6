"""Web chat over socket.io, with demo pages — one chat per tenant, chosen by widget key.

    GET  /webhooks/webchat/                  demo index (one link per tenant)
    GET  /webhooks/webchat/demo/<widget key> demo page with the chat
    GET  /webhooks/webchat/static/<file>     widget script, style, socket.io client, embed.js
    socket.io at /socket.io/                 events below

connect (auth: {"widget_key"}) -> refused unless the key names a tenant, and when the
                                   client IP opened too many connections ("rate_limited")
session_request ({"token"?})    -> session_confirm {"token", "resumed", "language"}; only a
                                   token this server signed for this tenant, not older than
                                   RAPPORT_WEBCHAT_TOKEN_DAYS, resumes a session; "language"
                                   is the tenant's default (the widget's UI fallback)
user_uttered ({"message", "locale"?}) -> bot_uttered {"text"} to this socket only,
                                   or rapport_error {"error": code}; over the per-socket or
                                   per-IP limit: rapport_error "rate_limited", message dropped

Embedding on a hotel's own site (one script tag):

    <script src="https://<rapport>/webhooks/webchat/static/embed.js"
            data-widget-key="wk_..." async></script>

The page is then cross-origin to this server, so its origin must be listed in
RAPPORT_WEBCHAT_ORIGINS (comma-separated, e.g. "https://www.alpenhof.example"); by
default only this server's own origin (the demo pages) may connect. Other origins get
HTTP 400 from socket.io and no session.

Limits (bot/channels/ratelimit.py, in memory per process): per socket
RAPPORT_WEBCHAT_SOCKET_MESSAGES_PER_10S (5, burst 5), per client IP
RAPPORT_WEBCHAT_IP_MESSAGES_PER_MIN (60) and RAPPORT_WEBCHAT_IP_CONNECTS_PER_MIN (30).
The client IP is the peer address; behind a reverse proxy set
RAPPORT_WEBCHAT_TRUST_PROXY=true to use the first X-Forwarded-For hop instead (only
then: the header is client-controlled otherwise).

The visible chat history is kept by the browser (sessionStorage, per widget key, last
50 messages), not by the server: a server-side copy in process memory would be neither
durable nor shared between workers, and the widget only needs it to survive a reload.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer
from socketio.exceptions import ConnectionRefusedError as SocketRefused

from bot.channels.ratelimit import RateLimiter, client_ip
from bot.channels.webchat import issue_session, parse_user_message, resume_session
from bot.errors import InvalidInput, UnknownTenant
from bot.feedback.service import make_sender
from bot.logs import event
from bot.settings import PROJECT_ROOT
from bot.web.pages import demo_index, demo_page
from channels.base import TenantChannel

logger = logging.getLogger(__name__)

WEB_DIR = PROJECT_ROOT / "web"
STATIC = {
    "widget.js": ("widget.js", "application/javascript"),
    "widget.css": ("widget.css", "text/css"),
    "embed.js": ("embed.js", "application/javascript"),
    "socket.io.min.js": ("vendor/socket.io.min.js", "application/javascript"),
}


class WebchatOutput(OutputChannel):
    """Sends to the one socket that sent the message, never to a shared room."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def __init__(self, sio: AsyncServer, socket_id: str) -> None:
        self.sio = sio
        self.socket_id = socket_id

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.sio.emit("bot_uttered", {"text": text}, room=self.socket_id)


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
        return "webchat"

    def _origin_allowed(self, origin: Any, environ: dict | None = None) -> bool:
        """socket.io CORS: this server's own origin, or one in RAPPORT_WEBCHAT_ORIGINS."""
        if not isinstance(origin, str):
            return False
        origin = origin.rstrip("/").lower()
        if origin in self.settings.webchat_origins:
            return True
        if environ and "HTTP_HOST" in environ:
            scheme = environ.get("wsgi.url_scheme", "http")
            return origin == f"{scheme}://{environ['HTTP_HOST']}".lower()
        return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        s = self.settings
        socket_limit = RateLimiter.per(s.webchat_socket_messages_per_10s, 10)
        ip_limit = RateLimiter.per(s.webchat_ip_messages_per_min, 60)
        connect_limit = RateLimiter.per(s.webchat_ip_connects_per_min, 60)
        sio = AsyncServer(
            async_mode="sanic",
            # Long-polling only: Sanic 21.12's websocket recv() passes a coroutine to
            # asyncio.wait(), which Python 3.11 forbids, so every websocket (or upgrade)
            # closes at once and a failed upgrade leaves the session stuck.
            transports=["polling"],
            allow_upgrades=False,
            # same origin (the demo pages) and RAPPORT_WEBCHAT_ORIGINS (pages that embed the widget)
            cors_allowed_origins=self._origin_allowed,
            max_http_buffer_size=64 * 1024,
            logger=False,
            engineio_logger=False,
        )
        bp = _SocketBlueprint(sio, "/socket.io", "rapport_webchat", __name__)
        key = s.guest_key
        max_chars = s.max_message_chars
        token_days = s.webchat_token_days

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

        @bp.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name not in STATIC:
                return response.json({"error": "not_found"}, status=404)
            path, content_type = STATIC[name]
            return response.text(
                (WEB_DIR / path).read_text(encoding="utf-8"),
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
            ip = client_ip(environ, s.webchat_trust_proxy)
            if not connect_limit.allow(ip):
                event(logger, "webchat.connect.rate_limited", logging.WARNING)
                raise SocketRefused("rate_limited")
            await sio.save_session(sid, {"tenant": tenant.id, "ip": ip})
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str, *_: Any) -> None:
            socket_limit.forget(sid)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None, *_: Any) -> None:  # any number of args
            session = await sio.get_session(sid)
            tenant_id = session["tenant"]
            token = data.get("token") if isinstance(data, dict) else None
            session_id = resume_session(key, tenant_id, token, max_age_days=token_days)
            resumed = session_id is not None
            if session_id is None:
                session_id, token = issue_session(key, tenant_id)
            session["sender"] = make_sender(tenant_id, session_id)
            await sio.save_session(sid, session)
            language = self.tenants.get(tenant_id).default_language
            await sio.emit(
                "session_confirm", {"token": token, "resumed": resumed, "language": language}, room=sid
            )

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: Any = None, *_: Any) -> None:  # any number of args
            session = await sio.get_session(sid)
            if not socket_limit.allow(sid) or not ip_limit.allow(session.get("ip", "unknown")):
                event(logger, "webchat.message.rate_limited", logging.INFO)
                await sio.emit("rapport_error", {"error": "rate_limited"}, room=sid)
                return
            sender = session.get("sender")
            if not sender:
                await sio.emit("rapport_error", {"error": "no_session"}, room=sid)
                return
            try:
                text, metadata = parse_user_message(data, max_chars)
            except InvalidInput as e:
                await sio.emit("rapport_error", {"error": e.code}, room=sid)
                return
            try:
                await on_new_message(
                    UserMessage(
                        text, WebchatOutput(sio, sid), sender, input_channel=self.name(), metadata=metadata
                    )
                )
            except Exception as e:  # noqa: BLE001
                event(logger, "webchat.turn.failed", logging.ERROR, error=type(e).__name__)
                await sio.emit("rapport_error", {"error": "processing_failed"}, room=sid)

        return bp


__all__ = ["WebchatChannel", "WebchatOutput"]
