"""The handover store's indexes exist once it is used (issue 14: they were defined but
never created, so each REST turn's look-up of waiting staff messages read the whole
transcript), and `undelivered` answers as before: staff and system messages not yet
acknowledged, oldest first, at most `limit`, only this guest's."""

from __future__ import annotations

import asyncio

from bot.base.states import Author
from bot.handover.store import HandoverStore


async def test_indexes_created_on_first_use_and_once(mongo):
    store = HandoverStore(mongo, "alpenhof")
    assert await store.undelivered("g-1") == []
    keys = [list(i["key"]) async for i in store.messages.list_indexes()]
    assert ["guest_ref"] in keys and ["conversation", "seq"] in keys
    keys = [list(i["key"]) async for i in store.handovers.list_indexes()]
    assert ["guest_ref"] in keys and ["state", "updated_at"] in keys
    calls = []

    async def counted() -> None:
        calls.append(1)

    other = HandoverStore(mongo, "alpenhof")
    other.ensure_indexes = counted  # type: ignore[method-assign]
    await other.undelivered("g-1")
    assert calls == []  # this client has made them for the tenant already


async def test_undelivered_is_this_guests_staff_and_system_messages_oldest_first(mongo):
    store = HandoverStore(mongo, "alpenhof")
    await store.record("c-1", "g-1", [(Author.GUEST, "hello")], publish=False)
    await store.record("c-1", "g-1", [(Author.STAFF, "first")], staff="s-1", publish=False, delivered=False)
    await asyncio.sleep(0.01)
    await store.record("c-1", "g-1", [(Author.BOT, "bot says")], publish=False, delivered=False)
    await store.record("c-1", "g-1", [(Author.SYSTEM, "second")], publish=False, delivered=False)
    await store.record("c-1", "g-1", [(Author.STAFF, "seen")], staff="s-1", publish=False, delivered=True)
    await store.record(
        "c-2", "g-2", [(Author.STAFF, "other guest")], staff="s-1", publish=False, delivered=False
    )
    waiting = await store.undelivered("g-1")
    assert [m["text"] for m in waiting] == ["first", "second"]
    assert [m["text"] for m in await store.undelivered("g-1", limit=1)] == ["first"]
    assert await store.acknowledge(waiting[0]["_id"], "g-1")
    assert [m["text"] for m in await store.undelivered("g-1")] == ["second"]
