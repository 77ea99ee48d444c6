"""The tenant's column mapping: checked, stored in `outreach_mapping` (no guest data),
and read by the parser so that an export with the hotel's own names imports."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.base.errors import InvalidInput
from bot.base.names import OUTREACH_MAPPING
from bot.outreach.mapping import MappingStore, check_mapping, hotel_of
from bot.outreach.parse import BadFile, Hotel, parse_bytes

EXPORT = (
    "Buchungscode;Zustand;Von;Bis;Gastname;Handy;Zimmer\n"
    "B-1;erwartet;2026-12-20;2026-12-23;Jürgen;0170 1234567;12\n"
)
MAPPING = {"Buchungscode": "reservation", "Zustand": "status", "Von": "arrival", "Bis": "departure"}


async def test_a_mapped_export_imports_and_unmapped_it_is_a_bad_file(mongo):
    with pytest.raises(BadFile):
        parse_bytes(EXPORT.encode(), Hotel(country="DE", timezone="Europe/Berlin"))
    store = MappingStore(mongo, "alpenhof")
    assert await store.get() == []
    await store.save({**MAPPING, "Gastname": "first_name", " handy ": "phone"}, by="st_admin", now=5.0)
    doc = await mongo.database("alpenhof")[OUTREACH_MAPPING].find_one({"_id": "columns"})
    assert doc["updated_by"] == "st_admin" and ["handy", "phone"] in doc["columns"]
    assert await MappingStore(mongo, "laguna").get() == []  # per tenant
    hotel = Hotel(country="DE", timezone="Europe/Berlin", columns=await store.columns())
    parsed = parse_bytes(EXPORT.encode(), hotel)
    assert parsed.rejected == [] and parsed.ignored == ["Zimmer"]
    (row,) = parsed.rows
    assert (row.reservation, row.first_name, row.phone) == ("B-1", "Jürgen", "+491701234567")
    assert parsed.columns["phone"] == "Handy"
    await store.save({}, by="st_admin")
    assert await store.get() == []


def test_a_mapping_wins_over_the_built_in_names():
    text = (
        "reservation;status;arrival;departure;phone;Mobil\nR-1;expected;2026-12-20;2026-12-23;;0170 1234567\n"
    )
    columns = {"phone": "room_type", "mobil": "phone"}
    (row,) = parse_bytes(text.encode(), Hotel(country="DE", timezone="Europe/Berlin", columns=columns)).rows
    assert row.phone == "+491701234567" and row.room_type is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (["Gastname"], "mapping_invalid"),
        ({"": "phone"}, "header_invalid"),
        ({"---": "phone"}, "header_invalid"),
        ({"x" * 65: "phone"}, "header_invalid"),
        ({"Gastname": "guest_name"}, "field_invalid"),
        ({"Handy": "phone", "HANDY": "phone"}, "header_duplicate"),
        ({f"c{i}": "phone" for i in range(41)}, "mapping_too_large"),
    ],
)
def test_bad_mappings_are_refused(value, code):
    with pytest.raises(InvalidInput) as e:
        check_mapping(value)
    assert e.value.code == code


def test_hotel_of_a_tenant():
    tenant = SimpleNamespace(languages=("de", "en"), country="AT", timezone="Europe/Vienna")
    hotel = hotel_of(tenant, {"handy": "phone"})
    assert (hotel.country, hotel.timezone, hotel.languages, dict(hotel.columns)) == (
        "AT",
        "Europe/Vienna",
        ("de", "en"),
        {"handy": "phone"},
    )
