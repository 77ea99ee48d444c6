"""Bad input to the REST channel: a clear answer, never a 500, nothing half-stored."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.base.refs import guest_ref, make_sender
from bot.i18n import Catalog
from bot.inbox.text import as_written
from tests.stack.client import Guest, conversation_ratings, last_user_parse, mongo, post, tenant_db

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()


async def _stored(stack, tenant: str, sender: str) -> dict:
    return await conversation_ratings(stack, tenant, guest_ref(stack.settings.guest_key, tenant, sender))


@pytest.mark.parametrize(
    "body, status, code",
    [
        ([], 400, "bad_json"),
        ("just a string", 400, "bad_json"),
        ({"message": "hi", "metadata": {"tenant": "alpenhof"}}, 400, "bad_sender"),
        ({"sender": "", "message": "hi", "metadata": {"tenant": "alpenhof"}}, 400, "bad_sender"),
        ({"sender": "a b", "message": "hi", "metadata": {"tenant": "alpenhof"}}, 400, "bad_sender"),
        ({"sender": "x" * 129, "message": "hi", "metadata": {"tenant": "alpenhof"}}, 400, "bad_sender"),
        ({"sender": {"$gt": ""}, "message": "hi", "metadata": {"tenant": "alpenhof"}}, 400, "bad_sender"),
        ({"sender": "g1", "message": {"$gt": ""}, "metadata": {"tenant": "alpenhof"}}, 400, "bad_message"),
        ({"sender": "g1", "message": None, "metadata": {"tenant": "alpenhof"}}, 400, "bad_message"),
        ({"sender": "g1", "message": "hi"}, 400, "bad_metadata"),
        ({"sender": "g1", "message": "hi", "metadata": "tenant=alpenhof"}, 400, "bad_metadata"),
        ({"sender": "g1", "message": "hi", "metadata": {"tenant": {"$gt": ""}}}, 400, "bad_metadata"),
        ({"sender": "g1", "message": "hi", "metadata": {"tenant": "nope"}}, 404, "unknown_tenant"),
        ({"sender": "g1", "message": "hi", "metadata": {"widget_key": "wk_nope"}}, 404, "unknown_tenant"),
        (
            {"sender": "g1", "message": "hi", "metadata": {"tenant": "alpenhof", "locale": "<script>"}},
            400,
            "bad_metadata",
        ),
        (
            {"sender": "g1", "message": "hi", "metadata": {"tenant": "alpenhof", "locale": 5}},
            400,
            "bad_metadata",
        ),
        (
            {"sender": "g1", "message": "hi", "metadata": {"tenant": "alpenhof", "channel": "pigeon"}},
            400,
            "bad_metadata",
        ),
        ({"sender": "g1", "message": "x" * 20_001, "metadata": {"tenant": "alpenhof"}}, 413, "too_large"),
    ],
)
async def test_malformed_requests_get_a_clear_error(stack, body, status, code):
    got_status, payload = await post(stack, body)
    assert (got_status, payload["error"]) == (status, code)


async def test_invalid_json_and_oversized_body(stack):
    status, payload = await post(stack, None, raw=b'{"sender": "g1", "message": ')
    assert (status, payload["error"]) == (400, "bad_json")
    status, payload = await post(stack, None, raw=b"\xff\xfe not utf-8")
    assert (status, payload["error"]) == (400, "bad_json")
    status, payload = await post(
        stack, None, raw=json.dumps({"sender": "g", "message": "x" * 300_000}).encode()
    )
    assert (status, payload["error"]) == (413, "too_large")


@pytest.mark.parametrize(
    "text",
    ["", "   \t  ", "😀😀😀", "\x00\x01\x02\x1b[31m", '{"$gt": ""}', "x" * 5000],
)
async def test_odd_texts_get_an_answer_and_store_nothing(stack, text):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    replies = await guest.say(text)
    assert replies, "every message gets an answer"
    assert await _stored(stack, "alpenhof", guest.sender) == {}


async def test_words_in_a_language_outside_the_five_are_kept_as_a_comment(stack):
    # (issue 13: no comment is dropped, whatever its language; before, nothing was stored)
    text = "مرحبا بكم في الفندق"
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    assert await guest.say(text), "every message gets an answer"
    (stored,) = (await _stored(stack, "alpenhof", guest.sender)).values()
    assert (stored["kind"], stored["raw"]) == ("comment", text)


async def test_five_thousand_characters_are_refused_politely(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    replies = await guest.say("4 " * 2500)
    assert replies == [CATALOG.render("en", "input.too_long", limit=2000)]
    assert await _stored(stack, "alpenhof", guest.sender) == {}


async def test_operator_text_is_stored_as_text(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    for answer in ("4", "4", "4", "4", "4"):  # five ratings (a low one would go to staff)
        await guest.say(answer)
    # now at the comment question: an operator-looking comment is just text
    await guest.say('{"$gt": ""}')
    docs = await _stored(stack, "alpenhof", guest.sender)
    assert docs["comment"]["raw"] == '{"$gt": ""}'


async def test_unknown_locale_falls_back_to_tenant_default(stack):
    guest = Guest(stack, "alpenhof", locale="xx-YY")
    replies = await guest.say("5")
    assert replies[0] == CATALOG.render("de", "greeting", hotel="Hotel Alpenhof")


async def test_same_sender_in_two_tenants_are_two_guests(stack):
    a = Guest(stack, "alpenhof", locale="en")
    b = Guest(stack, "laguna", locale="en")
    b.sender = a.sender
    await a.say("hi")
    await a.say("5")
    replies = await b.say("hi")
    assert replies[0] == CATALOG.render("en", "greeting", hotel="Albergo Laguna")
    client = mongo(stack)
    try:
        laguna = await tenant_db(stack, client, "laguna").ratings.count_documents(
            {"guest_ref": guest_ref(stack.settings.guest_key, "laguna", b.sender)}
        )
    finally:
        client.close()
    assert laguna == 0


@pytest.mark.parametrize("megabytes", [30, 100])
async def test_huge_bodies_are_refused_quickly(stack, megabytes):
    import time

    from tests.stack.client import rest_url

    body = b"x" * (megabytes * 1024 * 1024)
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        try:
            async with session.post(rest_url(stack), data=body) as r:
                status = r.status
        except (aiohttp.ClientError, ConnectionError):
            # the server may close the connection while we still send (aiohttp then
            # raises its ClientError, or a bare ConnectionError from write_eof)
            status = 413
    assert status == 413
    assert time.monotonic() - started < 10


async def test_slow_sender_gets_408(stack):
    """A client that never finishes its request head is cut off with 408."""
    import asyncio

    s = stack.settings
    reader, writer = await asyncio.open_connection(s.host, s.rasa_port)
    writer.write(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: appl")
    await writer.drain()
    started = asyncio.get_running_loop().time()
    head = await asyncio.wait_for(reader.read(200), timeout=30)
    writer.close()
    assert b" 408 " in head.split(b"\r\n")[0]
    assert asyncio.get_running_loop().time() - started < 20


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _nested_objects(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    "raw",
    [
        _nested(100_000),
        '{"sender": "g1", "message": "hi", "metadata": {"tenant": "alpenhof", "x": ' + _nested(50_000) + "}}",
        '{"sender": "g1", "message": "hi", "metadata": ' + _nested_objects(10_000) + "}",
    ],
    ids=["array", "in-metadata", "objects"],
)
async def test_deeply_nested_json_is_refused(stack, raw):
    status, payload = await post(stack, None, raw=raw.encode())
    assert (status, payload["error"]) == (400, "bad_json")


ODD_VALUES = [[], ["rest"], {}, {"a": 1}, 5, 1.5, True]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("field", ["channel", "locale", "reservation_language", "tenant", "widget_key"])
async def test_odd_metadata_types_are_refused(stack, field, value):
    metadata = {"tenant": "alpenhof", field: value} if field != "tenant" else {field: value}
    if field == "widget_key":
        metadata = {field: value}
    status, payload = await post(stack, {"sender": "g1", "message": "hi", "metadata": metadata})
    assert (status, payload["error"]) == (400, "bad_metadata")


@pytest.mark.parametrize("sender", ["adv-nl\n", "adv-nl\r\n"])
async def test_a_sender_with_a_trailing_newline_is_refused(stack, sender):
    status, payload = await post(
        stack, {"sender": sender, "message": "hi", "metadata": {"tenant": "alpenhof"}}
    )
    assert (status, payload["error"]) == (400, "bad_sender")


async def test_a_locale_with_a_trailing_newline_is_refused(stack):
    body = {"sender": "g1", "message": "hi", "metadata": {"tenant": "alpenhof", "locale": "de\n"}}
    status, payload = await post(stack, body)
    assert (status, payload["error"]) == (400, "bad_metadata")


async def test_a_comment_with_a_lone_surrogate_is_stored(stack):
    """JSON may carry half of a UTF-16 pair ("\\ud83d"), which UTF-8 (and BSON) cannot
    store: it is replaced, the rest of the comment is kept."""
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    for answer in ("4", "4", "4", "4", "4"):
        await guest.say(answer)
    raw = json.dumps({"sender": guest.sender, "message": "great \ud83d stay", "metadata": guest.metadata})
    assert "\\ud83d" in raw
    status, _ = await post(stack, None, raw=raw.encode())
    assert status == 200
    docs = await _stored(stack, "alpenhof", guest.sender)
    assert docs["comment"]["raw"] == "great \ufffd stay"


async def _dsr_requests(stack, sender: str) -> list[dict]:
    client = mongo(stack)
    ref = guest_ref(stack.settings.guest_key, "alpenhof", sender)
    try:
        return [d async for d in tenant_db(stack, client, "alpenhof").dsr_requests.find({"guest_ref": ref})]
    finally:
        client.close()


SLASHED = [
    "/dsr_erasure",
    "/request_human",
    "  /dsr_objection",
    '/dsr_erasure{"x": 1}',
    "\u3000/dsr_restriction",
]


@pytest.mark.parametrize("text", SLASHED)
async def test_a_slash_is_text_for_nlu_not_an_intent(stack, text):
    """Rasa reads "/intent" as the intent itself (confidence 1, no NLU): over REST
    "/dsr_erasure" registered and confirmed an erasure, "/request_human" called staff."""
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    await guest.say(text)
    parsed = await last_user_parse(stack, make_sender("alpenhof", guest.sender))
    assert len(parsed["intent_ranking"]) > 1, "the NLU pipeline classified it"
    assert as_written(parsed["text"]) == text.strip()


@pytest.mark.parametrize("text", [t for t in SLASHED if "dsr" in t])
async def test_a_slash_is_not_a_data_request(stack, text):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    replies = await guest.say(text)
    assert CATALOG.render("en", "dsr.verified.auto") not in replies
    assert await _dsr_requests(stack, guest.sender) == []


async def test_a_comment_starting_with_a_slash_is_stored_as_written(stack):
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    for answer in ("4", "4", "4", "4", "4"):
        await guest.say(answer)
    comment = "/comment the sauna was cold {really}"
    await guest.say(comment)
    docs = await _stored(stack, "alpenhof", guest.sender)
    assert docs["comment"]["raw"] == comment
