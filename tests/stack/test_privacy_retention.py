"""Retention deletes what is older than the tenant's period (ratings folded into anonymous
aggregates first) and keeps the rest; the CLI commands of tenant offboarding, retention
and operator export/erasure are dry runs unless confirmed."""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.base.turn import Answer
from bot.handover.store import HandoverStore
from bot.privacy.cli import main
from bot.privacy.retention import AGGREGATES, run_retention
from bot.storage.documents import conversation_document, rating_document
from tests.stack.test_privacy_erasure import privacy  # noqa: F401
from tests.stack.test_sms import HELLO, QUESTION_OVERALL, Phone

pytestmark = pytest.mark.stack


async def _conversation(privacy, tenant: str, age_days: float) -> str:  # noqa: F811
    at = datetime.now(UTC) - timedelta(days=age_days)
    cid, gref = "c_" + secrets.token_hex(12), "g_" + secrets.token_hex(16)
    answer = Answer(question="overall", kind="rating", raw="4", value=4, score=0.75, message_id="m")
    await privacy.mongo.ratings(tenant).save(
        rating_document(
            tenant_id=tenant,
            conversation_id=cid,
            guest_ref=gref,
            channel="sms",
            language="en",
            answer=answer,
            now=at,
        )
    )
    state = {"channel": "sms", "lang": "en", "status": "completed", "answers": {"overall": 4}}
    await privacy.mongo.conversations(tenant).record_turn(
        conversation_document(tenant_id=tenant, conversation_id=cid, guest_ref=gref, state=state, now=at)
    )
    handovers = HandoverStore(privacy.mongo, tenant)
    await handovers.record(cid, gref, [("guest", "The shower was cold every morning")], publish=False)
    await handovers.messages.update_many({"conversation": cid}, {"$set": {"at": at}})
    return cid


async def test_retention_deletes_old_conversations_and_keeps_aggregates(stack, privacy):  # noqa: F811
    tenant = "ret_" + secrets.token_hex(4)
    old, recent = await _conversation(privacy, tenant, 400), await _conversation(privacy, tenant, 10)
    db = privacy.db(tenant)

    dry = await run_retention(privacy, tenant, 365)
    assert dry["would_delete"]["ratings"] == 1 and dry["would_delete"]["conversations"] == 1
    assert await db.ratings.count_documents({}) == 2

    report = await run_retention(privacy, tenant, 365, confirm=True, actor="test")

    assert report["deleted"]["ratings"] == 1 and report["deleted"]["messages"] == 1
    assert await db.ratings.distinct("conversation_id") == [recent]
    assert [d["_id"] async for d in db.conversations.find({}, {"_id": 1})] == [recent]
    assert await db.messages.count_documents({"conversation": old}) == 0
    assert await db.messages.count_documents({"conversation": recent}) == 1
    (aggregate,) = [d async for d in db[AGGREGATES].find({})]
    assert aggregate["count"] == 1 and aggregate["score_sum"] == 0.75 and "guest_ref" not in aggregate
    audit = await db.audit.find_one({"action": "retention.run"})
    assert audit["actor"] == "test" and audit["detail"]["ratings"] == 1
    await privacy.mongo.drop_tenant(tenant)


async def _cli(stack, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = await asyncio.to_thread(main, list(argv), env=stack.child_env(), out=out)
    return code, out.getvalue()


async def test_cli_dry_runs_change_nothing_and_confirm_erases(stack, privacy):  # noqa: F811
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for_text(QUESTION_OVERALL)
    from tests.stack.test_privacy_erasure import sms_ref

    gref = sms_ref(stack, phone.number)
    code, out = await _cli(stack, "dsr", "erase", "--tenant", "alpenhof", "--guest-ref", gref)
    assert code == 0 and "dry run" in out and phone.number not in out
    assert await privacy.db("alpenhof").contacts.count_documents({"_id": gref}) == 1
    code, out = await _cli(stack, "dsr", "export", "--tenant", "alpenhof", "--guest-ref", gref)
    assert code == 0 and json.loads(out)["profile"]["contacts"][0]["address"] == phone.number
    code, out = await _cli(stack, "tenant", "delete", "--tenant", "laguna")
    assert code == 0 and "dry run" in out
    code, out = await _cli(stack, "retention", "run")
    assert code == 0 and out.count('"would_delete"') == 2
    started = time.time()
    code, out = await _cli(
        stack, "dsr", "erase", "--tenant", "alpenhof", "--guest-ref", gref, "--confirm", "--deep"
    )
    assert code == 0, out
    report = json.loads(out[: out.rindex("}") + 1])
    assert report["scan"]["clean"] and report["finished_at"] >= started
    # --deep read every document and every Redis value (none searched by index only)
    searched = report["scan"]["searched"]
    assert report["scan"]["deep"] and searched["documents"] >= 1
    assert searched.get("redis_values", 0) == searched["redis_keys"]
    assert "indexed_collections" not in searched
    assert await privacy.db("alpenhof").contacts.count_documents({"_id": gref}) == 0
