"""MongoDB storage against the real embedded MongoDB-wire server (its own instance,
so killing it does not disturb other tests): idempotent writes, indexes, erasure and
export, and an acknowledged write surviving `kill -9`."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime

import pytest

from bot.base.settings import Settings
from bot.base.turn import Answer
from bot.ratings import Scale
from bot.stack import Stack
from bot.storage.documents import rating_document
from bot.storage.mongo import RATING_INDEXES, MongoStore, connect
from tests.conftest import free_port


@pytest.fixture()
def mongo_server(tmp_path):
    settings = Settings.from_env({"RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_MONGO_PORT": str(free_port())})
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    yield stack
    stack.stop()


def _doc(conversation: str, question: str, value: float, guest: str = "g_1") -> dict:
    answer = Answer(question, "rating", raw=str(value), value=value, score=value / 5, scale=Scale(1, 5))
    return rating_document(
        tenant_id="alpenhof",
        conversation_id=conversation,
        guest_ref=guest,
        channel="rest",
        language="en",
        answer=answer,
        now=datetime.now(UTC),
    )


def _store(stack: Stack) -> MongoStore:
    return MongoStore(connect(stack.settings.effective_mongodb_url.value), "rapport_test_")


async def test_saving_the_same_answer_twice_stores_it_once(mongo_server):
    store = _store(mongo_server)
    await store.ensure_indexes("alpenhof")
    ratings = store.ratings("alpenhof")
    for _ in range(3):
        await ratings.save(_doc("c_1", "room", 4))
    await ratings.save(_doc("c_1", "room", 5))  # a correction replaces
    docs = await ratings.for_conversation("c_1")
    assert [(d["question"], d["value"]) for d in docs] == [("room", 5)]
    store.client.close()


async def test_indexes_for_reports_and_erasure_exist(mongo_server):
    store = _store(mongo_server)
    await store.ensure_indexes("alpenhof")
    info = await store.database("alpenhof").ratings.index_information()
    # compare by fields: the embedded server names indexes its own way and reports
    # every key as ascending (SQLite indexes serve both directions)
    have = {tuple(f for f, _ in i["key"]): i.get("unique", False) for i in info.values()}
    for model in RATING_INDEXES:
        keys = tuple(model.document["key"])
        assert keys in have, keys
        assert have[keys] == model.document.get("unique", False)
    store.client.close()


async def test_export_and_erase_by_guest_touch_only_that_guest(mongo_server):
    store = _store(mongo_server)
    ratings = store.ratings("alpenhof")
    await ratings.save(_doc("c_1", "room", 4, guest="g_a"))
    await ratings.save(_doc("c_2", "room", 2, guest="g_b"))
    assert [d["conversation_id"] for d in await ratings.export_guest("g_a")] == ["c_1"]
    assert await ratings.erase_guest("g_a") == 1
    assert await ratings.export_guest("g_a") == []
    assert len(await ratings.export_guest("g_b")) == 1
    store.client.close()


async def test_invalid_tenant_ids_never_reach_the_server(mongo_server):
    from bot.base.errors import UnknownTenant

    store = _store(mongo_server)
    for bad in ("", "../admin", "a", {"$gt": ""}, "Alpenhof", "x" * 40):
        with pytest.raises(UnknownTenant):
            store.database(bad)  # type: ignore[arg-type]
    store.client.close()


async def test_acknowledged_write_survives_kill_9(mongo_server):
    store = _store(mongo_server)
    await store.ratings("alpenhof").save(_doc("c_kill", "overall", 3))
    store.client.close()
    child = mongo_server.children[0]
    os.kill(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=10)
    mongo_server.children.clear()
    mongo_server._start_mongo(lambda m: None)
    store = _store(mongo_server)
    docs = await store.ratings("alpenhof").for_conversation("c_kill")
    assert [(d["question"], d["value"]) for d in docs] == [("overall", 3)]
    store.client.close()
