"""Whole feedback conversations through the REST channel of the running stack, in
every language, with the stored documents read back from MongoDB with motor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.base.refs import guest_ref
from bot.handover.flow import when_open
from bot.handover.store import HandoverStore
from bot.i18n import Catalog
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Tenants
from tests.stack.client import Guest, conversation_ratings, mongo, tenant_db

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()

# greeting (long enough to detect the language), overall, two topics at once (one low),
# follow-up explanation, cleanliness in words/stars, staff on a 0-10 scale, comment, recommend
SCRIPTS = {
    "en": [
        "Hello, I would like to give some feedback about my stay",
        "4",
        "room 5, breakfast 2",
        "The eggs were cold and so was the coffee",
        "four stars",
        "8 out of 10",
        "Lovely view from the balcony",
        "9",
    ],
    "de": [
        "Hallo, ich möchte gerne etwas zu meinem Aufenthalt sagen",
        "4",
        "Zimmer 5, Frühstück 2",
        "Die Eier waren kalt und der Kaffee auch",
        "vier Sterne",
        "8 von 10",
        "Wunderschöne Aussicht vom Balkon",
        "9",
    ],
    "fr": [
        "Bonjour, je voudrais donner mon avis sur mon séjour",
        "4",
        "chambre 5, petit-déjeuner 2",
        "Les œufs étaient froids et le café aussi",
        "quatre étoiles",
        "8 sur 10",
        "Très belle vue depuis le balcon",
        "9",
    ],
    "es": [
        "Hola, quisiera dar mi opinión sobre mi estancia en el hotel",
        "4",
        "habitación 5, desayuno 2",
        "Los huevos estaban fríos y el café también",
        "cuatro estrellas",
        "8 de 10",
        "Una vista preciosa desde el balcón",
        "9",
    ],
    "it": [
        "Buongiorno, vorrei lasciare un parere sul mio soggiorno",
        "4",
        "camera 5, colazione 2",
        "Le uova erano fredde e anche il caffè",
        "quattro stelle",
        "8 su 10",
        "Vista bellissima dal balcone",
        "9",
    ],
}


def notice(stack, lang: str) -> str:
    tenant = Tenants.load(stack.settings.tenants_file, CATALOG.languages).get("alpenhof")
    when = when_open(tenant, lang, datetime.now(UTC))
    return (
        CATALOG.render(lang, "handover.notice_later", when=when)
        if when
        else CATALOG.render(lang, "handover.notice")
    )


async def _take_and_hand_back(stack, ref: str) -> str:
    client = mongo(stack)
    try:
        store = HandoverStore(MongoStore(client, stack.settings.db_prefix), "alpenhof")
        (doc,) = [d async for d in store.handovers.find({"guest_ref": ref})]
        await store.take(doc["_id"], "agent-1")
        await store.hand_back(doc["_id"], "agent-1")
    finally:
        client.close()
    return doc["_id"]


async def _messages(stack, conversation: str):
    client = mongo(stack)
    try:
        for m in await HandoverStore(MongoStore(client, stack.settings.db_prefix), "alpenhof").transcript(
            conversation
        ):
            yield m
    finally:
        client.close()


def q(lang: str, qid: str, low: int = 1, high: int = 5) -> str:
    return CATALOG.render(lang, f"question.{qid}", low=low, high=high, hotel="Hotel Alpenhof")


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
async def test_full_conversation_in_each_language_is_stored(stack, lang):
    guest = Guest(stack, "alpenhof")
    lines = SCRIPTS[lang]

    replies = await guest.say(lines[0])
    assert replies[0] == CATALOG.render(lang, "greeting", hotel="Hotel Alpenhof")
    assert replies[-1] == q(lang, "overall")
    assert await guest.say(lines[1]) == [q(lang, "room")]
    replies = await guest.say(lines[2])
    topic = CATALOG.render(lang, "topic.breakfast")
    assert replies == [CATALOG.render(lang, "followup.low_score", topic=topic), notice(stack, lang)]
    # a low rating hands the conversation to staff: the explanation reaches them, not the bot
    assert await guest.say(lines[3]) == []
    ref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    handover = await _take_and_hand_back(stack, ref)
    transcript = [(m["author"], m["text"]) async for m in _messages(stack, handover)]
    assert ("guest", lines[3]) in transcript
    assert await guest.say("ok") == [CATALOG.render(lang, "handover.resumed"), q(lang, "cleanliness")]
    assert await guest.say(lines[4]) == [q(lang, "staff")]
    assert await guest.say(lines[5]) == [q(lang, "comment")]
    replies = await guest.say(lines[6])
    assert replies == [CATALOG.render(lang, "ack.comment"), q(lang, "recommend", 0, 10)]
    replies = await guest.say(lines[7])
    alpenhof = Tenants.load(stack.settings.tenants_file, CATALOG.languages).get("alpenhof")
    links = "".join(f"\n{r.site}: {r.url}" for r in alpenhof.outreach.review_links)
    assert replies == [  # every guest is offered the review links (no review gating)
        CATALOG.render(lang, "closing", hotel="Hotel Alpenhof"),
        CATALOG.render(lang, "review.offer", links=links),
    ]

    docs = await conversation_ratings(stack, "alpenhof", ref)
    values = {k: d["value"] for k, d in docs.items() if d["kind"] == "rating"}
    assert values == {"overall": 4, "room": 5, "breakfast": 2, "cleanliness": 4, "staff": 4, "recommend": 9}
    assert docs["comment"]["raw"] == lines[6]
    assert "breakfast_followup" not in docs  # the explanation went to staff
    assert docs["staff"]["source_scale"] == {"low": 0, "high": 10, "halves": False}
    assert docs["staff"]["raw"] == lines[5]
    for d in docs.values():
        assert d["language"] == lang
        assert d["channel"] == "rest"
        assert d["tenant"] == "alpenhof"
        assert guest.sender not in str(d.get("guest_ref")) and guest.sender not in d["conversation_id"]
        assert d["answered_at"] is not None
    assert docs["breakfast"]["score"] == pytest.approx(0.25)
    assert docs["recommend"]["scale"] == {"low": 0, "high": 10, "halves": False}
    assert len({d["conversation_id"] for d in docs.values()}) == 1

    client = mongo(stack)
    try:
        conv = await tenant_db(stack, client, "alpenhof").conversations.find_one(
            {"_id": docs["overall"]["conversation_id"]}
        )
    finally:
        client.close()
    assert conv["status"] == "completed" and conv["language"] == lang


async def test_second_tenant_keeps_its_own_database_and_questions(stack):
    guest = Guest(stack, "laguna")
    replies = await guest.say("Buonasera, vorrei dare un giudizio sul mio soggiorno")
    assert replies[0] == CATALOG.render("it", "greeting", hotel="Albergo Laguna")
    replies = await guest.say("quattro e mezzo")  # halves allowed at Laguna
    assert replies == [CATALOG.render("it", "question.room", low=1, high=5, hotel="Albergo Laguna")]
    ref = guest_ref(stack.settings.guest_key, "laguna", guest.sender)
    docs = await conversation_ratings(stack, "laguna", ref)
    assert docs["overall"]["value"] == 4.5
    assert await conversation_ratings(stack, "alpenhof", ref) == {}


async def test_widget_key_selects_the_tenant(stack):
    guest = Guest(stack, "unused")
    guest.metadata = {"widget_key": "wk_demo_laguna", "locale": "en-GB"}
    replies = await guest.say("hi")
    assert replies[0] == CATALOG.render("en", "greeting", hotel="Albergo Laguna")


async def test_five_messages_at_once_are_processed_one_after_the_other(stack):
    """The Redis lock store serialises the turns of one conversation: five ratings
    sent 10 ms apart answer five different questions, in order, none lost."""
    import asyncio

    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")

    async def later(i: int, text: str) -> list[str]:
        await asyncio.sleep(0.01 * i)
        return await guest.say(text)

    await asyncio.gather(*(later(i, v) for i, v in enumerate(["5", "4", "5", "4", "5"])))
    ref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    docs = await conversation_ratings(stack, "alpenhof", ref)
    assert {q: d["value"] for q, d in docs.items()} == {
        "overall": 5,
        "room": 4,
        "cleanliness": 5,
        "staff": 4,
        "breakfast": 5,
    }
