"""Erasure down to the disk: inbound jobs are sealed at rest (the job collection never
holds a guest's number, address or text, not even while a turn waits), and after an SMS
conversation and a verified erasure the embedded servers' files — nx-27017's SQLite
files with their `-wal` and `-shm`, Valkey's append-only files — hold neither the
guest's number nor any of their messages; the verification scan searches those files
and would have found them."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
from pathlib import Path

import pytest

from bot.base.sealing import Cipher
from bot.base.settings import Secret
from bot.inbox.queue import RetryPolicy, TurnQueue, keyed_job_id, payload_aad
from bot.privacy import locks
from bot.privacy.erasure import erase_guest, scan_guest
from bot.privacy.stores import resolve
from tests.stack import test_privacy_erasure as erasure_tests
from tests.stack.test_sms import HELLO, QUESTION_OVERALL, QUESTION_ROOM, Phone

pytestmark = pytest.mark.stack


privacy = erasure_tests.privacy  # the same fixture
_number = erasure_tests._number


def _embedded(stack) -> None:
    if stack.settings.mongodb_url is not None or stack.settings.redis_url is not None:
        pytest.skip("searches the embedded servers' files")


def files_holding(data_dir: Path, needles: list[str]) -> dict[str, list[str]]:
    """{needle: [files under the servers' folders whose raw bytes hold it]} (raw, as a
    disk image would be read; JSON-escaped forms too)."""
    found: dict[str, list[str]] = {}
    files = [p for d in ("mongo", "redis") for p in (data_dir / d).rglob("*") if p.is_file()]
    for needle in needles:
        forms = {needle.encode(), json.dumps(needle)[1:-1].encode()}
        where = [str(p.relative_to(data_dir)) for p in files if any(f in p.read_bytes() for f in forms)]
        if where:
            found[needle] = where
    return found


async def test_a_job_payload_is_sealed_and_still_opens_for_its_turn(stack, privacy):
    coll = privacy.db("alpenhof")["test_jobs_" + secrets.token_hex(4)]
    queue = TurnQueue(coll, RetryPolicy(lease=0), privacy.cipher, "alpenhof")
    number, text = _number(), "sealed text " + secrets.token_hex(6)
    job = await queue.accept("SM" + "1" * 32, {"from_number": number, "body": text}, guest_ref="g_x")
    assert job is not None and job.payload == {"from_number": number, "body": text}
    raw = await coll.find_one({"_id": job.id})
    stored = json.dumps(raw, default=str)
    assert number not in stored and number[1:] not in stored and text not in stored
    assert isinstance(raw["payload"], str) and raw["payload"].startswith("v1.")
    claimed = await queue.claim_due()
    assert claimed is not None and claimed.payload == {"from_number": number, "body": text}
    # a job written before sealing (a plain subdocument) is still run after an upgrade
    await coll.insert_one(
        {"_id": "SM" + "2" * 32, "state": "pending", "attempts": 1, "due_at": 0, "payload": {"body": text}}
    )
    legacy = await queue.claim_due()
    assert legacy is not None and legacy.payload == {"body": text}
    # a seal moved to another job, or one no configured key opens, is not run
    other = TurnQueue(coll, RetryPolicy(lease=0), Cipher([Secret("another key " * 3)]), "alpenhof")
    await other.accept("SM" + "3" * 32, {"body": text})
    await coll.update_one({"_id": "SM" + "3" * 32}, {"$set": {"due_at": 0}})
    moved = privacy.cipher.seal(
        json.dumps({"body": text}), payload_aad("alpenhof", coll.name, "SM" + "5" * 32)
    )
    await coll.insert_one(
        {"_id": "SM" + "4" * 32, "state": "pending", "attempts": 1, "due_at": 0, "payload": moved}
    )
    unreadable = [await queue.claim_due(now=10**10), await queue.claim_due(now=10**10)]
    assert sorted(j.id for j in unreadable) == ["SM" + "3" * 32, "SM" + "4" * 32]
    assert all(j.payload is None for j in unreadable)
    await coll.drop()


def test_an_email_job_id_is_a_keyed_hash_of_the_message_id():
    mid = "<maria.rossi.1990@mail.example>"
    job = keyed_job_id("key", "alpenhof", mid)
    assert job == keyed_job_id("key", "alpenhof", mid)  # a redelivery is still a duplicate
    assert "maria" not in job and job != keyed_job_id("key", "seeblick", mid)


async def test_a_waiting_sms_turn_keeps_no_plain_number_or_text_in_the_job(stack, privacy):
    phone = Phone(stack, number=_number())
    text = "Hello, feedback about my stay from room " + secrets.token_hex(4)
    guest = "sms-" + (await _ref_parts(stack, phone.number))
    inbound = privacy.db("alpenhof").sms_inbound
    store = locks.lock_store(stack.settings.effective_redis_url.value, stack.settings.guest_key.value)
    form = phone.form(text)
    async with locks.holding(store, [f"alpenhof~{guest}"]):  # the turn waits for this lock
        status, _ = await phone.post(form)
        assert status == 200
        doc = await inbound.find_one({"_id": form["MessageSid"]})
        await asyncio.sleep(0.5)
        assert (await inbound.find_one({"_id": form["MessageSid"]}))["state"] == "pending"
    raw = json.dumps(doc, default=str)
    assert doc["state"] == "pending" and "payload" in doc
    assert phone.number not in raw and phone.number[1:] not in raw and text not in raw
    assert set(doc) == {"_id", "state", "attempts", "received_at", "due_at", "payload", "guest_ref"}
    assert await phone.wait_for(1, timeout=60)  # and the turn ran from the sealed payload


async def _ref_parts(stack, number: str) -> str:
    from bot.base.refs import guest_ref

    return guest_ref(stack.settings.guest_key, "alpenhof", number)[2:26]


async def test_after_a_verified_erasure_no_file_holds_the_number_or_the_messages(stack, privacy):
    _embedded(stack)
    phone = Phone(stack, number=_number())
    tag = secrets.token_hex(4)
    texts = [
        f"The minibar in room {tag} was empty and nobody refilled it",
        f"Please tell the night porter {tag} that the door was loud",
    ]
    await phone.post(phone.form(HELLO))
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.post(phone.form("4"))
    await phone.wait_for_text(QUESTION_ROOM)
    await phone.post(phone.form("2"))
    await phone.wait_for(3)
    for n, text in enumerate(texts):
        await phone.post(phone.form(text))
        await phone.wait_for(4 + n)
    from bot.base.refs import guest_ref

    gref = guest_ref(stack.settings.guest_key, "alpenhof", "sms-" + await _ref_parts(stack, phone.number))
    needles = [phone.number, phone.number[1:], *texts]
    data_dir = stack.settings.data_dir
    # her words are on disk before (the number is not: jobs and contacts are sealed);
    # the test's search and the scan's both see them
    assert set(files_holding(data_dir, needles)) == set(texts)
    subject = await resolve(privacy, "alpenhof", gref)
    before = await scan_guest(privacy, subject, texts)
    on_disk = {
        (h["where"].split("/")[0], h["kind"]) for h in before["hits"] if h["where"].startswith("file:")
    }
    assert ("file:redis", "text") in on_disk, before["hits"]  # the tracker's history
    assert before["searched"]["data_files"] >= 4 and before["disk"]["mongodb"].startswith("embedded")

    report = await erase_guest(privacy, "alpenhof", gref, actor="test")

    assert report["scan"]["clean"], report["scan"]
    assert report["compacted"]["redis"]["rewritten"] and report["compacted"]["mongodb"]["wal_truncated"]
    assert report["scan"]["searched"]["data_files"] >= 4
    assert files_holding(data_dir, needles) == {}
    assert not any(n.lower() in json.dumps(report).lower() for n in needles)  # counts only


async def test_a_deleted_row_left_in_a_page_gap_is_found_and_vacuumed_away(stack, privacy):
    """SQLite zeroes a deleted row, but a B-tree rebalance leaves copies of moved rows in
    the pages' unallocated space: the scan finds the guest there, the erasure VACUUMs."""
    _embedded(stack)
    name = "Zelda Quintessa " + secrets.token_hex(4)
    coll = privacy.db("alpenhof")["scratch_gap_" + secrets.token_hex(4)]
    rng = random.Random(5)
    await coll.insert_many(
        [
            {"_id": i, "who": name if i % 2 else "someone", "pad": "x" * rng.randint(10, 300)}
            for i in range(6000)
        ]
    )
    for size in (60, 150, 250, 400):  # documents that grow: pages rebalanced
        grown = rng.sample(range(6000), 1500)
        await coll.update_many({"_id": {"$in": grown}}, {"$set": {f"more{size}": "y" * size}})
    await coll.delete_many({"who": name})
    gref = "g_" + secrets.token_hex(16)  # a guest known by name only

    report = await erase_guest(privacy, "alpenhof", gref, names=[name], actor="test")

    assert report.get("lingering", 0) >= 1, report["scan"]  # found in a page's gap ...
    assert report["compacted"]["mongodb"]["vacuum"]  # ... and VACUUMed away
    assert report["scan"]["clean"], report["scan"]
    assert files_holding(stack.settings.data_dir, [name]) == {}
    await coll.drop()
