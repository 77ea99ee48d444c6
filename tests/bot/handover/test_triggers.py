"""Escalation triggers: every language's urgent and complaint words, negation, and the
tenant policy deciding which triggers count."""

from __future__ import annotations

import pytest

from bot.handover.triggers import escalation_reason, is_negative_complaint, is_urgent
from bot.tenants.handover_policy import HandoverPolicy

URGENT_CASES = [
    ("en", "There is water everywhere in the bathroom!"),
    ("en", "I think I smell of gas in the corridor"),
    ("en", "I'm locked out of my room"),
    ("en", "my husband fainted, we need an ambulance"),
    ("de", "Im Bad ist ein Rohrbruch, alles überschwemmt"),
    ("de", "Ich bin ausgesperrt"),
    ("de", "Es riecht nach Gas im Flur"),
    ("de", "Mein Kind ist verletzt"),
    ("fr", "Il y a une fuite dans la salle de bain"),
    ("fr", "Je suis enfermé dehors"),
    ("fr", "Il y a de la fumée dans le couloir"),
    ("es", "Hay una fuga de agua en el baño"),
    ("es", "Hay humo en el pasillo"),
    ("es", "Mi hija está herida"),
    ("it", "Il bagno è allagato"),
    ("it", "Sono rimasto fuori dalla camera"),
    ("it", "C'è odore di gas in camera"),
]

NOT_URGENT = [
    "the fireplace in the lounge was lovely",
    "ein brandneues Zimmer, toll",
    "the doctor recommended your spa",
    "la vista era fantastica",
    "4",
]

COMPLAINTS = [
    "The breakfast was terrible and cold",
    "Das Zimmer war schmutzig und laut... zu laut",
    "Le personnel était très impoli avec nous",
    "La habitación estaba sucia y olía mal",
    "Il personale è stato molto scortese",
]

NOT_COMPLAINTS = [
    "The breakfast was not bad at all",
    "Das Frühstück war nicht schlecht",
    "great stay, thank you",
    "terrible",  # one word: not a complaint sentence
]


@pytest.mark.parametrize(("lang", "text"), URGENT_CASES)
def test_urgent_problems_are_recognised_in_every_language(lang, text):
    assert is_urgent(text), (lang, text)


@pytest.mark.parametrize("text", NOT_URGENT)
def test_everyday_words_are_not_urgent(text):
    assert not is_urgent(text)


@pytest.mark.parametrize("text", COMPLAINTS)
def test_complaints_with_negative_words_are_recognised(text):
    assert is_negative_complaint(text, "comment")


@pytest.mark.parametrize("text", NOT_COMPLAINTS)
def test_negated_or_positive_or_one_word_texts_are_not_complaints(text):
    assert not is_negative_complaint(text, "comment")


def test_a_rating_is_not_a_complaint_in_words():
    assert not is_negative_complaint("breakfast was bad, 2", "rate")


DEFAULT = HandoverPolicy()


def _reason(policy=DEFAULT, text="ok", intent=None, events=(), misses=0):
    return escalation_reason(policy, text=text, intent=intent, events=events, misses=misses)


def test_each_trigger_gives_its_reason():
    assert _reason(intent="request_human") == "request"
    assert _reason(events=("low_score",)) == "low_rating"
    assert _reason(text="the room was filthy and smelly", intent="comment") == "complaint"
    assert _reason(text="there is smoke in my room") == "urgent"
    assert _reason(misses=3) == "misunderstood"
    assert _reason(misses=2) is None
    assert _reason(text="lovely stay", intent="comment") is None


def test_urgent_wins_over_other_reasons():
    assert _reason(text="fire in the room, get me a person", intent="request_human") == "urgent"


def test_the_tenant_policy_switches_triggers_off():
    policy = HandoverPolicy(triggers=frozenset({"request"}), misunderstandings=5)
    assert _reason(policy, events=("low_score",)) is None
    assert _reason(policy, text="there is smoke in my room") is None
    assert _reason(policy, misses=4) is None
    assert _reason(policy, intent="request_human") == "request"
    assert _reason(HandoverPolicy(misunderstandings=5), misses=5) == "misunderstood"
