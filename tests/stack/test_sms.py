"""SMS end to end: signed Twilio webhooks into the running stack, replies out through
the local Twilio stand-in (real HTTP shape, real signatures)."""

from __future__ import annotations

import asyncio
import secrets
import time

import aiohttp
import pytest
from twilio.request_validator import RequestValidator

from bot.base.refs import guest_ref
from bot.i18n import Catalog
from tests.stack.client import mongo, tenant_db

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
HOTEL_NUMBER = "+49882112345"  # alpenhof's SMS number in config/tenants.yml
QUESTION_OVERALL = CATALOG.render("en", "question.overall", low=1, high=5)
QUESTION_ROOM = CATALOG.render("en", "question.room", low=1, high=5)
HELLO = "Hello, I would like to give some feedback about my stay"


def _guest_number() -> str:
    return "+49151" + str(secrets.randbelow(10**8)).zfill(8)


class Phone:
    """A guest's phone, as Twilio relays it."""

    def __init__(self, stack, number: str | None = None, to: str = HOTEL_NUMBER) -> None:
        self.stack = stack
        self.number = number or _guest_number()
        self.to = to
        fake = stack.fake_twilio
        assert fake is not None, "the stack runs the Twilio stand-in"
        self.fake = fake

    def form(self, body: str | None, sid: str | None = None) -> dict[str, str]:
        form = {
            "MessageSid": sid or "SM" + secrets.token_hex(16),
            "AccountSid": self.fake.account_sid,
            "From": self.number,
            "To": self.to,
            "NumMedia": "0",
        }
        if body is not None:
            form["Body"] = body
        return form

    def url(self, path: str = "/webhooks/sms/inbound") -> str:
        return self.stack.settings.public_url + path

    async def post(
        self,
        form: dict[str, str],
        *,
        token: str | None = None,
        signature: str | None = "auto",
        path: str = "/webhooks/sms/inbound",
    ) -> tuple[int, str]:
        url = self.url(path)
        headers = {}
        if signature == "auto":
            signature = RequestValidator(token or self.fake.auth_token).compute_signature(url, form)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=form, headers=headers) as r:
                return r.status, await r.text()

    async def sent_to_me(self) -> list[dict]:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.fake.base_url + "/_fake/messages") as r:
                messages = await r.json()
        return [m for m in messages if m.get("to") == self.number]

    async def text(self) -> str:
        """Everything sent to this phone, joined (long replies arrive in parts)."""
        return "".join(m["body"] for m in await self.sent_to_me())

    async def wait_for_text(self, needle: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = await self.text()
            if needle in text:
                return text
            await asyncio.sleep(0.1)
        raise AssertionError(f"{needle!r} never sent; got {await self.text()!r}")

    async def wait_for(self, count: int, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = await self.sent_to_me()
            if len(got) >= count:
                return got
            await asyncio.sleep(0.1)
        return await self.sent_to_me()


async def _ratings(stack, phone: Phone) -> list[dict]:
    guest = "sms-" + guest_ref(stack.settings.guest_key, "alpenhof", phone.number)[2:26]
    ref = guest_ref(stack.settings.guest_key, "alpenhof", guest)
    client = mongo(stack)
    try:
        return [d async for d in tenant_db(stack, client, "alpenhof").ratings.find({"guest_ref": ref})]
    finally:
        client.close()


async def test_signed_sms_gets_an_immediate_ack_and_a_reply_by_rest_api(stack):
    phone = Phone(stack)
    started = time.perf_counter()
    status, body = await phone.post(phone.form("Hello, I would like to give some feedback about my stay"))
    assert status == 200 and "<Response>" in body
    assert time.perf_counter() - started < 2.0
    text = await phone.wait_for_text(CATALOG.render("en", "question.overall", low=1, high=5))
    assert text.startswith(CATALOG.render("en", "greeting", hotel="Hotel Alpenhof")[:40])
    assert {m["from"] for m in await phone.sent_to_me()} == {HOTEL_NUMBER}


async def test_rating_by_sms_is_stored_without_the_phone_number(stack):
    phone = Phone(stack)
    await phone.post(phone.form("Hello, I would like to give some feedback about my stay"))
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.post(phone.form("4"))
    await phone.wait_for_text(QUESTION_ROOM)
    docs = await _ratings(stack, phone)
    assert [(d["question"], d["value"], d["channel"]) for d in docs] == [("overall", 4, "sms")]
    assert phone.number not in str(docs) and phone.number[1:] not in str(docs)


@pytest.mark.parametrize(
    "case",
    ["missing", "wrong_token", "tampered_param", "extra_param", "other_path", "garbage"],
)
async def test_unsigned_or_mis_signed_sms_is_refused_and_nothing_happens(stack, case):
    phone = Phone(stack)
    form = phone.form("5")
    good = RequestValidator(phone.fake.auth_token).compute_signature(phone.url(), form)
    if case == "missing":
        status, _ = await phone.post(form, signature=None)
    elif case == "wrong_token":
        status, _ = await phone.post(form, token="0" * 32)
    elif case == "tampered_param":
        status, _ = await phone.post({**form, "Body": "1"}, signature=good)
    elif case == "extra_param":
        status, _ = await phone.post({**form, "Injected": "x"}, signature=good)
    elif case == "other_path":
        other = RequestValidator(phone.fake.auth_token).compute_signature(
            phone.url("/webhooks/sms/other"), form
        )
        status, _ = await phone.post(form, signature=other)
    else:
        status, _ = await phone.post(form, signature="not-a-signature")
    assert status == 403
    await asyncio.sleep(0.5)
    assert await phone.sent_to_me() == []
    assert await _ratings(stack, phone) == []


async def test_retried_message_sid_is_processed_once_even_concurrently(stack):
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for_text(QUESTION_OVERALL)
    form = phone.form("4")
    results = await asyncio.gather(*(phone.post(form) for _ in range(5)))
    assert all(status == 200 for status, _ in results)
    await phone.post(form)  # and once more, later
    await phone.wait_for_text(QUESTION_ROOM)
    await asyncio.sleep(1.0)
    assert (await phone.text()).count(QUESTION_ROOM) == 1  # one turn, one reply
    assert len(await _ratings(stack, phone)) == 1


async def test_sms_without_body_gets_a_polite_reply(stack):
    phone = Phone(stack)
    form = phone.form(None)
    form["NumMedia"] = "1"
    status, _ = await phone.post(form)
    assert status == 200
    # no text to detect a language from: greeted and asked in the tenant's default
    await phone.wait_for_text(CATALOG.render("de", "question.overall", low=1, high=5))


@pytest.mark.parametrize(
    "stop, lang", [("STOP", "en"), ("Stopp", "de"), ("ARRÊT", "fr"), ("baja", "es"), ("BASTA", "it")]
)
async def test_stop_in_each_language_silences_until_start(stack, stop, lang):
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.post(phone.form(stop))
    if lang != "en":  # Twilio itself confirms its standard English keywords
        await phone.wait_for_text(CATALOG.render(lang, "sms.stopped", hotel="Hotel Alpenhof"))
    else:
        await asyncio.sleep(1.0)
    before = len(await phone.sent_to_me())
    await phone.post(phone.form("4"))
    await asyncio.sleep(1.5)
    assert len(await phone.sent_to_me()) == before  # nothing more after STOP
    assert await _ratings(stack, phone) == []
    await phone.post(phone.form("START"))
    await phone.post(phone.form("4"))
    await phone.wait_for_text(QUESTION_ROOM)
    assert [d["question"] for d in await _ratings(stack, phone)] == ["overall"]
    # both consent changes are in the audit (pending in the inbox, or folded into the chain)
    assert await _consent_writes(stack, phone) == 2


async def _consent_writes(stack, phone: Phone) -> int:
    guest = "sms-" + guest_ref(stack.settings.guest_key, "alpenhof", phone.number)[2:26]
    gref = guest_ref(stack.settings.guest_key, "alpenhof", guest)
    client = mongo(stack)
    try:
        db = tenant_db(stack, client, "alpenhof")
        writes = [w async for d in db.audit_inbox.find({}) for w in d.get("writes") or ()]
        async for entry in db.audit.find({"action": "system.batch"}):
            writes += [w for r in (entry.get("detail") or {}).get("records") or () for w in r["writes"]]
    finally:
        client.close()
    return sum(1 for w in writes if w["action"] == "sms_consent.update" and w["resource_id"] == gref)


async def test_picture_only_mms_with_blank_body_is_verified_and_answered(stack):
    phone = Phone(stack)
    form = phone.form("")  # Twilio sends (and signs) an empty Body for a picture-only MMS
    form["NumMedia"] = "1"
    status, _ = await phone.post(form)
    assert status == 200
    await phone.wait_for_text(CATALOG.render("de", "question.overall", low=1, high=5))


async def test_unknown_receiving_number_is_refused(stack):
    phone = Phone(stack, to="+14155550100")
    status, _ = await phone.post(phone.form("hi"))
    assert status == 404
    assert await phone.sent_to_me() == []


async def test_status_callbacks_are_verified_and_never_move_backwards(stack):
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    sent = await phone.wait_for(1)
    sid = sent[0]["sid"]
    path = "/webhooks/sms/status?tenant=alpenhof"

    async def callback(status: str, signature: str | None = "auto") -> int:
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": phone.fake.account_sid}
        code, _ = await phone.post(form, path=path, signature=signature)
        return code

    assert await callback("delivered", signature=None) == 403
    for status in ("sent", "delivered", "sent", "delivered", "queued"):
        assert await callback(status) == 204
    client = mongo(stack)
    try:
        doc = await tenant_db(stack, client, "alpenhof").sms_outbound.find_one({"_id": sid})
    finally:
        client.close()
    assert doc["status"] == "delivered"
    assert set(doc["history"]) >= {"queued", "sent", "delivered"}


async def test_no_phone_number_or_text_in_any_log(stack):
    phone = Phone(stack)
    await phone.post(phone.form("Hello, Mrs Zanzibar-Quill here, I would like to give feedback"))
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.post(phone.form("4"))
    await phone.wait_for_text(QUESTION_ROOM)
    # Rasa reads a leading "/" as an intent payload and quoted a malformed one in its log
    sent = len(await phone.sent_to_me())
    await phone.post(phone.form("/PRIVSMS-XYZ Zanzibar-Quill room 12 {"))
    assert len(await phone.wait_for(sent + 1)) > sent, "the message was answered"
    logs = {p.name: p.read_text(errors="replace") for p in (stack.settings.data_dir / "logs").glob("*.log")}
    assert {"rasa.log", "actions.log", "fake-twilio.log"} <= set(logs)
    for name, text in logs.items():
        for needle in (phone.number, phone.number[1:], phone.number[-8:], "Zanzibar", "PRIVSMS"):
            assert needle not in text, f"{needle!r} in {name}"
