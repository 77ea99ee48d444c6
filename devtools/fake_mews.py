"""A local stand-in for the Mews Connector API's reservations and customers, for tests
and offline development (bot/outreach/pms/mews.py talks to it unmodified).

    POST /api/connector/v1/reservations/getAll/2023-06-06
        {ClientToken, AccessToken, Client, UpdatedUtc: {StartUtc, EndUtc} | ReservationIds,
         Limitation: {Count (1-1000), Cursor?}} -> {Reservations: [...], Cursor}
        ordered by (UpdatedUtc, Id); the cursor is the last reservation's Id; an UpdatedUtc
        interval longer than three months is 400, like Mews
    POST /api/connector/v1/customers/getAll
        {ClientToken, AccessToken, Client, CustomerIds, Limitation} -> {Customers, Cursor}
    A wrong ClientToken or AccessToken: 401 {"Message": ...}; a missing Client: 400.

Test controls (not Mews'):

    POST /_fake/reservations   {"reservation": {...}, "customer": {...}?}: stored, its
                               UpdatedUtc set to now (or the given "UpdatedUtc") -> {"Id"}
    GET  /_fake/calls          the UpdatedUtc windows asked for, oldest first
    and the faults of devtools/pms_faults.py (timeouts, 5xx, 429 with Retry-After).

    python -m devtools.fake_mews --port 8098 --client-token CT --access-token AT
"""

from __future__ import annotations

import argparse
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web

from devtools.pms_faults import FAULTS, Faults, count_statuses
from devtools.serving import serving

MAX_INTERVAL = dt.timedelta(days=92)


def _error(status: int, message: str | None = None) -> dict[str, Any]:
    return {
        "Message": message or {401: "Invalid AccessToken.", 429: "Too many requests."}.get(status, "Error")
    }


def _utc(text: Any) -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError("not a time")
    at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError("not UTC")
    return at


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def create_app(client_token: str, access_token: str) -> web.Application:
    app = web.Application(middlewares=[count_statuses])
    faults = Faults()
    app[FAULTS] = faults
    stored: dict[str, dict[str, Any]] = {}  # Id -> reservation
    people: dict[str, dict[str, Any]] = {}  # Id -> customer
    windows: list[dict[str, str]] = []

    async def checked(request: web.Request) -> tuple[dict[str, Any] | None, web.Response | None]:
        if (fault := await faults.apply(_error)) is not None:
            return None, fault
        try:
            body = await request.json()
        except ValueError:
            return None, web.json_response(_error(400, "Invalid JSON."), status=400)
        if not isinstance(body, dict):
            return None, web.json_response(_error(400, "Invalid request."), status=400)
        if body.get("ClientToken") != client_token or body.get("AccessToken") != access_token:
            return None, web.json_response(_error(401), status=401)
        if not body.get("Client"):
            return None, web.json_response(_error(400, "Client is required."), status=400)
        limitation = body.get("Limitation")
        count = limitation.get("Count") if isinstance(limitation, dict) else None
        if not isinstance(count, int) or not 1 <= count <= 1000:
            return None, web.json_response(_error(400, "Limitation.Count must be 1-1000."), status=400)
        return body, None

    def page(
        rows: list[dict[str, Any]], limitation: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        cursor = limitation.get("Cursor")
        if cursor:
            ids = [r["Id"] for r in rows]
            rows = rows[ids.index(cursor) + 1 :] if cursor in ids else []
        chosen = rows[: limitation["Count"]]
        return chosen, (chosen[-1]["Id"] if chosen else None)

    async def reservations(request: web.Request) -> web.Response:
        body, error = await checked(request)
        if error is not None:
            return error
        assert body is not None
        rows = sorted(stored.values(), key=lambda r: (r["UpdatedUtc"], r["Id"]))
        if body.get("ReservationIds"):
            wanted = set(body["ReservationIds"])
            rows = [r for r in rows if r["Id"] in wanted]
        else:
            window = body.get("UpdatedUtc")
            try:
                start, end = _utc(window["StartUtc"]), _utc(window["EndUtc"])
            except (TypeError, KeyError, ValueError):
                return web.json_response(_error(400, "UpdatedUtc must be an interval."), status=400)
            if end < start or end - start > MAX_INTERVAL:
                return web.json_response(_error(400, "UpdatedUtc interval too long."), status=400)
            windows.append({"StartUtc": window["StartUtc"], "EndUtc": window["EndUtc"]})
            rows = [r for r in rows if start <= _utc(r["UpdatedUtc"]) <= end]
        chosen, cursor = page(rows, body["Limitation"])
        return web.json_response({"Reservations": chosen, "Cursor": cursor})

    async def customers(request: web.Request) -> web.Response:
        body, error = await checked(request)
        if error is not None:
            return error
        assert body is not None
        ids = body.get("CustomerIds")
        if not isinstance(ids, list) or not ids or len(ids) > 1000:
            return web.json_response(_error(400, "CustomerIds must hold 1-1000 ids."), status=400)
        rows = [people[i] for i in ids if i in people]
        chosen, cursor = page(rows, body["Limitation"])
        return web.json_response({"Customers": chosen, "Cursor": cursor})

    async def add(request: web.Request) -> web.Response:
        spec = await request.json()
        res = dict(spec["reservation"])
        res.setdefault("Id", str(uuid.uuid4()))
        res["UpdatedUtc"] = res.get("UpdatedUtc") or _stamp(dt.datetime.now(dt.UTC))
        customer = spec.get("customer")
        if customer:
            customer = dict(customer)
            customer.setdefault("Id", str(uuid.uuid4()))
            people[customer["Id"]] = customer
            res["AccountId"] = customer["Id"]
            res.setdefault("AccountType", "Customer")
        stored[res["Id"]] = res
        return web.json_response({"Id": res["Id"], "UpdatedUtc": res["UpdatedUtc"]})

    async def calls(_request: web.Request) -> web.Response:
        return web.json_response(windows)

    app.add_routes(
        [
            web.post("/api/connector/v1/reservations/getAll/2023-06-06", reservations),
            web.post("/api/connector/v1/customers/getAll", customers),
            web.post("/_fake/reservations", add),
            web.get("/_fake/calls", calls),
            *faults.routes(),
        ]
    )
    return app


@dataclass
class FakeMews:
    url: str
    session: ClientSession

    async def _post(self, path: str, body: Any) -> Any:
        async with self.session.post(self.url + path, json=body) as resp:
            return await resp.json()

    async def add(
        self, reservation: dict[str, Any], customer: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return await self._post("/_fake/reservations", {"reservation": reservation, "customer": customer})

    async def fault(
        self, status: int | None = None, count: int = 1, delay: float = 0, retry_after: float | None = None
    ) -> None:
        await self._post(
            "/_fake/faults", {"status": status, "count": count, "delay": delay, "retry_after": retry_after}
        )

    async def attempts(self) -> dict[str, Any]:
        async with self.session.get(self.url + "/_fake/attempts") as resp:
            return await resp.json()

    async def calls(self) -> list[dict[str, str]]:
        async with self.session.get(self.url + "/_fake/calls") as resp:
            return await resp.json()


@asynccontextmanager
async def running_fake(
    client_token: str, access_token: str, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[FakeMews]:
    async with serving(create_app(client_token, access_token), host, port, timeout=30, shutdown=2) as (
        url,
        session,
    ):
        yield FakeMews(url, session)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m devtools.fake_mews", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8098)
    p.add_argument("--client-token", required=True)
    p.add_argument("--access-token", required=True)
    args = p.parse_args(argv)
    web.run_app(create_app(args.client_token, args.access_token), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
