"""The guest's language from the first word (issue 13 part 1): the engine's first step
reads the first guest message however short; the order explicit > reservation > locale >
opener > prior > default; later one-word replies never flip it. Pure: no servers."""

from __future__ import annotations

import pytest

from bot.feedback import engine
from bot.feedback.stages.limits import read_turn
from tests.bot.feedback.test_engine import DETECTOR, NAMES, TENANTS
from tests.bot.feedback.test_engine import Chat as EngineChat


class Chat(EngineChat):
    @property
    def lang(self):
        return self.state["lang"], self.state["lang_source"]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Bonjour", "fr"),
        ("Hola", "es"),
        ("Grazie mille", "it"),
        ("Good morning", "en"),
        ("Grüezi", "de"),
        ("cinq étoiles !", "fr"),
        ("rien à redire", "fr"),
        ("Buenas noches", "es"),
        ("Thank you so much", "en"),
    ],
)
@pytest.mark.parametrize("tenant", ["alpenhof", "laguna"])
def test_the_first_word_decides_and_the_greeting_follows(tenant, text, lang):
    chat = Chat(tenant)
    keys, result = chat.say(text)
    assert keys[0] == "greeting"
    assert chat.lang[0] == lang
    assert chat.lang[1] in ("opener", "detected")  # "Thank you so much" is substantial text


@pytest.mark.parametrize(
    "text",
    ["Hi", "ok", "4", "👍", "Hotel", "Ciao", "Bye", "Espresso", "https://example.com/photos/room.jpg", ""],
)
def test_an_ambiguous_opener_keeps_the_default(text):
    chat = Chat("alpenhof")
    chat.say(text)
    assert chat.lang == ("de", "default")


def test_merci_is_french_except_from_a_swiss_number():
    chat = Chat("alpenhof")
    chat.say("Merci")
    assert chat.lang == ("fr", "opener")
    chat = Chat("alpenhof", phone_region="CH")  # Swiss Germans say Merci too
    chat.say("Merci")
    assert chat.lang == ("de", "default")
    chat = Chat("laguna", phone_region="BE")  # Flemish: Hallo
    chat.say("Hallo")
    assert chat.lang == ("it", "default")


def test_a_bilingual_browser_gives_no_prior():
    chat = Chat("laguna", language_hint="es-US,en-US;q=0.9")
    chat.say("ok")
    assert chat.lang == ("it", "default")
    chat = Chat("laguna", language_hint="es-MX,es;q=0.9,en;q=0.3")
    chat.say("ok")
    assert chat.lang == ("es", "prior")


@pytest.mark.parametrize("tenant, text", [("alpenhof", "Hotel Alpenhof"), ("laguna", "Albergo Laguna!")])
def test_the_hotels_name_says_nothing_about_the_guest(tenant, text):
    chat = Chat(tenant)
    chat.say(text)
    assert chat.lang == (TENANTS.get(tenant).default_language, "default")
    chat = Chat("laguna" if tenant == "alpenhof" else "alpenhof")
    chat.say(text)  # another hotel's name is just words


def test_an_ambiguous_opener_keeps_the_prior():
    chat = Chat("alpenhof", phone_region="FR")
    chat.say("Hi")
    assert chat.lang == ("fr", "prior")
    chat = Chat("alpenhof", language_hint="es-ES, en;q=0.4")  # en below 0.5: not bilingual
    chat.say("ok")
    assert chat.lang == ("es", "prior")


def test_a_multilingual_country_gives_no_prior():
    chat = Chat("laguna", phone_region="CH")
    chat.say("ok")
    assert chat.lang == ("it", "default")


def test_the_opener_beats_the_prior():
    chat = Chat("alpenhof", phone_region="FR")
    chat.say("Hola")
    assert chat.lang == ("es", "opener")


@pytest.mark.parametrize(
    "fields, expected",
    [({"reservation_language": "it"}, ("it", "reservation")), ({"locale": "en-GB"}, ("en", "locale"))],
)
def test_reservation_and_locale_beat_the_opener(fields, expected):
    chat = Chat("alpenhof", phone_region="ES", **fields)
    chat.say("Bonjour")
    assert chat.lang == expected


def test_an_explicit_request_beats_everything():
    chat = Chat("alpenhof", reservation_language="it")
    chat.say("in English please")
    assert chat.lang == ("en", "explicit")


@pytest.mark.parametrize(
    "reply", ["Bonjour", "merci", "Hola", "grazie", "ok", "sí", "Danke", "👍", "Salut !"]
)
def test_after_the_first_message_one_word_replies_never_flip(reply):
    chat = Chat("alpenhof")
    chat.say("Good morning")
    assert chat.lang == ("en", "opener")
    chat.say(reply)
    assert chat.lang == ("en", "opener")


def test_an_ambiguous_first_message_is_spent_and_a_later_word_does_not_decide():
    chat = Chat("alpenhof")
    chat.say("Hi")
    chat.say("Bonjour")
    assert chat.lang == ("de", "default")


def test_substantial_text_later_corrects_an_opener_guess():
    chat = Chat("alpenhof")
    chat.say("Salve")
    assert chat.lang == ("it", "opener")
    chat.say("The room was lovely and the staff were very friendly, thank you")
    assert chat.lang == ("en", "detected")


def test_the_web_chats_start_payload_is_not_the_first_message():
    chat = Chat("alpenhof")
    chat.say("/start", "start")
    assert chat.lang == ("de", "default")
    chat.say("Bonjour")
    assert chat.lang == ("fr", "opener")


def test_a_conversation_state_from_before_openers_is_not_reopened():
    chat = Chat("alpenhof")
    chat.say("Hi")
    chat.state = {k: v for k, v in chat.state.items() if k != "lang_opened"}
    chat.say("Bonjour")
    assert chat.lang == ("de", "default")


def test_an_invitation_keeps_its_language():
    chat = Chat("alpenhof")
    chat.ctx = engine.Context(
        TENANTS.get("alpenhof"), DETECTOR, NAMES, "c_test", opening=engine.Opening("inv1", "s1", "j1", "de")
    )
    chat.say("Grazie")
    assert chat.lang == ("de", "reservation")


# ---------------------------------------------------------------- bad input


def test_an_empty_first_message_decides_nothing_and_the_next_one_does():
    chat = Chat("laguna")
    chat.say("")
    assert chat.lang == ("it", "default")
    chat.say("Guten Morgen")
    assert chat.lang == ("de", "opener")


@pytest.mark.parametrize("text", ["🙂", "👍👍👍", "🇫🇷", "❤️🔥", "🙏🏼"])
def test_an_emoji_only_first_message_keeps_the_default(text):
    chat = Chat("laguna")
    chat.say(text)
    assert chat.lang == ("it", "default")


def test_a_2000_character_first_message_is_handled():
    chat = Chat("alpenhof")
    keys, _ = chat.say(("Bonjour " * 300)[:2000])
    assert chat.lang[0] in ("fr", "de")  # long text: the resolver's detection, never a crash
    assert "greeting" in keys
    chat = Chat("alpenhof")
    keys, _ = chat.say("x" * 2000)
    assert chat.lang == ("de", "default")


@pytest.mark.parametrize(
    "metadata",
    [
        {"phone_region": "x" * 500, "language_hint": "y" * 500},
        {"phone_region": "fr", "language_hint": "fr;q=abc"},
        {"phone_region": "FRA", "language_hint": "<script>alert(1)</script>"},
        {"phone_region": {"$gt": ""}, "language_hint": ["fr"]},
        {"phone_region": 33, "language_hint": 1.5},
    ],
)
def test_junk_prior_metadata_is_dropped_not_trusted(metadata):
    turn = read_turn({"text": "ok", "metadata": {"channel": "sms", **metadata}})
    assert turn.phone_region is None and turn.language_hint is None
    result = engine.step(None, turn, Chat("alpenhof").ctx)
    assert (result.state["lang"], result.state["lang_source"]) == ("de", "default")


def test_valid_prior_metadata_is_read():
    turn = read_turn({"text": "ok", "metadata": {"phone_region": "ES", "language_hint": "fr-CH, fr;q=0.9"}})
    assert (turn.phone_region, turn.language_hint) == ("ES", "fr-CH, fr;q=0.9")
