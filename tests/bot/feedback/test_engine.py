"""The feedback state machine, one test per behaviour (pure: no servers)."""

from __future__ import annotations

import pytest

from bot.base.settings import PROJECT_ROOT
from bot.base.turn import Turn
from bot.feedback import engine
from bot.i18n import Catalog
from bot.language import make_detector
from bot.tenants.registry import Tenants

CATALOG = Catalog.load()
TENANTS = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", CATALOG.languages)
DETECTOR = make_detector("lingua", CATALOG.languages)
NAMES = {lang: CATALOG.render(lang, "language.name") for lang in CATALOG.languages}


class Chat:
    def __init__(self, tenant: str = "alpenhof", **turn_fields) -> None:
        self.ctx = engine.Context(TENANTS.get(tenant), DETECTOR, NAMES, "c_test")
        self.state = None
        self.fields = turn_fields
        self.answers = []

    def say(self, text: str, intent: str | None = None):
        result = engine.step(self.state, Turn(text=text, intent=intent, **self.fields), self.ctx)
        self.state = result.state
        self.answers.extend(result.answers)
        return [r.key for r in result.replies], result

    @property
    def values(self):
        return {a.question: a.value for a in self.answers if a.kind == "rating"}


def test_first_message_greets_in_default_language_and_asks_first_question():
    chat = Chat()
    keys, _ = chat.say("hi", "greet")
    assert keys == ["greeting", "question.overall"]
    assert chat.state["lang"] == "de" and chat.state["lang_source"] == "default"


def test_reservation_language_beats_locale_and_default():
    chat = Chat(reservation_language="fr", locale="es-ES")
    chat.say("hi", "greet")
    assert (chat.state["lang"], chat.state["lang_source"]) == ("fr", "reservation")


def test_browser_locale_beats_default():
    chat = Chat(locale="it-CH")
    chat.say("5", "rate")
    assert (chat.state["lang"], chat.state["lang_source"]) == ("it", "locale")


def test_detection_over_guest_text_sets_language():
    chat = Chat()
    chat.say("Good evening, I would like to tell you about my stay", "greet")
    assert chat.state["lang"] == "en"


@pytest.mark.parametrize("reply", ["ok", "5", "ja", "sí", "oui", "10", "merci", "grazie", "👍"])
def test_one_word_reply_never_switches_language(reply):
    chat = Chat(locale="en-GB")
    chat.say("hi", "greet")
    chat.say(reply, None)
    assert chat.state["lang"] == "en"


def test_explicit_switch_wins_and_reasks_current_question():
    chat = Chat(reservation_language="de")
    chat.say("hallo", "greet")
    keys, _ = chat.say("English please", "switch_language")
    assert keys == ["language.switched", "question.overall"]
    assert (chat.state["lang"], chat.state["lang_source"]) == ("en", "explicit")
    assert chat.answers == []


def test_unsupported_language_request_is_answered_and_language_kept():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, result = chat.say("Nederlands alsjeblieft", "switch_language")
    assert keys[0] == "language.unsupported"
    assert "Deutsch" in result.replies[0].params["languages"]
    assert chat.state["lang"] == "en"


def test_several_ratings_in_one_message_out_of_order():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, _ = chat.say("room 5, breakfast 4", "rate")
    assert chat.values == {"room": 5, "breakfast": 4}
    assert keys == ["question.overall"]  # overall is still open, asked again
    chat.say("4", "rate")
    assert chat.state["asked"] == "cleanliness"  # room and breakfast are not asked again


def test_correction_changes_the_last_answer():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    chat.say("2", "rate")  # overall = 2 (low: follow-up)
    chat.say("skip", "skip")
    keys, _ = chat.say("sorry, I meant 3", "correct")
    assert keys[0] == "ack.correction"
    overall = [a for a in chat.answers if a.question == "overall"]
    assert [a.value for a in overall] == [2, 3] and overall[-1].corrected


def test_skip_moves_on_without_storing():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, result = chat.say("skip", "skip")
    assert keys == ["ack.skip", "question.room"] and result.answers == ()
    assert chat.state["answers"] == {"overall": None}


def test_help_explains_and_asks_again():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, _ = chat.say("what am I supposed to answer?", "help")
    assert keys == ["help", "question.overall"]


def test_stop_ends_and_later_messages_get_a_polite_answer():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, result = chat.say("stop", "stop")
    assert keys == ["stop"] and "stopped" in result.events
    keys, result = chat.say("5", "rate")
    assert keys == ["stopped_already"] and result.answers == ()


def test_low_score_gets_a_follow_up_and_the_explanation_is_stored():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, _ = chat.say("1", "rate")
    assert keys == ["followup.low_score"]
    keys, _ = chat.say("the room smelled of smoke", "comment")
    assert keys == ["followup.thanks", "question.room"]
    assert chat.answers[-1].question == "overall_followup"
    assert chat.answers[-1].raw == "the room smelled of smoke"


@pytest.mark.parametrize("text, reason", [("👍", "emoji"), ("between 3 and 4", "range")])
def test_ambiguous_answer_gets_a_clarifying_question_and_no_score(text, reason):
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, result = chat.say(text, "rate")
    assert keys == [f"clarify.{reason}"] and result.answers == ()
    assert chat.state["asked"] == "overall"


def test_zero_to_ten_answer_to_five_point_question_is_converted():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    chat.say("8 out of 10", "rate")
    assert chat.values == {"overall": 4}
    assert chat.answers[0].source_scale.high == 10


def test_unrecognised_answer_reasks():
    # (issue 13: "the pool was nice" is a comment now, tests/bot/feedback/test_comments.py)
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, _ = chat.say("purple", "comment")
    assert keys == ["reask.rating", "question.overall"]
    assert chat.state["misses"] == 1


def test_whole_questionnaire_completes():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    for text in ("5", "5", "5", "5", "5"):
        chat.say(text, "rate")
    keys, _ = chat.say("Everything was perfect, thank you", "comment")
    assert keys == ["ack.comment", "question.recommend"]
    keys, result = chat.say("10", "rate")
    assert keys == ["closing", "review.offer"] and "completed" in result.events  # alpenhof's links
    keys, _ = chat.say("thanks", "thanks")
    assert keys == ["thanks.reply"]
    assert chat.values["recommend"] == 10


def test_too_long_message_is_refused_and_nothing_stored():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    keys, result = chat.say("5 " * 1500, "rate")
    assert keys == ["input.too_long"] and result.answers == ()


def test_state_is_json_serialisable():
    import json

    chat = Chat(locale="en")
    chat.say("hi", "greet")
    chat.say("4.5", "rate")
    chat.say("room 3", "rate")
    json.dumps(chat.state)


def test_every_reply_key_renders_in_every_language():
    chat = Chat(locale="en")
    _, result = chat.say("hi", "greet")
    for lang in CATALOG.languages:
        for r in result.replies:
            CATALOG.render(lang, r.key, **r.params)


def test_long_explanation_classified_as_help_is_still_the_explanation():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    chat.say("1", "rate")
    keys, _ = chat.say("nobody helped us when the heating broke down at night", "help")
    assert keys[0] == "followup.thanks"
    assert chat.answers[-1].question == "overall_followup"


def test_short_help_request_during_follow_up_gets_help():
    chat = Chat(locale="en")
    chat.say("hi", "greet")
    chat.say("1", "rate")
    keys, _ = chat.say("what should I write?", "help")
    assert keys == ["help", "followup.low_score"]


def _at_comment_question(chat: Chat) -> None:
    chat.say("hi", "greet")
    for _ in range(5):
        chat.say("5", "rate")
    assert chat.state["asked"] == "comment"


def test_unsure_short_text_at_comment_question_is_stored():
    chat = Chat(locale="en")
    _at_comment_question(chat)
    result = engine.step(chat.state, Turn(text='{"$gt": ""}', intent="affirm", confidence=0.52), chat.ctx)
    assert [a.raw for a in result.answers] == ['{"$gt": ""}']


def test_confident_ok_at_comment_question_is_not_a_comment():
    chat = Chat(locale="en")
    _at_comment_question(chat)
    result = engine.step(chat.state, Turn(text="ok", intent="affirm", confidence=0.97), chat.ctx)
    assert result.answers == () and [r.key for r in result.replies] == ["question.comment"]


@pytest.mark.parametrize("text", ["no hot water in the shower", "no ice machine anywhere"])
def test_short_complaint_classified_as_deny_is_still_a_comment(text):
    chat = Chat(locale="en")
    _at_comment_question(chat)
    result = engine.step(chat.state, Turn(text=text, intent="deny", confidence=0.91), chat.ctx)
    assert [a.raw for a in result.answers] == [text]


@pytest.mark.parametrize("text", ["no", "nothing", "no thanks"])
def test_plain_no_at_comment_question_skips(text):
    chat = Chat(locale="en")
    _at_comment_question(chat)
    result = engine.step(chat.state, Turn(text=text, intent="deny", confidence=0.95), chat.ctx)
    assert result.answers == () and result.replies[0].key == "ack.skip"


def test_every_key_the_engine_can_emit_exists_in_every_language():
    import re

    from bot.ratings.parser import AMBIGUITY_PRIORITY

    source = (PROJECT_ROOT / "bot" / "feedback" / "engine.py").read_text()
    keys = set(re.findall(r'say\("([a-z_.]+)"', source))
    keys |= {f"clarify.{code}" for code in (*AMBIGUITY_PRIORITY, "emoji", "qualitative")}
    for tenant in TENANTS:
        keys |= {f"question.{q.id}" for q in tenant.questions}
        keys |= {f"topic.{q.id}" for q in tenant.questions if q.kind == "rating"}
    keys |= {"greeting", "help", "stop", "closing", "done_already", "stopped_already", "error.temporary"}
    for lang in CATALOG.languages:
        missing = keys - CATALOG.keys(lang)
        assert not missing, (lang, missing)
