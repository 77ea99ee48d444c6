"""A conversation an invitation opened (bot/feedback/engine.py `Opening`) and the review
links after the survey (pure: no servers)."""

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
ALPENHOF = TENANTS.get("alpenhof")  # default German; review links for Google and Tripadvisor


def invited(lang: str = "it", asked: bool = True) -> engine.Opening:
    return engine.Opening("i_abc_post_stay", "s_abc", "post_stay", lang, asked)


class Chat:
    def __init__(self, tenant: str = "alpenhof", opening: engine.Opening | None = None, **turn) -> None:
        self.tenant = TENANTS.get(tenant)
        self.opening = opening
        self.state = None
        self.turn = turn
        self.answers = []

    def say(self, text: str, intent: str | None = None):
        # the pipeline passes the opening with every turn; the engine uses it only to start
        ctx = engine.Context(self.tenant, DETECTOR, NAMES, "c_test", opening=self.opening)
        result = engine.step(self.state, Turn(text=text, intent=intent, **self.turn), ctx)
        self.state = result.state
        self.answers.extend(result.answers)
        return [r.key for r in result.replies], result

    @property
    def values(self):
        return {a.question: a.value for a in self.answers if a.kind == "rating"}


# ---- the invitation opens the conversation ---------------------------------------------------


@pytest.mark.parametrize(("lang", "reply"), [("it", "4"), ("de", "vier Sterne"), ("en", "four stars")])
def test_the_first_reply_answers_the_invitation_s_first_question(lang, reply):
    chat = Chat(opening=invited(lang))
    keys, result = chat.say(reply, "rate")
    assert keys == ["question.room"]  # no greeting: the invitation greeted; the second question
    assert chat.values == {"overall": 4}
    assert (chat.state["lang"], chat.state["lang_source"]) == (lang, "reservation")
    assert chat.state["stay"] == "s_abc" and chat.state["journey"] == "post_stay"
    assert chat.state["invitation"] == {"id": "i_abc_post_stay", "answered": 1}
    assert "started" in result.events and "invitation_answered" in result.events


def test_without_an_opening_the_same_reply_gets_the_greeting_and_the_first_question():
    chat = Chat()
    keys, _ = chat.say("4", "rate")
    assert keys == ["greeting", "question.overall"] and chat.values == {}  # the control


@pytest.mark.parametrize("reply", ["4", "ok", "vier", "ja", "oui", "merci", "danke", "👍", "5/5"])
def test_a_one_word_reply_never_flips_the_invitation_s_language(reply):
    chat = Chat(opening=invited("it"), locale="de-DE")
    chat.say(reply, None)
    assert (chat.state["lang"], chat.state["lang_source"]) == ("it", "reservation")


def test_a_long_reply_in_another_language_keeps_it_but_an_explicit_request_switches():
    chat = Chat(opening=invited("it"))
    chat.say("Das Zimmer war wirklich sehr schön und ruhig, vielen Dank", "comment")
    assert chat.state["lang"] == "it"  # the reservation's language: detection does not flip it
    keys, _ = chat.say("Deutsch bitte", "switch_language")
    assert keys == ["language.switched", "question.overall"]
    assert (chat.state["lang"], chat.state["lang_source"]) == ("de", "explicit")


def test_the_web_chat_s_opening_asks_the_first_question_and_is_not_a_reply():
    chat = Chat(opening=invited("it"), channel="webchat")
    keys, result = chat.say("/start", "start")
    assert keys == ["question.overall"] and "invitation_answered" not in result.events
    assert chat.state["invitation"]["answered"] == 0
    keys, result = chat.say("4", "rate")
    assert keys == ["question.room"] and "invitation_answered" in result.events
    _, result = chat.say("5", "rate")
    assert "invitation_answered" not in result.events  # once


def test_an_invitation_answered_elsewhere_gives_its_language_but_asks_afresh():
    chat = Chat(opening=invited("it", asked=False))
    keys, _ = chat.say("4", "rate")
    assert keys == ["greeting", "question.overall"] and chat.values == {}
    assert chat.state["lang"] == "it" and chat.state["stay"] == "s_abc"


def test_an_invitation_in_a_language_the_hotel_does_not_speak_falls_back():
    chat = Chat(opening=invited("nl"))
    chat.say("4", "rate")
    assert chat.state["lang"] == ALPENHOF.default_language and chat.values == {"overall": 4}


def test_an_existing_conversation_is_not_reopened_by_an_invitation():
    chat = Chat()
    chat.say("hallo", "greet")
    chat.opening = invited("it")
    keys, _ = chat.say("4", "rate")
    assert keys == ["question.room"] and chat.state["lang"] == "de" and "invitation" not in chat.state


# ---- review links after the survey -----------------------------------------------------------


def _complete(chat: Chat, score: str, comment: str) -> list[list[str]]:
    said = [chat.say("hallo", "greet")[0]]
    while chat.state["status"] == "active":
        question = chat.tenant.question(chat.state["asked"]) if chat.state["asked"] else None
        if chat.state["followup"] or (question is not None and question.kind == "text"):
            said.append(chat.say(comment, "comment")[0])
        else:  # the scale's lowest or highest value
            value = question.scale.low if score == "low" else question.scale.high
            said.append(chat.say(str(int(value)), "rate")[0])
    return said


def _offers(chat: Chat, said: list[list[str]]) -> list[str]:
    return [k for keys in said for k in keys if k == "review.offer"]


def test_every_guest_gets_the_same_review_offer_whatever_their_scores():
    unhappy, happy = Chat(), Chat()
    said_unhappy = _complete(unhappy, "low", "Das Zimmer war schmutzig und laut")
    said_happy = _complete(happy, "high", "Alles war wunderbar")
    assert {a.score for a in unhappy.answers if a.kind == "rating"} == {0.0}
    assert {a.score for a in happy.answers if a.kind == "rating"} == {1.0}
    assert said_unhappy[-1][-2:] == said_happy[-1] == ["closing", "review.offer"]  # after a follow-up
    offer = lambda chat: engine.step(  # noqa: E731 - the same state replayed is not re-offered
        {**chat.state, "status": "active", "asked": None, "reviews_offered": 0},
        Turn(text="ok", intent="affirm"),
        engine.Context(chat.tenant, DETECTOR, NAMES, "c"),
    ).replies[-1]
    assert offer(unhappy) == offer(happy)
    assert offer(happy).params["links"] == (
        "\nGoogle: https://www.google.com/maps/search/?api=1&query=Hotel+Alpenhof"
        "\nTripadvisor: https://www.tripadvisor.com/Search?q=Hotel+Alpenhof"
    )


def test_review_links_are_offered_once_per_conversation():
    chat = Chat()
    said = _complete(chat, "high", "gut")
    assert _offers(chat, said) == ["review.offer"]
    assert chat.state["reviews_offered"] == 1
    keys, _ = chat.say("danke", "thanks")
    assert keys == ["thanks.reply"]
    # completed again (a correction reopening it, a hand-back): not offered twice
    reopened = {**chat.state, "status": "active", "asked": None}
    result = engine.step(
        reopened, Turn(text="ok", intent="affirm"), engine.Context(chat.tenant, DETECTOR, NAMES, "c")
    )
    assert [r.key for r in result.replies] == ["closing"]


def test_no_links_configured_no_offer():
    chat = Chat("laguna")
    assert not chat.tenant.outreach.review_links
    said = _complete(chat, "high", "bene")
    assert said[-1] == ["closing"] and _offers(chat, said) == []


def test_a_stopped_survey_gets_no_offer():
    chat = Chat()
    chat.say("hallo", "greet")
    keys, _ = chat.say("stop", "stop")
    assert keys == ["stop"]


def test_the_offer_reads_well_in_every_language():
    links = engine.review_links_text(ALPENHOF.outreach.review_links)
    for lang in CATALOG.languages:
        text = CATALOG.render(lang, "review.offer", links=links)
        lines = text.split("\n")
        assert lines[1].startswith("Google: https://") and lines[2].startswith("Tripadvisor: https://")
