"""What every process answers its operators: `/metrics`, `/healthz`, `/readyz`.

- `/healthz`: 200 `{"ok": true}` while the process's event loop answers (liveness: a
  restart is the only cure for a process that stops answering it).
- `/readyz`: 200 when every dependency of the process answers within READY_TIMEOUT
  seconds, else 503 `{"ok": false, "failed": {"redis": "ConnectionError", ...}}` (the
  check's name and the error's type only; readiness: take the process out of the pool).
- `/metrics`: the Prometheus text format of `bot.base.metrics.REGISTRY`, to a scraper
  the deployment allows (`metrics_allowed`), else 403 `{"error": "forbidden"}`.

Who may read /metrics: a request whose peer address is in RAPPORT_METRICS_ALLOW
(default loopback) and that carries no proxy forwarding header (X-Forwarded-For,
Forwarded, X-Real-IP: a request relayed by a reverse proxy on loopback is a request
from the internet), or a request with `Authorization: Bearer <RAPPORT_METRICS_TOKEN>`
when that token is set. Metrics carry no personal data, but tenant ids, volumes and
queue ages are the hotels' business, so they are not for the public internet.

The same routes for Sanic apps (`add_sanic_routes`, the action server and console) and
for the Rasa server (bot/rasa/ops.py) and the jobs process (bot/jobs/http.py, aiohttp).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from bot.base.metrics import REGISTRY
from bot.base.settings import Settings

READY_TIMEOUT = 2.0  # seconds each dependency has to answer /readyz
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")

Check = Callable[[], Awaitable[Any]]


class MetricsGuard:
    """Decides whether a request may read /metrics (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.networks = tuple(ipaddress.ip_network(n, strict=False) for n in settings.metrics_allow)
        token = settings.metrics_token.value
        self.expected = f"Bearer {token}".encode() if token else None

    def allowed(self, peer: str | None, headers: Mapping[str, str]) -> bool:
        if self.expected is not None:
            given = (headers.get("authorization") or "").encode()
            if hmac.compare_digest(given, self.expected):
                return True
        if any(headers.get(h) for h in FORWARDING_HEADERS):
            return False
        try:
            address = ipaddress.ip_address((peer or "").split("%")[0])
        except ValueError:
            return False
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        return any(address in net for net in self.networks)


def render_metrics() -> tuple[bytes, str]:
    """The registry in Prometheus text format 0.0.4 and its content type (what every
    Prometheus and agent reads; our names need none of format 1.0.0's escaping)."""
    return generate_latest(REGISTRY), CONTENT_TYPE_PLAIN_0_0_4


async def readiness(checks: Mapping[str, Check]) -> tuple[int, dict[str, Any]]:
    """Run every check concurrently (READY_TIMEOUT each): (200, {"ok": True}) or (503,
    {"ok": False, "failed": {name: error type}})."""

    async def one(check: Check) -> str | None:
        try:
            await asyncio.wait_for(check(), READY_TIMEOUT)
        except TimeoutError:
            return "timeout"
        except Exception as e:  # noqa: BLE001 - any failure means not ready
            return type(e).__name__
        return None

    names = list(checks)
    results = await asyncio.gather(*(one(checks[n]) for n in names))
    failed = {n: r for n, r in zip(names, results, strict=True) if r is not None}
    if failed:
        return 503, {"ok": False, "failed": failed}
    return 200, {"ok": True}


def add_sanic_routes(app: Any, settings: Settings, checks: Callable[[Any], Mapping[str, Check]]) -> None:
    """/metrics, /healthz and /readyz on a Sanic app (or blueprint). `checks(app)` gives
    the readiness checks, called per request (the clients exist once the server started)."""
    from sanic import response

    guard = MetricsGuard(settings)

    async def metrics(request: Any) -> Any:
        if not guard.allowed(request.ip, request.headers):
            return response.json({"error": "forbidden"}, status=403)
        body, content_type = render_metrics()
        return response.raw(body, content_type=content_type)

    async def healthz(request: Any) -> Any:
        return response.json({"ok": True})

    async def readyz(request: Any) -> Any:
        status, body = await readiness(checks(request.app))
        return response.json(body, status=status)

    app.add_route(metrics, "/metrics", methods=["GET"], name="ops_metrics")
    app.add_route(healthz, "/healthz", methods=["GET"], name="ops_healthz")
    app.add_route(readyz, "/readyz", methods=["GET"], name="ops_readyz")
