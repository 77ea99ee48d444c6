"""A batch of stays sent as JSON (the import API, bot/console/stays_api.py): checked item
by item with the guest list's rules (bot/outreach/parse.py `check_stay`) and upserted on
the reservation reference (`StayStore.upsert(..., source="api")`).

    {"stays": [{"reservation": "R-1", "status": "expected", "arrival": "2026-12-20",
                "departure": "2026-12-23", "phone": "+4917012345678", ...}, ...],
     "strict": false}

`check_batch(body, hotel)` refuses a body that is not such a batch as a whole
(InvalidInput: `stays_required`, `stays_empty`, `batch_too_large` (413),
`parameter_unknown`); each item is then a stay or a list of errors, each with the field,
a stable code and a reason (never the value):

- the item is not an object (`not_object`), names a field a stay does not have
  (`unknown_field`), or gives a field as anything but a string or null (`not_string`);
- the rules of the guest list (`required`, `too_long`, `invalid_status`, `invalid_date`,
  `before_arrival`, `invalid_phone`, `invalid_email`, `no_contact`, ...);
- a reservation already given by an earlier valid item of the batch (`duplicate`);
- in a strict batch with any rejected item, every other item too (`batch_rejected`).

`import_batch` writes the valid items (none when `strict` and any item is rejected)
and gives each item its outcome: new, changed, unchanged or rejected. Sending the same
batch again finds every stay unchanged and writes nothing.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from bot.base.errors import InvalidInput
from bot.outreach.importer import stay_of
from bot.outreach.parse import STAY_FIELDS, FieldError, Hotel, StayRow, check_stay
from bot.outreach.stays import StayStore

SOURCE = "api"
MAX_ITEMS = 500
MAX_BODY = 1_000_000  # bytes: 500 stays of a wide PMS record fit
_KNOWN = frozenset(STAY_FIELDS)
_TOP = frozenset({"stays", "strict"})


@dataclass
class Item:
    index: int
    reservation: str | None  # as given (a string), for the caller to match results
    row: StayRow | None = None
    errors: list[FieldError] = field(default_factory=list)
    outcome: str = "rejected"

    def public(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "reservation": self.reservation,
            "outcome": self.outcome,
            "errors": [e.public() for e in self.errors],
        }


@dataclass
class Batch:
    items: list[Item]
    strict: bool = False

    @property
    def valid(self) -> list[Item]:
        return [i for i in self.items if i.row is not None]

    @property
    def rejected(self) -> int:
        return sum(1 for i in self.items if i.row is None)


@dataclass
class BatchReport:
    batch_id: str
    items: list[Item]
    strict: bool
    written: bool

    def counts(self) -> dict[str, Any]:
        """Ids and counts only: the audit record and the logs."""
        n = {
            k: sum(1 for i in self.items if i.outcome == k)
            for k in ("new", "changed", "unchanged", "rejected")
        }
        return {"batch": self.batch_id, "received": len(self.items), **n, "strict": self.strict}

    def public(self) -> dict[str, Any]:
        return {**self.counts(), "written": self.written, "results": [i.public() for i in self.items]}


def check_batch(body: dict[str, Any], hotel: Hotel) -> Batch:
    unknown = sorted(str(k)[:40] for k in body if k not in _TOP)
    if unknown:
        raise InvalidInput("parameter_unknown", "the body has stays (a list) and optionally strict")
    stays = body.get("stays")
    if not isinstance(stays, list):
        raise InvalidInput("stays_required", "stays: a list of stays")
    if not stays:
        raise InvalidInput("stays_empty", "stays: at least one stay")
    if len(stays) > MAX_ITEMS:
        raise InvalidInput("batch_too_large", f"at most {MAX_ITEMS} stays per call: split the batch")
    strict = body.get("strict", False)
    if not isinstance(strict, bool):
        raise InvalidInput("strict_invalid", "true or false")
    items = []
    first: dict[str, int] = {}  # reservation -> index of its first valid item
    for index, given in enumerate(stays):
        item = check_item(index, given, hotel)
        if item.row is not None:
            earlier = first.get(item.row.reservation)
            if earlier is not None:
                item.errors.append(
                    FieldError("reservation", "duplicate", f"the same reservation as item {earlier}")
                )
                item.row = None
            else:
                first[item.row.reservation] = index
        items.append(item)
    return Batch(items, strict)


def check_item(index: int, given: Any, hotel: Hotel) -> Item:
    if not isinstance(given, dict):
        return Item(index, None, errors=[FieldError(None, "not_object", "a stay must be a JSON object")])
    reservation = given.get("reservation")
    item = Item(index, reservation if isinstance(reservation, str) else None)
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in _KNOWN:
            item.errors.append(FieldError(str(name)[:40], "unknown_field", "not a field of a stay"))
        elif value is not None and not isinstance(value, str):
            item.errors.append(FieldError(name, "not_string", "must be a string or null"))
        else:
            values[name] = value
    typed: set[str | None] = {e.field for e in item.errors}
    row, problems = check_stay(values, hotel)
    if typed & {"phone", "email"}:
        typed.add(None)  # "no contact" only because a contact was of the wrong type
    item.errors += [p for p in problems if p.field not in typed]
    item.row = row if not item.errors else None
    return item


async def import_batch(store: StayStore, batch: Batch, *, now: float | None = None) -> BatchReport:
    """Write the batch's valid stays (all or nothing when strict) and tell each item's outcome."""
    now = time.time() if now is None else now
    report = BatchReport("api_" + secrets.token_hex(6), batch.items, batch.strict, written=False)
    valid = batch.valid
    if batch.strict and batch.rejected:
        for item in valid:
            item.row = None
            item.errors.append(
                FieldError(None, "batch_rejected", "not written: the strict batch has rejected stays")
            )
        return report
    if not valid:
        return report
    stays = [stay_of(i.row) for i in valid if i.row is not None]
    outcome = await store.upsert(stays, source=SOURCE, import_id=report.batch_id, now=now)
    by_id = {sid: kind for kind, ids in outcome.items() for sid in ids}
    for item in valid:
        assert item.row is not None
        item.outcome = by_id[store.id_of(item.row.reservation)]
    report.written = True
    return report
