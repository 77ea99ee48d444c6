"""A JSON batch of stays (the import API): the guest list's rules item by item, typed
errors with field and code, duplicates within a batch, strict batches, and upserts on
the reservation (replayed batch unchanged) against the real embedded server."""

from __future__ import annotations

import pytest

from bot.base.errors import InvalidInput
from bot.base.names import STAYS
from bot.base.sealing import Cipher
from bot.base.settings import Secret
from bot.outreach.batch import MAX_ITEMS, check_batch, import_batch
from bot.outreach.parse import Hotel, check_stay, parse_bytes
from bot.outreach.stays import StayStore

KEY = Secret("guest-key-" + "k" * 40)
CIPHER = Cipher([Secret("data-key-" + "d" * 40)])
HOTEL = Hotel(country="DE", timezone="Europe/Berlin")


def stay(reservation: str = "R-1", **fields) -> dict:
    return {
        "reservation": reservation,
        "status": "expected",
        "arrival": "2026-12-20",
        "departure": "2026-12-23",
        "phone": "0170 1234567",
        **fields,
    }


def errors(item) -> list[tuple]:
    return [(e.field, e.code) for e in item.errors]


def test_the_same_rules_as_the_guest_list():
    """Each row of a CSV and the same values as a JSON item: the same verdicts and reasons."""
    rows = [
        stay("A", status="bald"),
        stay("B", arrival="20.12.2026"),
        stay("C", departure="2026-12-19"),
        stay("D", phone="12", email=None),
        stay("E", phone=None, email=None),
        stay("F", language="klingon", country="Deutschland"),
        stay("G", checked_out_at="2026-12-23"),
        stay("H", email="Guest@Example.ORG", first_name="Jürgen"),
    ]
    header = "reservation;status;arrival;departure;phone;email;language;country;checked_out_at;first_name"
    lines = [header] + [";".join(r.get(c) or "" for c in header.split(";")) for r in rows]
    parsed = parse_bytes("\n".join(lines).encode(), HOTEL)
    batch = check_batch({"stays": rows}, HOTEL)
    for n, item in enumerate(batch.items):
        csv_reasons = sorted(r.reason for r in parsed.rejected if r.line == n + 2)
        assert sorted(e.message for e in item.errors) == csv_reasons, item
    assert [i.index for i in batch.valid] == [7] and batch.valid[0].row.email == "guest@example.org"
    assert errors(batch.items[0]) == [("status", "invalid_status")]
    assert errors(batch.items[1]) == [("arrival", "invalid_date")]
    assert errors(batch.items[2]) == [("departure", "before_arrival")]
    assert errors(batch.items[3]) == [("phone", "invalid_phone")]
    assert errors(batch.items[4]) == [(None, "no_contact")]
    assert errors(batch.items[5]) == [("language", "invalid_language"), ("country", "invalid_country")]
    assert errors(batch.items[6]) == [("checked_out_at", "invalid_datetime")]


def test_types_unknown_fields_and_items_that_are_not_objects():
    batch = check_batch(
        {"stays": ["R-1", None, stay(phone=4917012345678), stay("R-2", room=12, status=None), stay("R-3")]},
        HOTEL,
    )
    assert errors(batch.items[0]) == [(None, "not_object")] and batch.items[0].reservation is None
    assert errors(batch.items[1]) == [(None, "not_object")]
    assert errors(batch.items[2]) == [("phone", "not_string")]  # not also "no contact"
    assert errors(batch.items[3]) == [("room", "unknown_field"), ("status", "required")]
    assert [i.index for i in batch.valid] == [4]
    assert all("4917012345678" not in str(i.public()) for i in batch.items)  # never the value


def test_a_reservation_twice_in_one_batch_is_reported():
    batch = check_batch(
        {"stays": [stay("R-1", status="bogus"), stay("R-1"), stay(" R-1 "), stay("R-2")]}, HOTEL
    )
    assert errors(batch.items[0]) == [("status", "invalid_status")]
    assert errors(batch.items[1]) == []  # the first valid one
    assert errors(batch.items[2]) == [("reservation", "duplicate")]
    assert batch.items[2].errors[0].message == "the same reservation as item 1"
    assert [i.index for i in batch.valid] == [1, 3]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "stays_required"),
        ({"stays": {"R-1": {}}}, "stays_required"),
        ({"stays": []}, "stays_empty"),
        ({"stays": [stay()] * (MAX_ITEMS + 1)}, "batch_too_large"),
        ({"stays": [stay()], "dry_run": True}, "parameter_unknown"),
        ({"stays": [stay()], "strict": "yes"}, "strict_invalid"),
    ],
)
def test_a_body_that_is_not_a_batch_is_refused_whole(body, code):
    with pytest.raises(InvalidInput) as e:
        check_batch(body, HOTEL)
    assert e.value.code == code


def test_check_stay_gives_fields_and_codes():
    row, problems = check_stay(
        {"reservation": "x" * 65, "status": "in house", "arrival": "2026-02-30"}, HOTEL
    )
    assert row is None
    assert [(p.field, p.code) for p in problems] == [
        ("reservation", "too_long"),
        ("arrival", "invalid_date"),
        ("departure", "required"),
        (None, "no_contact"),
    ]
    row, problems = check_stay(stay(status="anwesend", phone="+49 170 1234567"), HOTEL)
    assert problems == [] and row.status == "in_house" and row.phone == "+491701234567"


async def test_import_then_replay_then_change_and_strict(mongo):
    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    body = {"stays": [stay("R-1"), stay("R-2", email="a@example.org", phone=None), stay("R-3", status="?")]}
    report = await import_batch(store, check_batch(body, HOTEL), now=100.0)
    assert report.written and [i.outcome for i in report.items] == ["new", "new", "rejected"]
    assert report.counts() | {"batch": ""} == {
        "batch": "",
        "received": 3,
        "new": 2,
        "changed": 0,
        "unchanged": 0,
        "rejected": 1,
        "strict": False,
    }
    doc = await mongo.database("alpenhof")[STAYS].find_one({"_id": store.id_of("R-2")})
    assert doc["source"] == "api" and doc["import_id"] == report.batch_id and "a@example.org" not in str(doc)

    replay = await import_batch(store, check_batch(body, HOTEL), now=200.0)
    assert [i.outcome for i in replay.items] == ["unchanged", "unchanged", "rejected"]
    body["stays"][1]["first_name"] = "Anna"
    changed = await import_batch(store, check_batch(body, HOTEL), now=300.0)
    assert [i.outcome for i in changed.items] == ["unchanged", "changed", "rejected"]
    doc = await mongo.database("alpenhof")[STAYS].find_one({"_id": store.id_of("R-2")})
    assert doc["created_at"] == 100.0 and doc["updated_at"] == 300.0

    strict = await import_batch(
        store, check_batch({**body, "strict": True, "stays": [stay("R-9"), stay("")]}, HOTEL)
    )
    assert not strict.written and [i.outcome for i in strict.items] == ["rejected", "rejected"]
    assert errors(strict.items[0]) == [(None, "batch_rejected")]
    assert await mongo.database("alpenhof")[STAYS].count_documents({}) == 2
