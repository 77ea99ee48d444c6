"""Export download links in the privacy registry (real nx-27017): any erasure removes a
guest's links, an export lists them without their sealed content, and the purge removes
every expired and every used link (not only the first: no `$or` in a write)."""

from __future__ import annotations

from types import SimpleNamespace

from bot.base.names import DSR_EXPORTS
from bot.base.sealing import Cipher
from bot.base.settings import Secret
from bot.privacy.links import ExportLinks
from bot.privacy.stores import STORES, Subject

CIPHER = Cipher([Secret("data-key-" + "d" * 40)])


def _store():
    (store,) = [s for s in STORES if s.name == "dsr_exports"]
    return store


async def test_the_registry_exports_scans_and_erases_a_guests_links(mongo):
    links = ExportLinks(mongo, "alpenhof", CIPHER)
    await links.create("r1", "g_one", {"data": {"secret": "Ottoline"}}, now=1000.0)
    await links.create("r2", "g_one", {"data": {}}, now=1000.0)
    await links.create("r3", "g_two", {"data": {}}, now=1000.0)
    ctx = SimpleNamespace(db=mongo.database, mongo=mongo)
    store, one = _store(), Subject("alpenhof", "g_one")
    exported = await store.export(ctx, one)
    assert sorted(d["request"] for d in exported) == ["r1", "r2"]
    assert all("export" not in d for d in exported) and "Ottoline" not in repr(exported)
    assert await store.scan(ctx, one) >= 1
    assert await store.erase(ctx, one) == 2
    assert await store.scan(ctx, one) == 0
    assert await mongo.database("alpenhof")[DSR_EXPORTS].count_documents({}) == 1  # the other guest's


async def test_the_purge_removes_every_expired_and_every_used_link(mongo):
    links = ExportLinks(mongo, "alpenhof", CIPHER)
    tokens = [(await links.create(f"r{i}", f"g{i}", {"data": {}}, now=float(i)))[0] for i in range(6)]
    for token in tokens[:2]:
        assert await links.redeem(token, now=10.0) is not None  # used
    fresh, _ = await links.create("r9", "g9", {"data": {}}, now=100_000.0)
    assert await links.purge(now=100_000.0) == 6  # 2 used + 4 expired (24 h after 0..5 s)
    assert await links.redeem(fresh, now=100_001.0) is not None
