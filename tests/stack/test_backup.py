"""Tenant backup and restore (bot/privacy/backup.py) against the stack's real Redis and
MongoDB-wire server, through the operator CLI:

- backup, wipe, restore: every collection document by document (BSON bytes) and every
  Redis key (value and time to live) is back, contacts still open, the audit chain
  verifies;
- a guest erased after the backup stays erased after the restore (the erasure known
  from the tenant's audit log, or, with the tenant's database lost, from the control
  database's DSR register); the other guest is complete; a restriction and an
  objection recorded after the backup are re-applied;
- a tampered, truncated, wrong-tenant or wrong-key archive is refused with nothing
  changed; a dry run changes nothing; an offboarded tenant is not restored;
- the archive is 0600 in a 0700 folder, encrypted, and neither the CLI's output nor
  the logs carry personal data; retention keeps the newest N; `delete_backups`.

(The time at 100,000 ratings is measured once and reported in docs/BENCHMARK.md.)"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from bot.audit.log import AuditLog, AuditRecord, SystemAccess, redis_inbox_entry, redis_inbox_key
from bot.base.errors import RapportError
from bot.base.settings import Settings
from bot.outbox.sms_store import SmsStore
from bot.privacy import backup as bk
from bot.privacy.backup_archive import RAW, ArchiveError
from bot.privacy.cli import main
from bot.privacy.erasure import erase_guest, export_stores, scan_guest, texts_of
from bot.privacy.execute import apply_rectification
from bot.privacy.offboard import CERTIFICATES, redis_keys
from bot.privacy.requests import DONE, VERIFIED, DsrStore
from bot.privacy.stores import PrivacyContext, resolve
from bot.storage.contacts import ContactStore
from devtools.seed_tenant import seed
from tests.stack.scratch_tenant import scratch_tenant

pytestmark = pytest.mark.stack

OTHER_KEY = "another-data-key-" + "k" * 32


@pytest.fixture()
async def privacy(stack):
    ctx = await PrivacyContext.open(Settings.from_env(stack.child_env()))
    yield ctx
    await ctx.close()


@pytest.fixture()
async def tenant(stack, privacy, tmp_path):
    """A scratch tenant of 6 seeded guests (ratings, conversations, sealed contacts,
    transcripts, handovers, trackers), audit entries, an inbox record, a DSR request,
    SMS consent and two more Redis keys (one with a time to live, one hash)."""
    tenant_id, env, _ = scratch_tenant(stack, tmp_path)
    guests = await seed(privacy, tenant_id, guests=6, handovers=3)
    audit = AuditLog.from_settings(privacy.mongo.client, privacy.settings)
    for g in guests[:3]:
        await audit.tenant(
            tenant_id, AuditRecord("agent-1", "conversation.read", "guest", g["ref"], "allowed")
        )
    await audit.system_access(tenant_id, [SystemAccess("rating.store", "rating", guests[0]["conversation"])])
    dsr = DsrStore(privacy.mongo, tenant_id, privacy.settings.guest_key, privacy.settings.control_db)
    await dsr.create(type_="access", guest_ref=guests[1]["ref"], channel="sms", language="de")
    await SmsStore(privacy.mongo, tenant_id).set_consent(guests[2]["ref"], opted_out=False, keyword="start")
    await privacy.redis.set(f"rapport:dedup:{tenant_id}:SM0001", "1", px=600_000)
    await privacy.redis.hset(f"rapport:cache:{tenant_id}:summary", mapping={"ratings": "30", "lang": "de"})
    yield tenant_id, env, guests
    bk.delete_backups(privacy.settings, tenant_id)
    await privacy.mongo.drop_tenant(tenant_id)
    keys = await redis_keys(privacy, tenant_id)
    if keys:
        await privacy.redis.delete(*keys)
    control = privacy.mongo.client[privacy.settings.control_db]
    await control.dsr_register.delete_many({"tenant": tenant_id})
    await control[CERTIFICATES].delete_many({"tenant": tenant_id, "kind": "test"})


async def cli(env: dict[str, str], *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = await asyncio.to_thread(main, list(argv), env=env, out=out)
    return code, out.getvalue()


async def snapshot(privacy: PrivacyContext, tenant: str) -> dict[str, Any]:
    """Every document of the tenant's database as BSON bytes, every key with its value."""
    db = privacy.db(tenant)
    found: dict[str, Any] = {}
    for name in sorted(await db.list_collection_names()):
        coll = db.get_collection(name, codec_options=RAW)
        found[name] = [d.raw async for d in coll.find({}).sort("_id", 1)]
    for key in await redis_keys(privacy, tenant):
        kind = await privacy.redis.type(key)
        value = await privacy.redis.get(key) if kind == "string" else await privacy.redis.hgetall(key)
        found[f"redis:{key}"] = (kind, value, await privacy.redis.pttl(key) > 0)
    return found


async def wipe(privacy: PrivacyContext, tenant: str) -> None:
    await privacy.mongo.drop_tenant(tenant)
    await privacy.redis.delete(*await redis_keys(privacy, tenant))


async def backup_file(env: dict[str, str], tenant: str) -> tuple[Path, str]:
    code, out = await cli(env, "backup", "create", "--tenant", tenant)
    assert code == 0, out
    path = Path(out.split("written: ", 1)[1].split("\n", 1)[0])
    return path, out


def personal(guests: list[dict[str, Any]]) -> list[str]:
    """What must never appear in output or logs: numbers (with and without +), the
    trackers' free-text answers."""
    texts = ["the shower was cold", "great breakfast buffet", "lovely stay", "noisy street"]
    return [g["number"] for g in guests] + [g["number"][1:] for g in guests] + texts


async def test_backup_wipe_restore_brings_back_every_document_key_and_the_audit_chain(
    stack, privacy, tenant, caplog
):
    caplog.set_level(logging.DEBUG)
    tenant_id, env, guests = tenant
    before = await snapshot(privacy, tenant_id)
    assert {"ratings", "conversations", "contacts", "messages", "handovers", "audit", "audit_inbox"} <= set(
        before
    )
    assert len(before["ratings"]) == 30 and sum(k.startswith("redis:") for k in before) == 8

    path, out = await backup_file(env, tenant_id)
    mode = path.stat().st_mode
    assert stat.S_IMODE(mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.parent == stack.settings.data_dir / "backups" / tenant_id
    assert "ratings: 30" in out and "8 Redis keys" in out
    content = path.read_bytes()
    for clear in (b"guest_ref", b"ratings", b"shower", guests[0]["ref"].encode()):
        assert clear not in content  # compressed and encrypted

    await wipe(privacy, tenant_id)
    code, dry = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path))
    assert code == 0 and "nothing changed" in dry, dry
    assert await snapshot(privacy, tenant_id) == {}  # the dry run wrote nothing

    code, done = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path), "--confirm")
    assert code == 0, done
    after = await snapshot(privacy, tenant_id)
    n = len(before["audit"])
    assert after["audit"][:n] == before["audit"]  # the chain as it was, then the restore's own entries
    restored = await privacy.db(tenant_id).audit.find({"seq": {"$gt": n}}).sort("seq", 1).to_list(None)
    assert [e["action"] for e in restored] == ["retention.run", "backup.restore"]
    assert restored[-1]["detail"]["documents"] == sum(len(v) for k, v in before.items() if k[:6] != "redis:")
    for name in set(before) | set(after):
        if name not in ("audit", "audit_chain"):
            assert after.get(name) == before.get(name), name
    code, verified = await cli(env, "audit", "verify", "--tenant", tenant_id)
    assert code == 0 and f"ok: {n + 2} entries" in verified, verified
    contacts = ContactStore(privacy.mongo, tenant_id, privacy.cipher)
    for g in guests:
        assert (await contacts.get(g["ref"])).address == g["number"]  # still opens
    indexes = {ix["name"] async for ix in privacy.db(tenant_id).ratings.list_indexes()}
    assert len(indexes) >= 5  # the ratings' indexes came back too

    logs = caplog.text + out + dry + done
    assert not [p for p in personal(guests) if p in logs]
    assert guests[0]["ref"] not in out + dry + done


async def test_a_guest_erased_after_the_backup_stays_erased_and_the_other_is_complete(stack, privacy, tenant):
    tenant_id, env, guests = tenant
    gone, kept = guests[0], guests[1]
    subject = await resolve(privacy, tenant_id, gone["ref"], addresses=[gone["number"]])
    texts = texts_of(await export_stores(privacy, subject))
    kept_before = await snapshot_of_guest(privacy, tenant_id, kept)
    path, _ = await backup_file(env, tenant_id)
    # after the backup: one guest erased, one restricted, one objected
    report = await erase_guest(privacy, tenant_id, gone["ref"], actor="test")
    assert report["scan"]["clean"], report["scan"]
    dsr = DsrStore(privacy.mongo, tenant_id, privacy.settings.guest_key, privacy.settings.control_db)
    for kind, guest in (("restriction", guests[2]), ("objection", guests[3])):
        request = await dsr.create(type_=kind, guest_ref=guest["ref"], channel="sms", language="de")
        await dsr.requests.update_one({"_id": request["_id"]}, {"$set": {"status": VERIFIED}})
        assert await dsr.transition(request["_id"], VERIFIED, DONE, "system") is not None

    code, out = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path))
    assert code == 0 and '"erasures": 1' in out and '"restrictions": 1' in out, out
    assert await privacy.db(tenant_id).ratings.count_documents({"guest_ref": gone["ref"]}) == 0  # dry
    code, out = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path), "--confirm")
    assert code == 0 and "re-applied 1 erasures, 1 restrictions, 1 objections" in out, out

    scan = await scan_guest(privacy, subject, texts)
    assert scan["clean"], scan
    assert not any(scan["stores"].values()), scan["stores"]
    assert await privacy.redis.exists(privacy.tracker_key(gone["sender"])) == 0
    assert await snapshot_of_guest(privacy, tenant_id, kept) == kept_before
    flags = privacy.db(tenant_id).guest_flags
    assert (await flags.find_one({"_id": guests[2]["ref"]}))["restricted"]
    assert await privacy.db(tenant_id).ratings.count_documents(
        {"guest_ref": guests[2]["ref"], "restricted": True}
    )
    assert (await flags.find_one({"_id": guests[3]["ref"]}))["objected"]
    assert (await privacy.db(tenant_id).sms_consent.find_one({"_id": guests[3]["ref"]}))["opted_out"]
    # the evidence written after the backup is still there, and the chain still verifies
    actions = await privacy.db(tenant_id).audit.distinct("action")
    assert {"backup.create", "guest.erase", "backup.restore"} <= set(actions)
    assert len(await privacy.db(tenant_id).dsr_requests.distinct("type")) == 3
    code, verified = await cli(env, "audit", "verify", "--tenant", tenant_id)
    assert code == 0, verified


async def test_with_the_tenant_database_lost_the_control_register_keeps_the_erased_erased(
    stack, privacy, tenant
):
    tenant_id, env, guests = tenant
    gone, kept = guests[4], guests[5]
    subject = await resolve(privacy, tenant_id, gone["ref"], addresses=[gone["number"]])
    kept_before = await snapshot_of_guest(privacy, tenant_id, kept)
    path, _ = await backup_file(env, tenant_id)
    dsr = DsrStore(privacy.mongo, tenant_id, privacy.settings.guest_key, privacy.settings.control_db)
    request = await dsr.create(type_="erasure", guest_ref=gone["ref"], channel="sms", language="de")
    await dsr.requests.update_one({"_id": request["_id"]}, {"$set": {"status": VERIFIED}})
    assert (await erase_guest(privacy, tenant_id, gone["ref"], actor="system"))["scan"]["clean"]
    assert await dsr.transition(request["_id"], VERIFIED, DONE, "system") is not None
    await wipe(privacy, tenant_id)  # the tenant's database and keys are lost; the control db is not

    code, out = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path), "--confirm")
    assert code == 0 and "re-applied 1 erasures" in out, out
    scan = await scan_guest(privacy, subject)
    assert scan["clean"] and not any(scan["stores"].values()), scan
    assert await snapshot_of_guest(privacy, tenant_id, kept) == kept_before


async def _rectified(privacy: PrivacyContext, tenant: str, guest: dict[str, Any], number: str) -> None:
    """A verified rectification of the guest's number, done as the worker does it."""
    dsr = DsrStore(privacy.mongo, tenant, privacy.settings.guest_key, privacy.settings.control_db)
    details = privacy.cipher.seal(json.dumps({"phone": number}), f"{tenant}|{guest['ref']}|dsr")
    request = await dsr.create(
        type_="rectification", guest_ref=guest["ref"], channel="sms", language="de", details=details
    )
    await dsr.requests.update_one({"_id": request["_id"]}, {"$set": {"status": VERIFIED}})
    done = await apply_rectification(privacy, tenant, ("de", "en"), request)
    assert done["changed"] == ["phone"], done
    assert await dsr.transition(request["_id"], VERIFIED, DONE, "system") is not None


async def test_a_rectification_after_the_backup_is_re_applied_and_pending_tracker_audits_kept(
    stack, privacy, tenant
):
    tenant_id, env, guests = tenant
    guest, new_number = guests[1], "+41790000001"
    path, _ = await backup_file(env, tenant_id)
    await _rectified(privacy, tenant_id, guest, new_number)
    contacts = ContactStore(privacy.mongo, tenant_id, privacy.cipher)
    assert (await contacts.get(guest["ref"])).address == new_number
    write = SystemAccess("tracker.write", "tracker", "ab" * 20)
    pending = redis_inbox_entry([write], dt.datetime.now(dt.UTC))
    await privacy.redis.rpush(redis_inbox_key("rapport", tenant_id), pending)

    code, out = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path), "--confirm")
    assert code == 0 and "1 rectifications" in out and "NOT re-applied" not in out, out
    # the corrected number, not the one in the archive; the tracker access still to be chained
    assert (await contacts.get(guest["ref"])).address == new_number
    assert pending in await privacy.redis.lrange(redis_inbox_key("rapport", tenant_id), 0, -1)


async def test_with_the_tenant_database_lost_a_rectification_is_reported_for_the_operator(
    stack, privacy, tenant
):
    tenant_id, env, guests = tenant
    guest = guests[2]
    path, _ = await backup_file(env, tenant_id)
    await _rectified(privacy, tenant_id, guest, "+41790000002")
    await wipe(privacy, tenant_id)  # the corrected value was only in the tenant's database

    code, out = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path), "--confirm")
    assert code == 0 and "0 rectifications" in out, out
    assert "1 rectifications done after the backup were NOT re-applied" in out, out
    contact = await ContactStore(privacy.mongo, tenant_id, privacy.cipher).get(guest["ref"])
    assert contact.address == guest["number"]  # what the archive held: the operator must ask again


async def snapshot_of_guest(privacy: PrivacyContext, tenant: str, guest: dict[str, Any]) -> dict[str, Any]:
    db = privacy.db(tenant)
    found: dict[str, Any] = {}
    for name in ("ratings", "conversations", "contacts", "messages", "handovers"):
        coll = db.get_collection(name, codec_options=RAW)
        found[name] = [d.raw async for d in coll.find({"guest_ref": guest["ref"]}).sort("_id", 1)]
    assert found["ratings"] and found["contacts"]
    found["tracker"] = await privacy.redis.get(privacy.tracker_key(guest["sender"]))
    assert found["tracker"]
    return found


async def test_tampered_truncated_wrong_key_and_wrong_tenant_archives_are_refused_unchanged(
    stack, privacy, tenant, tmp_path, capsys
):
    tenant_id, env, guests = tenant
    path, _ = await backup_file(env, tenant_id)
    await erase_guest(privacy, tenant_id, guests[0]["ref"], actor="test")  # so a restore would change things
    before = await snapshot(privacy, tenant_id)
    raw = path.read_bytes()
    cases = {}
    first_segment = len(b"RAPPORT-BACKUP/1\n") + 4 + int.from_bytes(raw[17:21], "big") + 4
    flipped = bytearray(raw)
    flipped[first_segment + 10] ^= 0x01
    cases["tampered"] = (bytes(flipped), env, "does not authenticate")
    cases["truncated"] = (raw[: len(raw) - 200], env, "")
    moved = raw.replace(tenant_id.encode(), b"scratch_xxxxxxxxxx", 1)  # another tenant's header
    cases["other tenant"] = (moved, env, "does not authenticate")
    at = raw.index(b'"created_at":') + len(b'"created_at":')
    dated = bytearray(raw)
    dated[at + 3] = ord("0") if raw[at + 3] != ord("0") else ord("2")  # the header's time is authenticated
    cases["created_at"] = (bytes(dated), env, "does not authenticate")
    cases["wrong key"] = (raw, {**env, "RAPPORT_DATA_KEYS": OTHER_KEY}, "not in RAPPORT_DATA_KEYS")
    for name, (content, run_env, message) in cases.items():
        bad = tmp_path / f"{name.replace(' ', '_')}.rbk"
        bad.write_bytes(content)
        capsys.readouterr()
        code, out = await cli(
            run_env, "backup", "restore", "--tenant", tenant_id, "--file", str(bad), "--confirm"
        )
        err = capsys.readouterr().err
        assert code == 2 and "error:" in err and message in err, (name, out, err)
        assert await snapshot(privacy, tenant_id) == before, name
    # the dry run of a good archive changes nothing either
    code, out = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path))
    assert code == 0 and await snapshot(privacy, tenant_id) == before
    # another tenant's archive
    with pytest.raises(ArchiveError, match="backup of tenant"):
        await bk.restore_backup(privacy, "alpenhof", path, confirm=True)
    # a tenant offboarded after the backup
    control = privacy.mongo.client[privacy.settings.control_db]
    await control[CERTIFICATES].insert_one(
        {"_id": f"dc_test_{tenant_id}", "kind": "test", "tenant": tenant_id, "finished_at": time.time()}
    )
    code, _ = await cli(env, "backup", "restore", "--tenant", tenant_id, "--file", str(path), "--confirm")
    assert code == 2 and "offboarded" in capsys.readouterr().err
    assert await snapshot(privacy, tenant_id) == before
    with pytest.raises(RapportError):
        await bk.restore_backup(privacy, tenant_id, path, confirm=True)


async def test_list_retention_and_delete_backups(stack, privacy, tenant, caplog):
    caplog.set_level(logging.DEBUG)
    tenant_id, env, guests = tenant
    for _ in range(3):
        code, out = await cli(env, "backup", "create", "--tenant", tenant_id, "--keep", "2")
        assert code == 0, out
    assert "1 older backups deleted (keeping the newest 2)" in out
    files = bk.archives(privacy.settings, tenant_id)
    assert len(files) == 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    code, listing = await cli(env, "backup", "list", "--tenant", tenant_id)
    assert code == 0 and listing.startswith(f"2 backups of {tenant_id}"), listing
    assert all(f.name in listing for f in files) and "documents in" in listing
    assert not [p for p in personal(guests) if p in listing + out + caplog.text]
    outside = stack.settings.data_dir / f"elsewhere-{tenant_id}.rbk"
    code, out = await cli(env, "backup", "create", "--tenant", tenant_id, "--out", str(outside))
    assert code == 0 and "do not delete it" in out and stat.S_IMODE(outside.stat().st_mode) == 0o600
    outside.unlink()
    assert bk.delete_backups(privacy.settings, tenant_id) == 2
    assert not bk.backup_dir(privacy.settings, tenant_id).exists()
    assert bk.delete_backups(privacy.settings, tenant_id) == 0


async def test_restored_documents_keep_their_bson_types(stack, privacy, tenant):
    """Dates, binary, 64-bit integers and nested arrays survive byte for byte (nx-27017
    stores no Decimal128)."""
    import datetime as dt

    from bson import Binary, Int64, ObjectId

    tenant_id, env, _ = tenant
    odd = {
        "_id": ObjectId(),
        "at": dt.datetime(2024, 2, 29, 23, 59, 59, 123000, tzinfo=dt.UTC),
        "blob": Binary(os.urandom(16)),
        "big": Int64(2**62),
        "nested": [{"a": [1, 2.5, None, True]}, "x"],
    }
    await privacy.db(tenant_id).oddities.insert_one(odd)
    before = await snapshot(privacy, tenant_id)
    path, _ = await backup_file(env, tenant_id)
    await wipe(privacy, tenant_id)
    report = await bk.restore_backup(privacy, tenant_id, path, confirm=True, actor="test")
    assert report["restored"]["collections"]["oddities"] == 1
    after = await snapshot(privacy, tenant_id)
    assert after["oddities"] == before["oddities"]
    doc = await privacy.db(tenant_id).oddities.find_one({})
    assert doc["at"] == odd["at"] and doc["big"] == 2**62 and doc["nested"] == odd["nested"]
    assert bytes(doc["blob"]) == bytes(odd["blob"]) and doc["_id"] == odd["_id"]
