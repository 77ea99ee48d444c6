"""The cached action-result validation accepts and rejects exactly what Rasa's does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import channels  # noqa: F401 - applies the patch

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
    from channels.speedups import _validate_action_result

    assert RemoteAction._validate_action_result is _validate_action_result
