"""The action server's per-process resources (created in a server listener by
actions/server.py, or lazily when the actions run under plain `rasa run actions`)."""

from __future__ import annotations

from bot.base.settings import Settings
from bot.feedback.service import FeedbackService

_service: FeedbackService | None = None


def set_service(service: FeedbackService | None) -> None:
    global _service
    _service = service


def service() -> FeedbackService:
    global _service
    if _service is None:
        _service = FeedbackService.from_settings(Settings.from_env())
    return _service
