"""The audit hash chain against the real MongoDB-wire server: concurrent writers in one
and several processes, and tampering found by `python -m bot.privacy audit verify`."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from bot.audit.log import AuditLog, AuditRecord
from bot.base.settings import Settings
from bot.storage.mongo import connect
from tests.console.client import Browser, make_staff, mongo
from tests.stack.scratch_tenant import scratch_tenant

pytestmark = pytest.mark.stack

APPENDER = """
import asyncio, sys
from bot.audit.log import AuditLog, AuditRecord
from bot.base.settings import Settings
from bot.storage.mongo import connect

async def main(database, n, who):
    client = connect(Settings.from_env().effective_mongodb_url.value)
    log = AuditLog.from_settings(client, Settings.from_env())
    await asyncio.gather(*(
        log._append(database, AuditRecord(who, "test.append", "thing", f"{who}-{i}", "allowed"))
        for i in range(n)
    ))
    client.close()

asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
"""


def log_for(stack) -> tuple[AuditLog, object]:
    client = connect(stack.settings.effective_mongodb_url.value)
    return AuditLog.from_settings(client, stack.settings), client


def rec(i: int, actor: str = "system") -> AuditRecord:
    return AuditRecord(actor, "test.append", "thing", f"r{i}", "allowed")


def privacy_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.privacy", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["PYTHONPATH"],
        timeout=120,
    )


async def test_console_reads_are_chained_and_verify(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        assert (await b.request("GET", "/t/alpenhof/api/me"))[0] == 200
    client = mongo(stack)
    try:
        database = stack.settings.db_prefix + "alpenhof"
        docs = await client[database].audit.find({"actor": agent.id}).sort("seq", 1).to_list(10)
    finally:
        client.close()
    assert [d["action"] for d in docs] == ["console.open", "staff.read"]
    assert all(d["_id"] == d["seq"] and len(d["hash"]) == 64 and d["prev"] for d in docs)
    log, client = log_for(stack)
    try:
        result = await log.verify(database)
    finally:
        client.close()
    assert result.ok, result


async def test_50_concurrent_appends_from_five_clients_form_one_valid_chain(stack):
    database = f"{stack.settings.db_prefix}chain_{uuid.uuid4().hex[:8]}"
    logs = [log_for(stack) for _ in range(5)]
    try:
        started = time.perf_counter()
        seqs = await asyncio.gather(*(logs[i % 5][0]._append(database, rec(i)) for i in range(50)))
        elapsed = time.perf_counter() - started
        result = await logs[0][0].verify(database)
        docs = await logs[0][1][database].audit.find({}).to_list(100)
    finally:
        for _, client in logs:
            client.close()
    assert sorted(seqs) == list(range(1, 51))
    assert result.ok and result.entries == 50 and result.last_seq == 50, result
    assert {d["resource_id"] for d in docs} == {f"r{i}" for i in range(50)}
    print(f"50 concurrent appends in {elapsed:.2f} s ({50 / elapsed:.0f}/s)")


async def test_writers_in_three_processes_and_this_one_interleave_into_one_chain(stack):
    database = f"{stack.settings.db_prefix}chain_{uuid.uuid4().hex[:8]}"
    env = stack.child_env()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", APPENDER, database, "30", f"proc{i}", env=env, cwd=env["PYTHONPATH"]
        )
        for i in range(3)
    ]
    log, client = log_for(stack)
    try:
        await asyncio.gather(*(log._append(database, rec(i, "here")) for i in range(30)))
        assert [await p.wait() for p in procs] == [0, 0, 0]
        result = await log.verify(database)
        actors = await client[database].audit.distinct("actor")
    finally:
        client.close()
    assert result.ok and result.entries == 120, result
    assert set(actors) == {"here", "proc0", "proc1", "proc2"}


async def _seeded(stack, tmp_path, n: int = 10) -> tuple[str, dict[str, str], str]:
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    log, client = log_for(stack)
    try:
        for i in range(n):
            await log.tenant(tenant, rec(i))
    finally:
        client.close()
    return tenant, env, stack.settings.db_prefix + tenant


async def test_audit_verify_names_the_seq_of_a_modified_entry(stack, tmp_path):
    tenant, env, database = await _seeded(stack, tmp_path)
    ok = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert ok.returncode == 0 and "ok: 10 entries" in ok.stdout, ok.stdout + ok.stderr
    client = mongo(stack)
    try:
        await client[database].audit.update_one({"_id": 4}, {"$set": {"actor": "stf_innocent"}})
    finally:
        client.close()
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"BROKEN at seq 4\b.*modified", done.stdout), done.stdout


async def test_audit_verify_finds_a_deleted_entry_as_a_gap(stack, tmp_path):
    tenant, env, database = await _seeded(stack, tmp_path)
    client = mongo(stack)
    try:
        await client[database].audit.delete_one({"_id": 6})
    finally:
        client.close()
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1 and "BROKEN at seq 6: seq 6 is missing" in done.stdout, done.stdout


async def test_deleting_the_newest_entries_is_found_by_the_head(stack, tmp_path):
    tenant, env, database = await _seeded(stack, tmp_path)
    client = mongo(stack)
    try:
        await client[database].audit.delete_many({"seq": {"$gte": 9}})
    finally:
        client.close()
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1 and "BROKEN at seq 9: entries after seq 8 were deleted" in done.stdout
    # the verification was audited after the head (seq 11), so the gap stays for good
    again = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert again.returncode == 1 and "BROKEN at seq 9: seq 9 is missing (next is 11)" in again.stdout


async def test_an_entry_forged_without_the_audit_key_is_found(stack, tmp_path):
    tenant, env, database = await _seeded(stack, tmp_path, 3)
    other = Settings.from_env({**env, "RAPPORT_AUDIT_KEYS": "f" * 40})
    client = connect(other.effective_mongodb_url.value)
    try:
        await AuditLog.from_settings(client, other).tenant(tenant, rec(99, "stf_forger"))
    finally:
        client.close()
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1 and "BROKEN at seq 4: signed with an unknown audit key" in done.stdout


async def test_an_unchained_entry_after_the_chain_fails_verification(stack, tmp_path):
    tenant, env, database = await _seeded(stack, tmp_path, 3)
    client = mongo(stack)
    try:
        first = await client[database].audit.find_one({"_id": 1})
        await client[database].audit.insert_one(
            {**rec(7).document(first["at"] + dt.timedelta(seconds=1)), "_id": "sneaky"}
        )
    finally:
        client.close()
    done = privacy_cli(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1 and "unchained" in done.stdout, done.stdout


async def test_audit_export_is_json_lines_ending_with_the_chain_and_is_audited(stack, tmp_path):
    tenant, env, database = await _seeded(stack, tmp_path, 5)
    out = tmp_path / "export.jsonl"
    done = privacy_cli(env, "audit", "export", "--tenant", tenant, "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    entries, chain = lines[:-1], lines[-1]
    # the five seeded entries and the export's own record, written before reading
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5, 6] and {e["type"] for e in entries} == {"entry"}
    assert entries[-1]["action"] == "audit.export" and entries[-1]["actor"] == f"cli:{os.getuid()}"
    assert chain["type"] == "chain" and chain["ok"] is True and chain["last_seq"] == 6
    assert chain["last_hash"] == entries[-1]["hash"] and entries[1]["prev"] == entries[0]["hash"]
    again = privacy_cli(env, "audit", "export", "--tenant", tenant, "--out", str(out))
    assert again.returncode == 2 and "out_exists" in again.stderr
    client = mongo(stack)
    try:
        control = await client[stack.settings.control_db].audit.find_one(
            {"action": "audit.export", "tenant": tenant}
        )
    finally:
        client.close()
    assert control is not None and control["actor"] == f"cli:{os.getuid()}"


async def test_verify_without_arguments_covers_every_tenant_and_control(stack):
    done = privacy_cli(stack.child_env(), "audit", "verify")
    lines = done.stdout.splitlines()
    assert {line.split(":")[0] for line in lines} >= {"alpenhof", "laguna", "control"}, done.stdout
    assert done.returncode == 0, done.stdout + done.stderr


async def test_the_systems_writes_of_personal_data_are_audited_write_by_write(stack):
    """Each turn's writes go to the inbox (actor system, ids only) and are chained by the
    console's folder as a batch; an escalation is chained at once."""
    from bot.audit.log import expand_batch
    from bot.base.refs import guest_ref
    from tests.stack.client import Guest, tenant_db

    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    await guest.say("I would like to talk to a person please")
    client = mongo(stack)
    try:
        db = tenant_db(stack, client, "alpenhof")
        ref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
        conv = (await db.conversations.find_one({"guest_ref": ref}))["_id"]
        for _ in range(100):  # the folder runs about once a second
            if conv not in json.dumps(await db.audit_inbox.find({}).to_list(10_000), default=str):
                break
            await asyncio.sleep(0.2)
        direct = [d async for d in db.audit.find({"resource_id": conv})]
        # $in: nx-27017 matches no array element by equality once the field is indexed
        batches = [d async for d in db.audit.find({"resources": {"$in": [conv]}})]
    finally:
        client.close()
    assert [(e["actor"], e["action"]) for e in direct] == [("system", "handover.escalate")]
    writes = [w for e in batches for w in expand_batch(e) if w["resource_id"] == conv]
    assert Counter(w["action"] for w in writes) == {"conversation.store": 2, "transcript.append": 1}
    assert all(w["actor"] == "system" for w in writes)
    assert all("hash" in e and guest.sender not in json.dumps(e, default=str) for e in direct + batches)
    log, client = log_for(stack)
    try:
        assert (await log.verify(stack.settings.db_prefix + "alpenhof")).ok
    finally:
        client.close()
