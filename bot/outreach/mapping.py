"""The tenant's own column names of its guest-list export, mapped once to Rapport's fields.

A hotel whose PMS exports "Gastname" and "Handy" maps them once (console, admins) to
`first_name` and `phone`; the console upload and the CLI import then read such a list
without further ado. One document in the tenant's `outreach_mapping` collection (no
guest data: header texts and field names):

    _id          "columns"
    columns      [[header text as the admin wrote it, field], ...]
    updated_at   epoch seconds     updated_by   staff id, or "cli:<os uid>"

Headers compare folded (bot/outreach/headers.py `fold`: case, accents, punctuation do
not matter); a mapped header wins over the built-in names, so a mapping may also
re-point one of those ("Status" of an export that means something else).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pymongo.errors import PyMongoError

from bot.base.errors import InvalidInput, StorageError
from bot.base.names import OUTREACH_MAPPING
from bot.outreach.headers import fold
from bot.outreach.parse import STAY_FIELDS, Hotel
from bot.storage.mongo import DURABLE, MongoStore
from bot.tenants.registry import Tenant

DOC_ID = "columns"
MAX_COLUMNS = 40
MAX_HEADER = 64


def check_mapping(value: object) -> list[tuple[str, str]]:
    """`{"Gastname": "first_name", ...}` -> [(header, field)], or InvalidInput naming the problem."""
    if not isinstance(value, dict):
        raise InvalidInput("mapping_invalid", "an object of column name -> field")
    if len(value) > MAX_COLUMNS:
        raise InvalidInput("mapping_too_large", f"at most {MAX_COLUMNS} columns")
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for header, name in value.items():
        text = " ".join(header.split()) if isinstance(header, str) else ""
        if not text or len(text) > MAX_HEADER or not text.isprintable() or not fold(text):
            raise InvalidInput(
                "header_invalid", f"a column name of 1 to {MAX_HEADER} characters, with letters"
            )
        if name not in STAY_FIELDS:
            raise InvalidInput(
                "field_invalid", f"{text!r}: the field must be one of " + ", ".join(STAY_FIELDS)
            )
        if fold(text) in seen:
            raise InvalidInput("header_duplicate", f"{text!r} and {seen[fold(text)]!r} are one column name")
        seen[fold(text)] = text
        pairs.append((text, name))
    return pairs


def hotel_of(tenant: Tenant, columns: Mapping[str, str] | None = None) -> Hotel:
    """What parsing needs of the tenant: phone region, time zone, languages, its mapping."""
    return Hotel(
        country=tenant.country,
        timezone=tenant.timezone,
        languages=tenant.languages,
        columns=MappingProxyType(dict(columns or {})),
    )


def folded(pairs: list[tuple[str, str]]) -> Mapping[str, str]:
    """What parsing reads (`Hotel.columns`): folded header -> field."""
    return MappingProxyType({fold(h): f for h, f in pairs})


class MappingStore:
    def __init__(self, mongo: MongoStore, tenant_id: str) -> None:
        self.collection = mongo.database(tenant_id).get_collection(OUTREACH_MAPPING, write_concern=DURABLE)

    async def get(self) -> list[tuple[str, str]]:
        try:
            doc = await self.collection.find_one({"_id": DOC_ID})
        except PyMongoError as e:
            raise StorageError("reading the column mapping failed") from e
        return _pairs(doc)

    async def columns(self) -> Mapping[str, str]:
        return folded(await self.get())

    async def save(self, value: object, *, by: str, now: float | None = None) -> list[tuple[str, str]]:
        """Replace the mapping (an empty one removes it)."""
        pairs = check_mapping(value)
        doc = {
            "_id": DOC_ID,
            "columns": [[h, f] for h, f in pairs],
            "updated_at": time.time() if now is None else now,
            "updated_by": by,
        }
        try:
            await self.collection.replace_one({"_id": DOC_ID}, doc, upsert=True)
        except PyMongoError as e:
            raise StorageError("storing the column mapping failed") from e
        return pairs


def _pairs(doc: dict[str, Any] | None) -> list[tuple[str, str]]:
    out = []
    for item in (doc or {}).get("columns") or []:
        if isinstance(item, list | tuple) and len(item) == 2 and item[1] in STAY_FIELDS:
            out.append((str(item[0]), str(item[1])))
    return out
