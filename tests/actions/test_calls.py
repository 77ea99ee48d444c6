"""Action calls are checked by type before rasa-sdk runs them; errors carry a code only."""

from __future__ import annotations

import pytest

from actions.calls import parse_action_call
from bot.base.errors import InvalidInput

ACTIONS = {"action_feedback"}
SECRET = "Mrs Quetzalcoatl room 12"


def call(**tracker) -> dict:
    return {
        "next_action": "action_feedback",
        "tracker": {"sender_id": "alpenhof~g1", "slots": {}, "latest_message": {}, "events": [], **tracker},
    }


def code_of(body) -> str:
    with pytest.raises(InvalidInput) as e:
        parse_action_call(body, ACTIONS)
    assert SECRET not in str(e.value)
    return e.value.code


def test_a_valid_call_passes():
    parsed = parse_action_call(call(), ACTIONS)
    assert parsed["next_action"] == "action_feedback" and parsed["domain"] == {}


@pytest.mark.parametrize("body", [[], [call()], "x", 5, None])
def test_not_an_object(body):
    assert code_of(body) == "bad_json"


@pytest.mark.parametrize("name", [None, 5, ["action_feedback"], {"a": 1}, ""])
def test_bad_action_name(name):
    assert code_of({**call(), "next_action": name}) == "bad_action"


def test_unknown_action_is_not_echoed():
    assert code_of({**call(), "next_action": SECRET}) == "unknown_action"


@pytest.mark.parametrize(
    "tracker",
    [None, [], "x", 5, {}, {"sender_id": 5}, {"sender_id": ["a"]}],
    ids=repr,
)
def test_missing_or_mistyped_tracker(tracker):
    body = call()
    if tracker is None:
        del body["tracker"]
    else:
        body["tracker"] = tracker
    assert code_of(body) == "bad_tracker"


@pytest.mark.parametrize(
    "field, value",
    [
        ("slots", []),
        ("slots", "x"),
        ("latest_message", []),
        ("latest_message", "x"),
        ("events", {}),
        ("events", "x"),
        ("events", [5]),
        ("events", [[]]),
        ("active_loop", []),
        ("followup_action", 5),
        ("latest_action_name", {}),
        ("latest_message", {"text": {SECRET: 1}}),
        ("latest_message", {"message_id": ["m1"]}),
    ],
)
def test_mistyped_tracker_fields(field, value):
    assert code_of(call(**{field: value})) == "bad_tracker"


@pytest.mark.parametrize("domain", [[], "x", 5])
def test_mistyped_domain(domain):
    assert code_of({**call(), "domain": domain}) == "bad_domain"
