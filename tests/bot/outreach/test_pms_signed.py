"""The generic signed webhook (bot/outreach/pms/signed.py): Impala's booking created /
changed shape, HMAC over timestamp and raw body, stored at once, replay-safe."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bot.base.errors import ConfigError
from bot.base.names import PMS_EVENTS
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.i18n import Catalog
from bot.outreach.pms import signed
from bot.outreach.pms.registry import connector_for
from bot.outreach.pms.webhook import receive
from bot.outreach.stays import StayStore
from bot.tenants.registry import Tenants

TOKEN, KEY = "p" * 32, "k" * 40
TENANTS = """
tenants:
  - id: alpenhof
    name: Hotel Alpenhof
    widget_key: wk_a
    languages: [de, en]
    default_language: de
    country: DE
    timezone: Europe/Berlin
    questions: [{id: overall, kind: rating, scale: {low: 1, high: 5}}]
    pms: {kind: signed}
"""


@pytest.fixture()
def world(mongo, mongo_env, tmp_path: Path):
    path = tmp_path / "tenants.yml"
    path.write_text(TENANTS)
    env = {
        **mongo_env,
        "RAPPORT_PMS_ALPENHOF_WEBHOOK_TOKEN": TOKEN,
        "RAPPORT_PMS_ALPENHOF_SIGNING_SECRET": KEY,
    }
    return Settings.from_env(env), Tenants.load(path, Catalog.load().languages)


def event(status: str = "confirmed", event_id: str = "evt_1", old: dict | None = None, **guest) -> bytes:
    new = {
        "id": "BK-1042",
        "status": status,
        "arrival": "2026-12-20",
        "departure": "2026-12-23",
        "roomType": "DBL",
        "channel": "direct",
        "guest": {"firstName": "Jürgen", "phone": "+49 170 1234567", "language": "de", **guest},
    }
    kind = "booking.changed" if old else "booking.created"
    return json.dumps({"id": event_id, "type": kind, "data": {"old": old, "new": new}}).encode()


def signed_headers(body: bytes, key: str = KEY, at: float | None = None) -> dict[str, str]:
    stamp = str(int(time.time() if at is None else at))
    return {signed.TIMESTAMP: stamp, signed.SIGNATURE: signed.sign(key, stamp, body)}


async def send(mongo, world, body: bytes, headers: dict[str, str], token: str = TOKEN):
    settings, tenants = world
    return await receive(mongo, settings, tenants, "alpenhof", "signed", token, body, headers=headers)


def stays(mongo, settings):
    return StayStore(mongo, "alpenhof", Cipher(settings.data_keys), settings.guest_key)


async def test_a_signed_booking_is_stored_at_once_and_a_change_follows(mongo, world):
    settings, _ = world
    body = event()
    answer = await send(mongo, world, body, signed_headers(body))
    assert (answer.status, answer.body, answer.event) == (
        200,
        {"ok": True, "event": "recorded", "outcome": "new"},
        None,
    )
    stored = await stays(mongo, settings).get("BK-1042")
    assert (
        stored["status"] == "expected" and stored["phone"] == "+491701234567" and stored["source"] == "signed"
    )
    assert stored["first_name"] == "Jürgen" and stored["room_type"] == "DBL"

    body = event("checked_out", "evt_2", old=json.loads(event())["data"]["new"], checkedOutAt=None)
    answer = await send(mongo, world, body, signed_headers(body))
    assert answer.body["outcome"] == "changed"
    assert (await stays(mongo, settings).get("BK-1042"))["status"] == "checked_out"
    doc = await mongo.database("alpenhof")[PMS_EVENTS].find_one({"_id": "signed:evt_2"})
    assert doc["status"] == "done" and "Jürgen" not in str(doc) and "+49" not in str(doc)


async def test_replays_and_bad_signatures_change_nothing(mongo, world):
    body = event()
    headers = signed_headers(body)
    assert (await send(mongo, world, body, headers)).body["outcome"] == "new"
    assert (await send(mongo, world, body, headers)).body == {"ok": True, "event": "duplicate"}

    changed = event("cancelled", "evt_9")
    assert (await send(mongo, world, changed, headers)).status == 401  # another body's signature
    assert (await send(mongo, world, changed, signed_headers(changed, key="x" * 40))).status == 401
    assert (await send(mongo, world, changed, signed_headers(changed, at=time.time() - 600))).status == 401
    assert (await send(mongo, world, changed, {})).status == 401
    assert (await send(mongo, world, changed, signed_headers(changed), token="q" * 32)).status == 401
    settings, _ = world
    assert (await stays(mongo, settings).get("BK-1042"))["status"] == "expected"


async def test_bad_bookings_get_a_clear_answer_and_are_not_recorded(mongo, world):
    no_contact = event(phone=None)
    answer = await send(mongo, world, no_contact, signed_headers(no_contact))
    assert (answer.status, answer.body) == (422, {"error": "unmappable", "detail": "no_contact"})
    odd = event("tentative")
    assert (await send(mongo, world, odd, signed_headers(odd))).body["detail"] == "unknown_status"
    junk = b'{"id": "e", "type": "booking.created", "data": {"new": "x"}}'
    assert (await send(mongo, world, junk, signed_headers(junk))).status == 400
    other = b'{"id": "e", "type": "invoice.created", "data": {}}'
    assert (await send(mongo, world, other, signed_headers(other))).body["event"] == "ignored"
    assert await mongo.database("alpenhof")[PMS_EVENTS].count_documents({}) == 0


def test_the_signing_secret_is_required(world, mongo_env):
    settings, tenants = world
    assert connector_for(settings, tenants.get("alpenhof")).name == "signed"
    with pytest.raises(ConfigError, match="SIGNING_SECRET"):
        connector_for(Settings.from_env(mongo_env), tenants.get("alpenhof"))


async def test_the_privacy_registry_erases_the_events_of_a_guests_stays(mongo, world):
    """PmsRecords (bot/privacy/stores.py) finds events through the guest's stays, so it
    runs before Stays erases them; another guest's events stay."""
    from types import SimpleNamespace

    from bot.base.refs import address_guest_ref
    from bot.base.states import Channel
    from bot.privacy.stores import STORES, PmsRecords, Stays, Subject

    settings, _ = world
    for n, phone in ((1, "+49 170 1234567"), (2, "+49 170 7654321")):
        body = json.loads(event(event_id=f"evt_{n}", phone=phone))
        body["data"]["new"]["id"] = f"BK-{n}"
        raw = json.dumps(body).encode()
        assert (await send(mongo, world, raw, signed_headers(raw))).status == 200
    ctx = SimpleNamespace(
        settings=settings, mongo=mongo, cipher=Cipher(settings.data_keys), db=mongo.database
    )
    guest = Subject(
        "alpenhof", address_guest_ref(settings.guest_key, "alpenhof", Channel.SMS, "+491701234567")
    )
    records = PmsRecords()
    assert [d["_id"] for d in await records.export(ctx, guest)] == ["signed:evt_1"]
    assert await records.scan(ctx, guest) == 1
    names = [s.name for s in STORES]
    assert names.index("pms") < names.index("stays")
    assert await records.erase(ctx, guest) == 1 and await Stays().erase(ctx, guest) == 1
    assert await records.scan(ctx, guest) == 0
    left = [d["_id"] async for d in mongo.database("alpenhof")[PMS_EVENTS].find({})]
    assert left == ["signed:evt_2"]
