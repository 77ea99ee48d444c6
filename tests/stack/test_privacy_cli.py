"""`python -m bot.privacy keys rotate` and `subprocessors ...`, and the console's register
route, against the running stack (MongoDB-wire server, fake SMTP, console)."""

from __future__ import annotations

import asyncio
import io
import os
import uuid

import aiohttp
import pytest

from bot.base.sealing import Cipher
from bot.base.settings import Secret
from bot.privacy.cli import main
from bot.privacy.commands.keys import SEALED, Tally, _reseal
from bot.staff.accounts import StaffStore
from bot.staff.passwords import hash_password
from bot.storage.contacts import Contact, ContactStore
from bot.storage.mongo import MongoStore
from tests.console.client import PASSWORD, Browser, make_staff, mongo
from tests.stack.scratch_tenant import rewrite_tenant, scratch_tenant

pytestmark = pytest.mark.stack

OLD, NEW = Secret("old-data-key-" + "o" * 30), Secret("new-data-key-" + "n" * 30)


async def cli(env: dict[str, str], *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = await asyncio.to_thread(main, list(argv), env=env, out=out)
    return code, out.getvalue()


def contacts(stack, tenant: str, *keys: Secret) -> tuple[ContactStore, object]:
    client = mongo(stack)
    return ContactStore(MongoStore(client, stack.settings.db_prefix), tenant, Cipher(keys)), client


def guest(i: int) -> Contact:
    return Contact(
        f"g{i:03d}", "email", f"guest{i}@mail.example", "feedback@hotel.example", {"subject": f"s{i}"}
    )


async def test_keys_rotate_reseals_everything_under_the_new_key_and_the_old_can_go(stack, tmp_path):
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    env = {**env, "RAPPORT_DATA_KEYS": f"{NEW.value},{OLD.value}"}
    store, client = contacts(stack, tenant, OLD)
    try:
        for i in range(6):
            await store.remember(guest(i))
        new_id = Cipher([NEW]).current
        code, out = await cli(env, "keys", "rotate", "--tenant", tenant)
        assert code == 0 and f"{tenant}: 12 of 12 values would be re-sealed" in out, out
        docs = await store.collection.find({}).to_list(100)
        assert {Cipher.key_of(d[f]) for d in docs for f in ("address", "thread")} == {Cipher([OLD]).current}

        code, out = await cli(env, "keys", "rotate", "--tenant", tenant, "--confirm")
        assert code == 0 and f"{tenant}: 12 re-sealed of 12" in out and "can be dropped" in out, out
        docs = await store.collection.find({}).to_list(100)
        assert {Cipher.key_of(d[f]) for d in docs for f in ("address", "thread")} == {new_id}

        only_new, _ = contacts(stack, tenant, NEW)  # the old key is gone
        for i in range(6):
            assert await only_new.get(f"g{i:03d}") == guest(i)
        code, out = await cli(env, "keys", "rotate", "--tenant", tenant)
        assert f"{tenant}: 0 of 12 values would be re-sealed" in out
        actions = [
            (r["action"], r["actor"], r["detail"]["resealed"])
            async for r in client[stack.settings.db_prefix + tenant].audit.find({"resource_type": "contacts"})
        ]
        actor = f"cli:{os.getuid()}"
        assert actions == [
            ("keys.rotate_dry_run", actor, 0),
            ("keys.rotate", actor, 12),
            ("keys.rotate_dry_run", actor, 0),
        ]
    finally:
        client.close()


async def test_rotation_never_overwrites_a_guest_written_meanwhile(stack, tmp_path):
    tenant, _, _ = scratch_tenant(stack, tmp_path)
    store, client = contacts(stack, tenant, OLD)
    try:
        await store.remember(guest(1))
        stale = await store.collection.find_one({"_id": "g001"})
        newer = Contact("g001", "email", "changed@mail.example", "feedback@hotel.example", {"subject": "new"})
        writer, _ = contacts(stack, tenant, OLD)  # a process not restarted yet: still the old key
        await writer.remember(newer)
        tally = Tally()
        await _reseal(store.collection, Cipher([NEW, OLD]), tenant, SEALED[0], stale, tally)
        assert tally.resealed == 2  # re-read, then re-sealed what is there now
        both, _ = contacts(stack, tenant, NEW)
        assert await both.get("g001") == newer
    finally:
        client.close()


async def test_keys_rotate_counts_values_no_key_opens_and_exits_1(stack, tmp_path):
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    env = {**env, "RAPPORT_DATA_KEYS": NEW.value}
    store, client = contacts(stack, tenant, OLD)
    try:
        await store.remember(guest(2))
        code, out = await cli(env, "keys", "rotate", "--tenant", tenant, "--confirm")
        assert code == 1 and "2 unreadable" in out, out
        assert (
            Cipher.key_of((await store.collection.find_one({"_id": "g002"}))["address"])
            == Cipher([OLD]).current
        )
    finally:
        client.close()


async def test_subprocessor_register_is_shown_to_admins_only_and_audited(stack):
    admin = await make_staff(stack, {"alpenhof": "admin"})
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "alpenhof")
        status, body = await b.request("GET", "/t/alpenhof/api/subprocessors")
    assert status == 200 and body["tenant"] == "alpenhof"
    assert {"name", "purpose", "region"} <= set(body["subprocessors"][0])
    assert any(s["name"].startswith("Twilio") and s["region"].startswith("EU") for s in body["subprocessors"])
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        assert (await b.request("GET", "/t/alpenhof/api/subprocessors"))[0] == 403
    client = mongo(stack)
    try:
        db = client[stack.settings.db_prefix + "alpenhof"]
        seen = {(r["actor"], r["outcome"]) async for r in db.audit.find({"action": "subprocessors.read"})}
    finally:
        client.close()
    assert {(admin.id, "allowed"), (agent.id, "denied")} <= seen


async def fake_mail(stack) -> list[dict]:
    async with aiohttp.ClientSession() as s, s.get(stack.fake_email.http_url + "/_fake/mail") as r:
        return await r.json()


async def staff_with_email(stack, tenant: str, role: str, *, disabled: bool = False) -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@hotel.example"
    client = mongo(stack)
    try:
        store = StaffStore(client[stack.settings.control_db])
        s = await store.add(
            username=f"sp-{uuid.uuid4().hex[:10]}",
            password_hash=hash_password(PASSWORD),
            tenant_id=tenant,
            role=role,
            email=email,
        )
        if disabled:
            await store.set_disabled(s.id, True)
    finally:
        client.close()
    return email


async def test_a_subprocessor_change_is_mailed_to_each_admin_and_audited(stack, tmp_path):
    tenant, env, path = scratch_tenant(stack, tmp_path)
    admin = await staff_with_email(stack, tenant, "admin")
    agent = await staff_with_email(stack, tenant, "agent")
    gone = await staff_with_email(stack, tenant, "admin", disabled=True)
    ours = {admin, agent, gone}

    def mine(mail: list[dict]) -> list[dict]:
        return [m for m in mail if set(m["rcpt_tos"]) & ours]

    code, out = await cli(env, "subprocessors", "notify", "--confirm")
    assert code == 0 and f"{tenant}: no announced register yet" in out, out
    previous = tmp_path / "previous.yml"
    previous.write_text(path.read_text())
    register = [s.public() for s in _register(env, tenant)]
    rewrite_tenant(
        path,
        tenant,
        subprocessors=[*register, {"name": "Sendgrid", "purpose": "e-mail to guests", "region": "USA"}],
    )
    code, out = await cli(env, "subprocessors", "diff", "--previous", str(previous))
    assert f"{tenant}: added: Sendgrid - e-mail to guests - processing region: USA" in out, out
    code, out = await cli(env, "subprocessors", "notify")  # dry run
    assert code == 0 and f"{tenant}: added: Sendgrid" in out and "notice to 1 admin(s)" in out, out
    assert mine(await fake_mail(stack)) == []

    code, out = await cli(env, "subprocessors", "notify", "--confirm")
    assert code == 0, out
    sent = mine(await fake_mail(stack))
    assert [m["rcpt_tos"] for m in sent] == [[admin]]
    assert "Change of subprocessors" in sent[0]["subject"] and "Sendgrid" in sent[0]["raw"]
    assert "processing region: USA" in sent[0]["raw"]
    client = mongo(stack)
    try:
        record = await client[stack.settings.db_prefix + tenant].audit.find_one(
            {"action": "subprocessors.notice"}
        )
    finally:
        client.close()
    assert record["actor"] == f"cli:{os.getuid()}" and record["detail"]["added"] == 1
    assert record["detail"]["sent"] == 1 and record["resource_id"] == "2"

    code, out = await cli(env, "subprocessors", "notify", "--confirm")  # announced: nothing more
    assert f"{tenant}: unchanged (version 2)" in out and len(mine(await fake_mail(stack))) == 1


def _register(env: dict[str, str], tenant: str):
    from bot.base.settings import Settings
    from bot.i18n import Catalog
    from bot.tenants.registry import Tenants

    settings = Settings.from_env(env)
    return Tenants.load(settings.tenants_file, Catalog.load().languages).get(tenant).subprocessors
