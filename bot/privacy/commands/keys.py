"""`keys rotate`: re-seal contact data under the current data key (bot/base/sealing.py).

Rotation without downtime:

1. put the new key first in RAPPORT_DATA_KEYS, the old one(s) after it
   (`RAPPORT_DATA_KEYS=new,old`), and restart every process: from then on all of them
   seal under the new key and still open values sealed under the old one;
2. `python -m bot.privacy keys rotate` (dry run) counts the values under other keys;
   `... keys rotate --confirm` re-seals them;
3. when a dry run reports 0 to re-seal, drop the old key from RAPPORT_DATA_KEYS.

Each value is re-sealed with a conditional update on the sealed values it read, so a
guest writing meanwhile (which replaces the document) is never overwritten with older
data; such a document is read again. Values that open under no configured key are
counted as unreadable and left alone (exit 1).

Sealed fields are listed in SEALED (collection, fields, associated data): a new kind of
sealed data adds one line there.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pymongo.errors import PyMongoError

from bot.base.errors import StorageError
from bot.base.names import CONTACTS, STAYS
from bot.base.sealing import Cipher, DecryptionError
from bot.privacy.cli import FAILED, OK, Context, add_confirm
from bot.storage.mongo import DURABLE

TRIES = 5


@dataclass(frozen=True)
class Sealed:
    collection: str
    fields: tuple[str, ...]
    aad: Callable[[str, dict[str, Any], str], str]  # (tenant, document, field) -> associated data


SEALED = (
    # bot/storage/contacts.py: ContactStore._aad
    Sealed(CONTACTS, ("address", "thread"), lambda tenant, doc, f: f"{tenant}|{doc['_id']}|{f}"),
    # bot/outreach/stays.py: StayStore._aad
    Sealed(STAYS, ("phone", "email", "first_name"), lambda tenant, doc, f: f"{tenant}|{doc['_id']}|{f}"),
)


@dataclass
class Tally:
    """Counts of sealed values (not documents)."""

    values: int = 0
    stale: Counter = field(default_factory=Counter)  # key id -> values under that key
    resealed: int = 0
    raced: int = 0  # rewritten or erased by their owner meanwhile (so no longer stale)
    unreadable: int = 0


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("keys", help="data keys for contact data at rest")
    commands = group.add_subparsers(dest="command", required=True)
    rotate = commands.add_parser("rotate", help="re-seal values not under the current (first) key")
    rotate.add_argument("--tenant", help="only this tenant (default: all)")
    add_confirm(rotate)
    rotate.set_defaults(run=rotate_keys)


async def rotate_keys(ctx: Context, args: argparse.Namespace) -> int:
    cipher = Cipher(ctx.settings.data_keys)
    ctx.print(f"current key {cipher.current}" + ("" if args.confirm else " (dry run: nothing changes)"))
    remaining = unreadable = 0
    for tenant in ctx.tenant_ids(args.tenant):
        tally = Tally()
        for sealed in SEALED:
            await _rotate(ctx, cipher, tenant, sealed, tally, args.confirm)
        stale = sum(tally.stale.values())
        by_key = ", ".join(f"{k or '?'}={n}" for k, n in sorted(tally.stale.items())) or "none"
        if args.confirm:
            ctx.print(
                f"{tenant}: {tally.resealed} re-sealed of {stale} under other keys ({by_key}), "
                f"{tally.raced} rewritten meanwhile, {tally.unreadable} unreadable; {tally.values} values"
            )
            remaining += stale - tally.resealed - tally.raced
        else:
            ctx.print(f"{tenant}: {stale} of {tally.values} values would be re-sealed ({by_key})")
            remaining += stale
        unreadable += tally.unreadable
        detail = {
            "values": tally.values,
            "stale": stale,
            "resealed": tally.resealed,
            "unreadable": tally.unreadable,
        }
        action = "keys.rotate" if args.confirm else "keys.rotate_dry_run"
        await ctx.record(action, CONTACTS, None, tenant=tenant, detail={**detail, "key": cipher.current})
    if args.confirm and not remaining and not unreadable:
        ctx.print(
            "every value is under the current key: the other keys can be dropped from RAPPORT_DATA_KEYS"
        )
    return FAILED if unreadable else OK


async def _rotate(
    ctx: Context, cipher: Cipher, tenant: str, sealed: Sealed, tally: Tally, confirm: bool
) -> None:
    collection = ctx.client[ctx.audit.database_of(tenant)].get_collection(
        sealed.collection, write_concern=DURABLE
    )
    projection = dict.fromkeys(sealed.fields, 1)
    try:
        async for doc in collection.find({}, projection=projection):
            present = [f for f in sealed.fields if isinstance(doc.get(f), str)]
            tally.values += len(present)
            stale = [f for f in present if Cipher.key_of(doc[f]) != cipher.current]
            tally.stale.update(Cipher.key_of(doc[f]) for f in stale)
            if stale and confirm:
                await _reseal(collection, cipher, tenant, sealed, doc, tally)
    except PyMongoError as e:
        raise StorageError("reading or re-sealing sealed data failed") from e


async def _reseal(
    collection: Any, cipher: Cipher, tenant: str, sealed: Sealed, doc: dict, tally: Tally
) -> None:
    """Re-seal `doc`'s stale values, conditional on every sealed value still being what was read."""
    first = None
    for _ in range(TRIES):
        fields = [f for f in sealed.fields if isinstance(doc.get(f), str)]
        stale = [f for f in fields if Cipher.key_of(doc[f]) != cipher.current]
        first = len(stale) if first is None else first
        if not stale:
            break
        try:
            fresh = {
                f: cipher.seal(cipher.open(doc[f], aad), aad)
                for f in stale
                if (aad := sealed.aad(tenant, doc, f))
            }
        except DecryptionError:
            tally.unreadable += len(stale)
            return
        done = await collection.update_one(
            {"_id": doc["_id"], **{f: doc[f] for f in fields}}, {"$set": fresh}
        )
        if done.matched_count:
            tally.resealed += len(stale)
            tally.raced += first - len(stale)
            return
        doc = await collection.find_one({"_id": doc["_id"]}, projection=dict.fromkeys(sealed.fields, 1))
        if doc is None:
            break  # erased meanwhile
    tally.raced += first or 0
