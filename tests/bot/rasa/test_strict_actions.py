"""bot/rasa/strict_actions.py: when the action server cannot run the turn's action, the
turn fails and nothing of it is saved (Rasa 3.6 would save the guest's message with no
reply, and nobody would retry it: the answer was lost)."""

from __future__ import annotations

import pytest
from aiohttp import web
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.utils.endpoints import EndpointConfig

import bot.channels.base  # noqa: F401 - applies the patches as the Rasa server does
from bot.rasa.strict_actions import ActionCallFailed
from bot.stack import PROJECT_ROOT, pick_free_port, train_if_needed


@pytest.fixture(scope="module")
def model():
    return str(train_if_needed(PROJECT_ROOT, progress=lambda m: None))


async def turn(model: str, url: str, sender: str) -> tuple[object, object]:
    agent = Agent.load(model, action_endpoint=EndpointConfig(url))
    store = agent.tracker_store
    message = UserMessage("The room was lovely, 5", CollectingOutputChannel(), sender)
    try:
        outcome = await agent.handle_message(message)
    except ActionCallFailed as e:
        outcome = e
    return outcome, await store.retrieve(sender)


def kept(tracker) -> list[str]:
    """The guest texts a saved tracker holds (a new conversation's empty tracker is
    saved when it is created, before the turn)."""
    return [e.text for e in tracker.events if getattr(e, "type_name", "") == "user"] if tracker else []


async def test_an_unreachable_action_server_fails_the_turn_and_saves_nothing(model):
    dead = f"http://127.0.0.1:{pick_free_port()}/webhook"  # nothing listens there
    outcome, tracker = await turn(model, dead, "alpenhof~strict-1")
    assert isinstance(outcome, ActionCallFailed)
    assert kept(tracker) == []  # the guest's message was not kept without its turn: a retry runs it


async def turn_against(model: str, answer: web.Response, sender: str) -> tuple[object, object]:
    """A turn whose action server (on a free port) answers every call with `answer`."""

    async def webhook(request: web.Request) -> web.Response:
        return answer

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = pick_free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        return await turn(model, f"http://127.0.0.1:{port}/webhook", sender)
    finally:
        await runner.cleanup()


async def test_an_action_server_answering_500_fails_the_turn(model):
    answer = web.Response(status=500, text="killed mid-call")
    outcome, tracker = await turn_against(model, answer, "alpenhof~strict-2")
    assert isinstance(outcome, ActionCallFailed)
    assert kept(tracker) == []


async def test_a_working_action_server_still_answers(model):
    answer = web.json_response({"events": [], "responses": [{"text": "Thanks!"}]})
    outcome, tracker = await turn_against(model, answer, "alpenhof~strict-3")
    assert outcome == [{"recipient_id": "alpenhof~strict-3", "text": "Thanks!"}]
    assert kept(tracker) == ["The room was lovely, 5"]
