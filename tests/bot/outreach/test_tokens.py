"""API tokens against the real embedded MongoDB-wire server: shown once and stored as a
hash, found only in their own tenant, revocable, last use recorded, names checked."""

from __future__ import annotations

import pytest

from bot.base.errors import InvalidInput
from bot.base.names import API_TOKENS
from bot.outreach.tokens import MAX_ACTIVE, TokenStore, bearer, digest


async def test_a_token_is_stored_as_its_hash_and_verified(mongo):
    store = TokenStore(mongo, "alpenhof")
    token, made = await store.create("  Mews   middleware ", by="st_admin", now=100.0)
    assert token.startswith("rpt_") and len(token) == 47 and made.name == "Mews middleware"
    doc = await mongo.database("alpenhof")[API_TOKENS].find_one({"_id": made.id})
    assert doc["hash"] == digest(token) and token not in str(doc)
    assert (doc["created_at"], doc["created_by"], doc["last_used_at"], doc["revoked_at"]) == (
        100.0,
        "st_admin",
        0,
        0,
    )
    found = await store.verify(token, now=200.0)
    assert found is not None and found.id == made.id and found.last_used_at == 200.0
    (listed,) = await store.list()
    assert (
        listed.last_used_at == 200.0 and "hash" not in listed.public() and token not in str(listed.public())
    )


async def test_unknown_malformed_other_tenant_and_revoked_tokens_are_all_none(mongo):
    alpenhof, laguna = TokenStore(mongo, "alpenhof"), TokenStore(mongo, "laguna")
    token, made = await alpenhof.create("PMS", by="st_a")
    assert await laguna.verify(token) is None  # another tenant's: unknown there
    assert await alpenhof.verify("rpt_" + "x" * 43) is None
    for junk in (None, "", token + "x", token[:-1], "Bearer " + token, token.upper()):
        assert await alpenhof.verify(junk) is None, junk
    revoked = await alpenhof.revoke(made.id, by="st_b", now=300.0)
    assert revoked is not None and revoked.revoked_at == 300.0 and revoked.revoked_by == "st_b"
    assert await alpenhof.verify(token) is None
    assert (await alpenhof.lookup(token)).revoked  # the API audits a revoked token's try
    again = await alpenhof.revoke(made.id, by="st_c", now=400.0)
    assert again.revoked_at == 300.0 and again.revoked_by == "st_b"  # revoking twice changes nothing
    assert await alpenhof.revoke("tok_000000000000", by="st_b") is None
    assert await laguna.revoke(made.id, by="st_b") is None  # not laguna's
    assert await alpenhof.revoke("../etc", by="st_b") is None


async def test_names_are_checked_and_valid_tokens_are_capped(mongo):
    store = TokenStore(mongo, "alpenhof")
    for name in (None, "", "   ", 5, "x" * 65, "a\x00b"):
        with pytest.raises(InvalidInput):
            await store.create(name, by="st_a")
    made = [await store.create(f"t{i}", by="st_a") for i in range(MAX_ACTIVE)]
    with pytest.raises(InvalidInput) as e:
        await store.create("one more", by="st_a")
    assert e.value.code == "too_many_tokens"
    await store.revoke(made[0][1].id, by="st_a")
    await store.create("one more", by="st_a")
    listed = await store.list()
    assert listed[-1].revoked and not any(t.revoked for t in listed[:-1])


def test_bearer_header():
    assert bearer("Bearer rpt_abc") == "rpt_abc" and bearer("bearer  rpt_abc ") == "rpt_abc"
    for header in (None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "rpt_abc"):
        assert bearer(header) is None, header


async def test_tokens_live_in_the_tenants_database_and_go_with_it(mongo):
    """Offboarding drops the tenant's database (bot/privacy/offboard.py `drop_tenant`)."""
    store = TokenStore(mongo, "scratch_tokens")
    token, _ = await store.create("PMS", by="st_a")
    assert store.collection.database.name == mongo.database("scratch_tokens").name
    await mongo.drop_tenant("scratch_tokens")
    assert await store.verify(token) is None and await store.list() == []
