"""The cached action-result validation accepts and rejects exactly what Rasa's does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot.channels.base  # noqa: F401 - applies the patches

ACTION = RemoteAction("action_feedback", EndpointConfig("http://127.0.0.1:1/webhook"))

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "rapport", "value": {"lang": "de"}}],
        "responses": [{"text": "Hallo"}],
    },
    {"events": [{"event": "slot", "name": "rapport", "value": None, "timestamp": None}]},
]
BAD = [
    {"events": "nope"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "x"}]},
    {"responses": "text"},
]


@pytest.mark.parametrize("result", GOOD)
def test_valid_results_pass_as_with_plain_jsonschema(result):
    validate(result, ACTION.action_response_format_spec())
    assert ACTION._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_results_fail_as_with_plain_jsonschema(result):
    with pytest.raises(ValidationError):
        validate(result, ACTION.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        ACTION._validate_action_result(result)


def test_patch_is_applied():
    from bot.rasa.speedups import _validate_action_result

    assert RemoteAction._validate_action_result is _validate_action_result


def test_event_lookup_is_cached_and_behaves_like_rasas():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    from bot.rasa.speedups import _original_resolve_by_type, resolve_by_type

    assert Event.resolve_by_type is resolve_by_type
    for name, cls in (("user", UserUttered), ("slot", SlotSet), ("action", ActionExecuted)):
        assert resolve_by_type(name) is cls is _original_resolve_by_type(name)
    assert resolve_by_type("topic") is None
    assert resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve_by_type("no_such_event")
    events = [
        {"event": "user", "text": "hi", "parse_data": {}},
        {"event": "slot", "name": "rapport", "value": 1},
    ]
    assert [type(Event.from_parameters(e)) for e in events] == [UserUttered, SlotSet]
