"""Erasure under load and at scale, against the stack's real Redis and MongoDB-wire server:

- the erasure holds the guest's conversation with Rasa's own lock store, so a turn
  that is running finishes first and what it writes is erased too; a lock that is not
  released makes the erasure give up having deleted nothing;
- the verification scan after every erasure searches large registered collections by
  their indexed identifier fields, and it still fails when a document of the guest is
  left there; an unregistered collection is read whole whatever its size;
- the tracker resolution that reads only each tracker's tail finds senders of any
  length and alphabet.

(The figures at 100,000 ratings are in `make bench`, scripts/bench_privacy.py.)"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from bot.base.settings import Settings
from bot.privacy import erasure, locks
from bot.privacy.erasure import erase_guest, scan_guest
from bot.privacy.stores import PrivacyContext, resolve, tracker_senders
from bot.rasa.lock_store import RapportLockStore
from devtools.seed_tenant import seed

pytestmark = pytest.mark.stack


@pytest.fixture()
async def privacy(stack):
    ctx = await PrivacyContext.open(Settings.from_env(stack.child_env()))
    ctx.standins = {}
    yield ctx
    await ctx.close()


@pytest.fixture()
async def tenant(privacy):
    """A throw-away tenant of 40 seeded guests (its database and keys go afterwards)."""
    tenant_id = "scale_" + uuid.uuid4().hex[:8]
    guests = await seed(privacy, tenant_id, guests=40, handovers=5)
    yield tenant_id, guests
    await privacy.mongo.drop_tenant(tenant_id)
    keys = [k async for k in privacy.redis.scan_iter(match=f"rapport:*{tenant_id}*")]
    if keys:
        await privacy.redis.delete(*keys)


def rasa_locks(privacy: PrivacyContext) -> RapportLockStore:
    return locks.lock_store(privacy.settings.effective_redis_url.value, privacy.settings.guest_key.value)


async def test_a_running_turn_finishes_first_and_its_writes_are_erased(privacy, tenant):
    tenant_id, guests = tenant
    guest = guests[0]
    store = rasa_locks(privacy)
    # a turn of the guest is running: it holds Rasa's lock on the conversation
    async with store.lock(guest["sender"]):
        task = asyncio.create_task(erase_guest(privacy, tenant_id, guest["ref"], actor="test"))
        await asyncio.sleep(1.0)
        assert not task.done()  # the erasure waits for the turn
        assert await privacy.db(tenant_id).ratings.find_one({"guest_ref": guest["ref"]}) is not None
        # ... which writes one more answer before it ends, and starts a new conversation
        # that escalates (its history is keyed by the new conversation id only)
        late = {"_id": f"{guest['conversation']}:late", "guest_ref": guest["ref"], "question": "late"}
        await privacy.db(tenant_id).ratings.insert_one(late)
        await privacy.db(tenant_id).conversations.insert_one({"_id": "c_late", "guest_ref": guest["ref"]})
        await privacy.db(tenant_id).handover_history.insert_one({"conversation": "c_late", "to": "waiting"})
    report = await asyncio.wait_for(task, 30)
    assert report["scan"]["clean"], report["scan"]
    assert report["locked_ms"] >= 900  # it really waited for the lock
    assert await privacy.db(tenant_id).ratings.find_one({"guest_ref": guest["ref"]}) is None
    assert report["erased"]["ratings"] == 6  # the five seeded and the late one
    assert report["erased"]["handover_history"] == 1 and report["identifiers"]["conversations"] == 1
    assert await privacy.db(tenant_id).handover_history.find_one({"conversation": "c_late"}) is None
    # the other guests are untouched
    assert await privacy.db(tenant_id).ratings.find_one({"guest_ref": guests[1]["ref"]}) is not None


async def test_a_lock_never_released_makes_the_erasure_give_up_deleting_nothing(privacy, tenant):
    tenant_id, guests = tenant
    guest = guests[1]
    store = rasa_locks(privacy)
    async with store.lock(guest["sender"]):  # a turn that does not end (renewed while it lives)
        with pytest.raises(locks.ConversationBusy):
            await erase_guest(privacy, tenant_id, guest["ref"], actor="test", lock_wait=0.5)
    db = privacy.db(tenant_id)
    assert len([d async for d in db.ratings.find({"guest_ref": guest["ref"]})]) == 5
    assert await privacy.redis.exists(privacy.tracker_key(guest["sender"]))
    # its own ticket is gone: the next turn is not kept waiting by the failed erasure
    async with store.lock(guest["sender"], wait_seconds=0.5):
        pass


async def test_the_scan_after_erasure_fails_on_a_document_left_in_a_large_collection(
    privacy, tenant, monkeypatch
):
    tenant_id, guests = tenant
    guest = guests[2]
    monkeypatch.setattr(erasure, "EXHAUSTIVE_LIMIT", 10)  # 200 ratings count as large here
    subject = await resolve(privacy, tenant_id, guest["ref"])
    report = await erase_guest(privacy, tenant_id, guest["ref"], actor="test")
    assert report["scan"]["clean"]
    assert report["scan"]["searched"]["indexed_collections"] >= 2  # ratings, conversations
    # a store that forgot one rating: found by the indexed look-up, by either identifier
    db = privacy.db(tenant_id)
    await db.ratings.insert_one({"_id": "left-1", "conversation_id": guest["conversation"], "x": 1})
    scan = await scan_guest(privacy, subject)
    assert not scan["clean"]
    assert {"where": f"mongo:{db.name}.ratings", "kind": "conversation", "count": 1} in scan["hits"]
    await db.ratings.delete_one({"_id": "left-1"})
    await db.ratings.insert_one({"_id": "left-2", "guest_ref": guest["ref"]})
    assert not (await scan_guest(privacy, subject))["clean"]
    await db.ratings.delete_one({"_id": "left-2"})
    # a folded audit batch naming the guest (an array field, looked up with $in): retained
    await db.audit.insert_many([{"_id": 10_000 + i, "action": "filler"} for i in range(20)])
    await db.audit.create_index("resources")

    def in_audit(scan: dict) -> int:  # the erasure's own guest.erase record is one
        rows = [r for r in scan["retained"] if r["where"] == f"mongo:{db.name}.audit"]
        return sum(r["count"] for r in rows if r["kind"] == "guest_ref")

    before = in_audit(await scan_guest(privacy, subject))
    await db.audit.insert_one({"_id": 20_000, "action": "system.batch", "resources": ["x", guest["ref"]]})
    scan = await scan_guest(privacy, subject)
    assert scan["clean"] and in_audit(scan) == before + 1
    # a collection the registry does not know is read whole, whatever its size
    await db.scratch_export.insert_many([{"n": i} for i in range(20)] + [{"who": guest["number"]}])
    scan = await scan_guest(privacy, subject)
    assert {"where": f"mongo:{db.name}.scratch_export", "kind": "address", "count": 1} in scan["hits"]
    await db.scratch_export.drop()
    # the dropped document is history in the database's WAL until the files are compacted
    compacted = await erasure.compact(privacy, [db.name, privacy.settings.control_db])
    assert (await scan_guest(privacy, subject, compacted=compacted))["clean"]


async def test_the_fast_scan_skips_other_guests_trackers_and_the_deep_scan_reads_them(privacy, tenant):
    tenant_id, guests = tenant
    guest = guests[3]
    subject = await resolve(privacy, tenant_id, guest["ref"])
    await erase_guest(privacy, tenant_id, guest["ref"], actor="test")
    # another guest's tracker that quotes this guest's number (their words, kept)
    other = guests[4]
    key = privacy.tracker_key(other["sender"])
    tracker = json.loads(await privacy.redis.get(key))
    tracker["events"].append({"event": "user", "text": f"my friend is on {guest['number']}"})
    await privacy.redis.set(key, json.dumps(tracker))
    fast = await scan_guest(privacy, subject)
    deep = await scan_guest(privacy, subject, deep=True)
    assert fast["clean"] and fast["searched"]["redis_values"] < deep["searched"]["redis_values"]
    assert not deep["clean"]
    assert {"where": "redis:rapport:tracker", "kind": "address", "count": 1} in deep["hits"]


async def test_trackers_are_resolved_from_their_tails_for_any_sender(privacy, tenant):
    tenant_id, guests = tenant
    senders = {
        f"{tenant_id}~" + "w" * 600: "long",  # longer than the tail that is read
        f'{tenant_id}~ümlaut-"quoted"-€': "unicode",
    }
    for sender in senders:
        body = json.dumps({"events": [{"event": "user", "text": '"name": "fake"}'}], "name": sender})
        await privacy.redis.set(privacy.tracker_key(sender), body)
    found = await tracker_senders(privacy, tenant_id)
    for sender in senders:
        assert found[privacy.tracker_key(sender)] == sender
    assert found[privacy.tracker_key(guests[5]["sender"])] == guests[5]["sender"]
    assert len(found) == len(guests) + len(senders)


async def test_the_scan_reads_the_log_files_and_keeps_only_keyed_ids_there(privacy, tenant):
    tenant_id, guests = tenant
    guest = guests[6]
    subject = await resolve(privacy, tenant_id, guest["ref"])
    await erase_guest(privacy, tenant_id, guest["ref"], actor="test")
    log = privacy.settings.data_dir / "logs" / f"scratch-{uuid.uuid4().hex[:8]}.log"
    try:
        # a log line naming the conversation by its keyed id: retained, like the audit
        log.write_text("x" * (erasure.LOG_CHUNK - 5) + f" conversation={guest['conversation']}\n")
        scan = await scan_guest(privacy, subject)
        assert scan["clean"] and scan["searched"]["log_files"] >= 2
        assert {"where": f"log:{log.name}", "kind": "conversation", "count": 1} in scan["retained"]
        # a number in a log (across the 1 MB chunk boundary) is a hit
        log.write_text("x" * (erasure.LOG_CHUNK - 6) + f"{guest['number']} wrote\n")
        scan = await scan_guest(privacy, subject)
        assert not scan["clean"]
        assert {"where": f"log:{log.name}", "kind": "address", "count": 1} in scan["hits"]
    finally:
        log.unlink(missing_ok=True)
