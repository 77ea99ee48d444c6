"""Stage `escalation`: whether this turn hands the conversation to staff (a trigger the
tenant's policy allows, bot/handover/flow.py `escalation`) and so what the guest is
told: the notice (with the engine's acknowledgement for a low rating or a complaint)
or the engine's replies, after a hand-back's "carrying on". The replies are rendered in
the conversation's language here. No I/O; the handover is opened after storage."""

from __future__ import annotations

from collections.abc import Callable

from bot.base.turn import Reply
from bot.feedback.pipeline import TurnContext
from bot.handover import flow


class Escalation:
    name = "escalation"

    def __init__(self, render: Callable[[str, Reply], str]) -> None:
        self.render = render

    def __call__(self, t: TurnContext) -> None:
        result, lang = t.step, t.lang
        t.escalation = flow.escalation(t.tenant, t.turn, result, lang)
        said = t.escalation.replies if t.escalation else result.replies
        t.replies = list(t.before.prefix) + list(said)
        t.texts = tuple(self.render(lang, r) for r in t.replies)
