"""The jobs process's small HTTP server (aiohttp, already in the lock; the jobs process
has no Sanic app and needs no more than three GET routes) on RAPPORT_BIND_HOST and
RAPPORT_JOBS_HTTP_PORT: `/healthz`, `/readyz` (MongoDB and Redis answer) and `/metrics`
(allowed scrapers only), as bot/base/ops.py describes. Nothing else is served: any
other path is 404, any other method 405.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.base.ops import Check, MetricsGuard, readiness, render_metrics
from bot.base.settings import Settings


def build_app(settings: Settings, checks: dict[str, Check]) -> web.Application:
    guard = MetricsGuard(settings)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(request: web.Request) -> web.Response:
        status, body = await readiness(checks)
        return web.json_response(body, status=status)

    async def metrics(request: web.Request) -> web.Response:
        if not guard.allowed(request.remote, request.headers):
            return web.json_response({"error": "forbidden"}, status=403)
        body, content_type = render_metrics()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application(client_max_size=1024)
    app.router.add_get("/healthz", healthz, allow_head=False)
    app.router.add_get("/readyz", readyz, allow_head=False)
    app.router.add_get("/metrics", metrics, allow_head=False)
    return app


async def start(settings: Settings, mongo: Any, redis: Any) -> web.AppRunner:
    """Serve until the returned runner's `cleanup()`."""
    checks: dict[str, Check] = {"mongodb": lambda: mongo.admin.command("ping"), "redis": redis.ping}
    runner = web.AppRunner(build_app(settings, checks), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.bind_host, settings.jobs_http_port).start()
    return runner
