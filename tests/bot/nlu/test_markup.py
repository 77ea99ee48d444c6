"""The markup filter hides tags from the classifier only: what the guest wrote reaches
the action server (a message of markup alone was stored and shown empty)."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.feedback.stages.limits import read_turn
from bot.nlu.clean import AS_WRITTEN
from bot.nlu.markup import MarkupFilter

TAGGED = "I want to talk to a person now <script>alert(1)</script>"


def parse(text: str) -> dict:
    message = Message(data={TEXT: text})
    MarkupFilter().process([message])
    return message.as_dict(only_output_properties=True)


def test_the_classifier_sees_the_text_without_markup():
    assert parse(TAGGED)[TEXT] == "I want to talk to a person now"


def test_the_action_server_gets_the_text_as_written():
    for text in (TAGGED, '<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>"):
        data = parse(text)
        assert data[AS_WRITTEN] == text
        assert read_turn({**data, "intent": {"name": "inform", "confidence": 0.9}}).text == text


def test_text_without_markup_is_untouched():
    data = parse("chambre 2, la douche était froide <3")
    assert AS_WRITTEN not in data
    assert read_turn(data).text == "chambre 2, la douche était froide <3"
