"""The audit inbox and its folder (bot/audit/log.py, bot/audit/folder.py) against the real
stack: a guest's writes are audited one by one and chained by the jobs process's folder;
tampering, a stalled folder, a crash between append and delete, and concurrent
folders."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections import Counter

import pytest

from bot.audit.folder import InboxFolder, LeaseLost, batch_record
from bot.audit.log import BATCH, SystemAccess
from bot.base.refs import guest_ref
from tests.stack.client import Guest, mongo, tenant_db
from tests.stack.scratch_tenant import scratch_tenant
from tests.stack.test_conversation import SCRIPTS
from tests.stack.test_privacy_audit import log_for, privacy_cli

pytestmark = pytest.mark.stack

SCRIPT = SCRIPTS["en"]  # greeting, ratings in digits and words, a low one, a comment


async def wait_until(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def batches(client, database: str) -> list[dict]:
    return await client[database].audit.find({"action": BATCH}).sort("seq", 1).to_list(10_000)


def folded_ids(entries: list[dict]) -> Counter:
    return Counter(i for e in entries for i in e["detail"]["folded"])


async def seed_inbox(log, tenant: str, n: int, prefix: str = "c") -> None:
    for i in range(n):
        await log.system_access(tenant, [SystemAccess("rating.store", "rating", f"{prefix}_{i}:overall")])


async def test_a_guest_conversation_is_audited_write_by_write_and_chained_by_the_jobs(stack, tmp_path):
    guest = Guest(stack, "alpenhof", locale="en")
    for text in SCRIPT:
        await guest.say(text)
    client = mongo(stack)
    try:
        db = tenant_db(stack, client, "alpenhof")
        gref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
        conv = (await db.conversations.find_one({"guest_ref": gref}))["_id"]
        ratings = {d["_id"] async for d in db.ratings.find({"conversation_id": conv})}

        async def folded() -> bool:  # the jobs process's folder chains the inbox about once a second
            return conv not in json.dumps(await db.audit_inbox.find({}).to_list(10_000), default=str)

        await wait_until(folded)
    finally:
        client.close()
    assert len(ratings) >= 3, ratings
    env = stack.child_env()
    verify = privacy_cli(env, "audit", "verify", "--tenant", "alpenhof")
    assert verify.returncode == 0 and "inbox: " in verify.stdout, verify.stdout + verify.stderr
    out = tmp_path / "alpenhof.jsonl"
    done = privacy_cli(env, "audit", "export", "--tenant", "alpenhof", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    writes = [x for x in lines if x["type"] == "write" and str(x["resource_id"]).startswith(conv)]
    stored = Counter(x["resource_id"] for x in writes if x["action"] == "rating.store")
    assert set(stored) == ratings and set(stored.values()) == {1}, stored  # one line per rating stored
    actions = Counter(x["action"] for x in writes)
    assert actions["conversation.store"] >= len(ratings) and all(x["actor"] == "system" for x in writes)
    chained = {x["seq"] for x in writes}
    batch_entries = [x for x in lines if x["type"] == "entry" and x.get("seq") in chained]
    assert batch_entries and {e["action"] for e in batch_entries} == {BATCH}
    chain = lines[-1]
    assert chain["type"] == "chain" and chain["ok"] is True and "pending" in chain
    # ids and counts only: nothing the guest said (a bare "4" is in any hash), nor who they are
    keys = {
        "type",
        "seq",
        "inbox",
        "at",
        "actor",
        "tenant",
        "action",
        "resource_type",
        "resource_id",
        "count",
    }
    assert all(set(x) <= keys for x in writes)
    low = text.lower()
    for said in (*[t for t in SCRIPT if len(t) > 1], guest.sender, "eggs", "balcony", "breakfast 2"):
        assert said.lower() not in low, said


async def test_tampering_with_a_folded_batch_is_found_by_its_seq(stack, tmp_path):
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    log, client = log_for(stack)
    database = log.database_of(tenant)
    try:
        await seed_inbox(log, tenant, 4)
        assert await InboxFolder(log).fold_once(tenant) == 4
        ok = privacy_cli(env, "audit", "verify", "--tenant", tenant)
        assert ok.returncode == 0 and "ok: 1 entries" in ok.stdout and "inbox: 0 pending" in ok.stdout, (
            ok.stdout
        )
        [entry] = await batches(client, database)
        entry["detail"]["records"][2]["writes"][0]["resource_id"] = "c_someone_else:overall"
        await client[database].audit.replace_one({"_id": entry["_id"]}, entry)
    finally:
        client.close()
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1 and f"BROKEN at seq {entry['seq']}: hash does not match" in done.stdout


async def test_an_inbox_record_waiting_too_long_fails_verification(stack, tmp_path):
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    log, client = log_for(stack)
    log.clock = lambda: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)  # no folder since
    try:
        await seed_inbox(log, tenant, 1)
    finally:
        client.close()
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1 and "inbox: 1 pending, oldest 36" in done.stdout, done.stdout
    assert "STALE" in done.stdout
    lenient = privacy_cli(env, "audit", "verify", "--tenant", tenant, "--max-inbox-age", "3600")
    assert lenient.returncode == 0 and "inbox: 1 pending" in lenient.stdout, lenient.stdout
    out = tmp_path / "export.jsonl"
    exported = privacy_cli(env, "audit", "export", "--tenant", tenant, "--out", str(out))
    chain = json.loads(out.read_text().splitlines()[-1])
    assert exported.returncode == 0 and chain["pending"] == 1 and chain["oldest_pending_at"], chain


async def test_a_batch_appended_but_not_deleted_before_a_crash_is_not_folded_again(stack, tmp_path):
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    log, client = log_for(stack)
    database = log.database_of(tenant)
    try:
        await seed_inbox(log, tenant, 5)
        docs = await client[database].audit_inbox.find({}).sort("_id", 1).to_list(100)
        await log.tenant(tenant, batch_record(tenant, docs))  # the append; the crash skips the delete
        await seed_inbox(log, tenant, 2, prefix="late")
        assert await InboxFolder(log).fold_once(tenant) == 2  # only the two not chained yet
        assert await client[database].audit_inbox.count_documents({}) == 0
        entries = await batches(client, database)
        assert await InboxFolder(log).fold_once(tenant) == 0
    finally:
        client.close()
    assert [e["detail"]["entries"] for e in entries] == [5, 2]
    assert set(folded_ids(entries).values()) == {1} and len(folded_ids(entries)) == 7
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 0 and "ok: 2 entries" in done.stdout, done.stdout


async def test_two_folders_running_at_once_fold_each_record_exactly_once(stack, tmp_path):
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    writers = [log_for(stack) for _ in range(3)]
    folders = [InboxFolder(log_for(stack)[0], lease=1.0, batch=20) for _ in range(2)]
    counts = [0, 0]

    async def run(i: int) -> None:
        while True:
            counts[i] += await folders[i].fold_once(tenant)
            await asyncio.sleep(0.05)

    async def write(n: int, prefix: str) -> None:
        await asyncio.gather(*(seed_inbox(w[0], tenant, n, f"{prefix}{k}") for k, w in enumerate(writers)))

    tasks = [asyncio.create_task(run(i)) for i in range(2)]
    database = writers[0][0].database_of(tenant)
    client = writers[0][1]
    clients = [c for _, c in writers] + [f.audit.client for f in folders]
    try:
        await write(40, "a")
        await wait_until(lambda: _empty(client, database))
        holder = 0 if counts[0] else 1
        tasks[holder].cancel()  # the holder stops: the other takes over when the lease runs out
        await write(40, "b")
        await wait_until(lambda: _empty(client, database))
        entries = await batches(client, database)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for c in clients:
            c.close()
    ids = folded_ids(entries)
    assert len(ids) == 240 and set(ids.values()) == {1}, ids.most_common(3)
    assert counts[1 - holder] > 0 and sum(counts) == 240, counts
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 0, done.stdout


async def _empty(client, database: str) -> bool:
    return await client[database].audit_inbox.count_documents({}) == 0


async def test_a_folder_that_lost_its_lease_stops_before_appending(stack, tmp_path):
    tenant, _, _ = scratch_tenant(stack, tmp_path)
    log, client = log_for(stack)
    database = log.database_of(tenant)
    slow = InboxFolder(log, lease=30.0)
    later = InboxFolder(log, lease=30.0, clock=lambda: time.time() + 120)  # after the lease ran out
    chained = slow._chained

    async def stall(tenant_id: str, ids: list[str]) -> set[str]:
        assert await later._take_lease(tenant_id)  # meanwhile another folder takes over
        return await chained(tenant_id, ids)

    slow._chained = stall  # type: ignore[method-assign]
    try:
        await seed_inbox(log, tenant, 3)
        with pytest.raises(LeaseLost):
            await slow.fold_once(tenant)
        assert await batches(client, database) == []
        assert await later.fold_once(tenant) == 3
        assert await slow.fold_once(tenant) == 0  # the lease is the other's now
        entries = await batches(client, database)
    finally:
        client.close()
    assert len(entries) == 1 and entries[0]["detail"]["entries"] == 3
