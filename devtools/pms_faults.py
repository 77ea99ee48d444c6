"""Switchable faults for the PMS stand-ins (fake_apaleo.py, fake_mews.py).

POST   /_fake/faults   {"status": 429|500|503, "count": n, "delay": s, "retry_after": s}:
                       the next n API calls wait `delay` seconds (a timeout when the
                       client gives up first), then fail with `status` (429 and 503
                       carry Retry-After) or, without status, answer normally
DELETE /_fake/faults   drop pending faults
GET    /_fake/attempts {"count": API calls that reached the stand-in, "statuses": [...]}
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Fault:
    status: int | None
    delay: float
    retry_after: float | None


@dataclass
class Faults:
    pending: list[Fault] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    async def apply(self, error_body: Any) -> web.Response | None:
        """Before answering an API call: the fault's response, or None to answer normally."""
        if not self.pending:
            return None
        fault = self.pending.pop(0)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.status is None:
            return None
        headers = {}
        if fault.retry_after is not None and fault.status in (429, 503):
            headers["Retry-After"] = str(int(fault.retry_after))
        return web.json_response(error_body(fault.status), status=fault.status, headers=headers)

    def seen(self, status: int) -> None:
        self.statuses.append(status)

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/_fake/faults", self._add),
            web.delete("/_fake/faults", self._clear),
            web.get("/_fake/attempts", self._attempts),
        ]

    async def _add(self, request: web.Request) -> web.Response:
        spec = await request.json()
        status = spec.get("status")
        if status is not None and status not in (429, 500, 502, 503, 504):
            return web.json_response({"error": "status must be 429 or 5xx"}, status=400)
        for _ in range(int(spec.get("count", 1))):
            self.pending.append(Fault(status, float(spec.get("delay", 0)), spec.get("retry_after")))
        return web.json_response({"pending": len(self.pending)})

    async def _clear(self, _request: web.Request) -> web.Response:
        self.pending.clear()
        return web.json_response({"pending": 0})

    async def _attempts(self, _request: web.Request) -> web.Response:
        return web.json_response({"count": len(self.statuses), "statuses": self.statuses})


FAULTS = web.AppKey("faults", Faults)


@web.middleware
async def count_statuses(request: web.Request, handler: Any) -> web.StreamResponse:
    """Record the status of every API call (not of /_fake/ controls)."""
    try:
        resp = await handler(request)
    except web.HTTPException as e:
        resp = e
    if not request.path.startswith("/_fake/"):
        request.app[FAULTS].seen(resp.status)
    if isinstance(resp, web.HTTPException):
        raise resp
    return resp
