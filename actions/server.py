"""The action server: rasa-sdk's app with authentication and our resources.

    python -m actions.server

    GET  /health    {"status": "ok"} (no token needed)
    GET  /healthz   alive; /readyz: MongoDB and Redis answer (bot/base/ops.py, no token)
    GET  /metrics   Prometheus text, to allowed scrapers only (bot/base/ops.py's guard)
    POST /webhook   an action call (actions/calls.py) -> {"events", "responses"}
    GET  /actions   the registered actions' names

Differences from plain `rasa run actions` (which binds every interface with open
CORS and no authentication): listens on loopback by default, refuses any call without
the shared bearer token (compared in constant time), checks an action call before
rasa-sdk's executor runs it, answers every error with a code only ({"error": code}:
400 malformed, 401, 404 unknown action or path, 405, 413; 500 "internal_error") and
logs no request content (no body, no action name it does not know, no path), accepts
no compressed bodies, and creates the MongoDB client in a server listener. rasa-sdk's
own endpoint (rasa_sdk.endpoint) is not used: it echoes the body and the unknown
action's name, and answers 500 to malformed calls.
"""

from __future__ import annotations

import hmac
import json
import logging

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import runtime
from actions.calls import parse_action_call
from bot.base import logs
from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.base.ops import add_sanic_routes
from bot.base.settings import Settings
from bot.feedback.service import FeedbackService

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health", "/healthz", "/readyz", "/metrics"})  # /metrics: its own guard
KNOWN_PATHS = OPEN_PATHS | {"/webhook", "/actions"}
HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def error(code: str, status: int) -> HTTPResponse:
    return response.json({"error": code}, status=status)


def build_app(settings: Settings) -> Sanic:
    from rasa_sdk.executor import ActionExecutor

    app = Sanic("actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = 8 * 1024 * 1024
    executor = ActionExecutor()
    executor.register_package("actions")
    expected = f"Bearer {settings.action_token.value}".encode()

    @app.middleware("request")
    async def authenticate(request: Request):  # noqa: ANN202
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            path = request.path if request.path in KNOWN_PATHS else "other"
            event(logger, "actions.request.unauthorized", logging.WARNING, path=path)
            return error("unauthorized", 401)
        return None

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    def checks(app: Sanic) -> dict:
        service = runtime.service()
        found = {"mongodb": lambda: service.store.client.admin.command("ping")}
        if service.publisher is not None:
            found["redis"] = service.publisher.redis.ping
        return found

    add_sanic_routes(app, settings, checks)

    @app.get("/actions")
    async def actions(request: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        if request.headers.get("content-encoding", "identity").lower() != "identity":
            return error("unsupported_encoding", 415)  # Rasa 3.6 sends plain JSON
        try:
            call = parse_action_call(json.loads(request.body or b""), executor.actions)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return error("bad_json", 400)
        except InvalidInput as e:
            event(logger, "actions.request.rejected", logging.WARNING, reason=e.code)
            return error(e.code, 404 if e.code == "unknown_action" else 400)
        return response.json(await executor.run(call))

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception):  # noqa: ANN202
        if isinstance(exception, SanicException):
            status = exception.status_code
            return error(HTTP_CODES.get(status, f"http_{status}"), status)
        event(logger, "actions.request.failed", logging.ERROR, error=type(exception).__name__)
        return error("internal_error", 500)

    @app.listener("before_server_start")
    async def start(app: Sanic, _loop) -> None:  # noqa: ANN001
        runtime.set_service(FeedbackService.from_settings(settings))

    @app.listener("after_server_stop")
    async def stop(app: Sanic, _loop) -> None:  # noqa: ANN001
        runtime.service().close()
        runtime.set_service(None)

    return app


def main() -> None:
    settings = Settings.from_env()
    logs.configure(settings)
    app = build_app(settings)
    event(logger, "actions.server.starting", host=settings.bind_host, port=settings.action_port)
    app.run(host=settings.bind_host, port=settings.action_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
