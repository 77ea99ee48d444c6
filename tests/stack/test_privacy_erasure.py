"""Erasure you can prove: one SMS guest ("Maria Rossi") seeded across every store through
the real product — ratings, conversation, tracker, escalation with a staff reply and a
private note, a queued inbound message, the provider's records — is exported completely,
then erased; the scan (and the test's own search of every store) finds nothing of her,
and another guest of the same tenant is untouched. The same for tenant offboarding over
a throwaway tenant seeded through the product's stores: its staff who served only it are
deleted with their e-mail addresses, numbers and console sessions (a dry run deletes
nothing), an account shared with another tenant loses only the role."""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import aiohttp
import pytest

from bot.base.refs import guest_ref
from bot.base.settings import Settings
from bot.base.turn import Answer
from bot.channels.email.smtp import SmtpSender
from bot.handover.store import HandoverStore
from bot.inbox.queue import RetryPolicy, TurnQueue
from bot.outbox.sms_store import SmsStore
from bot.privacy.backup import archives, create_backup
from bot.privacy.erasure import erase_guest, scan_guest
from bot.privacy.export import export_guest, summary
from bot.privacy.offboard import CERTIFICATES, offboard_tenant
from bot.privacy.stores import PrivacyContext, resolve
from bot.staff.accounts import StaffStore
from bot.staff.sessions import SessionStore, session_key
from bot.storage.contacts import Contact, ContactStore
from bot.storage.documents import conversation_document, rating_document
from tests.stack.test_handover_delivery import ASK_PERSON, _escalated, staff  # noqa: F401
from tests.stack.test_sms import HELLO, HOTEL_NUMBER, QUESTION_OVERALL, QUESTION_ROOM, Phone

pytestmark = pytest.mark.stack

# unique per run: the scan must find this guest's name and nobody else's
NAME = "Maria Rossi-" + secrets.token_hex(3)
COMPLAINT = f"{NAME} here: the air conditioning in room 214 rattled all night"
STAFF_REPLY = f"Dear {NAME}, we are very sorry about room 214. Anna, reception"
NOTE = f"{NAME} complained twice; offer her a late checkout in room 214"
QUEUED = f"{NAME} once more: please call me back tomorrow morning"


@pytest.fixture()
async def privacy(stack):
    ctx = await PrivacyContext.open(Settings.from_env(stack.child_env()))
    ctx.standins = {"twilio": stack.fake_twilio.base_url, "smtp": stack.fake_email.http_url}
    yield ctx
    await ctx.close()


def _number() -> str:
    return "+39347" + str(secrets.randbelow(10**7)).zfill(7)


def sms_ref(stack, number: str, tenant: str = "alpenhof") -> str:
    guest = "sms-" + guest_ref(stack.settings.guest_key, tenant, number)[2:26]
    return guest_ref(stack.settings.guest_key, tenant, guest)


async def seed_maria(stack, staff, privacy) -> tuple[Phone, str]:  # noqa: F811
    """Maria over SMS: ratings, a complaint, a handover with a staff reply and a note,
    a queued inbound message and a lock held on her conversation."""
    phone = Phone(stack, number=_number())
    gref = sms_ref(stack, phone.number)
    await phone.post(phone.form(HELLO))
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.post(phone.form("4"))
    await phone.wait_for_text(QUESTION_ROOM)
    await phone.post(phone.form("2"))
    await phone.wait_for(3)
    await phone.post(phone.form(COMPLAINT))
    await phone.wait_for(4)
    await phone.post(phone.form(ASK_PERSON))
    doc = await _escalated(staff, gref)
    await staff().take(doc["_id"], "agent-1")
    await staff().staff_reply(doc["_id"], "agent-1", STAFF_REPLY)
    await staff().add_note(doc["_id"], "agent-1", NOTE)
    await phone.wait_for_text("very sorry about room 214")
    inbound = privacy.db("alpenhof").sms_inbound
    for _ in range(100):  # every turn has run (a held lock below would make them wait)
        if not await inbound.count_documents({"guest_ref": gref, "state": "pending"}):
            break
        await asyncio.sleep(0.2)
    # a message accepted from Twilio whose turn has not run yet (lease far ahead)
    queue = TurnQueue(privacy.db("alpenhof").sms_inbound, RetryPolicy(lease=3600), privacy.cipher, "alpenhof")
    form = phone.form(QUEUED)
    payload = {
        "message_sid": form["MessageSid"],
        "account_sid": form["AccountSid"],
        "from_number": phone.number,
        "to_number": HOTEL_NUMBER,
        "body": QUEUED,
        "num_media": 0,
    }
    assert await queue.accept(form["MessageSid"], payload, guest_ref=gref) is not None
    guest = "sms-" + guest_ref(stack.settings.guest_key, "alpenhof", phone.number)[2:26]
    await privacy.redis.set(
        f"rapport:lock:alpenhof~{guest}", json.dumps({"conversation_id": f"alpenhof~{guest}"})
    )
    return phone, gref


async def seed_other(stack) -> tuple[Phone, str]:
    phone = Phone(stack, number=_number())
    await phone.post(phone.form("Good evening, here is some feedback about my holiday"))
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.post(phone.form("5"))
    await phone.wait_for_text(QUESTION_ROOM)
    return phone, sms_ref(stack, phone.number)


async def everything(privacy, databases: list[str]) -> str:
    """Every document of the databases, every Redis key and value, every stand-in record."""
    parts = []
    client = privacy.mongo.client
    for name in databases:
        for coll in await client[name].list_collection_names():
            parts += [
                json.dumps(d, default=str, ensure_ascii=False) async for d in client[name][coll].find({})
            ]
    async for key in privacy.redis.scan_iter():
        parts.append(key)
        if await privacy.redis.type(key) == "string":
            parts.append(await privacy.redis.get(key))
    async with aiohttp.ClientSession() as http:
        for url in (privacy.standins["twilio"] + "/_fake/messages", privacy.standins["smtp"] + "/_fake/mail"):
            async with http.get(url) as r:
                parts.append(json.dumps(await r.json(), ensure_ascii=False))
    return "\n".join(parts)


async def test_export_holds_everything_about_the_guest(stack, staff, privacy):  # noqa: F811
    phone, gref = await seed_maria(stack, staff, privacy)
    data = await export_guest(privacy, "alpenhof", gref)
    json.dumps(data)  # machine-readable as it is
    assert data["format"] == "rapport.export.v1" and data["guest_ref"] == gref
    assert data["profile"]["contacts"][0]["address"] == phone.number  # opened from its seal
    assert {r["question"] for r in data["ratings"]} >= {"overall", "room"}
    assert data["conversations"] and data["handovers"] and data["handover_history"]
    texts = [m["text"] for m in data["transcripts"]]
    assert STAFF_REPLY in texts and NOTE in texts
    assert QUEUED in [j["payload"]["body"] for j in data["sms"]["inbound"] if j.get("payload")]
    assert len(data["sms"]["outbound"]) >= 4
    memory = [m["text"] for t in data["conversation_memory"] for m in t["messages"]]
    assert HELLO in memory and COMPLAINT in memory
    assert any(STAFF_REPLY in r["body"] for r in data["provider_records"]["sms"])
    for lang in ("en", "de", "fr", "es", "it"):
        text = summary(data, lang)
        assert phone.number in text and "overall: 4" in text.replace(" :", ":")
    # she leaves again (the next test seeds a Maria Rossi of its own)
    assert (await erase_guest(privacy, "alpenhof", gref, names=[NAME]))["scan"]["clean"]


async def test_erasure_leaves_nothing_of_the_guest_and_spares_the_other(stack, staff, privacy):  # noqa: F811
    other, other_ref = await seed_other(stack)
    phone, gref = await seed_maria(stack, staff, privacy)
    subject = await resolve(privacy, "alpenhof", gref, names=[NAME])
    assert len(subject.sender_ids) == 1 and subject.addresses == (phone.number,)
    texts = [COMPLAINT, STAFF_REPLY, NOTE, QUEUED]
    needles = [phone.number, phone.number[1:], NAME, gref, *texts]

    # the scans see her before: they would catch a store that keeps her
    before = await scan_guest(privacy, subject, texts, deep=True)
    assert not before["clean"] and before["deep"]
    kinds = {(h["where"].split(":")[0], h["kind"]) for h in before["hits"]}
    assert {("mongo", "guest_ref"), ("mongo", "text"), ("redis", "text"), ("standin", "address")} <= kinds
    fast = await scan_guest(privacy, subject, texts)  # the one run after every erasure
    kinds = {(h["where"].split(":")[0], h["kind"]) for h in fast["hits"]}
    assert {("mongo", "guest_ref"), ("mongo", "text"), ("redis", "tracker"), ("standin", "address")} <= kinds
    assert before["stores"]["trackers"] == 1 and before["stores"]["locks"] == 1
    assert before["stores"]["contacts"] == 1 and before["stores"]["sms"] >= 5
    other_before = await everything(privacy, [privacy.db("alpenhof").name])
    assert other.number in other_before

    report = await erase_guest(privacy, "alpenhof", gref, names=[NAME], actor="test")

    assert report["scan"]["clean"], report["scan"]
    assert report["scan"]["needles"]["address"] >= 2 and report["scan"]["needles"]["text"] >= 4
    assert report["erased"]["ratings"] >= 2 and report["erased"]["trackers"] == 1
    assert report["erased"]["twilio"] >= 5
    assert all(v == 0 for v in report["scan"]["stores"].values())
    # her stale lock went when the erasure released the lock it took on her conversation
    assert not await privacy.redis.exists(f"rapport:lock:{subject.sender_ids[0]}")
    # and the deep scan (every document and value) agrees with the one after the erasure
    assert (await scan_guest(privacy, subject, texts, deep=True))["clean"]
    # the report is evidence without personal data
    assert not any(n.lower() in json.dumps(report).lower() for n in needles if n != gref)
    # the test's own search of every store
    left = (await everything(privacy, [privacy.db("alpenhof").name, privacy.settings.control_db])).lower()
    found = [n for n in needles if n.lower() in left]
    assert found == [] or all(n == gref for n in found)
    if gref in left:  # only as evidence: the audit's resource id of the erasure itself
        audit = [d async for d in privacy.db("alpenhof").audit.find({"resource_id": gref})]
        assert audit and all(d["action"] == "guest.erase" for d in audit)
        assert gref not in json.dumps([d async for d in privacy.db("alpenhof").ratings.find({})], default=str)
    # the other guest is untouched
    ratings = [d async for d in privacy.db("alpenhof").ratings.find({"guest_ref": other_ref})]
    assert [r["question"] for r in ratings] == ["overall"]
    assert await privacy.db("alpenhof").contacts.count_documents({"_id": other_ref}) == 1
    assert len(await other.sent_to_me()) >= 2
    assert (await resolve(privacy, "alpenhof", other_ref)).sender_ids


async def test_erasure_dry_run_deletes_nothing(stack, staff, privacy):  # noqa: F811
    phone, gref = await seed_other(stack)
    report = await erase_guest(privacy, "alpenhof", gref, confirm=False)
    assert report["would_erase"]["ratings"] == 1 and report["would_erase"]["trackers"] == 1
    assert await privacy.db("alpenhof").ratings.count_documents({"guest_ref": gref}) == 1
    assert phone.number not in json.dumps(report)


async def _seed_tenant(stack, privacy, tenant: str, number: str) -> str:
    """A throwaway tenant with one guest in every store, written by the product's stores."""
    from bot.storage.mongo import MongoStore

    mongo = MongoStore(privacy.mongo.client, stack.settings.db_prefix)
    gref = guest_ref(stack.settings.guest_key, tenant, "sms-x" + number)
    now = datetime.now(UTC)
    cid = "c_" + secrets.token_hex(12)
    answer = Answer(question="comment", kind="text", raw=COMPLAINT, value=None, score=None, message_id="m1")
    await mongo.ratings(tenant).save(
        rating_document(
            tenant_id=tenant,
            conversation_id=cid,
            guest_ref=gref,
            channel="sms",
            language="en",
            answer=answer,
            now=now,
        )
    )
    state = {"channel": "sms", "lang": "en", "status": "active", "answers": {"comment": COMPLAINT}}
    await mongo.conversations(tenant).record_turn(
        conversation_document(tenant_id=tenant, conversation_id=cid, guest_ref=gref, state=state, now=now)
    )
    handovers = HandoverStore(mongo, tenant)
    await handovers.escalate(cid, reason="request", guest_ref=gref, channel="sms", language="en")
    await handovers.record(cid, gref, [("guest", COMPLAINT)], publish=False)
    await handovers.take(cid, "agent-1")
    await handovers.add_note(cid, "agent-1", NOTE)
    await ContactStore(mongo, tenant, privacy.cipher).remember(Contact(gref, "sms", number, "+4930111222333"))
    await SmsStore(mongo, tenant).record_sent(
        "SM" + secrets.token_hex(16), guest_ref=gref, status="sent", segments=1
    )
    queue = TurnQueue(privacy.db(tenant).sms_inbound, RetryPolicy(lease=3600), privacy.cipher, tenant)
    await queue.accept("SM" + secrets.token_hex(16), {"from_number": number, "body": QUEUED}, guest_ref=gref)
    await privacy.redis.set(
        privacy.tracker_key(f"{tenant}~sms-x"),
        json.dumps({"sender_id": f"{tenant}~sms-x", "events": [{"event": "user", "text": COMPLAINT}]}),
    )
    await privacy.redis.set(f"rapport:lock:{tenant}~sms-x", "{}")
    fake = stack.fake_twilio
    async with aiohttp.ClientSession(auth=aiohttp.BasicAuth(fake.account_sid, fake.auth_token)) as http:
        url = f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
        async with http.post(url, data={"To": number, "From": "+4930111222333", "Body": STAFF_REPLY}) as r:
            assert r.status == 201
    folder = stack.settings.data_dir / "exports"
    folder.mkdir(exist_ok=True)
    (folder / f"{tenant}.json").write_text(json.dumps({"guest": NAME}))
    return gref


@dataclass(frozen=True)
class Team:
    anna: str  # only this tenant: e-mail, phone, a console session, provider records
    cara: str  # only this tenant, disabled: still has an e-mail address
    ben: str  # also serves alpenhof: keeps his account, contacts and session
    anna_email: str
    anna_phone: str
    cara_email: str
    ben_email: str
    ben_phone: str
    anna_session: str  # Redis keys
    ben_session: str


async def _seed_staff(stack, privacy, tenant: str) -> Team:
    """The tenant's staff as the console and the CLI make them, with a console session
    each for anna and ben and the providers' copies of notifications sent to anna."""
    store = StaffStore(privacy.mongo.client[stack.settings.control_db])
    tag = secrets.token_hex(3)
    emails = {n: f"{n}.{tag}@{tenant}.example" for n in ("anna", "cara", "ben")}
    phones = {n: _number() for n in ("anna", "ben")}
    ids = {}
    for name in emails:
        account = await store.add(
            username=f"{name}.{tenant}",
            password_hash="x",
            tenant_id=tenant,
            role="admin" if name == "anna" else "agent",
            email=emails[name],
            phone=phones.get(name),
        )
        ids[name] = account.id
    await store.set_disabled(ids["cara"], True)
    await store.collection.update_one({"_id": ids["ben"]}, {"$set": {"roles.alpenhof": "agent"}})
    sessions = SessionStore(privacy.redis)
    anna_session = session_key((await sessions.create(ids["anna"], 0)).id)
    ben_session = session_key((await sessions.create(ids["ben"], 0)).id)
    # an escalation told to anna by SMS and e-mail (bot/handover/notify.py)
    fake = stack.fake_twilio
    async with aiohttp.ClientSession(auth=aiohttp.BasicAuth(fake.account_sid, fake.auth_token)) as http:
        url = f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
        body = f"A guest is waiting: {stack.settings.console_url}/t/{tenant}/"
        async with http.post(url, data={"To": phones["anna"], "From": "+4930111222999", "Body": body}) as r:
            assert r.status == 201
    mail = EmailMessage()
    mail["From"], mail["To"] = "no-reply@rapport.example", emails["anna"]
    mail["Subject"] = "A guest is waiting"
    mail["Message-ID"] = make_msgid(domain="rapport.example")
    mail.set_content(f"{stack.settings.console_url}/t/{tenant}/")
    await SmtpSender.from_settings(privacy.settings).send(mail)
    return Team(
        ids["anna"],
        ids["cara"],
        ids["ben"],
        emails["anna"],
        phones["anna"],
        emails["cara"],
        emails["ben"],
        phones["ben"],
        anna_session,
        ben_session,
    )


async def test_tenant_offboarding_deletes_everything_and_certifies_it(stack, privacy):
    tenant = "offb_" + secrets.token_hex(4)
    number = _number()
    gref = await _seed_tenant(stack, privacy, tenant, number)
    team = await _seed_staff(stack, privacy, tenant)
    gone = [team.anna_email, team.anna_phone, team.anna_phone[1:], team.cara_email]
    parties = ["+4930111222333"]
    kept_before = await privacy.db("alpenhof").ratings.estimated_document_count()
    accounts = StaffStore(privacy.mongo.client[stack.settings.control_db])
    backup = await create_backup(privacy, tenant)  # a backup must not outlive the tenant

    plan = await offboard_tenant(privacy, tenant, parties=parties)
    would = plan["would_delete"]
    assert would["backups"] == 1 and archives(stack.settings, tenant)
    assert would["database"]["exists"] and would["database"]["collections"]["ratings"] == 1
    assert would["redis_keys"] == 2 and f"exports/{tenant}.json" in would["files"]
    assert would["standin_records"]["twilio"] == 1
    assert would["staff"] == {
        "with_role": 3,
        "only_this_tenant": 2,  # anna and cara (disabled accounts hold contact data too)
        "shared_with_other_tenants": 1,
        "console_sessions": 1,
        "contacts": 3,
        "standin_records": {"twilio": 1, "smtp": 1},
    }
    # the dry run deleted nothing: database, accounts with their contacts, sessions, records
    assert privacy.db(tenant).name in await privacy.mongo.client.list_database_names()
    anna = await accounts.get(team.anna)
    assert anna is not None and (anna.email, anna.phone) == (team.anna_email, team.anna_phone)
    assert not anna.disabled and await accounts.get(team.cara) is not None
    assert set((await accounts.get(team.ben)).roles) == {tenant, "alpenhof"}
    assert await privacy.redis.exists(team.anna_session, team.ben_session) == 2
    before = (await everything(privacy, [privacy.settings.control_db])).lower()
    assert all(c.lower() in before for c in gone)
    assert json.dumps(plan).lower().count(tag_of(team)) == 0  # counts only, no contact data

    cert = await offboard_tenant(privacy, tenant, confirm=True, actor="test", parties=parties)

    assert cert["scan"]["clean"], cert["scan"]
    assert cert["scan"]["needles"]["guest_ref"] == 1 and cert["scan"]["needles"]["address"] >= 1
    assert cert["scan"]["needles"]["staff_contact"] >= 4  # anna's two, cara's, anna's number without +
    assert cert["scan"]["staff_left"] == 0 and cert["scan"]["console_sessions_left"] == 0
    assert cert["deleted"]["staff_deleted"] == 2 and cert["deleted"]["staff_memberships_removed"] == 1
    assert cert["deleted"]["console_sessions_ended"] == 1
    assert cert["deleted"]["backups"] == 1 and archives(stack.settings, tenant) == []
    assert not Path(backup["file"]).exists()
    # the staff who served only this tenant are gone, with every personal field
    assert await accounts.get(team.anna) is None and await accounts.get(team.cara) is None
    assert await accounts.by_username(f"anna.{tenant}") is None
    assert not await privacy.redis.exists(team.anna_session)
    left = (await everything(privacy, [privacy.settings.control_db])).lower()
    assert [c for c in gone if c.lower() in left] == []  # control database, Redis, providers
    # the shared account keeps its account, contacts and session, without this tenant
    ben = await accounts.get(team.ben)
    assert ben is not None and ben.roles == {"alpenhof": "agent"}
    assert (ben.email, ben.phone) == (team.ben_email, team.ben_phone)
    assert await privacy.redis.exists(team.ben_session)
    assert privacy.db(tenant).name not in await privacy.mongo.client.list_database_names()
    assert not [k async for k in privacy.redis.scan_iter(match=f"*{tenant}*")]
    assert not (stack.settings.data_dir / "exports" / f"{tenant}.json").exists()
    stored = await privacy.mongo.client[stack.settings.control_db][CERTIFICATES].find_one(
        {"_id": cert["_id"]}
    )
    assert stored["digest"] == cert["digest"] and stored["requested_by"] == "test"
    text = json.dumps(cert, default=str)
    assert number not in text and NAME not in text and gref not in text
    assert tag_of(team) not in text.lower() and team.anna_phone not in text
    assert number not in left and number[1:] not in left
    assert (
        await privacy.db("alpenhof").ratings.estimated_document_count() >= kept_before
    )  # other tenants stay


def tag_of(team: Team) -> str:
    """The random part of the test's staff e-mail addresses."""
    return team.anna_email.split("@")[0].split(".")[1]


async def test_standin_erase_is_loopback_only_and_exact(stack, privacy):
    phone = Phone(stack, number=_number())
    other = Phone(stack, number=_number())
    for p in (phone, other):
        await p.post(p.form(HELLO))
        await p.wait_for_text(QUESTION_OVERALL)
    async with aiohttp.ClientSession() as http:
        async with http.post(
            privacy.standins["twilio"] + "/_fake/erase", json={"addresses": [phone.number]}
        ) as r:
            assert r.status == 200 and (await r.json())["erased"] >= 1
    assert await phone.sent_to_me() == [] and await other.sent_to_me() != []


async def test_erasure_finds_the_tracker_of_a_guest_without_contact(stack, privacy):
    """REST and web-widget guests have no contact: their tracker is found by the keyed
    reference of the sender id stored in it."""
    from tests.stack.client import Guest

    guest = Guest(stack, "alpenhof")
    await guest.say(f"Hello, {NAME} from room 12 would like to give feedback")
    gref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    subject = await resolve(privacy, "alpenhof", gref)
    assert subject.sender_ids == (f"alpenhof~{guest.sender}",)
    report = await erase_guest(privacy, "alpenhof", gref, names=[NAME])
    assert report["erased"]["trackers"] == 1 and report["scan"]["clean"], report["scan"]
    assert not await privacy.redis.exists(privacy.tracker_key(f"alpenhof~{guest.sender}"))
