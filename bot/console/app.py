"""The staff console: `create_app(settings) -> Sanic`, served by `python -m bot.console`.
UI and API only: the background jobs run in their own process (bot/jobs).

Per-process clients (motor, redis.asyncio) are made in `before_server_start` and kept
on `app.ctx`. Around every request:

- `load_session` (request middleware): the session cookie -> `request.ctx.session`
  and `request.ctx.staff` (None unless the session is live and the account enabled
  with the same session epoch);
- `guard` (request middleware): state-changing requests must come from the console's
  own origin (Origin/Referer) and carry the session's CSRF token (`X-CSRF-Token`
  header, or the `csrf` form field); the login form carries a pre-session token
  (double-submit cookie); the stay-import API (stays_api.py) carries a bearer token
  instead, checked by its handler. Websocket upgrades must come from the console's
  origin and pass `access()` before the handshake;
- `secure_headers` (response middleware): CSP, X-Frame-Options, Referrer-Policy,
  nosniff, no-store.

Errors map to HTTP only here (`ConsoleErrors`): NotAuthenticated 401 (303 to /login
for pages), NotVisible 404, NotPermitted 403, InvalidInput 400 (413 when too large or
`batch_too_large`), StorageError and Redis errors 503, a body that never arrives in full 408 (Sanic calls it
a 503 response timeout), anything else 500 without details.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sanic import Sanic, response
from sanic.exceptions import SanicException, ServiceUnavailable
from sanic.handlers import ErrorHandler
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.audit.log import AuditLog
from bot.base.errors import InvalidInput, StorageError
from bot.base.logs import event
from bot.base.ops import add_sanic_routes
from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.console import (
    assets,
    auth,
    conversations,
    dsr,
    journeys,
    live,
    outreach,
    pms_webhook,
    routes,
    stays_api,
)
from bot.console.access import Gate, NotAuthenticated, NotPermitted, NotVisible
from bot.console.login_limit import LoginLimiter
from bot.console.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    HSTS,
    SECURITY_HEADERS,
    STATE_CHANGING,
    form_fields,
    is_https,
    same_origin,
    session_cookie_name,
    tokens_match,
)
from bot.handover.delivery import Delivery
from bot.handover.events import Publisher
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed
from bot.privacy.execute import Executor
from bot.privacy.stores import PrivacyContext
from bot.rasa import sanic_compat
from bot.staff.accounts import StaffStore
from bot.staff.sessions import SessionStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants

logger = logging.getLogger(__name__)

REQUEST_MAX_SIZE = 64 * 1024  # the console takes small JSON bodies and forms only
OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})  # no session looked up
PAGES = frozenset({"index", "shell", "outreach_page"})  # route names answered with a redirect to /login


def create_app(settings: Settings, *, name: str = "rapport_console") -> Sanic:
    sanic_compat.apply()  # websockets of Sanic 21.12 on Python 3.11
    app = Sanic(name, register=False, error_handler=ConsoleErrors())
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_SIZE
    app.config.REQUEST_TIMEOUT = 10
    app.config.RESPONSE_TIMEOUT = 30
    app.config.KEEP_ALIVE_TIMEOUT = 15
    app.config.WEBSOCKET_MAX_SIZE = 64 * 1024
    app.config.WEBSOCKET_PING_INTERVAL = 20  # keeps proxies from closing idle consoles
    app.config.WEBSOCKET_PING_TIMEOUT = 20
    app.config.PROXIES_COUNT = 1 if settings.console_trust_proxy else 0
    app.ctx.settings = settings
    app.ctx.catalog = Catalog.load()
    app.ctx.tenants = Tenants.load(settings.tenants_file, app.ctx.catalog.languages)
    app.ctx.origin = settings.console_url
    app.ctx.cookie = session_cookie_name(settings.console_url)

    app.register_listener(_open, "before_server_start")
    app.register_listener(_close, "after_server_stop")
    app.register_middleware(load_session, "request")
    app.register_middleware(guard, "request")
    app.register_middleware(secure_headers, "response")
    assets.register(app)  # /static/<file>: the shipped files only
    # /healthz (alive), /readyz (MongoDB and Redis answer), /metrics (allowed scrapers)
    add_sanic_routes(app, settings, _ready_checks)
    auth.register(app)
    routes.register(app)
    conversations.register(app)
    dsr.register(app)
    journeys.register(app)  # journeys, previews, tests to oneself, the send log
    live.register(app)
    pms_webhook.register(app)  # POST /pms/<tenant>/<kind>/webhook/<token>: a PMS, not staff
    stays_api.register(app)  # POST /t/<tenant>/api/stays: bearer tokens, not sessions
    outreach.register(app)  # admins: guest-list upload, column mapping, API tokens
    return app


async def _open(app: Sanic, _loop: Any) -> None:
    s: Settings = app.ctx.settings
    app.ctx.mongo = connect(s.effective_mongodb_url.value)
    app.ctx.redis = aioredis.from_url(
        s.effective_redis_url.value,
        socket_timeout=5,
        socket_connect_timeout=2,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        # a pooled connection idle for 2 s is PINGed (and reconnected) before use: after a
        # Redis restart, MULTI/EXEC pipelines (sessions, login limits) are not retried
        # by redis-py 4.6, so a dead connection must not reach them
        health_check_interval=2,
    )
    app.ctx.staff = StaffStore(app.ctx.mongo[s.control_db])
    try:
        await app.ctx.staff.ensure_indexes()
    except StorageError:
        event(logger, "console.indexes_failed", logging.WARNING)
    app.ctx.publisher = Publisher(s.effective_redis_url.value)  # handover events to consoles
    app.ctx.outbox = build_outbox(s, MongoStore(app.ctx.mongo, s.db_prefix))  # all sends (bot/outbox)
    app.ctx.delivery = Delivery(app.ctx.outbox)  # staff replies out
    app.ctx.sessions = SessionStore(app.ctx.redis)
    limit_key = hmac.new(s.guest_key.value.encode(), b"console-login-limits", hashlib.sha256).digest()
    app.ctx.limiter = LoginLimiter(app.ctx.redis, limit_key)  # keyed IPs and usernames
    app.ctx.audit = AuditLog.from_settings(app.ctx.mongo, s)
    app.ctx.gate = Gate(app.ctx.audit, app.ctx.mongo, s.db_prefix, frozenset(app.ctx.tenants.by_id))
    # the guest hears of rejections and extensions staff decide here (bot/console/dsr.py)
    app.ctx.privacy = await PrivacyContext.open(s)
    app.ctx.dsr_notices = Executor(s, app.ctx.privacy, app.ctx.catalog, app.ctx.outbox)
    event(logger, "console.started", port=s.console_port)


async def _close(app: Sanic, _loop: Any) -> None:
    await app.ctx.privacy.close()
    await app.ctx.redis.close()
    await app.ctx.publisher.close()
    await app.ctx.outbox.close()
    app.ctx.mongo.close()


def _ready_checks(app: Sanic) -> dict[str, Any]:
    """What /readyz asks (bot/base/ops.py): both stores answer."""
    return {"redis": app.ctx.redis.ping, "mongodb": lambda: app.ctx.mongo.admin.command("ping")}


async def load_session(request: Request) -> None:
    if getattr(request.ctx, "session_loaded", False):  # Sanic re-runs middleware on errors
        return
    request.ctx.session_loaded = True
    request.ctx.session = None
    request.ctx.staff = None
    if request.path.startswith("/static/") or request.path in OPS_PATHS:
        return
    cookie = request.cookies.get(request.app.ctx.cookie)
    if not cookie:
        return
    ctx = request.app.ctx
    session = await ctx.sessions.get(cookie)
    if session is None:
        return
    staff = await ctx.staff.get(session.staff_id)
    if staff is None or staff.disabled or staff.session_epoch != session.epoch:
        await ctx.sessions.delete(cookie)
        return
    request.ctx.session = session
    request.ctx.staff = staff


async def guard(request: Request) -> HTTPResponse | None:
    if getattr(request.ctx, "guarded", False):
        return None
    request.ctx.guarded = True
    route = request.route
    if route is not None and getattr(route.ctx, "websocket", False):
        return await live.before_upgrade(request)
    if request.method not in STATE_CHANGING:
        return None
    if route is not None and route.name.endswith("." + pms_webhook.ROUTE):
        return None  # machine to machine: its secret path segment authenticates it
    if route is not None and route.name.endswith(".stays_api"):
        return None  # a bearer token, not a cookie: the handler checks it (stays_api.py)
    if not same_origin(request.headers, request.app.ctx.origin):
        event(logger, "console.csrf.cross_origin", logging.WARNING, path=_route_name(request))
        return response.json({"error": "cross_origin"}, status=403)
    if route is not None and route.name.endswith(".login_submit"):
        return None  # the login form's own token is checked by the handler (double submit)
    session = request.ctx.session
    if session is None:
        return response.json({"error": "login_required"}, status=401)
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        token = form_fields(request.content_type, request.body).get(CSRF_FIELD)
    if not tokens_match(session.csrf, token):
        event(logger, "console.csrf.bad_token", logging.WARNING, path=_route_name(request))
        return response.json({"error": "csrf"}, status=403)
    return None


def _route_name(request: Request) -> str:
    return request.route.name.rsplit(".", 1)[-1] if request.route is not None else "none"


async def secure_headers(request: Request, resp: HTTPResponse) -> None:
    for key, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(key, value)
    if is_https(request.app.ctx.origin):
        resp.headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.path.startswith("/static/"):
        resp.headers["Cache-Control"] = "no-store"


def _body_incomplete(request: Request) -> bool:
    """True while Sanic still waits for body bytes the client announced: its response
    timeout (ServiceUnavailable) then means a slow or truncated request, not a slow us."""
    return bool(getattr(getattr(request, "stream", None), "request_body", None))


class ConsoleErrors(ErrorHandler):
    def default(self, request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, NotAuthenticated):
            route = getattr(request, "route", None)
            if request.method == "GET" and route is not None and _route_name(request) in PAGES:
                return response.redirect("/login", status=303)
            return response.json({"error": "login_required"}, status=401)
        if isinstance(exception, NotVisible):
            return response.json({"error": "not_found"}, status=404)
        if isinstance(exception, NotPermitted):
            return response.json({"error": "forbidden"}, status=403)
        if isinstance(exception, DeliveryFailed):
            # stored in the transcript, but the guest's channel did not take it
            event(logger, "console.delivery_failed", logging.WARNING, reason=exception.code)
            return response.json({"error": "delivery_failed", "detail": exception.code}, status=502)
        if isinstance(exception, InvalidInput):
            status = 413 if exception.code in ("too_large", "batch_too_large") else 400
            return response.json({"error": exception.code, "detail": exception.detail}, status=status)
        if isinstance(exception, StorageError | RedisError | OSError):
            event(logger, "console.unavailable", logging.ERROR, error=type(exception).__name__)
            return response.json({"error": "unavailable"}, status=503)
        if isinstance(exception, ServiceUnavailable) and _body_incomplete(request):
            return response.json({"error": "timeout"}, status=408)  # announced more than it sent
        if isinstance(exception, SanicException):
            status = getattr(exception, "status_code", 500) or 500
            codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "timeout"}
            codes[413] = "too_large"
            return response.json({"error": codes.get(status, "error")}, status=status)
        event(logger, "console.error", logging.ERROR, error=type(exception).__name__)
        logger.debug("console error", exc_info=exception)
        return response.json({"error": "internal"}, status=500)
