"""The hotel's stays (reservations), one tenant collection `stays`, contacts sealed.

    _id              "s_" + keyed hash of the reservation reference (unique per tenant;
                     audit records and logs name the stay by it, never by the reference)
    reservation      the hotel's reservation reference, as in its PMS
    status           StayStatus: expected | in_house | checked_out | cancelled | no_show
    arrival          "YYYY-MM-DD" (the hotel's calendar date)
    departure        "YYYY-MM-DD"
    checked_out_at   epoch seconds, when known (a float: nx-27017 returns datetimes
                     written by update operators as strings)
    room_type, booking_channel, country (ISO alpha-2), language: optional, plain
    phone            sealed: E.164 number       } at least one of the two; AES-GCM with
    email            sealed: lower-case address } `<tenant>|<_id>|<field>` as associated
    first_name       sealed: for the greeting   } data (bot/base/sealing.py)
    guest_ref        the guest's keyed reference: the one the SMS channel gives the phone
                     number's sender, else the e-mail channel the address's
                     (bot/base/refs.py address_guest_ref), so a reply continues as them
    guest_refs       [the phone's ref, the address's ref]: erasure and export find the
                     stay by either (looked up with `$in`, as nx-27017 matches arrays)
    digest           keyed hash of every field above but the ids: an import compares it
                     to tell changed from unchanged rows without opening sealed values
    source           "import" (later also "api", a PMS connector)
    import_id        the import that last wrote it (audit records name it)
    created_at, updated_at   epoch seconds

Only this module writes the collection. The privacy registry (bot/privacy/stores.py
`Stays`) exports (opened), erases and expires stays (`retention_days` after departure).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError, PyMongoError

from bot.base.errors import StorageError
from bot.base.names import STAYS
from bot.base.refs import address_guest_ref
from bot.base.sealing import Cipher, DecryptionError
from bot.base.settings import Secret
from bot.base.states import Channel
from bot.storage.mongo import DURABLE, MongoStore, delete_matching

SEALED = ("phone", "email", "first_name")
PLAIN = ("reservation", "status", "arrival", "departure", "checked_out_at")
OPTIONAL = ("room_type", "booking_channel", "country", "language")
INDEXES = [
    IndexModel([("guest_ref", ASCENDING)], name="guest"),
    IndexModel([("guest_refs", ASCENDING)], name="guests"),
    IndexModel([("departure", ASCENDING)], name="departure"),
    IndexModel([("arrival", ASCENDING)], name="arrival"),
    IndexModel([("updated_at", ASCENDING)], name="updated"),  # the scheduler plans new and changed stays
]
BATCH = 1000
FEW = 50  # up to this many stays are looked up one by one (an `$in` scans the collection)


@dataclass(frozen=True)
class Stay:
    """One stay as the hotel gives it (opened: plain contact values)."""

    reservation: str
    status: str
    arrival: str
    departure: str
    phone: str | None = None
    email: str | None = None
    first_name: str | None = None
    language: str | None = None
    checked_out_at: float | None = None
    room_type: str | None = None
    booking_channel: str | None = None
    country: str | None = None

    def fields(self) -> dict[str, Any]:
        return asdict(self)


def _hash(key: Secret, *parts: str) -> str:
    msg = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(key.value.encode(), msg, hashlib.sha256).hexdigest()


def stay_id(key: Secret, tenant: str, reservation: str) -> str:
    return "s_" + _hash(key, "stay", tenant, reservation)[:24]


def guest_refs_of(key: Secret, tenant: str, phone: str | None, email: str | None) -> list[str]:
    """The guest references a reply from the stay's number or address carries, phone first."""
    refs = []
    if phone:
        refs.append(address_guest_ref(key, tenant, Channel.SMS, phone))
    if email:
        refs.append(address_guest_ref(key, tenant, Channel.EMAIL, email))
    return refs


class StayStore:
    def __init__(self, mongo: MongoStore, tenant_id: str, cipher: Cipher, guest_key: Secret) -> None:
        self.tenant_id = tenant_id
        self.collection = mongo.database(tenant_id).get_collection(STAYS, write_concern=DURABLE)
        self.cipher = cipher
        self.key = guest_key

    def _aad(self, stay: str, name: str) -> str:
        return f"{self.tenant_id}|{stay}|{name}"

    async def ensure_indexes(self) -> None:
        try:
            await self.collection.create_indexes(INDEXES)
        except PyMongoError as e:
            raise StorageError("creating the stays' indexes failed") from e

    def id_of(self, reservation: str) -> str:
        return stay_id(self.key, self.tenant_id, reservation)

    def digest(self, stay: Stay) -> str:
        canonical = json.dumps(stay.fields(), sort_keys=True, separators=(",", ":"))
        return "d_" + _hash(self.key, "stay-digest", self.tenant_id, canonical)[:32]

    def document(self, stay: Stay, *, source: str, import_id: str, now: float) -> dict[str, Any]:
        """The stored document of a stay (sealed), without created_at."""
        sid = self.id_of(stay.reservation)
        refs = guest_refs_of(self.key, self.tenant_id, stay.phone, stay.email)
        doc: dict[str, Any] = {"_id": sid}
        for name in PLAIN:
            value = getattr(stay, name)
            if value is not None:
                doc[name] = value
        for name in OPTIONAL:
            value = getattr(stay, name)
            if value is not None:
                doc[name] = value
        for name in SEALED:
            value = getattr(stay, name)
            if value:
                doc[name] = self.cipher.seal(value, self._aad(sid, name))
        doc.update(
            guest_ref=refs[0],
            guest_refs=refs,
            digest=self.digest(stay),
            source=source,
            import_id=import_id,
            updated_at=now,
        )
        return doc

    async def digests(self) -> dict[str, tuple[str, float | None]]:
        """{_id: (digest, created_at)} of every stay of the tenant, in one read."""
        try:
            cursor = self.collection.find({}, {"digest": 1, "created_at": 1})
            return {d["_id"]: (d.get("digest", ""), d.get("created_at")) async for d in cursor}
        except PyMongoError as e:
            raise StorageError("reading the stays failed") from e

    async def insert(self, docs: list[dict[str, Any]], now: float) -> int:
        """New stays; one that appeared meanwhile (a concurrent import) is replaced."""
        n = 0
        for i in range(0, len(docs), BATCH):
            chunk = [{**d, "created_at": now} for d in docs[i : i + BATCH]]
            try:
                n += len((await self.collection.insert_many(chunk, ordered=False)).inserted_ids)
            except BulkWriteError as e:
                errors = e.details.get("writeErrors", [])
                if any(err.get("code") != 11000 for err in errors):
                    raise StorageError("storing the stays failed") from e
                n += e.details.get("nInserted", 0)
                n += await self.replace(chunk[err["index"]] for err in errors)
            except PyMongoError as e:
                raise StorageError("storing the stays failed") from e
        return n

    async def replace(self, docs: Iterable[dict[str, Any]]) -> int:
        """Changed stays: the whole document (with the `created_at` it had)."""
        n = 0
        try:
            for doc in docs:
                doc.setdefault("created_at", doc["updated_at"])
                await self.collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)
                n += 1
        except PyMongoError as e:
            raise StorageError("storing the stays failed") from e
        return n

    async def upsert(
        self, stays: Iterable[Stay], *, source: str, import_id: str, now: float
    ) -> dict[str, list[str]]:
        """A batch of stays from the API or a PMS connector: new ones inserted, changed
        ones replaced (keeping `created_at`), unchanged ones left alone, so sending the
        same batch again writes nothing. Reads only the given stays' digests. Returns the
        stays' `_id`s by outcome: {"new": [...], "changed": [...], "unchanged": [...]}
        (the last of two stays with one reservation in a batch wins)."""
        by_id: dict[str, Stay] = {}
        for stay in stays:
            by_id[self.id_of(stay.reservation)] = stay
        outcome: dict[str, list[str]] = {"new": [], "changed": [], "unchanged": []}
        if not by_id:
            return outcome
        fields = {"digest": 1, "created_at": 1}
        try:
            if len(by_id) <= FEW:  # nx-27017 reads the whole collection for `$in`
                found = [await self.collection.find_one({"_id": sid}, fields) for sid in by_id]
                docs = [d for d in found if d is not None]
            else:
                docs = await self.collection.find({"_id": {"$in": list(by_id)}}, fields).to_list(None)
            known = {d["_id"]: (d.get("digest", ""), d.get("created_at")) for d in docs}
        except PyMongoError as e:
            raise StorageError("reading the stays failed") from e
        new, changed = [], []
        for sid, stay in by_id.items():
            if sid in known and known[sid][0] == self.digest(stay):
                outcome["unchanged"].append(sid)
                continue
            doc = self.document(stay, source=source, import_id=import_id, now=now)
            if sid in known:
                if known[sid][1] is not None:
                    doc["created_at"] = known[sid][1]
                changed.append(doc)
                outcome["changed"].append(sid)
            else:
                new.append(doc)
                outcome["new"].append(sid)
        if new or changed:
            await self.ensure_indexes()
        await self.insert(new, now)
        await self.replace(changed)
        return outcome

    # ---- reading one stay, the registry's duties ------------------------------------

    def open(self, doc: dict[str, Any]) -> dict[str, Any]:
        """A stored stay with its sealed values opened (a value no key opens: `sealed`)."""
        out = dict(doc)
        for name in SEALED:
            if isinstance(doc.get(name), str):
                try:
                    out[name] = self.cipher.open(doc[name], self._aad(doc["_id"], name))
                except DecryptionError:
                    out[name] = {"sealed": True}
        return out

    async def get(self, reservation: str) -> dict[str, Any] | None:
        try:
            doc = await self.collection.find_one({"_id": self.id_of(reservation)})
        except PyMongoError as e:
            raise StorageError("reading the stay failed") from e
        return None if doc is None else self.open(doc)

    def _of_guest(self, guest_ref: str) -> dict[str, Any]:
        # nx-27017 finds an element of an indexed array field with $in, not by equality
        return {"guest_refs": {"$in": [guest_ref]}}

    async def export_guest(self, guest_ref: str) -> list[dict[str, Any]]:
        try:
            return [self.open(d) async for d in self.collection.find(self._of_guest(guest_ref))]
        except PyMongoError as e:
            raise StorageError("reading the guest's stays failed") from e

    async def addresses_of(self, guest_ref: str) -> list[str]:
        """The opened phone numbers and addresses of the guest's stays (erasure's subject)."""
        found = []
        for doc in await self.export_guest(guest_ref):
            found += [doc[f] for f in ("phone", "email") if isinstance(doc.get(f), str)]
        return found

    async def addresses(self) -> list[str]:
        """Every stay's opened phone number and address (tenant offboarding searches for them)."""
        found = []
        try:
            async for doc in self.collection.find({}, {"phone": 1, "email": 1}):
                for name in ("phone", "email"):
                    if isinstance(doc.get(name), str):
                        with contextlib.suppress(DecryptionError):
                            found.append(self.cipher.open(doc[name], self._aad(doc["_id"], name)))
        except PyMongoError as e:
            raise StorageError("reading the stays failed") from e
        return found

    async def erase_guest(self, guest_ref: str) -> int:
        try:
            return await delete_matching(self.collection, self._of_guest(guest_ref))
        except PyMongoError as e:
            raise StorageError("erasing the guest's stays failed") from e

    async def count(self) -> int:
        return await self.collection.count_documents({})
