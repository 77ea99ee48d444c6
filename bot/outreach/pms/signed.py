"""A generic signed webhook for any PMS or middleware, modelled on the event shape of
Impala (the discontinued data-extraction API named in the data-processing agreement):
booking created / changed, with the old and the new booking, in an HMAC-signed JSON body.
The body is signed, so it is trusted as the stay's data: nothing is re-fetched.

    tenants.yml   pms: {kind: signed}
    environment   RAPPORT_PMS_<TENANT>_WEBHOOK_TOKEN   the secret path segment (as for apaleo)
                  RAPPORT_PMS_<TENANT>_SIGNING_SECRET  the HMAC key (at least 32 characters)

    POST /pms/<tenant>/signed/webhook/<token>
    X-Rapport-Timestamp: 1765100000            unix seconds; refused if more than 5 minutes off
    X-Rapport-Signature: v1=<hex HMAC-SHA256(signing secret, "<timestamp>." + raw body)>

    {"id": "evt_01H…", "type": "booking.created" | "booking.changed",
     "data": {"old": <booking> | null, "new": <booking>}}

    booking: {"id": "BK-1042", "status": "confirmed" | "checked_in" | "checked_out" |
              "cancelled" | "no_show" (or Rapport's own: expected, in_house),
              "arrival": "2026-12-20", "departure": "2026-12-23",
              "checkedOutAt": "2026-12-23T10:05:00+01:00"?, "roomType"?, "channel"?,
              "guest": {"firstName"?, "email"?, "phone"?, "language"?, "countryCode"?}}

Answers as for apaleo (bot/outreach/pms/webhook.py), plus 401 for a missing, stale or
wrong signature and 422 {"error": "unmappable", "detail": "no_contact" | ...} for a
booking that cannot be a stay (nothing recorded: correct it and send it again). `old`
is accepted and not needed (the new booking is the whole truth).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Mapping
from typing import Any

from bot.base.errors import ConfigError
from bot.base.states import StayStatus
from bot.outreach.pms.base import (
    Counters,
    Hotel,
    Http,
    PmsConnector,
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

NAME = "signed"
SECRETS = ("webhook_token", "signing_secret")
TIMESTAMP = "X-Rapport-Timestamp"
SIGNATURE = "X-Rapport-Signature"
TOLERANCE = 300.0
MIN_SECRET = 32
TYPES = ("booking.created", "booking.changed")
# the booking statuses of this shape, and Rapport's own status names as synonyms
STATUS: Mapping[str, StayStatus] = {s.value: s for s in StayStatus} | {
    "confirmed": StayStatus.EXPECTED,
    "checked_in": StayStatus.IN_HOUSE,
    "canceled": StayStatus.CANCELLED,
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(headers: Mapping[str, str], body: bytes, secret: str | None, now: float) -> bool:
    """The signature over the timestamp and the raw body, the timestamp within 5 minutes."""
    if not secret or len(secret) < MIN_SECRET:
        return False
    stamp, given = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
    if not stamp.isdigit() or abs(now - int(stamp)) > TOLERANCE:
        return False
    return hmac.compare_digest(sign(secret, stamp, body).encode(), given.encode("utf-8", "surrogatepass"))


def webhook_event(payload: Any, opts: Mapping[str, Any]) -> WebhookEvent | None:
    event_id, _topic, kind, data = _fields(payload)
    if kind not in TYPES:
        return None
    new = data.get("new") if isinstance(data, Mapping) else None
    if not isinstance(new, Mapping):
        raise ValueError("no new booking")
    entity = new.get("id")
    if not isinstance(entity, str) or not entity.strip() or len(entity) > 64:
        raise ValueError("no booking id")
    return WebhookEvent(id=event_id, type=kind, entity=entity.strip())


def _fields(payload: Any) -> tuple[str, str, str, Any]:
    if isinstance(payload, dict):
        payload = {**payload, "topic": "booking"}  # event_fields wants a topic; this shape has none
    return event_fields(payload)


def webhook_stay(payload: Mapping[str, Any], hotel: Hotel, counters: Counters) -> Stay:
    """The new booking of a verified event -> Stay; raises Unmappable."""
    booking = payload["data"]["new"]
    guest = booking.get("guest") if isinstance(booking.get("guest"), Mapping) else {}
    status = status_of(str(booking.get("status", "")).lower(), STATUS)
    got = contact(
        hotel,
        counters,
        phone=guest.get("phone"),
        email=guest.get("email"),
        first_name=guest.get("firstName"),
        language=guest.get("language"),
    )
    return Stay(
        reservation=reference(booking.get("id")),
        status=str(status),
        arrival=local_date(booking.get("arrival"), hotel.timezone),
        departure=local_date(booking.get("departure"), hotel.timezone),
        phone=got["phone"],
        email=got["email"],
        first_name=got["first_name"],
        language=got["language"],
        checked_out_at=instant(booking.get("checkedOutAt")) if status == StayStatus.CHECKED_OUT else None,
        room_type=str(booking.get("roomType") or "")[:64] or None,
        booking_channel=str(booking.get("channel") or "")[:64] or None,
        country=country_code(guest.get("countryCode")),
    )


class SignedConnector(PmsConnector):
    """Push only: the sender's signed body is the stay; there is nothing to fetch or poll."""

    name = NAME
    polls = False

    async def stay(self, ref: str) -> Stay | None:
        return None

    async def changed_stays(self, since: float, until: float) -> AsyncIterator[list[Stay]]:
        return
        yield []  # pragma: no cover - an empty async generator


def build(tenant_id: str, hotel: Hotel, raw: Mapping[str, Any], secret: Any, http: Http) -> SignedConnector:
    if raw:
        raise ConfigError(f"tenant {tenant_id}: the signed webhook takes no options")
    key = secret("signing_secret")
    if not key or len(key.value) < MIN_SECRET:
        raise ConfigError(
            f"tenant {tenant_id}: set RAPPORT_PMS_{tenant_id.upper()}_SIGNING_SECRET (32+ characters)"
        )
    return SignedConnector(hotel, http)


__all__ = ["Unmappable", "sign", "verify", "webhook_event", "webhook_stay", "build"]
