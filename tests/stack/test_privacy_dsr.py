"""Data-subject requests inside the conversation, through the real Rasa server and
action server, in all five languages: recognised, confirmed by the guest's explicit yes,
registered, verified with a one-time code sent through the local provider stand-ins (SMS
and e-mail), or by the session (web widget, REST); wrong and expired codes; requests about
someone else refused. (What does not start a request: test_privacy_dsr_intake.py.)"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import time

import aiohttp
import pytest

from bot.base.refs import guest_ref
from bot.i18n import Catalog
from bot.privacy.requests import DONE, PENDING, VERIFIED, code_hash
from tests.stack.client import Guest, mongo, tenant_db
from tests.stack.test_email import Mailbox
from tests.stack.test_sms import HELLO, Phone

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")

# The guest's words per language and request type (not in the training data).
REQUESTS = {
    "en": {
        "erasure": "Please delete all the data you have stored about me",
        "access": "What personal data do you hold about me? I would like a copy",
        "rectification": "My email address in your records is wrong, the correct one is anna.new@example.org",
        "restriction": "Please do not use my answers for your statistics",
        "objection": "Stop contacting me, I do not want any more messages from you",
    },
    "de": {
        "erasure": "Bitte löschen Sie alle meine Daten bei Ihnen",
        "access": "Welche Daten haben Sie über mich gespeichert? Ich möchte eine Auskunft",
        "rectification": "Meine E-Mail-Adresse bei Ihnen ist falsch, richtig ist anna.neu@example.org",
        "restriction": "Bitte verwenden Sie meine Antworten nicht für Statistiken",
        "objection": "Bitte kontaktieren Sie mich nicht mehr, ich will keine Nachrichten mehr",
    },
    "fr": {
        "erasure": "Merci de supprimer toutes mes données personnelles",
        "access": "Quelles données avez-vous sur moi ? Je voudrais en avoir une copie",
        "rectification": "Mon adresse e-mail chez vous est fausse, la bonne est anna.nouvelle@example.org",
        "restriction": "N'utilisez pas mes réponses pour vos statistiques s'il vous plaît",
        "objection": "Arrêtez de me contacter, je ne veux plus recevoir de messages",
    },
    "es": {
        "erasure": "Por favor, borren todos mis datos personales",
        "access": "¿Qué datos personales tienen sobre mí? Quiero una copia",
        "rectification": (
            "Mi correo electrónico en sus registros es incorrecto, el correcto es anna.nueva@example.org"
        ),
        "restriction": "Por favor, no usen mis respuestas para sus estadísticas",
        "objection": "Dejen de contactarme, no quiero recibir más mensajes",
    },
    "it": {
        "erasure": "Per favore cancellate tutti i miei dati personali",
        "access": "Quali dati personali avete su di me? Vorrei averne una copia",
        "rectification": (
            "Il mio indirizzo email nei vostri archivi è sbagliato, quello giusto è anna.nuova@example.org"
        ),
        "restriction": "Per favore non usate le mie risposte per le vostre statistiche",
        "objection": "Smettete di contattarmi, non voglio più ricevere messaggi",
    },
}
CASES = [(lang, kind) for lang in REQUESTS for kind in REQUESTS[lang]]
YES = {"en": "yes", "de": "Ja", "fr": "oui", "es": "Sí", "it": "sì"}


def squeezed(text: str) -> str:
    """Long SMS replies arrive in segments split on sentence boundaries: compare without spaces."""
    return "".join(text.split())


def _sms_ref(stack, number: str) -> str:
    guest = "sms-" + guest_ref(stack.settings.guest_key, "alpenhof", number)[2:26]
    return guest_ref(stack.settings.guest_key, "alpenhof", guest)


async def _requests(stack, ref: str, tenant: str = "alpenhof") -> list[dict]:
    client = mongo(stack)
    try:
        cursor = tenant_db(stack, client, tenant).dsr_requests.find({"guest_ref": ref}).sort("created_at", 1)
        return [d async for d in cursor]
    finally:
        client.close()


async def _wait_squeezed(phone: Phone, needle: str, timeout: float = 20) -> None:
    """Until ``needle`` was sent, its SMS segments (split on sentence boundaries) joined."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if squeezed(needle) in squeezed(await phone.text()):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{needle!r} never sent")


async def _code_sms(phone: Phone, after: int, timeout: float = 20) -> str:
    """The code in the first message to the phone after the first `after` messages."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in (await phone.sent_to_me())[after:]:
            found = CODE.search(m["body"])
            if found:
                return found.group(1)
        await asyncio.sleep(0.1)
    raise AssertionError("no code was sent")


@pytest.mark.parametrize(("lang", "kind"), CASES)
async def test_each_request_type_in_each_language_is_verified_by_a_code_sent_by_sms(stack, lang, kind):
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for(2)
    before = len(await phone.sent_to_me())
    await phone.post(phone.form(REQUESTS[lang][kind]))
    question = CATALOG.render(lang, f"dsr.confirm.{kind}")
    await phone.wait_for_text(question.split("?")[0])
    # asked, not registered, no code: the guest has not said yes yet
    assert await _requests(stack, _sms_ref(stack, phone.number)) == []
    assert not any(CODE.search(m["body"]) for m in (await phone.sent_to_me())[before:])
    await phone.post(phone.form(YES[lang]))
    await phone.wait_for_text(CATALOG.render(lang, f"dsr.received.{kind}"))
    await _wait_squeezed(phone, CATALOG.render(lang, "dsr.code_sent.sms"))
    code = await _code_sms(phone, before)
    (request,) = await _requests(stack, _sms_ref(stack, phone.number))
    assert (request["type"], request["status"], request["language"]) == (kind, PENDING, lang)
    # only its HMAC is stored: the hash is the code's, and no field holds the code itself
    # (a 6-digit code may occur by chance inside a random hex id, so compare whole values)
    assert request["code_hash"] == code_hash(stack.settings.guest_key, request["_id"], code)
    assert code not in {str(v) for v in request.values()}

    await phone.post(phone.form(code))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        (request,) = await _requests(stack, _sms_ref(stack, phone.number))
        if request["status"] != PENDING:
            break
        await asyncio.sleep(0.2)
    assert request["status"] in (VERIFIED, DONE)  # alpenhof runs verified requests at once
    if kind != "erasure":  # an erasure also removes the stand-in's record of these texts
        await phone.wait_for_text(CATALOG.render(lang, "dsr.verified.auto"))


async def test_wrong_codes_three_times_then_a_new_code(stack):
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for(2)
    before = len(await phone.sent_to_me())
    await phone.post(phone.form(REQUESTS["en"]["access"]))
    await phone.wait_for_text(CATALOG.render("en", "dsr.confirm.access"))
    await phone.post(phone.form("yes"))
    first = await _code_sms(phone, before)
    wrong = "000000" if first != "000000" else "111111"
    for left in (2, 1):
        await phone.post(phone.form(wrong))
        await phone.wait_for_text(CATALOG.render("en", "dsr.code_wrong", left=left))
    count = len(await phone.sent_to_me())
    await phone.post(phone.form(wrong))  # the third wrong try uses the code up
    await phone.wait_for_text(CATALOG.render("en", "dsr.code_wrong", left=0).split(".")[0])
    await phone.post(phone.form(first))  # the old code no longer works: a new one is sent
    await phone.wait_for_text(CATALOG.render("en", "dsr.code_resent"))
    second = await _code_sms(phone, count)
    await phone.post(phone.form(second))
    await phone.wait_for_text(CATALOG.render("en", "dsr.verified.auto"))


async def test_a_request_about_someone_elses_number_is_refused_and_reveals_nothing(stack):
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for(2)
    before = len(await phone.sent_to_me())
    await phone.post(phone.form("Please delete all the data you have about +4915199887766"))
    await phone.wait_for_text(CATALOG.render("en", "dsr.other_person"))
    await asyncio.sleep(1.0)
    assert await _requests(stack, _sms_ref(stack, phone.number)) == []
    texts = [m["body"] for m in (await phone.sent_to_me())[before:]]
    assert not any(CODE.search(t) for t in texts)  # no code, nothing disclosed
    assert not any("+4915199887766" in t for t in texts)


async def test_an_email_requester_gets_the_code_by_email(stack):
    box = Mailbox(stack)
    assert await box.post(box.form("Hello, I would like to tell you about my stay at your hotel.")) == 200
    await box.wait_for(1)
    assert await box.post(box.form(REQUESTS["en"]["access"])) == 200
    mails = await box.wait_for(2)
    question = email.message_from_string(mails[1]["raw"], policy=email.policy.default)
    asked = question.get_body(("plain",)).get_content().replace("\n", " ")
    assert CATALOG.render("en", "dsr.confirm.access") in asked
    assert not CODE.search(asked)  # no code before the yes
    assert await box.post(box.form("Yes")) == 200
    mails = await box.wait_for(4)
    bodies = [email.message_from_string(m["raw"], policy=email.policy.default) for m in mails]
    texts = [b.get_body(("plain",)).get_content() for b in bodies]
    assert any(CATALOG.render("en", "dsr.code_sent.email") in t.replace("\n", " ") for t in texts)
    code = next(CODE.search(t).group(1) for t in texts if CODE.search(t))
    assert await box.post(box.form(code)) == 200
    # the confirmation (the turn's reply) and the export link (the privacy worker, another
    # process) race: the confirmation is among the mails after the code, in either order
    confirmed = CATALOG.render("en", "dsr.verified.auto")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        got = await box.received()
        mails = [email.message_from_string(m["raw"], policy=email.policy.default) for m in got]
        if any(confirmed in m.get_body(("plain",)).get_content().replace("\n", " ") for m in mails[4:]):
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("no confirmation after the code")


async def test_a_web_or_rest_session_is_verified_by_the_session_itself(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    replies = await guest.say(REQUESTS["en"]["restriction"])
    assert replies == [CATALOG.render("en", "dsr.confirm.restriction")]
    ref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    assert await _requests(stack, ref) == []  # only asked: the session is no consent
    replies = await guest.say("Yes")
    assert replies == [
        CATALOG.render("en", "dsr.received.restriction"),
        CATALOG.render("en", "dsr.verified.auto"),
    ]
    (request,) = await _requests(stack, ref)
    assert request["channel"] == "rest"


async def test_staff_approval_tenant_tells_the_guest_staff_will_do_it(stack):
    guest = Guest(stack, "laguna", locale="en")
    await guest.say("hi")
    assert await guest.say(REQUESTS["en"]["access"]) == [CATALOG.render("en", "dsr.confirm.access")]
    replies = await guest.say("yes please")
    assert replies[-1] == CATALOG.render("en", "dsr.verified.staff")


async def test_a_forged_action_call_cannot_run_a_request(stack):
    """The action server refuses calls without the Rasa server's token: nothing is
    registered, nothing sent."""
    s = stack.settings
    body = {
        "next_action": "action_feedback",
        "sender_id": "alpenhof~forged-guest",
        "tracker": {
            "sender_id": "alpenhof~forged-guest",
            "slots": {},
            "latest_message": {
                "text": REQUESTS["en"]["erasure"],
                "intent": {"name": "dsr_erasure", "confidence": 1},
            },
            "events": [],
        },
        "domain": {},
    }
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"Authorization": "Bearer forged"}):
            async with session.post(
                f"http://{s.host}:{s.action_port}/webhook", json=body, headers=headers
            ) as r:
                assert r.status == 401
    ref = guest_ref(s.guest_key, "alpenhof", "forged-guest")
    assert await _requests(stack, ref) == []


async def test_no_personal_data_in_any_log_through_escalation_and_requests(stack):
    """A full conversation with recognisable personal data — name, number, e-mail
    address, room, words — through the bot, a handover, a staff reply and a verified
    data-subject request: no log line of any process contains any of it."""
    from bot.base.settings import Settings
    from bot.channels.transports import build_outbox
    from bot.handover.delivery import Delivery
    from bot.handover.store import HandoverStore
    from bot.storage.mongo import MongoStore

    phone = Phone(stack)
    secret_words = "Esmeralda Quintavalle-Brightwater in the Marigold suite (esmeralda.qb@example.org)"
    await phone.post(phone.form(f"Hello, this is {secret_words}, I would like to give feedback"))
    await phone.wait_for(2)
    await phone.post(phone.form("I would like to talk to a person please"))
    client = mongo(stack)
    try:
        ref = _sms_ref(stack, phone.number)
        settings = Settings.from_env(stack.child_env())
        store = HandoverStore(
            MongoStore(client, stack.settings.db_prefix),
            "alpenhof",
            deliver=Delivery(build_outbox(settings, MongoStore(client, stack.settings.db_prefix))),
        )
        for _ in range(50):
            doc = await store.handovers.find_one({"guest_ref": ref})
            if doc:
                break
            await asyncio.sleep(0.2)
        await store.take(doc["_id"], "agent-1")
        await store.staff_reply(
            doc["_id"], "agent-1", "Dear Esmeralda, we are sorry about the Marigold suite"
        )
        await store.hand_back(doc["_id"], "agent-1")
    finally:
        client.close()
    before = len(await phone.sent_to_me())
    await phone.post(phone.form(REQUESTS["en"]["restriction"]))
    await phone.wait_for_text(CATALOG.render("en", "dsr.confirm.restriction").split("?")[0])
    await phone.post(phone.form("yes"))
    code = await _code_sms(phone, before)
    await phone.post(phone.form(code))
    await phone.wait_for_text(CATALOG.render("en", "dsr.verified.auto"))
    await asyncio.sleep(1.5)  # the worker in the jobs process runs the request
    logs = {p.name: p.read_text(errors="replace") for p in (stack.settings.data_dir / "logs").glob("*.log")}
    assert {"rasa.log", "actions.log", "console.log", "jobs.log", "fake-twilio.log"} <= set(logs)
    needles = (phone.number, phone.number[1:], phone.number[-8:], "Esmeralda", "Quintavalle", "Marigold")
    needles += ("esmeralda.qb", "talk to a person", "statistics", "sorry about")
    # the code as a number of its own (hex ids in the logs may contain any 6 digits)
    code_alone = re.compile(rf"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])")
    for name, text in logs.items():
        for needle in needles:
            assert needle not in text, f"{needle!r} in {name}"
        assert not code_alone.search(text), f"the one-time code in {name}"
