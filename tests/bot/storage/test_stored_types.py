"""StrEnum members through the real embedded MongoDB-wire server (its own instance):
inserted, written by update operators and used in filters, they are stored and read
back as the plain strings (the documents are the same as before the enums)."""

from __future__ import annotations

import pytest

from bot.base.names import HANDOVERS
from bot.base.settings import Settings
from bot.base.states import Channel, DsrStatus, HandoverState
from bot.handover.store import HandoverStore
from bot.privacy.requests import DsrStore
from bot.stack import Stack
from bot.storage.mongo import MongoStore, connect
from tests.conftest import free_port


@pytest.fixture()
def store(tmp_path):
    settings = Settings.from_env({"RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_MONGO_PORT": str(free_port())})
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), "rapport_test_")
    yield mongo
    mongo.client.close()
    stack.stop()


async def test_members_are_stored_and_found_as_plain_strings(store):
    coll = store.database("alpenhof")["enums"]
    await coll.insert_one({"_id": "a", "state": HandoverState.WAITING, "channel": Channel.SMS})
    await coll.update_one({"_id": "a"}, {"$set": {"status": DsrStatus.PENDING}})
    doc = await coll.find_one({"state": {"$in": [HandoverState.WAITING]}, "channel": Channel.SMS})
    assert doc == {
        "_id": "a",
        "state": "waiting_for_staff",
        "channel": "sms",
        "status": "verification_pending",
    }
    assert all(type(doc[k]) is str for k in ("state", "channel", "status"))


async def test_handover_and_request_documents_keep_their_strings(store):
    handovers = HandoverStore(store, "alpenhof")
    doc, escalated = await handovers.escalate(
        "c_1", reason="low_score", guest_ref="g_1", channel=Channel.SMS, language="en"
    )
    assert escalated and doc["state"] == "waiting_for_staff" and type(doc["state"]) is str
    taken = await handovers.take("c_1", "s_1")
    raw = await store.database("alpenhof")[HANDOVERS].find_one({"_id": "c_1"})
    assert taken["state"] == raw["state"] == "with_staff" and type(raw["state"]) is str
    assert [m["author"] for m in await handovers.record("c_1", "g_1", [("guest", "hi")])] == ["guest"]
    dsr = DsrStore(store, "alpenhof", Settings.from_env({}).guest_key)
    request = await dsr.create(type_="erasure", guest_ref="g_1", channel=Channel.SMS, language="en")
    stored = await dsr.get(request["_id"])
    assert (stored["type"], stored["status"], stored["channel"]) == ("erasure", "received", "sms")
    assert all(type(stored[k]) is str for k in ("type", "status", "channel"))
