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


# --- issue 14: kept-alive action connections, the graph runner, the classifier's input ---

TEXTS = [
    "Hello, I would like to give feedback",
    "4",
    "room 5, breakfast 4",
    "4, la chambre était calme mais la douche était froide",
    "Das Personal war sehr freundlich",
    "El desayuno fue escaso y caro",
    "Camera 4, un po' rumorosa la notte",
    "I want to talk to a person",
    "please delete all my data (Art. 17 GDPR)",
    "",
    "/start",
]


@pytest.fixture(scope="module")
def agent():
    """The trained model, loaded as the Rasa server loads it (trained if out of date)."""
    import asyncio

    from rasa.core.agent import Agent

    from bot.stack import PROJECT_ROOT, train_if_needed

    model = train_if_needed(PROJECT_ROOT, progress=lambda m: None)
    return asyncio.run(_load(Agent, model))


async def _load(agent_class, model):
    return agent_class.load(str(model))


def test_graph_runner_and_classifier_input_give_rasas_parse(agent, monkeypatch):
    """Every text parses to the same intent, ranking and confidences with Rasa's Dask
    runner and `_create_X` as with ours (exact float equality)."""
    import asyncio

    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    from bot.rasa import speedups

    assert DaskGraphRunner.run is speedups.run_graph
    assert LogisticRegressionClassifier._create_X is speedups._create_X

    async def parse_all():
        return [await agent.parse_message(t) for t in TEXTS]

    ours = asyncio.run(parse_all())
    monkeypatch.setattr(DaskGraphRunner, "run", _dask_run)
    monkeypatch.setattr(LogisticRegressionClassifier, "_create_X", speedups._original_create_X)
    rasas = asyncio.run(parse_all())
    assert ours == rasas
    assert {p["intent"]["name"] for p in ours} > {"rate", "comment"}  # a real model answered


def _dask_run(self, inputs=None, targets=None):
    """Rasa 3.6's DaskGraphRunner.run, as shipped."""
    import dask
    from rasa.engine.exceptions import GraphRunError

    run_targets = targets if targets else self._graph_schema.target_names
    run_graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(dask.get(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def test_policy_prediction_is_rasas(agent, monkeypatch):
    """A whole conversation's next-action predictions (the policy graph) are the same."""
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import ActionExecuted, UserUttered

    async def predictions() -> list:
        processor = agent.processor
        tracker = await processor.tracker_store.get_or_create_tracker(f"speedups-{len(out)}")
        seen = []
        for text in TEXTS[:4]:
            message = UserMessage(text, CollectingOutputChannel(), tracker.sender_id)
            parsed = await processor.parse_message(message, tracker)
            tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
            prediction = processor._predict_next_with_tracker(tracker)
            seen.append((prediction.max_confidence_index, prediction.probabilities, prediction.policy_name))
            tracker.update(ActionExecuted("action_listen"))
        return seen

    out: list = []
    out.append(asyncio.run(predictions()))
    monkeypatch.setattr(DaskGraphRunner, "run", _dask_run)
    out.append(asyncio.run(predictions()))
    assert out[0] == out[1] and len(out[0]) == 4


def test_graph_runner_errors_as_dask_does(agent):
    from rasa.engine.exceptions import GraphRunError

    runner = agent.processor.graph_runner
    name = next(iter(runner._graph_schema.nodes))
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run(inputs={"__message__": name}, targets=[name])


def test_action_endpoint_session_is_kept_and_stays_open():
    """One session per endpoint and loop, kept alive below the action server's 5 s,
    carrying the endpoint's headers; `async with` does not close it."""
    import asyncio

    from bot.rasa.speedups import KEEPALIVE_SECONDS

    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", headers={"Authorization": "Bearer x"})

    async def twice():
        async with endpoint.session() as first:
            pass
        async with endpoint.session() as second:
            pass
        assert first is second and not first.closed
        assert first.headers["Authorization"] == "Bearer x"
        assert first.connector._keepalive_timeout == KEEPALIVE_SECONDS < 5
        await first.close()
        async with endpoint.session() as third:  # a closed one is replaced
            assert third is not first and not third.closed
        await third.close()
        return first

    first = asyncio.run(twice())

    async def other_loop():
        async with endpoint.session() as s:
            assert s is not first
            await s.close()

    asyncio.run(other_loop())


def test_domain_is_empty_as_rasa_says(agent):
    from rasa.shared.core.domain import Domain

    from bot.rasa.speedups import is_empty

    assert Domain.is_empty is is_empty
    assert Domain.empty().is_empty() is True
    assert agent.domain.is_empty() is False
    assert Domain.from_dict({"intents": ["greet"]}).is_empty() is False
    assert Domain.empty().is_empty() == (Domain.empty().as_dict() == Domain.empty().as_dict())
