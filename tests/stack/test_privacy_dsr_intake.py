"""What does NOT start a data-subject request, through the real Rasa server and action
server (issue 10, item 4): ordinary feedback sent as a guest's first message, junk,
markup, over-long messages; and a real request that is asked back and registered only
after the guest's explicit yes — any other answer is ordinary feedback."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.base.refs import guest_ref
from bot.i18n import Catalog
from tests.stack.client import Guest, conversation_ratings, mongo, tenant_db
from tests.stack.test_privacy_dsr import CODE, REQUESTS, _requests, _sms_ref, squeezed
from tests.stack.test_sms import HELLO, Phone

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
KINDS = ("erasure", "access", "rectification", "restriction", "objection")
# Every request-related reply in every language: none may answer ordinary feedback.
DSR_TEXTS = {
    CATALOG.render(lang, key)
    for lang in CATALOG.languages
    for key in [f"dsr.confirm.{k}" for k in KINDS]
    + [f"dsr.received.{k}" for k in KINDS]
    + ["dsr.verified.auto", "dsr.verified.staff", "dsr.code_sent.sms", "dsr.code_sent.email"]
}

# Ordinary reviews sent as a guest's first message that started requests (and, over REST,
# had them carried out at once) before the gate.
FEEDBACK = [
    "Bonjour, nous avons passé trois nuits chez vous.",
    "Bonjour, Nous avons passé trois nuits chez vous. Je donnerais 4 sur 5. Cordialement, Chloé",
    "Me he alojado por 2 dias, solo alojamiento.",
    "Gutes Hotel für einen Städtetrip",
]


async def _questions(stack, ref: str) -> list[dict]:
    client = mongo(stack)
    try:
        return [d async for d in tenant_db(stack, client, "alpenhof").dsr_questions.find({"guest_ref": ref})]
    finally:
        client.close()


def _ref(stack, guest: Guest) -> str:
    return guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)


async def _nothing_started(stack, ref: str) -> None:
    assert await _requests(stack, ref) == []
    assert await _questions(stack, ref) == []


@pytest.mark.parametrize("text", FEEDBACK, ids=["fr-nights", "fr-chloe", "es-room-only", "de-city-trip"])
async def test_ordinary_feedback_as_a_first_message_over_rest_is_feedback(stack, text):
    guest = Guest(stack, "alpenhof")
    replies = await guest.say(text)
    assert not DSR_TEXTS & set(replies), replies
    await _nothing_started(stack, _ref(stack, guest))


@pytest.mark.parametrize("text", ["Z " * 100, "<b>B</b> " * 50, "🙂" * 40], ids=["Z", "tagged-B", "emoji"])
async def test_junk_starts_no_request(stack, text):
    guest = Guest(stack, "alpenhof", locale="en")
    replies = await guest.say(text)
    assert not DSR_TEXTS & set(replies), replies
    await _nothing_started(stack, _ref(stack, guest))


async def test_markup_does_not_decide_the_intent(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    replies = await guest.say("I want to talk to a person now <script>alert('hello')</script>")
    # asked for a person: acknowledged, or handed to staff (in their staffed hours)
    person = [CATALOG.render("en", k) for k in ("human.requested", "handover.notice")]
    person.append(CATALOG.render("en", "handover.notice_later", when="-").split(".")[0])
    assert any(r.startswith(p) for r in replies for p in person), replies
    assert not DSR_TEXTS & set(replies), replies
    await _nothing_started(stack, _ref(stack, guest))


@pytest.mark.parametrize(
    "body",
    ["B" * 9000, ("Please delete all the data you have stored about me. " * 170)[:9000]],
    ids=["B-9000", "request-9000"],
)
async def test_an_over_long_sms_is_refused_before_any_request(stack, body):
    """The length limit comes first: not even a real request over 2,000 characters starts
    one (the privacy turn used to run before the engine's length check)."""
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for(2)
    before = len(await phone.sent_to_me())
    await phone.post(phone.form(body))
    limit = stack.settings.max_message_chars
    text = await phone.wait_for_text(CATALOG.render("en", "input.too_long", limit=limit)[:30])
    assert not any(squeezed(t) in squeezed(text) for t in DSR_TEXTS)
    assert not any(CODE.search(m["body"]) for m in (await phone.sent_to_me())[before:])
    await _nothing_started(stack, _sms_ref(stack, phone.number))


async def test_a_request_is_asked_back_and_registered_only_after_yes(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    ref = _ref(stack, guest)
    await guest.say("hi")
    assert await guest.say(REQUESTS["en"]["erasure"]) == [CATALOG.render("en", "dsr.confirm.erasure")]
    assert await _requests(stack, ref) == []
    (question,) = await _questions(stack, ref)
    assert question["type"] == "erasure"
    replies = await guest.say("YES!")
    assert replies == [
        CATALOG.render("en", "dsr.received.erasure"),
        CATALOG.render("en", "dsr.verified.auto"),
    ]
    (request,) = await _requests(stack, ref)
    assert request["type"] == "erasure"
    assert await _questions(stack, ref) == []


@pytest.mark.parametrize("answer", ["no", "nein thanks", "ok"])
async def test_any_other_answer_registers_nothing_and_the_feedback_goes_on(stack, answer):
    guest = Guest(stack, "alpenhof", locale="en")
    ref = _ref(stack, guest)
    first = await guest.say("hi")  # greeting and the first question
    assert await guest.say(REQUESTS["en"]["restriction"]) == [CATALOG.render("en", "dsr.confirm.restriction")]
    replies = await guest.say(answer)
    assert not DSR_TEXTS & set(replies), replies
    await _nothing_started(stack, ref)
    later = await guest.say("yes")  # a yes after the question is gone is not a request
    assert not DSR_TEXTS & set(later), later
    await _nothing_started(stack, ref)
    assert first and replies  # the conversation answered each message


async def test_an_answer_with_ratings_is_stored_as_feedback(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    ref = _ref(stack, guest)
    await guest.say("hi")
    assert await guest.say(REQUESTS["en"]["objection"]) == [CATALOG.render("en", "dsr.confirm.objection")]
    await guest.say("5")
    await _nothing_started(stack, ref)
    ratings = await conversation_ratings(stack, "alpenhof", ref)
    assert ratings["overall"]["value"] == 5


async def test_an_expired_question_is_not_confirmed_by_a_late_yes(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    ref = _ref(stack, guest)
    await guest.say("hi")
    await guest.say(REQUESTS["en"]["access"])
    client = mongo(stack)
    try:
        questions = tenant_db(stack, client, "alpenhof").dsr_questions
        (doc,) = [d async for d in questions.find({"guest_ref": ref})]
        await questions.replace_one({"_id": doc["_id"]}, {**doc, "expires_at": time.time() - 1})
    finally:
        client.close()
    replies = await guest.say("yes")
    assert not DSR_TEXTS & set(replies), replies
    await _nothing_started(stack, ref)


async def test_sms_code_is_sent_only_after_yes(stack):
    phone = Phone(stack)
    await phone.post(phone.form(HELLO))
    await phone.wait_for(2)
    before = len(await phone.sent_to_me())
    await phone.post(phone.form(REQUESTS["de"]["objection"]))
    await phone.wait_for_text(CATALOG.render("de", "dsr.confirm.objection").split("?")[0])
    await asyncio.sleep(0.5)
    assert not any(CODE.search(m["body"]) for m in (await phone.sent_to_me())[before:])
    assert await _requests(stack, _sms_ref(stack, phone.number)) == []
    await phone.post(phone.form("nein"))
    await asyncio.sleep(1.0)
    assert not any(CODE.search(m["body"]) for m in (await phone.sent_to_me())[before:])
    await _nothing_started(stack, _sms_ref(stack, phone.number))
