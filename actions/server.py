"""The action server: rasa-sdk's app with authentication and our resources.

    python -m actions.server

Differences from plain `rasa run actions` (which binds every interface with open
CORS and no authentication): listens on loopback by default, refuses any call without
the shared bearer token (compared in constant time), answers errors without echoing
the request body, and creates the MongoDB client in a server listener.
"""

from __future__ import annotations

import hmac
import logging

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from actions import runtime
from bot.feedback.service import FeedbackService
from bot.logs import event
from bot.settings import Settings

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})


def build_app(settings: Settings) -> Sanic:
    from rasa_sdk.endpoint import create_app

    app = create_app("actions", cors_origins="")
    app.config.REQUEST_MAX_SIZE = 8 * 1024 * 1024
    expected = f"Bearer {settings.action_token.value}".encode()

    @app.middleware("request")
    async def authenticate(request: Request):  # noqa: ANN202
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            event(logger, "actions.request.unauthorized", logging.WARNING, path=request.path)
            return response.json({"error": "unauthorized"}, status=401)
        return None

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception):  # noqa: ANN202
        if isinstance(exception, SanicException):
            return response.json({"error": str(exception)}, status=exception.status_code)
        event(logger, "actions.request.failed", logging.ERROR, error=type(exception).__name__)
        return response.json({"error": "internal error"}, status=500)

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
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = build_app(settings)
    event(logger, "actions.server.starting", host=settings.bind_host, port=settings.action_port)
    app.run(host=settings.bind_host, port=settings.action_port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
