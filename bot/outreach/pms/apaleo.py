"""apaleo: reservations re-fetched by id after a webhook, with OAuth2 client credentials.

    tenants.yml   pms: {kind: apaleo, client_id: ABCD-AC-RAPPORT, property_id: MUC,
                        identity_url: https://identity.apaleo.com, api_url: https://api.apaleo.com}
    environment   RAPPORT_PMS_<TENANT>_CLIENT_SECRET   the client's secret (Identity server)
                  RAPPORT_PMS_<TENANT>_WEBHOOK_TOKEN   the secret path segment of the webhook URL

Token: `POST {identity_url}/connect/token` (form `grant_type=client_credentials`, the
client id and secret as HTTP basic auth) -> `{access_token, expires_in, token_type}`;
cached per process until 60 s before it expires, dropped and fetched again once when the
API answers 401.

Reservation: `GET {api_url}/booking/v1/reservations/{id}` (bearer token) -> id, status
(Confirmed, InHouse, CheckedOut, Canceled, NoShow), arrival, departure (date-times with the
property's offset), checkOutTime, channelCode, unitGroup {code}, primaryGuest {firstName,
email, phone, preferredLanguage, nationalityCountryCode, address {countryCode}}.
Changes for the CLI's catch-up: `GET {api_url}/booking/v1/reservations?dateFilter=
Modification&from=&to=&pageNumber=&pageSize=` -> `{reservations, count}` (204 when none).

Webhooks (`POST https://webhook.apaleo.com/v1/subscriptions` with `endpointUrl` and
`events: ["reservation/*"]`) carry `{id, topic, type, accountId, propertyId, timestamp,
data: {entityId}}` and no signature: bot/outreach/pms/events.py records the event and this
module re-fetches the reservation; the body's data is never used as the stay.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

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
from bot.outreach.pms.events import WebhookEvent, event_fields
from bot.outreach.stays import Stay

NAME = "apaleo"
IDENTITY_URL = "https://identity.apaleo.com"
API_URL = "https://api.apaleo.com"
SECRETS = ("client_secret", "webhook_token")
PAGE_SIZE = 100
TOKEN_MARGIN = 60.0  # seconds before expiry a cached token is replaced

STATUS: Mapping[str, StayStatus] = {
    "Confirmed": StayStatus.EXPECTED,
    "InHouse": StayStatus.IN_HOUSE,
    "CheckedOut": StayStatus.CHECKED_OUT,
    "Canceled": StayStatus.CANCELLED,
    "NoShow": StayStatus.NO_SHOW,
}

# (identity url, client id) -> (access token, expires at): one token per process and client
_TOKENS: dict[tuple[str, str], tuple[str, float]] = {}


@dataclass(frozen=True)
class ApaleoOptions:
    client_id: str
    client_secret: Secret
    identity_url: str = IDENTITY_URL
    api_url: str = API_URL
    property_id: str | None = None


def options(tenant_id: str, raw: Mapping[str, Any], secret: Any) -> ApaleoOptions:
    client_id = raw.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise ConfigError(f"tenant {tenant_id}: pms.client_id (the apaleo client id) is required")
    if not secret:
        raise ConfigError(f"tenant {tenant_id}: set RAPPORT_PMS_{tenant_id.upper()}_CLIENT_SECRET")
    unknown = set(raw) - {"client_id", "identity_url", "api_url", "property_id"}
    if unknown:
        raise ConfigError(f"tenant {tenant_id}: unknown apaleo option(s) {sorted(unknown)}")
    return ApaleoOptions(
        client_id=client_id,
        client_secret=secret,
        identity_url=str(raw.get("identity_url") or IDENTITY_URL).rstrip("/"),
        api_url=str(raw.get("api_url") or API_URL).rstrip("/"),
        property_id=str(raw["property_id"]) if raw.get("property_id") else None,
    )


def to_stay(res: Mapping[str, Any], hotel: Hotel, counters: Counters) -> Stay:
    """An apaleo reservation -> Stay; raises Unmappable."""
    if not isinstance(res, Mapping):
        raise Unmappable("bad_reservation")
    status = status_of(res.get("status"), STATUS)
    guest = res.get("primaryGuest") or {}
    if not isinstance(guest, Mapping):
        guest = {}
    address = guest.get("address") if isinstance(guest.get("address"), Mapping) else {}
    got = contact(
        hotel,
        counters,
        phone=guest.get("phone"),
        email=guest.get("email"),
        first_name=guest.get("firstName"),
        language=guest.get("preferredLanguage"),
    )
    unit_group = res.get("unitGroup") if isinstance(res.get("unitGroup"), Mapping) else {}
    checked_out = instant(res.get("checkOutTime")) if status == StayStatus.CHECKED_OUT else None
    return Stay(
        reservation=reference(res.get("id")),
        status=str(status),
        arrival=local_date(res.get("arrival"), hotel.timezone),
        departure=local_date(res.get("departure"), hotel.timezone),
        phone=got["phone"],
        email=got["email"],
        first_name=got["first_name"],
        language=got["language"],
        checked_out_at=checked_out,
        room_type=_short(unit_group.get("code")),
        booking_channel=_short(res.get("channelCode")),
        country=country_code(address.get("countryCode")) or country_code(guest.get("nationalityCountryCode")),
    )


def _short(value: Any) -> str | None:
    text = str(value or "").strip()
    return text[:64] or None


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApaleoConnector(PmsConnector):
    name = NAME
    polls = False

    def __init__(self, hotel: Hotel, http: Http, opts: ApaleoOptions) -> None:
        super().__init__(hotel, http)
        self.opts = opts

    # ---- the token -----------------------------------------------------------------------

    def _key(self) -> tuple[str, str]:
        return (self.opts.identity_url, self.opts.client_id)

    async def token(self, *, fresh: bool = False) -> str:
        cached = _TOKENS.get(self._key())
        if cached and not fresh and cached[1] - TOKEN_MARGIN > time.time():
            return cached[0]
        self.counters.token_fetches += 1
        status, body = await self.http.request(
            "POST",
            f"{self.opts.identity_url}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=aiohttp.BasicAuth(self.opts.client_id, self.opts.client_secret.value),
        )
        if status != 200 or not isinstance(body, Mapping) or not isinstance(body.get("access_token"), str):
            raise PmsError("token_refused")
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 300.0
        _TOKENS[self._key()] = (body["access_token"], time.time() + lifetime)
        return body["access_token"]

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> tuple[int, Any]:
        """A GET with the bearer token; a 401 drops the token and tries once more."""
        for fresh in (False, True):
            token = await self.token(fresh=fresh)
            try:
                return await self.http.request(
                    "GET",
                    f"{self.opts.api_url}{path}",
                    params=params,
                    headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                )
            except PmsError as e:
                if e.code != "http_401" or fresh:
                    raise
                _TOKENS.pop(self._key(), None)
        raise AssertionError("unreachable")

    # ---- reservations --------------------------------------------------------------------

    async def reservation(self, ref: str) -> Mapping[str, Any] | None:
        status, body = await self.get(f"/booking/v1/reservations/{quote(ref, safe='')}")
        if status == 404:
            return None
        if not isinstance(body, Mapping):
            raise PmsError("bad_response")
        return body

    def relevant(self, res: Mapping[str, Any]) -> bool:
        prop = res.get("property") if isinstance(res.get("property"), Mapping) else {}
        return self.opts.property_id is None or prop.get("id") in (None, self.opts.property_id)

    async def stay(self, ref: str) -> Stay | None:
        res = await self.reservation(ref)
        if res is None:
            self.counters.skip("not_found")
            return None
        if not self.relevant(res):
            self.counters.skip("other_property")
            return None
        try:
            return to_stay(res, self.hotel, self.counters)
        except Unmappable as e:
            self.counters.skip(str(e))
            return None

    async def changed_stays(self, since: float, until: float) -> AsyncIterator[list[Stay]]:
        page = 1
        while True:
            params = {
                "dateFilter": "Modification",
                "from": _iso(since),
                "to": _iso(until),
                "pageNumber": str(page),
                "pageSize": str(PAGE_SIZE),
            }
            if self.opts.property_id:
                params["propertyIds"] = self.opts.property_id
            status, body = await self.get("/booking/v1/reservations", params)
            found = (body or {}).get("reservations") if status == 200 else None
            if not isinstance(found, list) or not found:
                return
            batch = []
            for res in found:
                try:
                    batch.append(to_stay(res, self.hotel, self.counters))
                except Unmappable as e:
                    self.counters.skip(str(e))
            yield batch
            if len(found) < PAGE_SIZE:
                return
            page += 1


def webhook_event(payload: Any, opts: Mapping[str, Any]) -> WebhookEvent | None:
    """An apaleo webhook body -> the event to record (None: nothing to do, e.g. the
    subscription's health check, another topic or another property); raises ValueError."""
    event_id, topic, kind, data = event_fields(payload)
    if topic.lower() != "reservation":
        return None
    prop = payload.get("propertyId")
    if opts.get("property_id") and prop is not None and prop != opts["property_id"]:
        return None
    if not isinstance(data, Mapping):
        raise ValueError("no data")
    entity = data.get("entityId")
    if not isinstance(entity, str) or not entity.strip() or len(entity) > 64:
        raise ValueError("no entity id")
    return WebhookEvent(id=event_id, type=f"reservation/{kind}"[:64], entity=entity.strip())


def build(tenant_id: str, hotel: Hotel, raw: Mapping[str, Any], secret: Any, http: Http) -> ApaleoConnector:
    return ApaleoConnector(hotel, http, options(tenant_id, raw, secret("client_secret")))


def forget_tokens() -> None:
    """Drop every cached token (tests; a rotated secret)."""
    _TOKENS.clear()
