"""Mews: reservations polled over short rolling windows of their update time.

    tenants.yml   pms: {kind: mews, api_url: https://api.mews.com, client: "Rapport 1.0",
                        window_minutes: 60, overlap_seconds: 300, initial_hours: 24}
    environment   RAPPORT_PMS_<TENANT>_CLIENT_TOKEN   the integration's ClientToken
                  RAPPORT_PMS_<TENANT>_ACCESS_TOKEN   the property's AccessToken

Connector API (every call a POST with `ClientToken`, `AccessToken` and `Client` in the
JSON body; 401 for bad tokens, 429 with Retry-After when over the limit):

- `POST {api_url}/api/connector/v1/reservations/getAll/2023-06-06` with `UpdatedUtc:
  {StartUtc, EndUtc}` (an interval of at most three months; we ask for `window_minutes`)
  and `Limitation: {Count, Cursor}` -> `{Reservations: [...], Cursor}`; a page shorter
  than Count is the last. A reservation: Id, Number, State, AccountId, AccountType,
  ScheduledStartUtc, ScheduledEndUtc, ActualEndUtc, Origin, CancellationReason, UpdatedUtc.
- `POST {api_url}/api/connector/v1/customers/getAll` with `CustomerIds` (up to 1000) and
  `Limitation: {Count}` -> `{Customers: [{Id, FirstName, Email, Phone, LanguageCode,
  NationalityCode, Address: {CountryCode}}], Cursor}`: the reservations' owners.

States: Inquired/Enquired, Requested, Optional, Confirmed -> expected; Started -> in_house;
Processed -> checked_out; Canceled -> cancelled, or no_show when its CancellationReason is
`NoShow`. The stay's reference is the reservation's `Number` (what the hotel sees and
exports), else its `Id`; its dates are the scheduled start and end in the hotel's zone.
The polling itself (windows, overlap, the cursor in `pms_cursors`) is
bot/outreach/pms/poller.py's, the same for any polling connector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.base.errors import ConfigError
from bot.base.settings import Secret
from bot.base.states import StayStatus
from bot.outreach.pms.base import (
    Counters,
    Hotel,
    Http,
    PmsConnector,
    PmsError,
    Unmappable,
    contact,
    country_code,
    instant,
    local_date,
    reference,
    status_of,
)
from bot.outreach.stays import Stay

NAME = "mews"
API_URL = "https://api.mews.com"
RESERVATIONS = "/api/connector/v1/reservations/getAll/2023-06-06"
CUSTOMERS = "/api/connector/v1/customers/getAll"
PAGE = 100
MAX_WINDOW_MINUTES = 7 * 24 * 60  # far below Mews' three-month limit

STATUS: Mapping[str, StayStatus] = {
    "Inquired": StayStatus.EXPECTED,
    "Enquired": StayStatus.EXPECTED,
    "Requested": StayStatus.EXPECTED,
    "Optional": StayStatus.EXPECTED,
    "Confirmed": StayStatus.EXPECTED,
    "Started": StayStatus.IN_HOUSE,
    "Processed": StayStatus.CHECKED_OUT,
    "Canceled": StayStatus.CANCELLED,
}
NO_SHOW_REASON = "NoShow"


@dataclass(frozen=True)
class MewsOptions:
    client_token: Secret
    access_token: Secret
    api_url: str = API_URL
    client: str = "Rapport 1.0"
    window: float = 3600.0  # seconds of UpdatedUtc per request
    overlap: float = 300.0  # seconds each round re-reads before the cursor
    initial: float = 86400.0  # how far back the first round starts


def _number(
    tenant_id: str, raw: Mapping[str, Any], name: str, default: float, low: float, high: float
) -> float:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"tenant {tenant_id}: pms.{name} must be a number from {low:g} to {high:g}")
    return float(value)


def options(tenant_id: str, raw: Mapping[str, Any], secret: Any) -> MewsOptions:
    tokens = {name: secret(name) for name in ("client_token", "access_token")}
    for name, value in tokens.items():
        if not value:
            raise ConfigError(f"tenant {tenant_id}: set RAPPORT_PMS_{tenant_id.upper()}_{name.upper()}")
    known = {"api_url", "client", "window_minutes", "overlap_seconds", "initial_hours"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"tenant {tenant_id}: unknown mews option(s) {sorted(unknown)}")
    return MewsOptions(
        client_token=tokens["client_token"],
        access_token=tokens["access_token"],
        api_url=str(raw.get("api_url") or API_URL).rstrip("/"),
        client=str(raw.get("client") or "Rapport 1.0"),
        window=60 * _number(tenant_id, raw, "window_minutes", 60, 1, MAX_WINDOW_MINUTES),
        overlap=_number(tenant_id, raw, "overlap_seconds", 300, 0, 86400),
        initial=3600 * _number(tenant_id, raw, "initial_hours", 24, 0, 24 * 90),
    )


def to_stay(
    res: Mapping[str, Any], customer: Mapping[str, Any] | None, hotel: Hotel, counters: Counters
) -> Stay:
    """A Mews reservation and its owner -> Stay; raises Unmappable."""
    if not isinstance(res, Mapping):
        raise Unmappable("bad_reservation")
    status = status_of(res.get("State"), STATUS)
    if status == StayStatus.CANCELLED and res.get("CancellationReason") == NO_SHOW_REASON:
        status = StayStatus.NO_SHOW
    customer = customer if isinstance(customer, Mapping) else {}
    address = customer.get("Address") if isinstance(customer.get("Address"), Mapping) else {}
    got = contact(
        hotel,
        counters,
        phone=customer.get("Phone"),
        email=customer.get("Email"),
        first_name=customer.get("FirstName"),
        language=customer.get("LanguageCode"),
    )
    origin = str(res.get("Origin") or "").strip()[:64] or None
    return Stay(
        reservation=reference(res.get("Number") or res.get("Id")),
        status=str(status),
        arrival=local_date(res.get("ScheduledStartUtc") or res.get("StartUtc"), hotel.timezone),
        departure=local_date(res.get("ScheduledEndUtc") or res.get("EndUtc"), hotel.timezone),
        phone=got["phone"],
        email=got["email"],
        first_name=got["first_name"],
        language=got["language"],
        checked_out_at=instant(res.get("ActualEndUtc")) if status == StayStatus.CHECKED_OUT else None,
        booking_channel=origin,
        country=country_code(address.get("CountryCode")) or country_code(customer.get("NationalityCode")),
    )


def utc(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class MewsConnector(PmsConnector):
    name = NAME
    polls = True

    def __init__(self, hotel: Hotel, http: Http, opts: MewsOptions) -> None:
        super().__init__(hotel, http)
        self.opts = opts
        self.window = opts.window
        self.overlap = opts.overlap
        self.initial = opts.initial

    async def call(self, path: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        payload = {
            "ClientToken": self.opts.client_token.value,
            "AccessToken": self.opts.access_token.value,
            "Client": self.opts.client,
            **body,
        }
        _status, answer = await self.http.request("POST", f"{self.opts.api_url}{path}", json=payload)
        if not isinstance(answer, Mapping):
            raise PmsError("bad_response")
        return answer

    async def customers(self, ids: list[str]) -> dict[str, Mapping[str, Any]]:
        found: dict[str, Mapping[str, Any]] = {}
        for i in range(0, len(ids), PAGE):
            chunk = ids[i : i + PAGE]
            answer = await self.call(CUSTOMERS, {"CustomerIds": chunk, "Limitation": {"Count": len(chunk)}})
            for c in answer.get("Customers") or []:
                if isinstance(c, Mapping) and isinstance(c.get("Id"), str):
                    found[c["Id"]] = c
        return found

    async def mapped(self, reservations: list[Any]) -> list[Stay]:
        owners = sorted(
            {
                r["AccountId"]
                for r in reservations
                if isinstance(r, Mapping)
                and isinstance(r.get("AccountId"), str)
                and r.get("AccountType", "Customer") == "Customer"
            }
        )
        customers = await self.customers(owners) if owners else {}
        stays = []
        for res in reservations:
            owner = res.get("AccountId") if isinstance(res, Mapping) else None
            try:
                stays.append(to_stay(res, customers.get(owner or ""), self.hotel, self.counters))
            except Unmappable as e:
                self.counters.skip(str(e))
        return stays

    async def changed_stays(self, since: float, until: float) -> AsyncIterator[list[Stay]]:
        cursor = None
        while True:
            limitation: dict[str, Any] = {"Count": PAGE}
            if cursor:
                limitation["Cursor"] = cursor
            answer = await self.call(
                RESERVATIONS,
                {"UpdatedUtc": {"StartUtc": utc(since), "EndUtc": utc(until)}, "Limitation": limitation},
            )
            found = answer.get("Reservations")
            if not isinstance(found, list):
                raise PmsError("bad_response")
            if found:
                yield await self.mapped(found)
            cursor = answer.get("Cursor")
            if len(found) < PAGE or not cursor:
                return

    async def stay(self, ref: str) -> Stay | None:
        """One reservation by its Mews Id (ReservationIds filter)."""
        answer = await self.call(RESERVATIONS, {"ReservationIds": [ref], "Limitation": {"Count": 1}})
        found = answer.get("Reservations") or []
        if not found:
            self.counters.skip("not_found")
            return None
        stays = await self.mapped(found[:1])
        return stays[0] if stays else None


def build(tenant_id: str, hotel: Hotel, raw: Mapping[str, Any], secret: Any, http: Http) -> MewsConnector:
    return MewsConnector(hotel, http, options(tenant_id, raw, secret))
