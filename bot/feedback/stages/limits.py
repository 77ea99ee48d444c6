"""Stage `limits`: the message as a Turn, and who and where it is.

The text is read as the guest wrote it (`text_as_written`, before bot/nlu/markup.py
removed markup for the NLU; without the NOT_A_PAYLOAD prefix of bot/inbox/text.py).
Its length is checked against max_message_chars here, first: an over-long message is
never a data-subject request nor an answer (the engine answers `input.too_long`).
No I/O."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from bot.base.refs import conversation_id, guest_ref, split_sender
from bot.base.settings import Settings
from bot.base.states import Channel
from bot.base.turn import Turn
from bot.feedback.pipeline import TurnContext
from bot.inbox.text import as_written
from bot.language.priors import valid_hint, valid_region
from bot.nlu.clean import AS_WRITTEN
from bot.privacy.intake import runner_up
from bot.tenants.registry import Tenants


class Limits:
    name = "limits"

    def __init__(self, settings: Settings, tenants: Tenants) -> None:
        self.settings = settings
        self.tenants = tenants

    def __call__(
        self,
        sender_id: str,
        message: Mapping[str, Any],
        state: Mapping[str, Any] | None,
        first_message_id: str | None,
        history: Sequence[Mapping[str, Any]],
    ) -> TurnContext:
        """Raises InvalidInput (a malformed sender id) or UnknownTenant."""
        started = time.perf_counter()
        tenant_id, guest = split_sender(sender_id)
        tenant = self.tenants.get(tenant_id)
        turn = read_turn(message)
        key = self.settings.guest_key
        gref = guest_ref(key, tenant.id, guest)
        conv = (state or {}).get("conversation") or conversation_id(
            key, sender_id, turn.message_id or first_message_id or ""
        )
        return TurnContext(
            started=started,
            sender_id=sender_id,
            tenant=tenant,
            turn=turn,
            guest_ref=gref,
            conversation=conv,
            state=state,
            history=history,
            too_long=len(turn.text.strip()) > self.settings.max_message_chars,
        )


def read_turn(message: Mapping[str, Any]) -> Turn:
    """Rasa's latest_message (text, intent, intent_ranking, message_id, metadata) as a Turn."""
    intent = message.get("intent") or {}
    metadata = message.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        metadata = {}
    text = message.get(AS_WRITTEN)  # markup removed for NLU only (bot/nlu/markup.py)
    if not isinstance(text, str):
        text = message.get("text")
    name = intent.get("name") if isinstance(intent, Mapping) else None
    ranking = message.get("intent_ranking")
    ranking = [e for e in ranking if isinstance(e, Mapping)] if isinstance(ranking, list) else []
    return Turn(
        text=as_written(text) if isinstance(text, str) else "",
        intent=name,
        confidence=float(intent.get("confidence") or 0.0) if isinstance(intent, Mapping) else 0.0,
        runner_up=runner_up(ranking, name or ""),
        message_id=message.get("message_id"),
        channel=_str(metadata.get("channel")) or Channel.REST,
        locale=_str(metadata.get("locale")),
        reservation_language=_str(metadata.get("reservation_language")),
        # weak language priors (the channels put them; junk is dropped, not trusted)
        phone_region=valid_region(metadata.get("phone_region")),
        language_hint=valid_hint(metadata.get("language_hint")),
    )


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and 0 < len(v) <= 64 else None
