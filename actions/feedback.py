"""`action_feedback`: every guest message goes through the feedback state machine."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from bot.base.errors import InvalidInput, StorageError, UnknownTenant
from bot.base.logs import event
from bot.base.metrics import ACTION_SECONDS
from bot.base.states import Channel

logger = logging.getLogger(__name__)

# Channels whose turns run from the durable webhook queue (bot/inbox/queue.py): a turn
# that fails there is retried with backoff, so a storage failure fails the turn
# (bot/rasa/strict_actions.py keeps nothing of it) and the guest's answer is stored on
# the retry instead of being lost when the guest does not send it again.
RETRIED_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL})


class ActionFeedback(Action):
    def name(self) -> str:
        return "action_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        service = runtime.service()
        state = tracker.get_slot("rapport")
        try:
            with ACTION_SECONDS.time():
                outcome = await service.handle(
                    tracker.sender_id,
                    tracker.latest_message or {},
                    state if isinstance(state, dict) else None,
                    history=tracker.events,
                )
        except (UnknownTenant, InvalidInput) as e:
            # Our channels never let these through; a forged or stale sender id did.
            event(logger, "feedback.turn.rejected", logging.WARNING, reason=type(e).__name__)
            return []
        except StorageError:
            # Nothing advances: the state slot is unchanged, so the guest's next try
            # is handled afresh (answers are idempotent upserts).
            event(logger, "feedback.turn.storage_failed", logging.ERROR)
            if tracker.get_latest_input_channel() in RETRIED_CHANNELS:
                raise  # the action server answers 500, the turn fails and its job is retried
            # a guest in the web chat or a REST client is there to send it again
            lang = (state or {}).get("lang", "en") if isinstance(state, dict) else "en"
            dispatcher.utter_message(text=service.catalog.render(lang, "error.temporary"))
            return []
        for text in outcome.texts:
            dispatcher.utter_message(text=text)
        return [SlotSet("rapport", outcome.state)]
