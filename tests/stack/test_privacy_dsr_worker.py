"""The privacy worker in the jobs process carries out verified data-subject
requests for guests created through the real channels, and tells the tenant's admins
of every new request. Requests are seeded `verified` with DsrStore (the conversation
part that verifies them is tested elsewhere)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import re
import secrets
import time

import aiohttp
import pytest

from bot.base.refs import guest_ref
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.handover.delivery import Delivery
from bot.handover.store import HandoverStore
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed
from bot.privacy.links import ExportLinks
from bot.privacy.requests import RECEIVED, VERIFIED, DsrStore
from bot.privacy.stores import PrivacyContext
from bot.privacy.worker import DsrWorker
from bot.staff.accounts import StaffStore
from bot.storage.contacts import ContactStore
from bot.storage.mongo import MongoStore
from tests.console.client import make_staff
from tests.console.client import mongo as console_mongo
from tests.stack.client import Guest, mongo, tenant_db
from tests.stack.test_console_notify import _mail_to, _set
from tests.stack.test_email import HELLO as MAIL_HELLO
from tests.stack.test_email import Mailbox
from tests.stack.test_handover_delivery import StaffChat
from tests.stack.test_sms import HELLO as SMS_HELLO
from tests.stack.test_sms import Phone

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
LINK = re.compile(r"https?://\S+/webhooks/privacy/export/[a-z_]+\.[A-Za-z0-9_-]{43}")


def sms_ref(stack, number: str, tenant: str = "alpenhof") -> str:
    guest = "sms-" + guest_ref(stack.settings.guest_key, tenant, number)[2:26]
    return guest_ref(stack.settings.guest_key, tenant, guest)


def email_ref(stack, address: str, tenant: str = "alpenhof") -> str:
    guest = "email-" + guest_ref(stack.settings.guest_key, tenant, address)[2:26]
    return guest_ref(stack.settings.guest_key, tenant, guest)


def settings_of(stack) -> Settings:
    return Settings.from_env(stack.child_env())  # as the jobs process sees them


async def seed(
    stack, gref: str, type_: str, channel: str, *, tenant="alpenhof", details=None, lang="en"
) -> str:
    """A request as the conversation leaves it: recorded and verified."""
    client = mongo(stack)
    try:
        store = DsrStore(
            MongoStore(client, stack.settings.db_prefix),
            tenant,
            stack.settings.guest_key,
            stack.settings.control_db,  # with its line in the processor's register, as dsr_flow does
        )
        sealed = None
        if details is not None:
            cipher = Cipher(settings_of(stack).data_keys)
            sealed = cipher.seal(json.dumps(details), f"{tenant}|{gref}|dsr")
        doc = await store.create(type_=type_, guest_ref=gref, channel=channel, language=lang, details=sealed)
        await store.transition(doc["_id"], RECEIVED, VERIFIED, "guest")
        return doc["_id"]
    finally:
        client.close()


async def request_doc(stack, rid: str, tenant: str = "alpenhof") -> dict:
    client = mongo(stack)
    try:
        return await tenant_db(stack, client, tenant).dsr_requests.find_one({"_id": rid})
    finally:
        client.close()


async def wait_status(stack, rid: str, status: str, tenant: str = "alpenhof", timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    doc = None
    while time.monotonic() < deadline:
        doc = await request_doc(stack, rid, tenant)
        if doc and doc["status"] == status:
            return doc
        await asyncio.sleep(0.2)
    raise AssertionError(f"request never reached {status}: {doc}")


async def get(url: str) -> tuple[int, str, dict]:
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        return r.status, await r.text(), dict(r.headers)


async def sms_guest(stack) -> Phone:
    phone = Phone(stack)
    await phone.post(phone.form(SMS_HELLO))
    await phone.wait_for(1)
    return phone


async def mail_guest(stack) -> Mailbox:
    box = Mailbox(stack)
    assert await box.post(box.form(MAIL_HELLO, subject="My stay")) == 200
    await box.wait_for(1)
    return box


def mail_text(m: dict) -> str:
    return email.message_from_string(m["raw"], policy=email.policy.default).get_body(("plain",)).get_content()


# ---- access ------------------------------------------------------------------------------


async def test_access_link_reaches_the_sms_guest_works_once_then_404(stack):
    phone = await sms_guest(stack)
    rid = await seed(stack, sms_ref(stack, phone.number), "access", "sms")
    text = await phone.wait_for_text("/webhooks/privacy/export/", timeout=30)
    link = LINK.search(text).group(0)
    done = await wait_status(stack, rid, "done")
    assert done["outcome"]["export"] == "link" and done["outcome"]["notice"] == "sent"
    assert phone.number not in json.dumps(done["outcome"])
    status, body, headers = await get(link)
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    export = json.loads(body)
    assert export["data"]["profile"]["contacts"][0]["address"] == phone.number
    assert export["summary"].startswith(CATALOG.render("en", "export.title", hotel="alpenhof")[:10])
    used = await get(link)
    unknown = await get(link[: link.rindex(".") + 1] + secrets.token_urlsafe(32))
    malformed = await get(link.rsplit("/", 1)[0] + "/nothing")
    assert used[0] == unknown[0] == malformed[0] == 404
    assert used[1] == unknown[1] == malformed[1]  # nothing tells which


async def test_an_expired_link_is_404(stack):
    client = mongo(stack)
    try:
        links = ExportLinks(
            MongoStore(client, stack.settings.db_prefix), "alpenhof", Cipher(settings_of(stack).data_keys)
        )
        old, _ = await links.create("r_test", "g_test", {"data": {}}, now=time.time() - 25 * 3600)
        fresh, _ = await links.create("r_test", "g_test", {"data": {"x": 1}})
    finally:
        client.close()
    base = stack.settings.public_url + "/webhooks/privacy/export/"
    assert (await get(base + old))[0] == 404
    assert (await get(base + fresh))[0] == 200


# ---- erasure -------------------------------------------------------------------------------


async def test_erasure_of_an_email_guest_receipt_arrives_and_the_scan_is_clean(stack):
    box = await mail_guest(stack)
    gref = email_ref(stack, box.address)
    rid = await seed(stack, gref, "erasure", "email")
    done = await wait_status(stack, rid, "done")
    assert done["outcome"]["scan"]["clean"] is True and done["outcome"]["notice"] == "sent"
    assert "details" not in done or done["details"] is None
    mails = await box.wait_for(2)
    assert rid in mail_text(mails[-1])
    client = mongo(stack)
    try:
        db = tenant_db(stack, client, "alpenhof")
        assert await db.contacts.find_one({"_id": gref}) is None
        assert await db.conversations.count_documents({"guest_ref": gref}) == 0
    finally:
        client.close()


async def test_erasure_of_a_webchat_guest_receipt_reaches_the_open_widget(stack):
    chat = StaffChat(stack)
    try:
        await chat.connect()
        await chat.session()
        await chat.say("/start", 2)
        rid = await seed(stack, chat.ref, "erasure", "webchat")
        got = await chat.wait_staff(1, timeout=30)
        assert got and rid in got[-1]["text"] and got[-1]["from"] == "system"
    finally:
        await chat.close()
    done = await wait_status(stack, rid, "done")
    assert done["outcome"]["scan"]["clean"] is True
    ctx = await PrivacyContext.open(settings_of(stack))
    try:
        from bot.privacy.erasure import scan_guest
        from bot.privacy.stores import resolve

        report = await scan_guest(ctx, await resolve(ctx, "alpenhof", chat.ref))
    finally:
        await ctx.close()
    assert report["clean"], report


# ---- rectification, restriction, objection ---------------------------------------------------


async def test_rectification_changes_the_email_address_and_language(stack):
    box = await mail_guest(stack)
    gref = email_ref(stack, box.address)
    new = Mailbox(stack)
    rid = await seed(stack, gref, "rectification", "email", details={"email": new.address, "language": "de"})
    done = await wait_status(stack, rid, "done")
    assert sorted(done["outcome"]["changed"]) == ["email", "language"]
    client = mongo(stack)
    try:
        store = ContactStore(
            MongoStore(client, stack.settings.db_prefix), "alpenhof", Cipher(settings_of(stack).data_keys)
        )
        assert (await store.get(gref)).address == new.address
        conv = await tenant_db(stack, client, "alpenhof").conversations.find_one({"guest_ref": gref})
        assert conv["language"] == "de"
    finally:
        client.close()
    confirmation = await new.wait_for(1)  # at the corrected address, in the new language
    assert CATALOG.render("de", "dsr.result.rectification", hotel="Hotel Alpenhof", request=rid) in mail_text(
        confirmation[0]
    )


async def test_restriction_flags_the_guests_ratings(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    await guest.say("5")
    await guest.say("4")
    gref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    rid = await seed(stack, gref, "restriction", "rest")
    done = await wait_status(stack, rid, "done")
    client = mongo(stack)
    try:
        db = tenant_db(stack, client, "alpenhof")
        ratings = [r async for r in db.ratings.find({"guest_ref": gref})]
        flags = await db.guest_flags.find_one({"_id": gref})
    finally:
        client.close()
    assert ratings and all(r["restricted"] in (True, 1) for r in ratings)
    assert done["outcome"]["ratings_flagged"] == len(ratings) and flags["restricted"] in (True, 1)
    replies = await guest.say("thanks")  # the confirmation comes with the next request (REST)
    assert any(rid in r for r in replies)


async def test_objection_confirmed_then_no_staff_reply_and_no_more_sms(stack):
    phone = await sms_guest(stack)
    await phone.post(phone.form("I would like to talk to a person please"))
    gref = sms_ref(stack, phone.number)
    client = mongo(stack)
    mstore = MongoStore(client, stack.settings.db_prefix)
    delivery = Delivery(build_outbox(settings_of(stack), mstore))
    try:
        handovers = HandoverStore(mstore, "alpenhof", deliver=delivery)
        deadline = time.monotonic() + 20
        while (doc := await handovers.handovers.find_one({"guest_ref": gref})) is None:
            assert time.monotonic() < deadline, "never escalated"
            await asyncio.sleep(0.2)
        rid = await seed(stack, gref, "objection", "sms")
        await wait_status(stack, rid, "done")
        await phone.wait_for_text(rid)  # the confirmation
        before = len(await phone.sent_to_me())
        await handovers.take(doc["_id"], "agent-1")
        with pytest.raises(DeliveryFailed) as refused:
            await handovers.staff_reply(doc["_id"], "agent-1", "Are you still there?")
        assert refused.value.code == "objected"
        await phone.post(phone.form("5"))  # the guest writes again: the bot says nothing
        await asyncio.sleep(2)
        assert len(await phone.sent_to_me()) == before
        consent = await tenant_db(stack, client, "alpenhof").sms_consent.find_one({"_id": gref})
        assert consent["opted_out"] in (True, 1)
    finally:
        await delivery.close()
        client.close()


# ---- the tenant is informed (DPA §8.2) ----------------------------------------------------------


async def test_tenant_admins_are_emailed_once_per_request_without_guest_data(stack):
    admin = await make_staff(stack, {"laguna": "admin"})
    agent = await make_staff(stack, {"laguna": "agent"})
    addresses = {a.id: f"staff-{secrets.token_hex(4)}@laguna.example" for a in (admin, agent)}
    for a in (admin, agent):
        await _set(stack, a.id, email=addresses[a.id])
    phone = Phone(stack, to="+390415200000")
    await phone.post(phone.form("Ciao, vorrei lasciare un feedback sul mio soggiorno"))
    await phone.wait_for(1)
    gref = sms_ref(stack, phone.number, "laguna")
    rid = await seed(stack, gref, "erasure", "sms", tenant="laguna", lang="it")
    deadline = time.monotonic() + 20
    while not [m for m in await _mail_to(stack, addresses[admin.id]) if rid in m["raw"]]:
        assert time.monotonic() < deadline, "the admin was never told"
        await asyncio.sleep(0.2)
    await asyncio.sleep(4.5)  # two more rounds of the worker: nobody is told twice
    mails = [m for m in await _mail_to(stack, addresses[admin.id]) if rid in m["raw"]]
    assert len(mails) == 1
    body = mail_text(mails[0])
    assert f"/t/laguna/#dsr={rid}" in body and CATALOG.render("it", "dsr.tenant.type.erasure") in body
    for secret in (phone.number, phone.number[1:], gref):
        assert secret not in mails[0]["raw"]
    assert not [m for m in await _mail_to(stack, addresses[agent.id]) if rid in m["raw"]]
    assert (await request_doc(stack, rid, "laguna"))["tenant_informed"] in (True, 1)


# ---- staff approval (laguna) and claiming once ----------------------------------------------------


async def test_laguna_waits_for_approval_then_executes(stack):
    from tests.console.client import Browser, clear_login_failures

    await clear_login_failures(stack)
    guest = Guest(stack, "laguna", locale="it")
    await guest.say("ciao")
    gref = guest_ref(stack.settings.guest_key, "laguna", guest.sender)
    rid = await seed(stack, gref, "restriction", "rest", tenant="laguna", lang="it")
    await wait_status(stack, rid, "awaiting_approval", "laguna")
    await asyncio.sleep(2.5)
    assert (await request_doc(stack, rid, "laguna"))["status"] == "awaiting_approval"  # nothing ran
    admin = await make_staff(stack, {"laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "laguna")
        status, body = await b.request("POST", f"/t/laguna/api/dsr/{rid}/approve")
        assert status == 200 and body["status"] == "verified" and body["approved_by"] == admin.id
        assert (await b.request("POST", f"/t/laguna/api/dsr/{rid}/approve"))[0] == 409
    done = await wait_status(stack, rid, "done", "laguna")
    assert done["acted_by"] == "system" and done["approved_by"] == admin.id


async def test_two_workers_execute_a_request_once(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    gref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    settings = settings_of(stack)
    client = console_mongo(stack)
    ctxs = [await PrivacyContext.open(settings) for _ in range(2)]
    outbox = build_outbox(settings, MongoStore(client, settings.db_prefix))
    from bot.audit.log import AuditLog
    from bot.tenants.registry import Tenants

    tenants = Tenants.load(settings.tenants_file, CATALOG.languages)
    staff = StaffStore(client[settings.control_db])
    workers = [
        DsrWorker(settings, c, staff, tenants, CATALOG, AuditLog.from_settings(client, settings), outbox)
        for c in ctxs
    ]
    try:
        rid = await seed(stack, gref, "restriction", "rest")
        await asyncio.gather(*(w.run_once() for w in workers))
        await wait_status(stack, rid, "done")
        db = tenant_db(stack, client, "alpenhof")
        history = [h["status"] async for h in db.dsr_history.find({"request": rid})]
        audits = await db.audit.count_documents({"resource_id": rid, "action": "dsr.execute.restriction"})
    finally:
        for c in ctxs:
            await c.close()
        await outbox.close()
        client.close()
    assert history.count("done") == 1 and audits == 1


async def test_admins_are_reminded_once_of_a_request_about_to_miss_its_deadline(stack):
    admin = await make_staff(stack, {"laguna": "admin"})
    address = f"staff-{secrets.token_hex(4)}@laguna.example"
    await _set(stack, admin.id, email=address)
    guest = Guest(stack, "laguna", locale="en")
    await guest.say("hi")
    gref = guest_ref(stack.settings.guest_key, "laguna", guest.sender)
    rid = await seed(stack, gref, "access", "rest", tenant="laguna")
    await wait_status(stack, rid, "awaiting_approval", "laguna")  # laguna: staff approve
    client = mongo(stack)
    try:  # a month has almost passed
        db = tenant_db(stack, client, "laguna")
        await db.dsr_requests.update_one({"_id": rid}, {"$set": {"deadline_at": time.time() + 86_400}})
    finally:
        client.close()
    subject = CATALOG.render("it", "dsr.tenant.due_subject", hotel="Albergo Laguna", request=rid)
    deadline = time.monotonic() + 20
    while not [m for m in await _mail_to(stack, address) if subject in mail_subject(m)]:
        assert time.monotonic() < deadline, "no reminder"
        await asyncio.sleep(0.2)
    await asyncio.sleep(4.5)  # more worker rounds: one reminder only
    reminders = [m for m in await _mail_to(stack, address) if subject in mail_subject(m)]
    assert len(reminders) == 1
    assert guest.sender not in reminders[0]["raw"] and gref not in reminders[0]["raw"]


def mail_subject(m: dict) -> str:
    return str(email.message_from_string(m["raw"], policy=email.policy.default)["Subject"])


async def test_a_worker_claims_exactly_the_request_it_names(stack, tmp_path):
    """Two verified requests: claiming the second never claims the first; a held claim
    is refused until it expires. (The claim used one `$or` filter, which nx-27017 applies
    to the first match ignoring `_id` for equality clauses; with these `$exists`/`$lt`
    clauses it happened to match correctly, and the claim is now two plain updates.)"""
    from bot.audit.log import AuditLog
    from bot.tenants.registry import Tenants
    from tests.stack.scratch_tenant import scratch_tenant

    tenant_id, _, _ = scratch_tenant(stack, tmp_path)  # no running worker knows it
    settings = settings_of(stack)
    client = console_mongo(stack)
    ctx = await PrivacyContext.open(settings)
    outbox = build_outbox(settings, MongoStore(client, settings.db_prefix))
    tenants = Tenants.load(settings.tenants_file, CATALOG.languages)
    audit = AuditLog.from_settings(client, settings)
    worker = DsrWorker(
        settings, ctx, StaffStore(client[settings.control_db]), tenants, CATALOG, audit, outbox
    )
    store = DsrStore(ctx.mongo, tenant_id, settings.guest_key, settings.control_db)
    try:
        ids = []
        for i in range(2):
            request = await store.create(type_="access", guest_ref=f"g_{i}", channel="rest", language="en")
            await store.requests.update_one({"_id": request["_id"]}, {"$set": {"status": VERIFIED}})
            ids.append(request["_id"])
        claimed = await worker.claim(store, ids[1])
        assert claimed is not None and claimed["_id"] == ids[1] and claimed["claimed_by"] == worker.id
        first, second = [await store.requests.find_one({"_id": i}) for i in ids]
        assert "claimed_by" not in first and second["claimed_by"] == worker.id
        assert await worker.claim(store, ids[1]) is None  # held
        await store.requests.update_one({"_id": ids[1]}, {"$set": {"claimed_until": time.time() - 1}})
        again = await worker.claim(store, ids[1])
        assert again is not None and again["_id"] == ids[1]
        assert "claimed_by" not in await store.requests.find_one({"_id": ids[0]})
    finally:
        await ctx.mongo.drop_tenant(tenant_id)
        await ctx.close()
        await outbox.close()
        client.close()
