"""The invitation opens the conversation, end to end in the running stack: a stay and a
"sent" invitation (the documents the scheduler writes, CONTRACTS §1) are inserted, then
the guest answers — "4" by SMS or WhatsApp through the Twilio stand-in, a reply by e-mail over the
Mailgun webhook, or in a real browser through the invitation's signed link — and the
answer is stored for the first question, the reply is the second question in the
invitation's language (Italian or French for Hotel Alpenhof, whose default is German),
and the invitation is marked answered. Expired and altered links are refused."""

from __future__ import annotations

import datetime
import secrets
import time
from pathlib import Path

import aiohttp
import pytest

from bot.base import invite_link
from bot.base.names import CONVERSATIONS, INVITATIONS
from bot.base.sealing import Cipher
from bot.base.settings import PROJECT_ROOT
from bot.i18n import Catalog
from bot.outreach.stays import Stay, StayStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants
from tests.stack.client import conversation_ratings
from tests.stack.test_audit_inbox import batches
from tests.stack.test_audit_reads import accesses
from tests.stack.test_browser import chromium, record_errors, wait_until
from tests.stack.test_email import Mailbox
from tests.stack.test_email_multipart import reply_text
from tests.stack.test_sms import Phone
from tests.stack.test_webchat import chats  # noqa: F401 - the fixture
from tests.stack.test_whatsapp import WhatsappPhone

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
TENANTS = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", CATALOG.languages)
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found")


def question(lang: str, qid: str) -> str:
    return CATALOG.render(lang, f"question.{qid}", low=1, high=5, hotel="Hotel Alpenhof")


class Invited:
    """A stay of Hotel Alpenhof and its post-stay invitation, marked sent (as the
    scheduler leaves it after the outbox sent it)."""

    def __init__(self, stack) -> None:
        self.stack = stack
        s = stack.settings
        self.mongo = MongoStore(connect(s.effective_mongodb_url.value), s.db_prefix)
        self.stays = StayStore(self.mongo, "alpenhof", Cipher(s.data_keys), s.guest_key)

    async def create(self, *, phone: str | None, email: str | None, lang: str, channel: str) -> dict:
        reservation = "R-" + secrets.token_hex(4)
        first_name = "Giulia" + secrets.token_hex(2)
        stay = Stay(
            reservation,
            "checked_out",
            # ended six days ago: the stack's own scheduler finds it too late to invite
            (datetime.date.today() - datetime.timedelta(days=10)).isoformat(),
            (datetime.date.today() - datetime.timedelta(days=6)).isoformat(),
            phone=phone,
            email=email,
            first_name=first_name,
            language=lang,
        )
        await self.stays.upsert([stay], source="api", import_id="imp_test", now=time.time())
        doc = await self.stays.collection.find_one({"_id": self.stays.id_of(reservation)})
        now = time.time()
        self.invitation = {
            "_id": "i_" + doc["_id"][2:] + "_post_stay",
            "stay": doc["_id"],
            "journey": "post_stay",
            "reminder": 0,
            "guest_ref": doc["guest_ref"],
            "guest_refs": doc["guest_refs"],
            "lang": lang,
            "due": now - 120,
            "status": "sent",
            "attempts": 1,
            "channel": channel,
            "tried": [],
            "sent_at": now - 60,
            "created_at": now - 3600,
            "updated_at": now - 60,
        }
        # replace: the stack's scheduler may have planned (and suppressed) it meanwhile
        await self.mongo.database("alpenhof")[INVITATIONS].replace_one(
            {"_id": self.invitation["_id"]}, self.invitation, upsert=True
        )
        self.stay = doc
        self.reservation, self.first_name = reservation, first_name
        return doc

    def link(self, expires_in: float = 86_400) -> str:
        s = self.stack.settings
        token = invite_link.mint(
            s.guest_key, "alpenhof", self.stay["guest_ref"], self.stay["_id"], time.time() + expires_in
        )
        return invite_link.url(s.public_url, token)

    async def invitation_doc(self) -> dict:
        return await self.mongo.database("alpenhof")[INVITATIONS].find_one({"_id": self.invitation["_id"]})

    async def conversation(self) -> dict | None:
        return await self.mongo.database("alpenhof")[CONVERSATIONS].find_one(
            {"invitation": self.invitation["_id"]}
        )

    def close(self) -> None:
        self.mongo.client.close()


@pytest.fixture()
async def invited(stack):
    inv = Invited(stack)
    yield inv
    inv.close()


def _italian_number() -> str:
    return "+39347" + str(secrets.randbelow(10**7)).zfill(7)


async def test_an_sms_reply_4_answers_the_first_question_and_the_second_comes_in_italian(stack, invited):
    phone = Phone(stack, _italian_number())
    stay = await invited.create(phone=phone.number, email=None, lang="it", channel="sms")
    status, _ = await phone.post(phone.form("4"))
    assert status == 200
    text = await phone.wait_for_text(question("it", "room"))
    assert text == question("it", "room")  # no greeting: the invitation greeted
    ratings = await conversation_ratings(stack, "alpenhof", stay["guest_ref"])
    assert {q: (d["value"], d["language"], d["channel"]) for q, d in ratings.items()} == {
        "overall": (4, "it", "sms")
    }
    conv = await invited.conversation()
    assert conv is not None and (conv["stay"], conv["journey"]) == (stay["_id"], "post_stay")
    assert (conv["language"], conv["language_source"]) == ("it", "reservation")
    answered = (await invited.invitation_doc())["answered_at"]
    assert isinstance(answered, float) and abs(answered - time.time()) < 120


async def test_a_whatsapp_reply_answers_it_too(stack, invited):
    phone = WhatsappPhone(stack, "+34612" + str(secrets.randbelow(10**6)).zfill(6))
    stay = await invited.create(phone=phone.number, email=None, lang="es", channel="whatsapp")
    assert await phone.write("4") == 200
    assert await phone.wait_for_text(question("es", "room")) == question("es", "room")
    ratings = await conversation_ratings(stack, "alpenhof", stay["guest_ref"])
    assert {q: (d["value"], d["language"]) for q, d in ratings.items()} == {"overall": (4, "es")}


async def test_an_e_mail_reply_to_the_invitation_threads_into_the_conversation(stack, invited):
    box = Mailbox(stack)
    stay = await invited.create(phone=None, email=box.address, lang="fr", channel="email")
    subject = "Re: " + CATALOG.render("fr", "invite.subject", hotel="Hotel Alpenhof")
    invitation_mail = "<invite-" + secrets.token_hex(6) + "@alpenhof.example>"
    form = box.form(
        "4 étoiles\n\n> " + question("fr", "overall"),
        subject=subject,
        message_id="<reply-1@example.org>",
        headers=[["In-Reply-To", invitation_mail], ["References", invitation_mail]],
    )
    assert await box.post(form) == 200
    mail = await box.wait_for(1)
    assert len(mail) == 1
    reply = mail[0]
    assert reply["in_reply_to"] == "<reply-1@example.org>" and reply["subject"] == subject
    assert question("fr", "room") in reply_text(reply)
    ratings = await conversation_ratings(stack, "alpenhof", stay["guest_ref"])
    assert {q: (d["value"], d["language"]) for q, d in ratings.items()} == {"overall": (4, "fr")}
    assert "answered_at" in await invited.invitation_doc()


@needs_chromium
async def test_the_signed_link_opens_the_invited_guest_s_chat_in_the_browser(stack, invited):
    phone_number = _italian_number()
    stay = await invited.create(phone=phone_number, email=None, lang="it", channel="sms")
    link = invited.link()
    errors: list[str] = []
    async with chromium() as browser:
        context = await browser.new_context(locale="de-DE")  # the invitation's language wins
        page = await context.new_page()
        record_errors(page, errors)
        response = await page.goto(link)
        assert response is not None and response.status == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe" not in csp
        assert response.headers["referrer-policy"] == "no-referrer"
        html = await page.content()
        for secret in (invited.reservation, invited.first_name, phone_number, stay["_id"], stay["guest_ref"]):
            assert secret not in html.replace(link.rsplit("/", 1)[1], "")  # nothing of the stay
        bots = ".rapport-msg.rapport-bot"
        await wait_until(page, f"document.querySelectorAll('{bots}').length >= 1")
        assert await page.locator(bots).all_inner_texts() == [question("it", "overall")]
        await page.fill(".rapport-form input", "4")
        await page.press(".rapport-form input", "Enter")
        await wait_until(page, f"document.querySelectorAll('{bots}').length >= 2")
        assert (await page.locator(bots).all_inner_texts())[-1] == question("it", "room")
        await context.close()
    assert errors == []
    ratings = await conversation_ratings(stack, "alpenhof", stay["guest_ref"])
    assert {q: (d["value"], d["language"], d["channel"]) for q, d in ratings.items()} == {
        "overall": (4, "it", "webchat")
    }
    assert "answered_at" in await invited.invitation_doc()
    # opening the stay's sealed number to bind the socket was recorded (inbox or chain)
    db = invited.mongo.database("alpenhof")
    pending = [{"detail": {"records": await db.audit_inbox.find({}).to_list(None)}}]
    read = ("read", "stay.read", stay["_id"])
    assert read in accesses(await batches(invited.mongo.client, db.name) + pending)

    # the same guest texts afterwards: the same conversation, the next question
    phone = Phone(stack, phone_number)
    await phone.post(phone.form("5"))
    third = TENANTS.get("alpenhof").questions[2].id
    assert await phone.wait_for_text(question("it", third)) == question("it", third)


@needs_chromium
async def test_expired_and_altered_links_are_refused_in_the_hotel_s_language(stack, invited):
    await invited.create(phone=_italian_number(), email=None, lang="it", channel="sms")
    expired = invited.link(expires_in=-1)
    good = invited.link()
    altered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    async with aiohttp.ClientSession() as session:
        for url, status, words in (
            (expired, 410, "abgelaufen"),  # German: Hotel Alpenhof's default
            (altered, 400, "ungültig"),
            (good.rsplit("/", 1)[0] + "/garbage", 404, "not valid"),  # names no hotel: English
        ):
            async with session.get(url) as r:
                body = await r.text()
                assert r.status == status, (url, r.status)
                assert words in body and "rapport-chat" not in body
                assert r.headers["Cache-Control"] == "no-store"
    async with chromium() as browser:
        page = await browser.new_page()
        response = await page.goto(expired)
        assert response is not None and response.status == 410
        assert await page.locator("#rapport-chat").count() == 0


async def test_the_widget_s_invite_session_is_checked_again_and_bound_to_the_guest(
    stack,
    invited,
    chats,  # noqa: F811
):
    phone_number = _italian_number()
    stay = await invited.create(phone=phone_number, email=None, lang="it", channel="sms")
    good = invited.link().rsplit("/", 1)[1]
    s = stack.settings
    laguna = invite_link.mint(s.guest_key, "laguna", stay["guest_ref"], stay["_id"], time.time() + 3600)
    expired = invited.link(expires_in=-1).rsplit("/", 1)[1]
    for bad in (
        laguna,
        expired,
        good[:-2] + ("yy" if good.endswith("xx") else "xx"),
        "",
        None,
        42,
        {"t": "alpenhof"},
        "x" * 10_000,
    ):
        chat = chats("alpenhof")  # a socket may ask for 5 sessions a minute
        await chat.connect()
        assert await chat.error({"invite": bad}, event="session_request") == "invite_refused", bad
        assert await chat.error({"message": "4"}) == "no_session"  # nothing was bound
    chat = chats("alpenhof")
    await chat.connect()
    await chat.sio.emit("session_request", {"invite": good})
    name, body = await chat.next(10)
    assert (name, body["token"], body["resumed"]) == ("session_confirm", None, True)
    assert await chat.say("4", 1) == [question("it", "room")]
    ratings = await conversation_ratings(stack, "alpenhof", stay["guest_ref"])
    assert {q: d["value"] for q, d in ratings.items()} == {"overall": 4}
    # another tab holding the same link is the same guest: the conversation goes on
    other = chats("alpenhof")
    await other.connect()
    await other.sio.emit("session_request", {"invite": good})
    assert (await other.next(10))[0] == "session_confirm"
    third = TENANTS.get("alpenhof").questions[2].id
    assert await other.say("5", 1) == [question("it", third)]
