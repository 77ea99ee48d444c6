"""Reads of personal data by the system are audited (issue 5): the Rasa server's tracker
reads and writes (pushed to the tenant's Redis inbox by the tracker store's scripts),
the action server's reads of the guest's flags, and the delivery path opening a sealed
contact; the console's folder chains them. Also: the Redis inbox survives a folder crash
without double entries, `audit verify` sees a stalled one, and the erasure scan treats
it as evidence (keyed ids only)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from bot.audit.folder import InboxFolder, batch_record
from bot.audit.log import AuditLog, SystemAccess, redis_inbox_entry, redis_inbox_key
from bot.base.refs import guest_ref
from bot.privacy.erasure import erase_guest
from bot.privacy.offboard import redis_keys
from devtools.seed_tenant import seed
from tests.stack.client import Guest, mongo, tenant_db
from tests.stack.scratch_tenant import scratch_tenant
from tests.stack.test_audit_inbox import SCRIPT, batches, wait_until
from tests.stack.test_backup import privacy  # noqa: F401
from tests.stack.test_handover_delivery import ASK_PERSON, _escalated, _sms_ref, staff  # noqa: F401
from tests.stack.test_privacy_audit import privacy_cli
from tests.stack.test_sms import Phone

pytestmark = pytest.mark.stack


@pytest.fixture()
async def scratch(stack, privacy, tmp_path):  # noqa: F811
    """A tenant the running console does not know, so its folder never drains it."""
    tenant_id, env, _ = scratch_tenant(stack, tmp_path)
    yield tenant_id, env
    await privacy.mongo.drop_tenant(tenant_id)
    keys = await redis_keys(privacy, tenant_id)
    if keys:
        await privacy.redis.delete(*keys)


def tracker_read(digest: str, at: dt.datetime | None = None) -> str:
    at = at or dt.datetime.now(dt.UTC)
    return redis_inbox_entry([], at, [SystemAccess("tracker.read", "tracker", digest)])


def accesses(entries: list[dict]) -> list[tuple[str, str, str]]:
    """(read|write, action, resource id) of every access folded into these batch entries."""
    found = []
    for e in entries:
        for record in e["detail"]["records"]:
            for kind in ("reads", "writes"):
                found += [(kind[:-1], a["action"], a["resource_id"]) for a in record.get(kind, ())]
    return found


async def test_a_conversation_s_tracker_reads_and_writes_are_chained_and_exported(
    stack,
    privacy,  # noqa: F811
    tmp_path,
):
    guest = Guest(stack, "alpenhof", locale="en")
    for text in SCRIPT:
        await guest.say(text)
    sender = f"alpenhof~{guest.sender}"
    digest = privacy.tracker_key(sender).rsplit(":", 1)[1]
    inbox = redis_inbox_key("rapport", "alpenhof")

    async def folded() -> bool:  # the console's folder drains the Redis inbox about once a second
        return digest not in json.dumps(await privacy.redis.lrange(inbox, 0, -1))

    await wait_until(folded)
    out = tmp_path / "alpenhof.jsonl"
    done = privacy_cli(stack.child_env(), "audit", "export", "--tenant", "alpenhof", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    mine = [x for x in lines if x["type"] in ("read", "write") and x.get("resource_id") == digest]
    kinds = Counter((x["type"], x["action"], x["resource_type"]) for x in mine)
    # every turn reads the tracker (found from the second turn on) and writes it back
    assert kinds[("write", "tracker.write", "tracker")] >= len(SCRIPT), kinds
    assert kinds[("read", "tracker.read", "tracker")] >= len(SCRIPT) - 1, kinds
    assert all(x["actor"] == "system" and x["tenant"] == "alpenhof" for x in mine)
    gref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    flags = [x for x in lines if x["type"] == "read" and x.get("resource_id") == gref]
    assert {x["action"] for x in flags} == {"guest_flags.read"} and len(flags) >= len(SCRIPT) - 1
    assert lines[-1]["type"] == "chain" and lines[-1]["ok"] is True
    # ids only: nothing the guest said, nor their sender id
    text = out.read_text()
    assert guest.sender not in text and all(t not in text for t in SCRIPT if len(t) > 3)


async def test_the_redis_inbox_is_folded_once_even_after_a_crash_between_append_and_trim(privacy, scratch):  # noqa: F811
    tenant, _ = scratch
    log = AuditLog.from_settings(privacy.mongo.client, privacy.settings)
    key = redis_inbox_key("rapport", tenant)
    first = [tracker_read(f"{i:040x}") for i in range(3)]
    await privacy.redis.rpush(key, *first)
    # a folder appended these three and crashed before trimming them off the list
    await log.tenant(tenant, batch_record(tenant, [json.loads(e) | {"at": None} for e in first]))
    later = [tracker_read(f"{i:040x}") for i in range(3, 5)] + ["not json", '{"no": "id"}']
    await privacy.redis.rpush(key, *later)
    assert await InboxFolder(log, redis=privacy.redis, batch=3).fold_once(tenant) == 4  # 2 + 2 unreadable
    assert await privacy.redis.llen(key) == 0
    entries = await batches(privacy.mongo.client, log.database_of(tenant))
    reads = Counter(rid for kind, _, rid in accesses(entries) if kind == "read")
    assert reads == Counter(f"{i:040x}" for i in range(5)), reads  # each once, none lost
    unreadable = [i for e in entries for i in e["detail"]["folded"] if i.startswith("unreadable-")]
    assert len(unreadable) == 2  # chained as what they are, not silently dropped
    assert (await log.verify(log.database_of(tenant))).ok
    # a folder without Redis leaves the Redis inbox alone (and MongoDB's is drained as before)
    await privacy.redis.rpush(key, tracker_read("f" * 40))
    assert await InboxFolder(log).fold_once(tenant) == 0 and await privacy.redis.llen(key) == 1


async def test_audit_verify_fails_on_a_stalled_redis_inbox(privacy, scratch):  # noqa: F811
    tenant, env = scratch
    key = redis_inbox_key("rapport", tenant)
    await privacy.redis.rpush(key, tracker_read("a" * 40, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)))
    stale = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert stale.returncode == 1 and "1 pending" in stale.stdout and "STALE" in stale.stdout, stale.stdout
    fresh = privacy_cli(env, "audit", "verify", "--tenant", tenant, "--max-inbox-age", "3600")
    assert fresh.returncode == 0 and "1 pending" in fresh.stdout, fresh.stdout + fresh.stderr
    exported = privacy_cli(env, "audit", "export", "--tenant", tenant)
    chain = json.loads(exported.stdout.strip().splitlines()[-1])
    assert chain["type"] == "chain" and chain["pending"] == 1, exported.stdout  # not in the export yet
    log = AuditLog.from_settings(privacy.mongo.client, privacy.settings)
    await InboxFolder(log, redis=privacy.redis).fold_once(tenant)
    folded = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert folded.returncode == 0 and "0 pending" in folded.stdout, folded.stdout + folded.stderr


async def test_the_erasure_scan_keeps_keyed_ids_in_the_redis_inbox_as_evidence_and_nothing_else(
    privacy,  # noqa: F811
    scratch,
):
    tenant, _ = scratch
    guests = await seed(privacy, tenant, guests=3, per_guest=2, handovers=1)
    key = redis_inbox_key("rapport", tenant)
    digest = privacy.tracker_key(guests[0]["sender"]).rsplit(":", 1)[1]
    await privacy.redis.rpush(key, tracker_read(digest))
    report = await erase_guest(privacy, tenant, guests[0]["ref"])
    scan = report["scan"]
    assert scan["clean"], scan
    assert {"where": "redis:rapport:audit_inbox", "kind": "tracker", "count": 1} in scan["retained"]
    # personal data in an inbox record is a finding, not evidence
    await privacy.redis.rpush(key, json.dumps({"_id": "x", "note": guests[1]["number"]}))
    report = await erase_guest(privacy, tenant, guests[1]["ref"])
    assert not report["scan"]["clean"]
    assert any(h["where"] == "redis:rapport:audit_inbox" for h in report["scan"]["hits"]), report["scan"]


async def test_delivering_a_staff_message_records_the_contact_read(stack, staff):  # noqa: F811
    """The delivery path opens the sealed contact: a `contact.read` naming the guest."""
    phone = Phone(stack)
    await phone.post(phone.form("Hello, I would like to give some feedback about my stay"))
    await phone.post(phone.form(ASK_PERSON))
    doc = await _escalated(staff, _sms_ref(stack, phone.number))
    client = mongo(stack)
    try:
        db = tenant_db(stack, client, "alpenhof")
        log = AuditLog.from_settings(client, stack.settings)

        async def contact_read() -> bool:  # pending in the inbox, or already chained
            entries = await batches(client, log.database_of("alpenhof"))
            pending = [{"detail": {"records": await db.audit_inbox.find({}).to_list(10_000)}}]
            return ("read", "contact.read", doc["guest_ref"]) in accesses(entries + pending)

        assert not await contact_read()  # the guest's own turns do not open the contact
        await staff().take(doc["_id"], "agent-1")
        await staff().staff_reply(doc["_id"], "agent-1", "Hello, this is Anna from reception.")
        await phone.wait_for_text("this is Anna from reception")
        await wait_until(contact_read)
    finally:
        client.close()
