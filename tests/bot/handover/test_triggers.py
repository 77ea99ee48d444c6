"""Escalation triggers: every language's urgent and complaint words, negation, and the
tenant policy deciding which triggers count."""

from __future__ import annotations

import pytest

from bot.handover import triggers
from bot.handover.triggers import escalation_reason, is_negative_complaint, is_urgent, model_complaint
from bot.insights import Analysis, Mention, analyse
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


# ---- the complaint trigger: the sentiment model first, the word lists as backstop ----

MODEL_IS_PLACEHOLDER = not analyse("The breakfast was awful and the eggs were cold.", "en").topics
needs_model = pytest.mark.skipif(MODEL_IS_PLACEHOLDER, reason="bot.insights.analyse is still the placeholder")


def _analysis(polarity, *mentions):
    return Analysis(tuple(Mention(t, p, (t,)) for t, p in mentions), polarity)


def test_the_model_calls_a_negative_comment_about_a_topic_a_complaint():
    assert model_complaint(_analysis("negative", ("breakfast", "negative")))
    assert model_complaint(_analysis("mixed", ("staff", "positive"), ("room", "negative")))


def test_the_model_needs_a_concrete_topic_and_a_negative_comment():
    assert not model_complaint(_analysis("negative"))  # a bad mood, no topic
    assert not model_complaint(_analysis("positive", ("room", "positive")))
    assert not model_complaint(_analysis("neutral", ("parking", "neutral")))


def test_the_model_verdict_decides_and_a_positive_verdict_vetoes_the_word_lists(monkeypatch):
    verdict = {"v": _analysis("negative", ("bathroom", "negative"))}
    monkeypatch.setattr(triggers, "analyse", lambda text, lang: verdict["v"])
    # no list word, but the model found a complaint about a topic
    assert is_negative_complaint("There were hairs in the bathtub", None, "en")
    # a list word ("bad"), but the model found the comment positive
    verdict["v"] = _analysis("positive", ("staff", "positive"))
    assert not is_negative_complaint("Nothing bad to say, lovely staff", None, "en")
    # a list word and a neutral model (the backstop: what the model missed)
    verdict["v"] = Analysis()
    assert is_negative_complaint("The room was dirty", None, "en")
    # still: a rating, a request or under three words is never a complaint in words
    verdict["v"] = _analysis("negative", ("room", "negative"))
    assert not is_negative_complaint("room was dirty, 2", "rate", "en")
    assert not is_negative_complaint("dirty room", None, "en")


def test_the_conversation_language_reaches_the_model(monkeypatch):
    seen = []
    monkeypatch.setattr(triggers, "analyse", lambda text, lang: seen.append(lang) or Analysis())
    escalation_reason(DEFAULT, text="the room was small", intent=None, events=(), misses=0, lang="it")
    assert seen == ["it"]


def test_the_flow_passes_the_conversation_language(monkeypatch):
    from pathlib import Path

    from bot.base.turn import StepResult, Turn
    from bot.handover.flow import escalation
    from bot.i18n import Catalog
    from bot.tenants.registry import Tenants

    seen = []
    monkeypatch.setattr(triggers, "analyse", lambda text, lang: seen.append(lang) or Analysis())
    tenant = Tenants.load(Path("config/tenants.yml"), Catalog.load().languages).get("alpenhof")
    escalation(tenant, Turn("la camera era piccola", "comment"), StepResult({}, (), (), ()), "it")
    assert seen == ["it"]


# Complaints each source must catch: these pass with the word lists alone (placeholder)
# and with the model (whose verdict is OR-ed in).
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The staff at reception were rude to my wife"),
        ("de", "Das Zimmer war schmutzig und der Teppich hatte Flecken"),
        ("fr", "La chambre était sale et la douche ne marchait pas"),
        ("es", "La habitación estaba sucia y olía mal"),
        ("it", "La camera era sporca e il bagno puzzava"),
    ],
)
def test_complaints_are_recognised_with_the_model_or_the_backstop(lang, text):
    assert is_negative_complaint(text, None, lang)


# Complaints without a word of the lists: only the real model catches them.
@needs_model
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "There were hairs in the bathtub and the sheets had stains"),
        ("de", "Das Frühstück war kalt und es gab keinen Kaffee mehr"),
        ("fr", "Le wifi ne fonctionnait pas de tout le séjour"),
        ("es", "No pudimos dormir por el ruido de la discoteca de al lado"),
        ("it", "Abbiamo aspettato un'ora per il check-in, una vergogna"),
    ],
)
def test_complaints_without_list_words_are_recognised_by_the_model(lang, text):
    assert is_negative_complaint(text, None, lang)


@needs_model
def test_praise_with_a_negative_word_is_not_a_complaint_with_the_model():
    assert not is_negative_complaint("Nothing bad to say, the staff were lovely", None, "en")
