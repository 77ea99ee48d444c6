"""No comment is ever dropped (issue 13 part 2): free text at any point of the feedback
conversation is stored as a comment, acknowledged in the guest's language, answers a
low-score follow-up before it is asked, and ratings of topics the hotel does not ask
about are kept. Pure engine tests (no servers); the stored documents against a real
MongoDB-wire server are at the end, the scripted REST run in tests/stack/test_comments.py."""

from __future__ import annotations

import time

import pytest

from bot.base.insight import Analysis, Mention
from bot.base.refs import guest_ref, make_sender
from bot.base.turn import Answer, Turn
from bot.feedback import comments, engine
from bot.insights import analyse
from bot.ratings.remainder import remainder
from bot.storage.documents import rating_document, rating_id
from tests.bot.feedback.test_engine import CATALOG, Chat
from tests.bot.feedback.test_pipeline import SETTINGS, mongo_url, service  # noqa: F401 - fixtures

LOCALES = {"en": "en-GB", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT"}


def chat_in(lang: str, tenant: str = "alpenhof") -> Chat:
    chat = Chat(tenant, locale=LOCALES[lang])
    chat.say("hi", "greet")
    return chat


def kinds(chat: Chat, kind: str) -> list[Answer]:
    return [a for a in chat.answers if a.kind == kind]


# ---- a comment alone, in answer to a rating question -----------------------------------------

ALONE = {
    "en": ["Lovely stay, quiet room.", "the eggs were cold", "the pool was nice"],
    "de": ["Schöner Aufenthalt, ruhiges Zimmer.", "die Eier waren kalt", "das Personal war unfreundlich"],
    "fr": ["Très beau séjour, chambre calme.", "les œufs étaient froids", "la douche était froide"],
    "es": ["Estancia preciosa, habitación tranquila.", "los huevos estaban fríos"],
    "it": ["Soggiorno splendido, camera silenziosa.", "le uova erano fredde"],
}


@pytest.mark.parametrize("lang, text", [(lang, text) for lang, texts in ALONE.items() for text in texts])
def test_a_comment_answering_a_rating_question_is_stored_and_only_the_number_asked(lang, text):
    chat = chat_in(lang)
    chat.say("4", "rate")  # overall; now the room question
    assert chat.state["asked"] == "room"
    keys, result = chat.say(text, "comment")
    assert keys == ["reask.comment_then_rating"]  # "Thank you — and from 1 to 5?", not "didn't catch"
    assert result.replies[0].params == {"low": "1", "high": "5"}
    (comment,) = kinds(chat, "comment")
    assert (comment.question, comment.about, comment.raw) == ("room", "room", text)
    analysis = analyse(text, lang)  # the real analyser: the comment is tied to its topics
    assert comment.topics == analysis.topics and comment.polarity == analysis.polarity
    assert comment.topics, "every one of these comments names a topic"
    assert chat.state["misses"] == 0 and chat.state["asked"] == "room"
    keys, _ = chat.say("4", "rate")  # the number still answers the room question
    assert chat.values["room"] == 4 and keys == ["question.cleanliness"]


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "it"])
def test_the_ack_renders_with_the_scale_in_every_language(lang):
    text = CATALOG.render(lang, "reask.comment_then_rating", low="0", high="10")
    assert "0" in text and "10" in text
    for key in ("ack.comment_noted", "question.comment_more"):
        assert CATALOG.render(lang, key)


def test_a_comment_at_the_first_message_is_stored_as_general_and_the_question_asked():
    chat = Chat(locale="en-GB")
    keys, _ = chat.say("The breakfast was cold and the coffee weak", "comment")
    assert keys == ["greeting", "ack.comment", "question.overall"]
    (comment,) = kinds(chat, "comment")
    assert (comment.question, comment.about) == ("general", "")


# ---- a comment with a rating in the same message ---------------------------------------------

WITH_LOW = {
    "en": "room 2, the shower was cold",
    "de": "Zimmer 2, die Dusche war kalt",
    "fr": "chambre 2, la douche était froide",
    "es": "habitación 2, la ducha estaba fría",
    "it": "camera 2, la doccia era fredda",
}


@pytest.mark.parametrize("lang", WITH_LOW)
def test_a_low_rating_with_its_reason_stores_both_and_asks_no_follow_up(lang):
    chat = chat_in(lang)
    keys, result = chat.say(WITH_LOW[lang], "rate")
    assert chat.values == {"room": 2}
    assert [a.kind for a in result.answers] == ["comment", "rating"]
    assert result.answers[0].raw == WITH_LOW[lang] and result.answers[0].about == "overall"
    assert "followup.low_score" not in keys and chat.state["followup"] is None
    assert keys == ["followup.thanks", "question.overall"]  # one thanks, then the open question
    assert "low_score" in result.events  # escalation still sees the low score


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "5, the staff were wonderful and so helpful"),
        ("de", "5, das Personal war wunderbar und hilfsbereit"),
        ("fr", "5, le personnel était adorable et serviable"),
        ("es", "5, el personal fue encantador y muy atento"),
        ("it", "5, il personale era gentilissimo e disponibile"),
    ],
)
def test_a_rating_with_a_comment_gets_one_short_thanks(lang, text):
    chat = chat_in(lang)
    keys, result = chat.say(text, "rate")
    assert chat.values == {"overall": 5}
    assert [a.kind for a in result.answers] == ["comment", "rating"]
    assert keys == ["ack.comment_noted", "question.room"]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "5, very good"),
        ("en", "4 out of 5"),
        ("en", "I would say 4"),
        ("en", "room 5, breakfast 4"),
        ("de", "ich würde sagen 4"),
        ("de", "vier Sterne, danke"),
        ("fr", "je dirais 4, merci"),
        ("fr", "5 sur 5 !"),
        ("es", "muy bien, 5"),
        ("it", "5, molto bene grazie"),
    ],
)
def test_a_rating_with_only_rating_talk_is_no_comment(lang, text):
    chat = chat_in(lang)
    _, result = chat.say(text, "rate")
    assert [a.kind for a in result.answers] and not kinds(chat, "comment")


@pytest.mark.parametrize(
    "text, intent",
    [
        ("thanks!", "thanks"),
        ("ok", "affirm"),
        ("skip", "skip"),
        ("no", "deny"),
        ("purple", None),
        ("👍", None),
    ],
)
def test_social_skip_and_noise_are_no_comment(text, intent):
    chat = chat_in("en")
    chat.say(text, intent)
    assert chat.answers == []


def test_a_language_request_is_no_comment():
    chat = chat_in("de")
    keys, _ = chat.say("English please", "switch_language")
    assert keys[0] == "language.switched" and chat.answers == []


# ---- follow-ups ---------------------------------------------------------------------------


EARLIER = {
    "en": "the shower was cold and the towels were dirty",
    "de": "die Dusche war kalt und die Handtücher schmutzig",
    "fr": "la douche était froide et les serviettes sales",
}


@pytest.mark.parametrize("lang", EARLIER)
def test_no_follow_up_when_the_guest_already_said_what_went_wrong(lang):
    chat = chat_in(lang)
    keys, _ = chat.say(EARLIER[lang], "comment")  # in answer to the overall question
    assert keys == ["reask.comment_then_rating"]
    keys, result = chat.say("2", "rate")
    assert chat.values == {"overall": 2} and "low_score" in result.events
    assert keys == ["question.room"] and chat.state["followup"] is None


def _analysis(topic: str, polarity: str) -> Analysis:
    return Analysis((Mention(topic, polarity, ("w",), 0),), polarity, ("w",))


def test_a_comment_about_a_topic_answers_that_topic_s_later_follow_up(monkeypatch):
    monkeypatch.setattr(comments, "analyse", lambda text, lang: _analysis("breakfast", "negative"))
    chat = chat_in("en")
    chat.say("the eggs were cold", "comment")  # about overall, and (the analyser says) breakfast
    chat.say("4", "rate")
    for _ in range(3):
        chat.say("4", "rate")  # room, cleanliness, staff
    assert chat.state["asked"] == "breakfast"
    keys, _ = chat.say("1", "rate")
    assert chat.values["breakfast"] == 1 and "followup.low_score" not in keys


def test_a_praising_comment_does_not_answer_a_follow_up(monkeypatch):
    monkeypatch.setattr(comments, "analyse", lambda text, lang: _analysis("room", "positive"))
    chat = chat_in("en")
    chat.say("4", "rate")
    chat.say("Lovely stay, quiet room.", "comment")  # about the room, and praise
    keys, _ = chat.say("2", "rate")
    assert keys == ["followup.low_score"] and chat.state["followup"] == "room"


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "the room smelled of smoke, breakfast 2"),
        ("de", "das Zimmer roch nach Rauch, Frühstück 2"),
        ("fr", "la chambre sentait la fumée, petit-déjeuner 2"),
    ],
)
def test_an_explanation_with_a_rating_keeps_both_in_one_document_each(lang, text):
    chat = chat_in(lang)
    chat.say("1", "rate")  # overall 1: "what went wrong?"
    keys, result = chat.say(text, "comment")
    assert [(a.question, a.kind) for a in result.answers] == [
        ("overall_followup", "text"),
        ("breakfast", "rating"),
    ]
    assert result.answers[0].raw == text and chat.values["breakfast"] == 2
    assert "followup.low_score" not in keys and keys[0] == "followup.thanks"  # breakfast 2 is explained


def test_a_follow_up_answer_gets_topics_and_polarity(monkeypatch):
    monkeypatch.setattr(comments, "analyse", lambda text, lang: _analysis("room", "negative"))
    chat = chat_in("en")
    chat.say("1", "rate")
    _, result = chat.say("the room smelled of smoke", "comment")
    (answer,) = result.answers
    assert answer.question == "overall_followup" and answer.topics[0].topic == "room"
    assert answer.polarity == "negative"


# ---- unsolicited ratings ------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, text, topic",
    [
        ("en", "breakfast 2", "breakfast"),
        ("de", "Frühstück 2", "breakfast"),
        ("fr", "petit-déjeuner 2", "breakfast"),
        ("it", "colazione 2", "breakfast"),
        ("es", "limpieza 2", "cleanliness"),
    ],
)
def test_a_rating_for_a_topic_the_hotel_does_not_ask_about_is_kept(lang, text, topic):
    chat = chat_in(lang, tenant="laguna")  # Laguna asks no breakfast and no cleanliness question
    keys, result = chat.say(text, "rate")
    (answer,) = result.answers
    assert (answer.question, answer.kind, answer.value, answer.unsolicited) == (topic, "rating", 2, True)
    assert (answer.scale.low, answer.scale.high) == (1, 5) and answer.score == 0.25
    assert keys == ["reask.comment_then_rating"] and chat.state["followup"] is None
    assert "low_score" not in result.events and topic not in chat.state["answers"]
    for _ in range(5):
        keys, _ = chat.say("4", "rate")
        assert not any(k == f"question.{topic}" for k in keys)  # never asked about


def test_an_unsolicited_rating_on_its_own_scale_is_converted_and_the_asked_one_stored():
    chat = chat_in("en", tenant="laguna")
    _, result = chat.say("overall 4, breakfast 8/10", "rate")
    by_question = {a.question: a for a in result.answers}
    assert by_question["overall"].value == 4 and not by_question["overall"].unsolicited
    breakfast = by_question["breakfast"]
    assert breakfast.unsolicited and breakfast.source_scale.high == 10 and 4 <= breakfast.value <= 4.5


def test_a_corrected_unsolicited_rating_is_marked_corrected():
    chat = chat_in("en", tenant="laguna")
    chat.say("breakfast 2", "rate")
    _, result = chat.say("breakfast 3", "rate")
    (answer,) = result.answers
    assert answer.value == 3 and answer.corrected and answer.unsolicited


def test_at_a_hotel_that_asks_it_breakfast_is_an_ordinary_answer():
    chat = chat_in("en")  # Alpenhof asks about breakfast
    _, result = chat.say("breakfast 2", "rate")
    assert [(a.question, a.unsolicited) for a in result.answers] == [("breakfast", False)]


# ---- the text question, the end, stop -----------------------------------------------------


def _to_comment_question(chat: Chat) -> list[str]:
    keys: list[str] = []
    while chat.state["asked"] != "comment":
        keys, _ = chat.say("4", "rate")
    return keys


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_after_comments_the_comment_question_says_anything_more(lang):
    chat = chat_in(lang)
    chat.say(EARLIER[lang], "comment")
    assert _to_comment_question(chat)[-1] == "question.comment_more"


def test_without_comments_the_comment_question_is_asked_as_configured():
    chat = chat_in("en")
    assert _to_comment_question(chat)[-1] == "question.comment"


@pytest.mark.parametrize(
    "text", ["4, nothing else to add", "4, das war's", "4, rien à ajouter", "4, nient'altro"]
)
def test_nothing_more_to_add_skips_the_comment_question(text):
    chat = chat_in("en")
    for _ in range(4):
        chat.say("4", "rate")
    keys, _ = chat.say(text, "rate")  # breakfast, and nothing to add
    assert keys == ["question.recommend"] and chat.state["answers"]["comment"] is None


def test_the_text_question_s_answer_stays_text_with_topics(monkeypatch):
    monkeypatch.setattr(comments, "analyse", lambda text, lang: _analysis("staff", "positive"))
    chat = chat_in("en")
    _to_comment_question(chat)
    _, result = chat.say("Everything was perfect, the staff especially", "comment")
    (answer,) = result.answers
    assert (answer.question, answer.kind, answer.polarity) == ("comment", "text", "positive")
    assert answer.topics[0].topic == "staff" and answer.about is None


def test_a_rating_with_a_comment_at_the_text_question_stores_both():
    chat = chat_in("en")
    _to_comment_question(chat)
    _, result = chat.say("room 2, the heating was broken all week", "comment")
    assert [(a.question, a.kind) for a in result.answers] == [("comment", "text"), ("room", "rating")]
    assert chat.state["followup"] is None


def test_a_comment_after_the_end_is_stored():
    chat = chat_in("en")
    while chat.state["status"] == "active":
        chat.say("skip", "skip")
    keys, result = chat.say("Oh and the parking was far too expensive", "comment")
    assert keys == ["ack.comment"]
    (comment,) = result.answers
    assert (comment.kind, comment.question, comment.about) == ("comment", "general", "")
    keys, result = chat.say("thanks", "thanks")
    assert keys == ["thanks.reply"] and result.answers == ()


def test_a_comment_with_stop_is_stored_before_stopping():
    chat = chat_in("en")
    keys, result = chat.say("stop it, the room was filthy and nobody cared", "stop")
    assert keys == ["stop"] and [a.kind for a in result.answers] == ["comment"]


# ---- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> the room was dirty",
        '{"$gt": ""} the wifi never worked',
        "SELECT * FROM rooms; -- the bed was broken",
        "the room was dirty " * 100,
        "房间很脏，早餐很冷",
        "de kamer was vies en het ontbijt koud",
    ],
)
def test_odd_comments_are_stored_verbatim(text):
    chat = chat_in("en")
    _, result = chat.say(text, "comment")  # ("alert(1)", "*" may read as a rating too)
    (comment,) = [a for a in result.answers if a.kind == "comment"]
    assert comment.raw == text.strip()


@pytest.mark.parametrize("text", ["", " ", "👍👍👍", "🙂", "...", "?!", "\u200b", "5" * 2000])
def test_the_comment_decision_never_raises(text):
    assert remainder(text, "en").substantial in (True, False)
    assert comments.is_comment(text, "xx", declines=False, social=False) in (True, False)


def test_the_state_keeps_ids_never_the_text():
    import json

    chat = chat_in("en")
    chat.say("the shower was cold and the towels were dirty", "comment")
    chat.say("breakfast 2, the eggs were cold", "rate")
    assert "shower" not in json.dumps(chat.state) and "eggs" not in json.dumps(chat.state)


# ---- stored documents ---------------------------------------------------------------------


def _doc(answer: Answer) -> dict:
    from datetime import UTC, datetime

    return rating_document(
        tenant_id="alpenhof",
        conversation_id="c1",
        guest_ref="g",
        channel="rest",
        language="en",
        answer=answer,
        now=datetime.now(UTC),
    )


def test_a_comment_id_follows_the_contract_and_a_resent_comment_keeps_it():
    first = Answer("room", "comment", raw="the eggs were cold", message_id="m1", about="room")
    again = Answer("room", "comment", raw="the eggs were cold", message_id="m2", about="room")
    other = Answer("room", "comment", raw="the eggs were very cold", message_id="m1", about="room")
    assert rating_id("c1", first) == rating_id("c1", again)
    assert rating_id("c1", first).startswith("c1:room:comment:") and len(rating_id("c1", first)) == 28
    assert rating_id("c1", first) != rating_id("c1", other)
    assert rating_id("c1", Answer("", "comment", raw="x")).startswith("c1:general:comment:")
    assert rating_id("c1", Answer("comment", "text", raw="x")) == "c1:comment"
    doc = _doc(first)
    assert (doc["kind"], doc["about"], doc["topics"], doc["polarity"]) == ("comment", "room", [], "neutral")


def test_an_unsolicited_rating_document_says_so():
    from bot.ratings import Scale

    doc = _doc(
        Answer("breakfast", "rating", raw="2", value=2, score=0.25, scale=Scale(1, 5), unsolicited=True)
    )
    assert doc["_id"] == "c1:breakfast" and doc["unsolicited"] == 1


def _rate(text: str) -> dict:
    return {"text": text, "intent": {"name": "rate", "confidence": 0.9}}


async def test_comments_are_stored_once_with_the_turn(service):  # noqa: F811 - the fixture
    name = f"commenter-{time.time_ns()}"
    sender, gref = make_sender("alpenhof", name), guest_ref(SETTINGS.guest_key, "alpenhof", name)
    state = (await service.handle(sender, {"text": "hello"}, None)).state
    state = (
        await service.handle(sender, _rate("room 5, the view from the balcony was stunning"), state)
    ).state
    before = state
    outcome = await service.handle(sender, _rate("the garden was peaceful"), before)
    # the same turn again (the guest resends it): the same document, not a second one
    again = await service.handle(sender, _rate("the garden was peaceful"), before)
    assert outcome.texts == again.texts and len(outcome.texts) == 1
    assert outcome.texts[0] == CATALOG.render(
        outcome.state["lang"], "reask.comment_then_rating", low=1, high=5
    )
    stored = await service.store.ratings("alpenhof").collection.find({"guest_ref": gref}).to_list(None)
    texts = sorted((d["kind"], d["question"], d.get("about"), d["raw"]) for d in stored)
    assert texts == [
        ("comment", "overall", "overall", "room 5, the view from the balcony was stunning"),
        ("comment", "overall", "overall", "the garden was peaceful"),
        ("rating", "room", None, "5"),
    ]
    conv = state["conversation"]
    assert all(d["_id"].startswith(f"{conv}:overall:comment:") for d in stored if d["kind"] == "comment")
    for d in (d for d in stored if d["kind"] == "comment"):
        analysis = analyse(d["raw"], "en")
        assert d["polarity"] == analysis.polarity and d["polarity"] == "positive"
        assert [t["topic"] for t in d["topics"]] == [m.topic for m in analysis.topics]


async def test_an_old_database_s_unique_question_index_gives_way_to_comments(mongo_url):  # noqa: F811
    from datetime import UTC, datetime

    from pymongo import ASCENDING, IndexModel

    from bot.storage.mongo import MongoStore, connect

    store = MongoStore(connect(mongo_url), SETTINGS.db_prefix)
    tenant = f"old_{time.time_ns() % 10**9}"
    ratings = store.ratings(tenant)
    old = IndexModel(
        [("conversation_id", ASCENDING), ("question", ASCENDING)], name="conversation_question", unique=True
    )
    await ratings.collection.create_indexes([old])  # as every database made before comments
    await store.ensure_indexes(tenant)
    info = await ratings.collection.index_information()
    assert not [i for i in info.values() if i.get("unique") and len(i["key"]) == 2]
    for text in ("the eggs were cold", "the coffee was weak", "the eggs were cold"):
        answer = Answer("overall", "comment", raw=text, about="overall")
        await ratings.save(
            rating_document(
                tenant_id=tenant,
                conversation_id="c1",
                guest_ref="g",
                channel="rest",
                language="en",
                answer=answer,
                now=datetime.now(UTC),
            )
        )
    assert sorted(d["raw"] for d in await ratings.for_conversation("c1")) == [
        "the coffee was weak",
        "the eggs were cold",
    ]
    store.client.close()


async def test_a_follow_up_answer_through_the_pipeline_is_one_text_document(mongo_url):  # noqa: F811
    """At a hotel whose low scores do not go to staff, the guest answers "what went
    wrong?" with a rating and their reason: the rating and one explanation are stored."""
    from dataclasses import replace

    from bot.feedback.service import FeedbackService
    from bot.language import make_detector
    from bot.storage.mongo import MongoStore, connect
    from bot.tenants.registry import Tenants
    from tests.bot.feedback.test_pipeline import TENANTS

    alpenhof = TENANTS.get("alpenhof")
    quiet = replace(alpenhof, handover=replace(alpenhof.handover, triggers=frozenset({"request"})))
    tenants = Tenants({**TENANTS.by_id, "alpenhof": quiet})
    detector = make_detector("lingua", CATALOG.languages)
    quiet_service = FeedbackService(
        SETTINGS, tenants, CATALOG, detector, MongoStore(connect(mongo_url), SETTINGS.db_prefix)
    )
    try:
        name = f"followup-{time.time_ns()}"
        sender, gref = make_sender("alpenhof", name), guest_ref(SETTINGS.guest_key, "alpenhof", name)
        state = (
            await quiet_service.handle(sender, {"text": "Hello", "metadata": {"locale": "en-GB"}}, None)
        ).state
        outcome = await quiet_service.handle(sender, _rate("1"), state)
        what = CATALOG.render("en", "followup.low_score", topic=CATALOG.render("en", "topic.overall"))
        assert outcome.texts == (what,)
        text = "the room smelled of smoke, breakfast 2"
        outcome = await quiet_service.handle(
            sender, {"text": text, "intent": {"name": "comment"}}, outcome.state
        )
        assert outcome.texts[0] == CATALOG.render("en", "followup.thanks")
        assert what not in outcome.texts  # breakfast 2 is explained by the same message
        stored = (
            await quiet_service.store.ratings("alpenhof").collection.find({"guest_ref": gref}).to_list(None)
        )
        got = sorted((d["question"], d["kind"], d["raw"]) for d in stored)
        assert got == [
            ("breakfast", "rating", "2"),
            ("overall", "rating", "1"),
            ("overall_followup", "text", text),
        ]
    finally:
        quiet_service.close()


def test_a_rating_taken_for_a_correction_after_the_text_answer_is_no_correction():
    """The NLU read "9, volveremos por el jardín" as `correct` (the stack run): after a
    text answer there is no rating to correct, so it answers the open question."""
    chat = chat_in("es")
    _to_comment_question(chat)
    chat.say("La zona de la piscina era agradable pero algo llena", "comment")
    keys, _ = chat.say("9, volveremos por el jardín", "correct")
    assert keys[:2] == ["ack.comment_noted", "closing"] and chat.values["recommend"] == 9


@pytest.mark.parametrize("text", ["مرحبا بكم في الفندق", "الغرفة كانت متسخة جدا"])
def test_an_unsure_help_that_says_something_is_a_comment(text):
    """The NLU, trained on five languages, reads Arabic as "help" at 0.36 (the stack)."""
    chat = chat_in("en")
    result = engine.step(chat.state, Turn(text=text, intent="help", confidence=0.36), chat.ctx)
    assert [(a.kind, a.raw) for a in result.answers] == [("comment", text)]
    assert [r.key for r in result.replies] == ["reask.comment_then_rating"]


@pytest.mark.parametrize("text", ["what should I write?", "I don't understand the question at all"])
def test_a_confident_help_is_help(text):
    chat = chat_in("en")
    result = engine.step(chat.state, Turn(text=text, intent="help", confidence=0.95), chat.ctx)
    assert result.answers == () and result.replies[0].key == "help"


async def test_a_comment_in_another_language_is_stored_and_marked(service):  # noqa: F811 - the fixture
    name = f"dutch-{time.time_ns()}"
    sender, gref = make_sender("alpenhof", name), guest_ref(SETTINGS.guest_key, "alpenhof", name)
    state = (await service.handle(sender, {"text": "hello"}, None)).state
    dutch = "Het ontbijt was koud en de kamer was erg lawaaierig"
    await service.handle(sender, _rate(dutch), state)
    english = "the garden was peaceful and the pool lovely"
    await service.handle(sender, _rate(english), state)
    stored = await service.store.ratings("alpenhof").collection.find({"guest_ref": gref}).to_list(None)
    marked = {d["raw"]: d.get("text_language") for d in stored if d["kind"] == "comment"}
    assert marked == {dutch: "nl", english: None}
