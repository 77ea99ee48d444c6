"""The stays store and the import against the real embedded MongoDB-wire server (its own
instance): sealed contacts, the channels' guest refs, idempotent re-import, and the
privacy registry's export, erasure, scan and retention rule for `stays`."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from bot.base.names import STAYS
from bot.base.refs import address_guest_ref, guest_ref
from bot.base.sealing import Cipher
from bot.base.settings import Secret
from bot.outreach.importer import import_stays
from bot.outreach.parse import Hotel, parse_bytes
from bot.outreach.stays import StayStore
from bot.privacy import retention
from bot.privacy.stores import RETENTION, Stays, Subject
from bot.storage.mongo import MongoStore

KEY = Secret("guest-key-" + "k" * 40)
CIPHER = Cipher([Secret("data-key-" + "d" * 40)])
HOTEL = Hotel(country="DE", timezone="Europe/Berlin")
LIST = """reservation;status;arrival;departure;first_name;phone;email;language;checked_out_at
R-1;expected;2026-12-20;2026-12-23;Jürgen;0170 1234567;;de;
R-2;checked_out;2026-12-01;2026-12-05;Anna;+39 347 123 4567;anna@example.org;it;2026-12-05T10:30:00+01:00
R-3;in_house;2026-12-06;2026-12-09;;;guest@example.com;;
R-4;bogus;2026-12-06;2026-12-09;;;guest4@example.com;;
"""


def sms_guest_ref(tenant: str, number: str) -> str:
    """What the SMS channel stores for a guest writing from `number` (channel.py)."""
    return guest_ref(KEY, tenant, "sms-" + guest_ref(KEY, tenant, number)[2:26])


async def test_import_stores_sealed_stays_keyed_as_the_channels_key_their_guests(mongo):
    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    report = await import_stays(store, parse_bytes(LIST.encode(), HOTEL), now=1000.0)
    assert report.counts() | {"import": ""} == {
        "import": "",
        "dry_run": False,
        "strict": False,
        "rows": 4,
        "new": 3,
        "changed": 0,
        "unchanged": 0,
        "rejected": 1,
        "written": 3,
    }
    raw = await mongo.database("alpenhof")[STAYS].find_one({"_id": store.id_of("R-2")})
    assert raw["_id"].startswith("s_") and "R-2" not in raw["_id"]
    assert raw["guest_ref"] == sms_guest_ref("alpenhof", "+393471234567")
    assert raw["guest_refs"] == [
        raw["guest_ref"],
        address_guest_ref(KEY, "alpenhof", "email", "anna@example.org"),
    ]
    text = repr(raw)
    assert "3471234567" not in text and "anna@" not in text and "Anna" not in text  # sealed
    assert type(raw["checked_out_at"]) is float and raw["status"] == "checked_out"
    assert raw["checked_out_at"] == dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.UTC).timestamp()
    assert (raw["arrival"], raw["departure"], raw["language"]) == ("2026-12-01", "2026-12-05", "it")
    assert raw["created_at"] == raw["updated_at"] == 1000.0 and raw["import_id"] == report.import_id
    opened = await store.get("R-2")
    assert (opened["phone"], opened["email"], opened["first_name"]) == (
        "+393471234567",
        "anna@example.org",
        "Anna",
    )
    only_mail = await store.get("R-3")
    assert "phone" not in only_mail and only_mail["guest_refs"] == [only_mail["guest_ref"]]


async def test_reimporting_the_same_list_changes_nothing_and_a_change_is_one_update(mongo):
    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    await import_stays(store, parse_bytes(LIST.encode(), HOTEL), now=1000.0)
    before = await mongo.database("alpenhof")[STAYS].find({}).sort("_id").to_list(None)

    again = await import_stays(store, parse_bytes(LIST.encode(), HOTEL), now=2000.0)
    assert (again.new, again.changed, again.unchanged, again.written) == (0, 0, 3, 0)
    assert await mongo.database("alpenhof")[STAYS].find({}).sort("_id").to_list(None) == before

    changed = LIST.replace("R-1;expected", "R-1;in_house").replace("R-4;bogus", "R-4;expected")
    dry = await import_stays(store, parse_bytes(changed.encode(), HOTEL), dry_run=True, now=3000.0)
    assert (dry.new, dry.changed, dry.unchanged, dry.written) == (1, 1, 2, 0)
    assert await mongo.database("alpenhof")[STAYS].find({}).sort("_id").to_list(None) == before

    real = await import_stays(store, parse_bytes(changed.encode(), HOTEL), now=3000.0)
    assert (real.new, real.changed, real.unchanged, real.written, real.rejected_rows) == (1, 1, 2, 2, 0)
    r1 = await store.get("R-1")
    assert (r1["status"], r1["created_at"], r1["updated_at"], r1["first_name"]) == (
        "in_house",
        1000.0,
        3000.0,
        "Jürgen",
    )


async def test_strict_writes_nothing_when_a_row_is_rejected(mongo):
    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    report = await import_stays(store, parse_bytes(LIST.encode(), HOTEL), strict=True)
    assert (report.new, report.written, report.rejected_rows) == (3, 0, 1) and report.held_back
    assert await mongo.database("alpenhof")[STAYS].count_documents({}) == 0


def context(mongo: MongoStore) -> SimpleNamespace:
    """What the registry's Stays store reads of a PrivacyContext."""
    return SimpleNamespace(
        settings=SimpleNamespace(guest_key=KEY),
        mongo=mongo,
        cipher=CIPHER,
        db=mongo.database,
    )


async def test_the_registry_exports_scans_and_erases_a_guest_by_either_ref(mongo):
    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    await import_stays(store, parse_bytes(LIST.encode(), HOTEL))
    ctx, stays = context(mongo), Stays()
    by_phone = Subject("alpenhof", sms_guest_ref("alpenhof", "+393471234567"))
    by_mail = Subject("alpenhof", address_guest_ref(KEY, "alpenhof", "email", "anna@example.org"))
    (exported,) = await stays.export(ctx, by_phone)
    assert (exported["reservation"], exported["phone"], exported["first_name"]) == (
        "R-2",
        "+393471234567",
        "Anna",
    )
    assert await stays.export(ctx, by_mail) == [exported]
    assert await stays.scan(ctx, by_mail) == 1
    assert await store.addresses_of(by_mail.guest_ref) == ["+393471234567", "anna@example.org"]

    assert await stays.erase(ctx, by_mail) == 1
    assert await stays.scan(ctx, by_phone) == 0 and await stays.export(ctx, by_phone) == []
    assert await store.get("R-2") is None and await store.get("R-1") is not None  # only that guest
    assert sorted(await store.addresses()) == ["+491701234567", "guest@example.com"]


async def test_retention_expires_stays_by_departure_or_check_out(mongo):
    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    await import_stays(store, parse_bytes(LIST.encode(), HOTEL))
    rule = RETENTION[STAYS]
    coll = mongo.database("alpenhof")[STAYS]
    cutoff = dt.datetime(2026, 12, 7, tzinfo=dt.UTC).timestamp()  # departed before 7 Dec
    old = await retention._old(coll, rule.activity, cutoff)
    assert old == [store.id_of("R-2")]
    cutoff = dt.datetime(2026, 12, 24, tzinfo=dt.UTC).timestamp()
    assert sorted(await retention._old(coll, rule.activity, cutoff)) == sorted(
        store.id_of(r) for r in ("R-1", "R-2", "R-3")
    )


async def test_offboarding_searches_for_the_stays_guests_too(mongo):
    """A tenant's offboarding collects every guest identifier before dropping the
    database (bot/privacy/offboard.py): the stays' refs and opened numbers and addresses."""
    from bot.privacy.offboard import _identifiers

    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    await import_stays(store, parse_bytes(LIST.encode(), HOTEL))
    needles = await _identifiers(context(mongo), "alpenhof")
    assert set(needles.by_kind["address"]) >= {
        "+491701234567",
        "+393471234567",
        "anna@example.org",
        "guest@example.com",
    }
    anna = await store.get("R-2")
    assert anna["guest_ref"] in needles.keyed


async def test_upsert_writes_new_and_changed_stays_once_and_leaves_unchanged_ones(mongo):
    from bot.outreach.stays import Stay

    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    one = Stay("A-1", "expected", "2026-12-20", "2026-12-22", phone="+4917012345678", first_name="Jo")
    two = Stay("A-2", "expected", "2026-12-21", "2026-12-23", email="two@example.org")
    first = await store.upsert([one, two], source="api", import_id="b1", now=10.0)
    assert first == {"new": [store.id_of("A-1"), store.id_of("A-2")], "changed": [], "unchanged": []}
    again = await store.upsert([one, two], source="api", import_id="b2", now=20.0)
    assert again == {"new": [], "changed": [], "unchanged": [store.id_of("A-1"), store.id_of("A-2")]}
    moved = Stay(
        "A-1", "checked_out", "2026-12-20", "2026-12-22", phone="+4917012345678", checked_out_at=99.0
    )
    third = await store.upsert([moved], source="apaleo", import_id="b3", now=30.0)
    assert third["changed"] == [store.id_of("A-1")]
    doc = await store.get("A-1")
    assert doc["status"] == "checked_out" and doc["created_at"] == 10.0 and doc["updated_at"] == 30.0
    assert doc["source"] == "apaleo" and "first_name" not in doc  # the PMS's latest word
    untouched = await mongo.database("alpenhof")[STAYS].find_one({"_id": store.id_of("A-2")})
    assert untouched["import_id"] == "b1" and untouched["updated_at"] == 10.0
    assert await store.upsert([], source="api", import_id="b4", now=40.0) == {
        "new": [],
        "changed": [],
        "unchanged": [],
    }
