"""actions/feedback.py: a storage failure is answered "please send it again" where the
guest is present (web chat, REST) and fails the turn where the webhook queue retries it
(SMS, WhatsApp, e-mail): there the guest's answer is stored on the retry."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import feedback, runtime
from bot.base.errors import StorageError
from bot.i18n import Catalog


class DownService:
    catalog = Catalog.load()

    async def handle(self, *args, **kwargs):
        raise StorageError("MongoDB is restarting")


def tracker(channel: str) -> Tracker:
    latest = {"text": "4", "intent": {"name": "rate"}, "entities": []}
    events = [{"event": "user", "text": "4", "input_channel": channel, "parse_data": latest}]
    slots = {"rapport": {"lang": "de"}}
    return Tracker("alpenhof~g1", slots, latest, events, False, None, {}, "action_listen")


@pytest.fixture
def down(monkeypatch):
    monkeypatch.setattr(runtime, "service", lambda: DownService())


@pytest.mark.parametrize("channel", ["sms", "email"])
async def test_a_queued_channel_fails_the_turn_so_it_is_retried(down, channel):
    dispatcher = CollectingDispatcher()
    with pytest.raises(StorageError):
        await feedback.ActionFeedback().run(dispatcher, tracker(channel), {})
    assert dispatcher.messages == []


@pytest.mark.parametrize("channel", ["rest", "webchat"])
async def test_a_present_guest_is_asked_to_send_it_again(down, channel):
    dispatcher = CollectingDispatcher()
    assert await feedback.ActionFeedback().run(dispatcher, tracker(channel), {}) == []
    assert [m["text"] for m in dispatcher.messages] == [DownService.catalog.render("de", "error.temporary")]
