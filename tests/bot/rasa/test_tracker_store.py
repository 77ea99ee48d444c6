"""The tracker store against a real embedded Valkey."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.base.settings import Settings
from bot.rasa.tracker_store import RapportTrackerStore
from bot.stack import Stack
from tests.conftest import free_port

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  rapport:
    type: any
    influence_conversation: false
    mappings: [{type: custom}]
""")


@pytest.fixture()
def redis_server(tmp_path):
    stack = Stack(
        Settings.from_env({"RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_REDIS_PORT": str(free_port())}),
        progress=lambda m: None,
    )
    stack._start_redis(lambda m: None)
    yield stack
    stack.stop()


def _store(stack: Stack) -> RapportTrackerStore:
    return RapportTrackerStore(
        DOMAIN, host="127.0.0.1", port=str(stack.settings.redis_port), db="0", guest_key="k"
    )


def _tracker(sender: str, *events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, list(events), slots=DOMAIN.slots)


async def test_round_trip_keeps_events_and_slots(redis_server):
    store = _store(redis_server)
    sender = "alpenhof~+447700900123"
    tracker = _tracker(
        sender, ActionExecuted("action_listen"), UserUttered("hi"), SlotSet("rapport", {"lang": "en"})
    )
    await store.save(tracker)
    back = await store.retrieve(sender)
    assert back.sender_id == sender
    assert [e.as_dict()["event"] for e in back.events] == ["action", "user", "slot"]
    assert back.get_slot("rapport") == {"lang": "en"}
    assert await store.retrieve("alpenhof~someone-else") is None


async def test_keys_are_pseudonymous_and_per_tenant(redis_server):
    store = _store(redis_server)
    await store.save(_tracker("alpenhof~+447700900123", UserUttered("hi")))
    await store.save(_tracker("laguna~+447700900123", UserUttered("ciao")))
    keys = [k async for k in store.redis.scan_iter()]
    assert not [k for k in keys if "7700900123" in k]
    assert len(await store.tenant_keys("alpenhof")) == 1
    assert len(await store.tenant_keys("laguna")) == 1
    assert store.key("alpenhof~a") != store.key("laguna~a")
    assert store.key("alpenhof~a") != RapportTrackerStore(DOMAIN, guest_key="other").key("alpenhof~a")


async def test_erase_removes_one_conversation(redis_server):
    store = _store(redis_server)
    await store.save(_tracker("alpenhof~a", UserUttered("hi")))
    await store.save(_tracker("alpenhof~b", UserUttered("hi")))
    assert await store.erase("alpenhof~a") is True
    assert await store.retrieve("alpenhof~a") is None
    assert await store.retrieve("alpenhof~b") is not None
    assert await store.erase("alpenhof~a") is False


async def test_retrieve_returns_the_last_session_and_full_tracker_all(redis_server):
    store = _store(redis_server)
    sender = "alpenhof~s"
    await store.save(
        _tracker(
            sender,
            ActionExecuted("action_session_start"),
            SessionStarted(),
            UserUttered("old"),
            ActionExecuted("action_session_start"),
            SessionStarted(),
            UserUttered("new"),
        )
    )
    last = await store.retrieve(sender)
    assert [e.text for e in last.events if isinstance(e, UserUttered)] == ["new"]
    full = await store.retrieve_full_tracker(sender)
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["old", "new"]


async def test_record_expiry_is_applied(redis_server):
    store = RapportTrackerStore(
        DOMAIN, host="127.0.0.1", port=redis_server.settings.redis_port, guest_key="k", record_exp=60
    )
    await store.save(_tracker("alpenhof~x", UserUttered("hi")))
    assert 0 < await store.redis.ttl(store.key("alpenhof~x")) <= 60


async def test_a_restarted_redis_is_reconnected_transparently(redis_server):
    import os
    import signal

    store = _store(redis_server)
    await store.save(_tracker("alpenhof~r", UserUttered("hi")))
    child = redis_server.children.pop()
    os.kill(child.process.pid, signal.SIGTERM)  # graceful: the AOF is flushed
    child.process.wait(timeout=10)
    redis_server._start_redis(lambda m: None)
    back = await store.retrieve("alpenhof~r")  # pooled connection is dead; no error surfaces
    assert back is not None and back.latest_message.text == "hi"


@pytest.mark.parametrize("method", ["retrieve", "retrieve_full_tracker"])
async def test_rasas_failsafe_wrapper_passes_errors_through(method):
    from rasa.core.tracker_store import FailSafeTrackerStore
    from redis.exceptions import ConnectionError as RedisConnectionError

    dead = RapportTrackerStore(DOMAIN, host="127.0.0.1", port=free_port(), guest_key="k")
    wrapped = FailSafeTrackerStore(dead)
    with pytest.raises(RedisConnectionError):
        await getattr(wrapped, method)("alpenhof~x")
    with pytest.raises(RedisConnectionError):
        await wrapped.save(_tracker("alpenhof~x", UserUttered("hi")))
