"""A local stand-in for apaleo's Identity server, Booking API and webhooks, for tests
and offline development (bot/outreach/pms/apaleo.py talks to it unmodified).

    POST /connect/token                       form grant_type=client_credentials, the client
                                              id and secret as HTTP basic auth (or form
                                              client_id / client_secret) -> 200 {access_token,
                                              expires_in, token_type: "Bearer", scope};
                                              400 {"error": "invalid_client"} otherwise
    GET  /booking/v1/reservations/{id}        bearer token -> 200 the reservation; 401
                                              without a valid token; 404 unknown id
    GET  /booking/v1/reservations             ?dateFilter=Modification&from=&to=&pageNumber=
                                              &pageSize= -> 200 {reservations, count}, 204 none

Test controls (not apaleo's):

    POST /_fake/reservations    a reservation JSON (id, status, arrival, departure,
                                primaryGuest, ...) -> stored, modified now -> {"id"}
    POST /_fake/webhook         {"url", "entityId", "type": "changed", "id"?, "propertyId"?}:
                                POST apaleo's event body {id, topic: "Reservation", type,
                                accountId, propertyId, timestamp, data: {entityId}} to url
                                (unsigned, as apaleo sends it) -> {"id", "http_status", "body"}
    POST /_fake/tokens/revoke   every issued token becomes invalid (401 until a new one)
    GET  /_fake/tokens          {"issued": n}
    and the faults of devtools/pms_faults.py (timeouts, 5xx, 429 with Retry-After) on the
    Booking API and the token endpoint.

    python -m devtools.fake_apaleo --port 8097 --client ABCD-AC-RAPPORT --secret s3cret
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import BasicAuth, ClientSession, ClientTimeout, web

from devtools.pms_faults import FAULTS, Faults, count_statuses
from devtools.serving import serving

ACCOUNT = "RAPP"


def _error(status: int) -> dict[str, Any]:
    return {
        "messages": [{401: "Unauthorized", 404: "Not found", 429: "Too many requests"}.get(status, "Error")]
    }


def _when(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def create_app(clients: dict[str, str], token_lifetime: int = 3600) -> web.Application:
    app = web.Application(middlewares=[count_statuses])
    faults = Faults()
    app[FAULTS] = faults
    reservations: dict[str, tuple[float, dict[str, Any]]] = {}  # id -> (modified epoch, reservation)
    issued: dict[str, float] = {}  # token -> expires at
    count = [0]  # tokens issued

    async def token(request: web.Request) -> web.Response:
        if (fault := await faults.apply(lambda s: {"error": "server_error"})) is not None:
            return fault
        form = await request.post()
        client_id, secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                auth = BasicAuth.decode(header)
            except ValueError:
                return web.json_response({"error": "invalid_client"}, status=400)
            client_id, secret = auth.login, auth.password
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if not client_id or clients.get(str(client_id)) != secret:
            return web.json_response({"error": "invalid_client"}, status=400)
        value = secrets.token_urlsafe(24)
        issued[value] = time.time() + token_lifetime
        count[0] += 1
        return web.json_response(
            {
                "access_token": value,
                "expires_in": token_lifetime,
                "token_type": "Bearer",
                "scope": "reservations.read",
            }
        )

    def authorized(request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        value = header[7:] if header.startswith("Bearer ") else ""
        return issued.get(value, 0) > time.time()

    async def one(request: web.Request) -> web.Response:
        if (fault := await faults.apply(_error)) is not None:
            return fault
        if not authorized(request):
            return web.json_response(_error(401), status=401, headers={"WWW-Authenticate": "Bearer"})
        found = reservations.get(request.match_info["id"])
        if found is None:
            return web.json_response(_error(404), status=404)
        return web.json_response(found[1])

    async def listing(request: web.Request) -> web.Response:
        if (fault := await faults.apply(_error)) is not None:
            return fault
        if not authorized(request):
            return web.json_response(_error(401), status=401, headers={"WWW-Authenticate": "Bearer"})
        q = request.query
        if q.get("dateFilter", "Modification") != "Modification":
            return web.json_response({"messages": ["the stand-in filters by Modification only"]}, status=400)
        start, end = _when(q.get("from")), _when(q.get("to"))
        page, size = int(q.get("pageNumber", "1")), int(q.get("pageSize", "100"))
        rows = sorted(
            (m, r["id"], r)
            for m, r in reservations.values()
            if (start is None or m >= start) and (end is None or m < end)
        )
        chosen = [r for _, _, r in rows[(page - 1) * size : page * size]]
        if not chosen:
            return web.Response(status=204)
        return web.json_response({"reservations": chosen, "count": len(rows)})

    async def add(request: web.Request) -> web.Response:
        res = await request.json()
        res.setdefault("id", f"{secrets.token_hex(4).upper()}-1")
        modified = float(res.pop("_modified", time.time()))
        reservations[res["id"]] = (modified, res)
        return web.json_response({"id": res["id"]})

    async def fire(request: web.Request) -> web.Response:
        spec = await request.json()
        body = {
            "id": spec.get("id") or str(uuid.uuid4()),
            "topic": spec.get("topic", "Reservation"),
            "type": spec.get("type", "changed"),
            "accountId": ACCOUNT,
            "propertyId": spec.get("propertyId", "MUC"),
            "timestamp": int(time.time() * 1000),
            "data": {"entityId": spec["entityId"]},
        }
        async with ClientSession(timeout=ClientTimeout(total=30)) as session:
            async with session.post(spec["url"], json=body) as resp:
                answer = await resp.json(content_type=None)
                return web.json_response({"id": body["id"], "http_status": resp.status, "body": answer})

    async def revoke(_request: web.Request) -> web.Response:
        issued.clear()
        return web.json_response({"revoked": True})

    async def tokens(_request: web.Request) -> web.Response:
        return web.json_response({"issued": count[0]})

    app.add_routes(
        [
            web.post("/connect/token", token),
            web.get("/booking/v1/reservations/{id}", one),
            web.get("/booking/v1/reservations", listing),
            web.post("/_fake/reservations", add),
            web.post("/_fake/webhook", fire),
            web.post("/_fake/tokens/revoke", revoke),
            web.get("/_fake/tokens", tokens),
            *faults.routes(),
        ]
    )
    return app


@dataclass
class FakeApaleo:
    """A running stand-in and a client of its controls."""

    url: str
    session: ClientSession

    async def _post(self, path: str, body: Any) -> Any:
        async with self.session.post(self.url + path, json=body) as resp:
            return await resp.json()

    async def add(self, reservation: dict[str, Any]) -> str:
        return (await self._post("/_fake/reservations", reservation))["id"]

    async def fire(
        self, url: str, entity: str, type_: str = "changed", event_id: str | None = None
    ) -> dict[str, Any]:
        return await self._post(
            "/_fake/webhook", {"url": url, "entityId": entity, "type": type_, "id": event_id}
        )

    async def fault(
        self, status: int | None = None, count: int = 1, delay: float = 0, retry_after: float | None = None
    ) -> None:
        await self._post(
            "/_fake/faults", {"status": status, "count": count, "delay": delay, "retry_after": retry_after}
        )

    async def revoke(self) -> None:
        await self._post("/_fake/tokens/revoke", {})

    async def attempts(self) -> dict[str, Any]:
        async with self.session.get(self.url + "/_fake/attempts") as resp:
            return await resp.json()

    async def tokens_issued(self) -> int:
        async with self.session.get(self.url + "/_fake/tokens") as resp:
            return (await resp.json())["issued"]


@asynccontextmanager
async def running_fake(
    clients: dict[str, str], host: str = "127.0.0.1", port: int = 0, token_lifetime: int = 3600
) -> AsyncIterator[FakeApaleo]:
    """Serve the stand-in on loopback (a free port by default) for the duration of the block."""
    async with serving(create_app(clients, token_lifetime), host, port, timeout=30, shutdown=2) as (
        url,
        session,
    ):
        yield FakeApaleo(url, session)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m devtools.fake_apaleo", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8097)
    p.add_argument("--client", required=True)
    p.add_argument("--secret", required=True)
    args = p.parse_args(argv)
    web.run_app(create_app({args.client: args.secret}), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
