"""bot/nlu/legal_request.py: the Rasa component around bot/nlu/legal.py, on Rasa messages
as the LogisticRegressionClassifier leaves them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.legal_request import LegalRequestClassifier

ROOT = Path(__file__).resolve().parents[3]
LETTER = (
    "Good morning. I stayed at your hotel in April. I hereby request the erasure of all personal data "
    "concerning me under Article 17 GDPR, including my phone number and my feedback. Please confirm "
    "the erasure within one month (Article 12(3) GDPR)."
)


def message(text: str, ranking: list[tuple[str, float]]) -> Message:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    msg = Message(data={"text": text})
    msg.set("intent", dict(entries[0]), add_to_output=True)
    msg.set("intent_ranking", entries, add_to_output=True)
    return msg


@pytest.fixture
def component() -> LegalRequestClassifier:
    return LegalRequestClassifier(LegalRequestClassifier.get_default_config())


def test_a_letter_gets_the_request_it_names(component):
    msg = message(LETTER, [("dsr_access", 0.55), ("dsr_erasure", 0.3), ("comment", 0.15)])
    component.process([msg])
    intent, ranking = msg.get("intent"), msg.get("intent_ranking")
    assert intent["name"] == "dsr_erasure"
    assert intent == ranking[0]
    assert intent["confidence"] >= 0.9
    assert sum(e["confidence"] for e in ranking) == pytest.approx(1.0)
    assert [e["confidence"] for e in ranking] == sorted((e["confidence"] for e in ranking), reverse=True)
    assert {e["name"] for e in ranking} == {"dsr_access", "dsr_erasure", "comment"}
    assert msg.as_dict_nlu()["intent"]["name"] == "dsr_erasure"  # what the parse result carries


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("the room was great", [("comment", 0.9), ("rate", 0.1)]),
        ("I want to talk to a person", [("request_human", 0.8), ("help", 0.2)]),
        ("5", [("rate", 0.97), ("correct", 0.03)]),
        ("Art. 15", [("rate", 0.4), ("comment", 0.3)]),
        # a strong marker, but a short text and a confident intent outside the requests
        ("Thanks for confirming my Art. 17 GDPR request!", [("thanks", 0.8), ("dsr_erasure", 0.2)]),
    ],
)
def test_other_messages_pass_unchanged(component, text, ranking):
    msg = message(text, ranking)
    before = (dict(msg.get("intent")), [dict(e) for e in msg.get("intent_ranking")])
    component.process([msg])
    assert (msg.get("intent"), msg.get("intent_ranking")) == before


def test_an_unsure_model_is_corrected_on_a_short_text(component):
    msg = message("Right to be forgotten, please.", [("stop", 0.35), ("dsr_erasure", 0.3), ("skip", 0.2)])
    component.process([msg])
    assert msg.get("intent")["name"] == "dsr_erasure"


def test_a_message_without_text_is_left_alone(component):
    msg = Message(data={"intent": {"name": "start", "confidence": 1.0}})
    component.process([msg])
    assert msg.get("intent") == {"name": "start", "confidence": 1.0}


def test_registered_as_an_untrained_intent_classifier():
    entry = DefaultV1Recipe._from_registry("bot.nlu.legal_request.LegalRequestClassifier")
    assert entry.clazz is LegalRequestClassifier
    assert entry.types == {DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER}
    assert not entry.is_trainable


def test_pipeline_runs_it_between_the_classifier_and_the_fallback():
    names = [step["name"] for step in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    here = names.index("bot.nlu.legal_request.LegalRequestClassifier")
    assert names.index("LogisticRegressionClassifier") < here < names.index("FallbackClassifier")


def test_the_log_line_names_the_decision_not_the_message(component, caplog):
    caplog.set_level(logging.DEBUG, logger="bot.nlu.legal_request")
    component.process([message(LETTER, [("comment", 0.6), ("dsr_erasure", 0.4)])])
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.nlu.legal_request"]
    assert len(lines) == 1
    assert lines[0].startswith("nlu.legal_request.intent_set ")
    assert "intent=dsr_erasure" in lines[0] and "before=comment" in lines[0]
    assert not any(word in lines[0] for word in ("April", "phone", "GDPR", "Article"))
